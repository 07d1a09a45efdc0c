import type { ChangeSignal } from './clock.js';

/**
 * Counts work the messaging services started and have not finished (a Lambda subscriber being
 * invoked, an EventBridge target being retried, a batch being handled), so `idle()` knows the stage
 * has settled only when none is left.
 */
export class Activity {
  private count = 0;

  constructor(private readonly changes: ChangeSignal) {}

  get pending(): number {
    return this.count;
  }

  /** Counts `work` until it settles; a rejection is passed on to whoever awaits the result. */
  track<T>(work: Promise<T>): Promise<T> {
    this.count += 1;
    return work.finally(() => {
      this.count -= 1;
      this.changes.notify();
    });
  }
}
