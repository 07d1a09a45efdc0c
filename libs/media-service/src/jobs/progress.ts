import { ConflictError, reviseItem, type MediaItem, type TranscodeProgress } from '@mediaflow/domain';
import type { CoreDeps } from '../context.js';

/**
 * Writes a running transcode's progress onto its item so the gallery can show it. Each write is a
 * conditional repository update, so they are throttled: at most one per interval, and only after
 * the job advanced by the step (at most 1/step writes per job). Progress is advisory: a write that
 * loses a race adopts the stored version, and one that fails stops the reporting, never the job.
 */
export class ProgressWriter {
  private current: MediaItem;
  private lastFraction = 0;
  private lastAt: number;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  private stopped = false;

  constructor(
    private readonly deps: CoreDeps,
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
    try {
      this.current = await this.deps.repo.update(reviseItem(this.current, new Date(now), { progress: fraction }), this.current.version);
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
