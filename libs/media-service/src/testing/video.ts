import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptMediaError, type ImageProcessor, type MediaFacts, type RenderedFile, type VideoTranscodeRequest, type VideoTranscoder } from '@mediaflow/domain';
import type { ManualClock } from '@mediaflow/domain/testing';

/** The bytes of a test "movie": an MP4 signature and nothing a real tool could read. */
export const FAKE_MOVIE = Buffer.from('\x00\x00\x00\x20ftypisom fake movie bytes');
/** What {@link ScriptedTranscoder} reports probing {@link FAKE_MOVIE}. */
export const FAKE_MOVIE_FACTS: MediaFacts = { container: 'mp4', width: 320, height: 240, durationSeconds: 3, videoCodec: 'h264' };

export type ScriptedBehaviour = 'ok' | 'corrupt' | 'crash' | 'hang';

/**
 * Stands in for ffmpeg: checks it was given {@link FAKE_MOVIE} on disk, reports progress as a real
 * transcode does (many small steps while the clock, when given, moves on), and writes a one-rung
 * ladder, a preview and a poster as files.
 */
export class ScriptedTranscoder implements VideoTranscoder {
  readonly inputs: string[] = [];
  transcoded = 0;

  constructor(
    private readonly clock?: ManualClock,
    private readonly behaviour: ScriptedBehaviour = 'ok',
    private readonly during?: () => Promise<void>,
  ) {}

  async probe(input: string): Promise<MediaFacts> {
    this.inputs.push(input);
    if (!(await readFile(input)).equals(FAKE_MOVIE)) throw new Error(`${input} does not hold the original's bytes`);
    if (this.behaviour === 'corrupt') throw new CorruptMediaError('moov atom not found');
    return FAKE_MOVIE_FACTS;
  }

  async transcode(request: VideoTranscodeRequest): Promise<{ files: RenderedFile[] }> {
    this.transcoded += 1;
    if (this.behaviour === 'crash') throw new Error('ffmpeg was killed (SIGKILL)');
    if (this.behaviour === 'hang') {
      await new Promise((_resolve, reject) => {
        if (request.signal?.aborted) reject(request.signal.reason);
        request.signal?.addEventListener('abort', () => reject(request.signal?.reason));
      });
    }
    for (let step = 1; step <= 100; step += 1) {
      this.clock?.advance(100);
      request.onProgress?.({ fraction: step / 100 });
      // Lets a progress write in flight complete, as the event loop would between ffmpeg's reports.
      await new Promise((r) => setImmediate(r));
    }
    await this.during?.();
    const dir = request.outputPrefix;
    await mkdir(join(dir, 'hls'), { recursive: true });
    const file = async (name: string, bytes: string) => {
      await writeFile(join(dir, name), bytes);
      return join(dir, name);
    };
    return {
      files: [
        { name: 'hls/master', format: 'm3u8', contentType: 'application/vnd.apple.mpegurl', path: await file('hls/master.m3u8', '#EXTM3U\n240p.m3u8\n') },
        { name: 'hls/240p', format: 'm3u8', contentType: 'application/vnd.apple.mpegurl', width: 320, height: 240, bitrate: 400_000, path: await file('hls/240p.m3u8', '#EXTM3U\n240p_00001.ts\n') },
        { name: 'hls/240p_00001', format: 'ts', contentType: 'video/mp2t', listed: false, path: await file('hls/240p_00001.ts', 'segment') },
        { name: 'preview', format: 'mp4', contentType: 'video/mp4', width: 320, height: 240, durationSeconds: 3, path: await file('preview.mp4', 'mp4') },
        { name: 'poster', format: 'jpeg', contentType: 'image/jpeg', width: 320, height: 240, path: await file('poster.jpg', 'poster-jpeg') },
      ],
    };
  }
}

/** The poster goes through the image pipeline: renditions named like a photo's, and a placeholder. */
export const posterStills: ImageProcessor = {
  async inspect() {
    return { facts: {}, mime: 'image/jpeg' };
  },
  async render(input) {
    if (Buffer.from(input).toString() !== 'poster-jpeg') throw new Error('the stills were given something other than the poster');
    return { files: [{ name: 'thumb', format: 'webp', contentType: 'image/webp', body: input, width: 256, height: 192 }], placeholder: { thumbhash: 'abc' } };
  },
};
