import { TimeoutError } from '@mediaflow/domain';

/**
 * A wall-clock budget shared by the steps of one job. libvips stops a pipeline when its own
 * `timeout` runs out, but not every step is a libvips pipeline (the EXIF parser, the HEIC decoder), and a
 * stuck step must still release the caller: `run` races each step against what is left, and a step
 * that can be stopped (the HEIC decoder's worker thread) listens to `signal`.
 */
export class Deadline {
  private readonly endsAt: number;
  private controller: AbortController | undefined;

  constructor(
    readonly budgetMs: number,
    private readonly what = 'image job',
    private readonly now: () => number = Date.now,
  ) {
    this.endsAt = now() + budgetMs;
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.endsAt - this.now());
  }

  /** Whole seconds left for libvips' `timeout` option (at least 1: 0 would mean "no limit"). */
  remainingSeconds(): number {
    return Math.max(1, Math.ceil(this.remainingMs() / 1000));
  }

  /**
   * Aborts, with this deadline's `TimeoutError` as its reason, when the budget runs out: for steps
   * that are stopped rather than only left behind. Made on first use.
   */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      const remaining = this.remainingMs();
      if (remaining <= 0) controller.abort(this.timeoutError());
      // Unreferenced: a job that finished early must not keep the process alive until then.
      else setTimeout(() => controller.abort(this.timeoutError()), remaining).unref();
    }
    return this.controller.signal;
  }

  /** @throws TimeoutError when the budget is spent. */
  check(): void {
    if (this.remainingMs() <= 0) throw this.timeoutError();
  }

  /**
   * Resolves or rejects as `step` does, or rejects with `TimeoutError` when the budget runs out
   * first (the step's late result is then ignored).
   */
  async run<T>(step: Promise<T>): Promise<T> {
    this.check();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.timeoutError()), this.remainingMs());
    });
    try {
      return await Promise.race([step, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private timeoutError(): TimeoutError {
    return new TimeoutError(`${this.what} exceeded its time limit of ${this.budgetMs} ms`, {
      details: { limitMs: this.budgetMs },
    });
  }
}
