import type { ApiClient } from '../api/client';
import { isSettled, type MediaView } from '../api/types';
import { followItem } from '../live/follow';
import type { LiveUpdates } from '../live/live-status';
import { MESSAGES, describe } from './messages';
import type { Job } from './state';

/** What watching an uploaded item needs from the queue that owns the job. */
export interface WatchContext {
  readonly api: Pick<ApiClient, 'getMedia'>;
  /** The page's event stream: while it is live the item's changes come from there, with no request. */
  readonly live: LiveUpdates | undefined;
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

/** Reads in a row that may fail before the watch gives up. */
const MAX_MISSES = 5;

/**
 * Follows the item until it settles, so the tray and the grid show live status: over the page's
 * event stream where there is one (no request of its own), else by polling the item.
 */
export async function watch(context: WatchContext, job: Job): Promise<void> {
  const entry = job.entry;
  const id = entry.mediaId;
  if (!id) return;
  Object.assign(entry, { phase: 'processing', loaded: entry.size });
  context.emit();
  let misses = 0;
  // Dismissing the entry aborts its controllers: that ends the watch too.
  const ended = new AbortController();
  job.controllers.add(ended);
  const deadline = setTimeout(() => {
    if (ended.signal.aborted) return;
    Object.assign(entry, { message: MESSAGES.stillProcessing });
    context.emit();
    ended.abort();
  }, context.pollTimeoutMs);
  try {
    await followItem(context.live, id, {
      read: async (signal) => {
        if (!context.isListed(job)) {
          ended.abort();
          throw new DOMException('dismissed', 'AbortError');
        }
        return context.api.getMedia(id, signal);
      },
      changing: (item) => !isSettled(item.status),
      pollMs: context.pollIntervalMs,
      sleep: context.sleep,
      signal: ended.signal,
      onView: (item) => {
        if (!context.isListed(job)) return 'stop';
        misses = 0;
        entry.item = item;
        context.onItem?.(item);
        if (!isSettled(item.status)) {
          context.emit();
          return undefined;
        }
        if (item.status === 'ready') Object.assign(entry, { phase: 'ready', message: null });
        else if (item.status === 'flagged') Object.assign(entry, { phase: 'flagged', message: MESSAGES.flagged });
        else if (item.failure?.code === 'duplicate') Object.assign(entry, { phase: 'duplicate', message: MESSAGES.duplicate });
        else Object.assign(entry, { phase: 'failed', retryable: false, message: item.failure?.reason ?? 'Processing failed.' });
        context.emit();
        return 'stop';
      },
      onGone: () => {
        if (context.isListed(job)) context.fail(job, 'This item was deleted while it was processed.', false);
      },
      onReadError: (error) => {
        if (ended.signal.aborted) return 'stop';
        misses += 1;
        if (misses < MAX_MISSES) return undefined;
        context.fail(job, `Lost track of this upload: ${describe(error)}`, false);
        return 'stop';
      },
    });
  } finally {
    clearTimeout(deadline);
    job.controllers.delete(ended);
  }
}
