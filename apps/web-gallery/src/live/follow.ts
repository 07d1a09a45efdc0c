import type { MediaView } from '../api/types';
import type { LiveUpdates } from './live-status';

export interface FollowOptions {
  /** Reads the item from the API (`GET /api/v1/media/{id}`). */
  read: (signal: AbortSignal) => Promise<MediaView>;
  /** Each view of the item that is not older than the last one; `'stop'` ends the following. */
  onView: (view: MediaView) => void | 'stop';
  /** The item is gone for good (the following ends). */
  onGone?: () => void;
  /** A read failed; `'stop'` ends the following. */
  onReadError?: (error: unknown) => void | 'stop';
  /** Whether the item still changes by itself (it is being processed): without a stream, polling goes on. */
  changing: (view: MediaView) => boolean;
  /** Between reads while there is no stream. */
  pollMs: number;
  /** Read at once (default: only when the stream is not live; when it is, its events are enough). */
  readFirst?: boolean;
  /** Waits `ms` (default `setTimeout`). */
  sleep?: (ms: number) => Promise<void>;
  /** Ends the following when it aborts. */
  signal?: AbortSignal;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `view` may replace `last`: never an older state over a newer one (a slow read after an event). */
function notOlder(view: MediaView, last: MediaView | undefined): boolean {
  return last === undefined || view.updatedAt >= last.updatedAt;
}

/**
 * Follows one item: over the page's event stream while it is live, with no request of its own;
 * by reading it every `pollMs` while the stream is down (the cloud, a failure) and the item still
 * changes; and by one read whenever the stream says what is shown may be out of date. Resolves
 * once the following ends (`onView` or `onReadError` said stop, the item is gone, `signal` aborted).
 *
 * @example
 * await followItem(live, id, { read: (s) => api.getMedia(id, s), onView: show, changing: (v) => !isSettled(v.status), pollMs: 2000 });
 */
export async function followItem(live: LiveUpdates | undefined, id: string, options: FollowOptions): Promise<void> {
  const sleep = options.sleep ?? defaultSleep;
  const reads = new AbortController();
  const isLive = () => live?.state === 'live';
  let stopped = false;
  let last: MediaView | undefined;
  let readNow = options.readFirst ?? !isLive();
  let wake: (() => void) | undefined;
  const poke = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    reads.abort();
    poke();
  };
  // What the read of this item answers is this item's; of the stream's events, only its own are.
  const offer = (view: MediaView) => {
    if (stopped || !notOlder(view, last)) return;
    last = view;
    if (options.onView(view) === 'stop') stop();
  };

  options.signal?.addEventListener('abort', stop);
  if (options.signal?.aborted) stop();
  const unsubscribe =
    live?.subscribe({
      item: (view) => {
        if (view.id === id) offer(view);
      },
      removed: (gone) => {
        if (gone !== id || stopped) return;
        stop();
        options.onGone?.();
      },
      resync: () => {
        readNow = true;
        poke();
      },
      state: poke,
    }) ?? (() => undefined);
  try {
    const known = live?.latest(id);
    if (known !== undefined) offer(known);
    while (!stopped) {
      if (readNow) {
        readNow = false;
        try {
          offer(await options.read(reads.signal));
        } catch (error) {
          if (!stopped && options.onReadError?.(error) === 'stop') stop();
        }
        continue;
      }
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      if (isLive() || (last !== undefined && !options.changing(last))) {
        // Events bring what changes; a settled item without a stream has nothing to poll for.
        await woken;
        continue;
      }
      await Promise.race([sleep(options.pollMs), woken]);
      if (!stopped && !isLive()) readNow = true;
    }
  } finally {
    wake = undefined;
    unsubscribe();
    options.signal?.removeEventListener('abort', stop);
  }
}
