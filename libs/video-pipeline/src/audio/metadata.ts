import { CorruptMediaError, TimeoutError } from '@mediaflow/domain';
import { parseFile } from 'music-metadata';
import { pickCover, tagsFromCommon } from './tags.js';
import type { AudioMetadata } from './types.js';

export interface ReadMetadataOptions {
  /** Largest cover kept. */
  maxCoverBytes: number;
  /** The parser runs in this process and cannot be killed: past this, its result is ignored. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Reads title, artist, album, genre, year and the cover art of a local audio file with
 * music-metadata. It reads tags only: the duration comes from ffprobe, so the whole file is not
 * scanned. Call it on files the probe has accepted, so that it never sees a playlist or a stream
 * description.
 *
 * @throws CorruptMediaError when the tags cannot be parsed; TimeoutError; the abort reason.
 * @example
 * const { tags, cover } = await readAudioMetadata('/tmp/song.mp3', { maxCoverBytes: 10 << 20, timeoutMs: 10_000 });
 */
export async function readAudioMetadata(path: string, options: ReadMetadataOptions): Promise<AudioMetadata> {
  const parsing = parseFile(path, { duration: false, skipCovers: false, skipPostHeaders: false }).then(
    (metadata) => ({ tags: tagsFromCommon(metadata.common), cover: pickCover(metadata.common.picture, options.maxCoverBytes) }),
    (cause: unknown) => {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new CorruptMediaError(`reading the tags failed: ${reason}`, { cause });
    },
  );
  return race(parsing, options);
}

function race<T>(work: Promise<T>, options: ReadMetadataOptions): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(new TimeoutError(`reading the tags exceeded its time limit of ${timeoutMs} ms`, { details: { limitMs: timeoutMs } }));
    }, timeoutMs);
    const onAbort = (): void => {
      finish();
      reject(abortReason(signal));
    };
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('reading the tags was aborted');
  error.name = 'AbortError';
  return error;
}
