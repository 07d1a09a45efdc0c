import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renditionPrefix } from '@mediaflow/domain';
import type { VideoStepDeps } from '../context.js';
import { failOrRethrow, type JobOptions } from '../jobs/failure.js';
import { begin, finishLatest, NOTHING_TO_DO, type ProcessOutcome } from '../jobs/lifecycle.js';
import { withLocalOriginal } from '../jobs/local-original.js';
import { ProgressWriter } from '../jobs/progress.js';
import { renderStill, storeRenditions } from '../jobs/renditions.js';

/**
 * The video step (DESIGN.md lifecycle step 4): the original is copied to local disk, probed and
 * transcoded (HLS ladder, MP4 preview, poster, thumbnails) with progress on the item; the outputs
 * are stored, the poster is rendered like a photo for the grid, then `ready` and `media.processed`.
 * Content the pipeline refuses fails the item with the reason (`isFileFault`); anything else,
 * including a shutdown, is thrown so the queue retries it. The cloud's twin is `submitVideoJob`.
 *
 * @example
 * await processVideo(deps, 'alice', mediaId, { signal: shutdown.signal });
 */
export async function processVideo(deps: VideoStepDeps, ownerId: string, id: string, options: JobOptions = {}): Promise<ProcessOutcome> {
  const item = await begin(deps, ownerId, id);
  if (!item) return NOTHING_TO_DO;
  const progress = new ProgressWriter(deps, item);
  const job = { stage: 'video', limitSeconds: deps.config.videoTimeLimitSeconds, signal: options.signal };
  try {
    return await withLocalOriginal(deps, item, job, async (input, dir, signal) => {
      const facts = await deps.video.probe(input, signal);
      const result = await deps.video.transcode({ input, outputPrefix: join(dir, 'out'), facts, onProgress: progress.report, signal });
      await progress.stop();
      // A retry may find renditions of a previous attempt: start from a clean prefix.
      await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
      const renditions = await storeRenditions(deps, item, result.files);
      const poster = result.files.find((file) => file.name === 'poster');
      const still = poster ? await renderStill(deps, item, poster.body ?? (await readFile(poster.path))) : { renditions: [] };
      return finishLatest(deps, item, () => ({
        facts,
        renditions: [...renditions, ...still.renditions],
        ...(still.placeholder ? { placeholder: still.placeholder } : {}),
      }));
    });
  } catch (error) {
    await progress.stop();
    return failOrRethrow(deps, item, error, 'video', options);
  }
}
