import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TimeoutError, type MediaItem } from '@mediaflow/domain';
import type { LocalJobDeps } from '../context.js';
import { OriginalCheck } from './original.js';

/**
 * Runs a job that needs the original as a local file (ffmpeg seeks in its input, an MP4 with
 * its index at the end above all, and a stream cannot be sought): the original is streamed into a
 * fresh directory under the scratch directory, `work` gets its path, that directory and a signal
 * that fires on shutdown or at the time limit. The directory is removed whatever happens. The bytes
 * are hashed on the way to disk: an original changed since ingest throws `OriginalChangedError`
 * before `work` runs. Running past the limit throws `TimeoutError` (see `isFileFault`); a shutdown
 * rethrows the abort so the job is retried.
 */
export async function withLocalOriginal<T>(
  deps: LocalJobDeps,
  item: MediaItem,
  job: { stage: string; limitSeconds: number; signal?: AbortSignal | undefined },
  work: (input: string, dir: string, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const root = deps.scratchDir ?? tmpdir();
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, `${job.stage}-${item.id}-`));
  const limit = AbortSignal.timeout(job.limitSeconds * 1000);
  const signal = job.signal ? AbortSignal.any([job.signal, limit]) : limit;
  try {
    const input = join(dir, 'original');
    const { body } = await deps.store.get(item.original.key);
    const check = new OriginalCheck(item);
    const hashed = async function* (source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
      for await (const chunk of source) {
        check.update(chunk);
        yield chunk;
      }
    };
    await pipeline(body, hashed, createWriteStream(input, { flags: 'wx', mode: 0o644 }), { signal });
    check.verify();
    return await work(input, dir, signal);
  } catch (error) {
    if (limit.aborted && !job.signal?.aborted) {
      throw new TimeoutError(`${job.stage} processing took longer than ${job.limitSeconds} s`, { cause: error });
    }
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
