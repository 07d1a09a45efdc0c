/**
 * Time for the messaging services. Visibility timeouts, delays, long polls, batching windows and
 * retry backoff all read and wait through one clock, so a test can move time forward by hand
 * instead of sleeping.
 */
export interface MessagingClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` (at once for `ms <= 0`), or early, without rejecting, when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: MessagingClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || signal?.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told to: sleepers whose time has come wake on `advance`. Tests inject
 * it so a 120 s visibility timeout takes no time at all.
 *
 * @example
 * const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
 * clock.advance(120_000); // every sleep of 120 s or less resolves
 */
export class ManualClock implements MessagingClock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(start = Date.parse('2026-06-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        wakeAt: this.current + ms,
        resolve: () => {
          signal?.removeEventListener('abort', sleeper.resolve);
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.resolve, { once: true });
    });
  }

  /** Moves time forward and wakes every sleeper that is due. */
  advance(ms: number): void {
    this.current += ms;
    for (const sleeper of this.sleepers.filter((s) => s.wakeAt <= this.current)) sleeper.resolve();
  }

  /** How many sleeps are pending (a test can wait for a poller to settle into its long poll). */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }
}

/**
 * Wakes whoever waits for the messaging state to change (a message enqueued, a batch finished), so
 * long polls and `idle()` do not need to poll on a timer.
 */
export class ChangeSignal {
  private waiters: Array<() => void> = [];

  /** Resolves at the next `notify`, or when `signal` aborts. */
  next(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', wake);
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve();
      };
      this.waiters.push(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

/**
 * Waits until `signal` notifies, `ms` pass on `clock`, or `abort` fires, whichever is first, then
 * cancels the others so no timer or listener is left behind.
 */
export async function waitForChange(clock: MessagingClock, change: ChangeSignal, ms: number, abort?: AbortSignal): Promise<void> {
  const local = new AbortController();
  const onAbort = (): void => local.abort();
  abort?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([change.next(local.signal), clock.sleep(ms, local.signal)]);
  } finally {
    abort?.removeEventListener('abort', onAbort);
    local.abort();
  }
}
