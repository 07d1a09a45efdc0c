import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renditionPrefix, reviseItem, type MediaFacts, type MediaItem } from '@mediaflow/domain';
import type { CloudVideoDeps, VideoStepDeps } from '../context.js';
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
 * including a shutdown, is thrown so the queue retries it. The cloud's twin is `processCloudVideo`.
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
      return await transcodeHere(deps, item, { input, dir, signal, facts, progress });
    });
  } catch (error) {
    await progress.stop();
    return failOrRethrow(deps, item, error, 'video', options);
  }
}

export type CloudVideoOutcome =
  | (ProcessOutcome & { where?: 'here'; reason?: string })
  | { outcome: 'submitted'; item: MediaItem; jobId: string; where: 'job'; reason: string };

/**
 * The cloud video step (the video function): the original is copied to the function's disk and
 * probed under the pipeline's allow-lists (refused or over-limit content fails here, before any
 * transcode is paid for); then `placeVideo` decides from the probed facts. A video that finishes
 * well within the job's time is transcoded here with ffmpeg, exactly as `processVideo` does
 * locally; a longer or heavier one (or every one, when the stage says so) goes to a transcoding
 * service's job (`jobs`, MediaConvert) whose state changes settle the item (`applyVideoJobUpdate`).
 *
 * @example
 * await processCloudVideo({ ...deps, video: ffmpeg, jobs: mediaConvert, placeVideo }, 'alice', mediaId);
 */
export async function processCloudVideo(deps: CloudVideoDeps, ownerId: string, id: string, options: JobOptions = {}): Promise<CloudVideoOutcome> {
  const item = await begin(deps, ownerId, id);
  if (!item) return NOTHING_TO_DO;
  const progress = new ProgressWriter(deps, item);
  const job = { stage: 'video', limitSeconds: deps.config.videoTimeLimitSeconds, signal: options.signal };
  try {
    return await withLocalOriginal(deps, item, job, async (input, dir, signal): Promise<CloudVideoOutcome> => {
      const facts = await deps.video.probe(input, signal);
      const placement = deps.placeVideo(facts, { bytes: (await stat(input)).size });
      if (placement.where === 'here') {
        return { ...(await transcodeHere(deps, item, { input, dir, signal, facts, progress })), where: 'here', reason: placement.reason };
      }
      const probed = await deps.repo.update(reviseItem(item, deps.clock.now(), { facts }), item.version);
      const prefix = renditionPrefix(item.ownerId, item.id);
      // A retry may find outputs of an earlier attempt: the job's completion lists this prefix, so it starts clean.
      await deps.store.deleteByPrefix(prefix);
      const { jobId } = await deps.jobs.submit({ input: item.original.key, outputPrefix: prefix, facts, signal });
      return { outcome: 'submitted', item: probed, jobId, where: 'job', reason: placement.reason };
    });
  } catch (error) {
    await progress.stop();
    return failOrRethrow(deps, item, error, 'video', options);
  }
}

interface LocalTranscode {
  input: string;
  dir: string;
  signal: AbortSignal;
  facts: MediaFacts;
  progress: ProgressWriter;
}

/** The ladder of a probed local copy made here, stored under the item's prefix, and the item finished. */
async function transcodeHere(deps: VideoStepDeps, item: MediaItem, job: LocalTranscode): Promise<ProcessOutcome> {
  const { input, dir, signal, facts, progress } = job;
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
}
