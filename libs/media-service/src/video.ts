import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, renditionPrefix, type MediaItem, type TranscodeProgress } from '@mediaflow/domain';
import type { ServiceDeps } from './context.js';
import {
  begin,
  failOrRethrow,
  finishLatest,
  type JobOptions,
  type ProcessOutcome,
  renderStill,
  storeRenditions,
  withLocalOriginal,
} from './processing.js';

/**
 * Writes a running transcode's progress onto its item so the gallery can show it. Each write is a
 * conditional repository update, so they are throttled: at most one per interval, and only after
 * the job advanced by the step (at most 1/step writes per job). Progress is advisory: a write that
 * loses a race adopts the stored version, and one that fails stops the reporting, never the job.
 */
class ProgressWriter {
  private current: MediaItem;
  private lastFraction = 0;
  private lastAt: number;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  private stopped = false;

  constructor(
    private readonly deps: ServiceDeps,
    item: MediaItem,
  ) {
    this.current = item;
    this.lastAt = deps.clock.now().getTime();
  }

  /** For `onProgress`: synchronous, never throws; the write runs in the background. */
  readonly report = (progress: TranscodeProgress): void => {
    if (this.stopped || this.busy) return;
    const fraction = Math.min(1, Math.max(0, progress.fraction));
    const now = this.deps.clock.now().getTime();
    if (fraction - this.lastFraction < this.deps.config.progressStep) return;
    if (now - this.lastAt < this.deps.config.progressIntervalSeconds * 1000) return;
    this.busy = true;
    this.lastFraction = fraction;
    this.lastAt = now;
    this.writing = this.write(fraction, now).finally(() => {
      this.busy = false;
    });
  };

  /** Stops reporting and waits for a write in flight, so that it cannot race the final write. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.writing;
  }

  private async write(fraction: number, now: number): Promise<void> {
    const next: MediaItem = { ...this.current, progress: fraction, version: this.current.version + 1, updatedAt: new Date(now).toISOString() };
    try {
      this.current = await this.deps.repo.update(next, this.current.version);
    } catch (error) {
      if (!(error instanceof ConflictError)) {
        // The final write reports a repository that is really down; progress only stops here.
        this.stopped = true;
        return;
      }
      const fresh = await this.deps.repo.get(this.current.ownerId, this.current.id).catch(() => undefined);
      if (fresh?.status === 'processing') this.current = fresh;
      else this.stopped = true;
    }
  }
}

/**
 * The video step (DESIGN.md lifecycle step 4): the original is copied to local disk, probed and
 * transcoded (HLS ladder, MP4 preview, poster, thumbnails) with progress on the item; the outputs
 * are stored, the poster is rendered like a photo for the grid, then `ready` and `media.processed`.
 * Content the pipeline refuses (corrupt, unsupported, over a limit, over the time limit) fails the
 * item with the reason; anything else, including a shutdown, is thrown so the queue retries it.
 *
 * @example
 * await processVideo(deps, 'alice', mediaId, { signal: shutdown.signal });
 */
export async function processVideo(deps: ServiceDeps, ownerId: string, id: string, options: JobOptions = {}): Promise<ProcessOutcome> {
  const video = deps.video;
  if (!video) throw new Error('no video transcoder is configured');
  const item = await begin(deps, ownerId, id);
  if (!item) return { outcome: 'ignored', reason: 'item is settled or gone' };
  const progress = new ProgressWriter(deps, item);
  const job = { stage: 'video', limitSeconds: deps.config.videoTimeLimitSeconds, signal: options.signal };
  try {
    return await withLocalOriginal(deps, item, job, async (input, dir, signal) => {
      const facts = await video.probe(input, signal);
      const result = await video.transcode({ input, outputPrefix: join(dir, 'out'), facts, onProgress: progress.report, signal });
      await progress.stop();
      // Cloud transcoders finish later, and their completion handler stores the outputs.
      if (!('files' in result)) throw new Error(`the transcoder started job ${result.jobId}; processVideo needs a transcoder that returns files`);
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
    return failOrRethrow(deps, item, error, 'video', options.signal);
  }
}
