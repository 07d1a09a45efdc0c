import type { RateLimit, RateLimiter } from '@mediaflow/domain';

/**
 * A token bucket per owner: `burst` requests at once, refilled at `perSecond`. In-process, which is
 * what one local server needs. Where several instances serve the same owners (Lambda), each would
 * keep its own buckets: there the count lives in shared state (`DynamoRateLimiter` of
 * `@mediaflow/storage/dynamodb`).
 */
export class OwnerRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error('a rate limit needs perSecond > 0 and burst >= 1');
  }

  /** Takes a token for `owner`: `0` when allowed, else the seconds until the next token. */
  async take(owner: string): Promise<number> {
    const now = this.now();
    const bucket = this.buckets.get(owner) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (this.buckets.size > 10_000 && !this.buckets.has(owner)) this.forgetFull(now);
    this.buckets.set(owner, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  /** Buckets that are full again hold no information: drop them so memory stays bounded. */
  private forgetFull(now: number): void {
    for (const [owner, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(owner);
    }
  }
}

/** The limiter a `rateLimit` option asks for: the adapter given, or an in-process one for a bare limit. */
export function rateLimiterOf(limit: RateLimit | RateLimiter | undefined): RateLimiter | undefined {
  if (limit === undefined) return undefined;
  return 'take' in limit ? limit : new OwnerRateLimiter(limit.perSecond, limit.burst);
}
