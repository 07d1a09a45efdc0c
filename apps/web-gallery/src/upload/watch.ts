import type { ApiClient } from '../api/client';
import { isSettled, type MediaView } from '../api/types';
import { MESSAGES, describe } from './messages';
import type { Job } from './state';

/** What watching an uploaded item needs from the queue that owns the job. */
export interface WatchContext {
  readonly api: Pick<ApiClient, 'getMedia'>;
  readonly onItem: ((item: MediaView) => void) | undefined;
  readonly pollIntervalMs: number;
  /** Gives up watching an item after this long (it keeps processing on the server). */
  readonly pollTimeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** False once the entry is dismissed, which ends the watch. */
  readonly isListed: (job: Job) => boolean;
  /** Tells the queue's listeners that an entry changed. */
  readonly emit: () => void;
  readonly fail: (job: Job, message: string, retryable: boolean) => void;
}

/** Polls the item until it settles, so the tray and the grid show live status. */
export async function watch(context: WatchContext, job: Job): Promise<void> {
  const entry = job.entry;
  const id = entry.mediaId;
  if (!id) return;
  Object.assign(entry, { phase: 'processing', loaded: entry.size });
  context.emit();
  const deadline = Date.now() + context.pollTimeoutMs;
  let misses = 0;
  while (context.isListed(job)) {
    try {
      const item = await context.api.getMedia(id);
      misses = 0;
      entry.item = item;
      context.onItem?.(item);
      if (isSettled(item.status)) {
        if (item.status === 'ready') Object.assign(entry, { phase: 'ready', message: null });
        else if (item.status === 'flagged') Object.assign(entry, { phase: 'flagged', message: MESSAGES.flagged });
        else if (item.failure?.code === 'duplicate') Object.assign(entry, { phase: 'duplicate', message: MESSAGES.duplicate });
        else Object.assign(entry, { phase: 'failed', retryable: false, message: item.failure?.reason ?? 'Processing failed.' });
        context.emit();
        return;
      }
      context.emit();
    } catch (error) {
      misses += 1;
      if (misses >= 5) {
        context.fail(job, `Lost track of this upload: ${describe(error)}`, false);
        return;
      }
    }
    if (Date.now() > deadline) {
      Object.assign(entry, { message: MESSAGES.stillProcessing });
      context.emit();
      return;
    }
    await context.sleep(context.pollIntervalMs);
  }
}
