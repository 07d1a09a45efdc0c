import type { MessageQueue } from '@mediaflow/domain';
import { sweepOrphans, type ServiceDeps, type SweeperDeps, type SweepReport } from '@mediaflow/media-service';
import type { FsObjectStore } from '@mediaflow/storage/fs';

/**
 * The sweeper's hooks on the local stack: an original that arrived goes back to the ingest queue
 * (the local stand-in for S3's "object created" event), and the filesystem store clears its own
 * temp files and abandoned multipart uploads. The parts of a multipart upload are temp files: they
 * are kept at least for the resume window and the last part URL's lifetime, however short the age
 * asked for, so an upload that may still be resumed keeps its parts.
 */
export function localSweeperDeps(deps: ServiceDeps, store: FsObjectStore, ingest: MessageQueue): SweeperDeps {
  const resumable = deps.config.uploadResumeWindowSeconds + deps.config.uploadPartUrlTtlSeconds;
  return {
    ...deps,
    resumeIngest: async (head) => {
      await ingest.send(JSON.stringify({ key: head.key, size: head.size }));
    },
    sweepTemporaryFiles: (olderThanSeconds) => store.sweepTemporaryFiles(Math.max(olderThanSeconds, resumable)),
  };
}

/** Whether a report says that anything was (or would be) changed. */
export function sweptAnything(report: SweepReport): boolean {
  return (
    report.orphanObjects + report.unreferencedRenditions + report.resumedUploads + report.abandonedUploads + report.finishedDeletes + report.purgedFromTrash + (report.temporaryFiles ?? 0) >
    0
  );
}

export interface SweepingOptions {
  /** Between two runs; 0 runs once, at start-up. */
  intervalSeconds: number;
  /** Objects younger than this are left alone. */
  graceSeconds: number;
}

export interface Sweeping {
  /** Cancels the next runs and stops the one in progress between two of its steps. */
  stop(): Promise<void>;
}

/**
 * Runs the sweeper now and then every interval, one run at a time, in the background: a large
 * data directory takes a while to walk, and the server answers meanwhile. A failed run is logged
 * and tried again at the next tick, never fatal to the server.
 *
 * The first run follows a start, possibly after a crash: nothing is in flight yet, so an upload
 * whose bytes arrived without reaching ingest is resumed at once instead of after the grace period.
 */
export function startSweeping(deps: SweeperDeps, options: SweepingOptions, log: (entry: Record<string, unknown>) => void): Sweeping {
  const shutdown = new AbortController();
  let running: Promise<void> | undefined;
  const run = (atStart: boolean): void => {
    if (running) return;
    running = sweepOrphans(deps, {
      olderThanSeconds: options.graceSeconds,
      signal: shutdown.signal,
      ...(atStart ? { resumeAfterSeconds: 0 } : {}),
    })
      .then((report) => {
        if (sweptAnything(report)) log({ level: 'info', msg: 'swept the data directory', ...report });
      })
      .catch((error: unknown) => {
        if (!shutdown.signal.aborted) log({ level: 'error', msg: 'sweep failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      })
      .finally(() => {
        running = undefined;
      });
  };
  run(true);
  const timer = options.intervalSeconds > 0 ? setInterval(() => run(false), options.intervalSeconds * 1000) : undefined;
  // The schedule alone must not keep the process alive.
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      shutdown.abort(new Error('the server is stopping'));
      await running;
    },
  };
}
