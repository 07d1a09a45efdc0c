/**
 * Stage throttling: a token bucket that holds `burstLimit` requests and refills at `rateLimit` per
 * second. It starts full, as a freshly deployed stage does.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: () => number,
  ) {
    this.#tokens = burst;
    this.#last = clock();
  }

  /** Takes one request's token; `false` means the request is throttled. */
  tryTake(): boolean {
    const now = this.clock();
    const elapsedSeconds = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsedSeconds * this.rate);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** The account-level defaults that apply where the stage sets no limit of its own. */
export const ACCOUNT_RATE_LIMIT = 10_000;
export const ACCOUNT_BURST_LIMIT = 5_000;

export function stageBucket(throttle: { burstLimit?: number; rateLimit?: number } | undefined, clock: () => number): TokenBucket | undefined {
  if (!throttle || (throttle.burstLimit === undefined && throttle.rateLimit === undefined)) return undefined;
  return new TokenBucket(throttle.rateLimit ?? ACCOUNT_RATE_LIMIT, throttle.burstLimit ?? ACCOUNT_BURST_LIMIT, clock);
}
