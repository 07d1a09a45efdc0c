import type { RateDecision, RateLimit, RateLimiter } from '@mediaflow/domain';
import { RateLimitedError } from './errors.js';

/**
 * A token bucket per owner: `burst` requests at once, refilled at `perSecond`. In-process, which is
 * what one local server needs. Where several instances serve the same owners (Lambda), each would
 * keep its own buckets: there the count lives in shared state (`DynamoRateLimiter` of
 * `@mediaflow/storage/dynamodb`).
 */
export class OwnerRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  readonly limit: RateLimit;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error('a rate limit needs perSecond > 0 and burst >= 1');
    this.limit = { perSecond, burst };
  }

  /** Takes a token for `owner`: allowed while one is left, else the seconds until the next token. */
  async take(owner: string): Promise<RateDecision> {
    const now = this.now();
    const bucket = this.buckets.get(owner) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (this.buckets.size > 10_000 && !this.buckets.has(owner)) this.forgetFull(now);
    this.buckets.set(owner, bucket);
    const wait = bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
    if (wait === 0) bucket.tokens -= 1;
    const resetSeconds = bucket.tokens >= this.burst ? 0 : Math.max(1, Math.ceil((this.burst - bucket.tokens) / this.perSecond));
    return { wait, remaining: Math.floor(bucket.tokens), resetSeconds };
  }

  /** Buckets that are full again hold no information: drop them so memory stays bounded. */
  private forgetFull(now: number): void {
    for (const [owner, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(owner);
    }
  }
}

/**
 * The `RateLimit-Policy` and `RateLimit` response fields (IETF HTTPAPI's RateLimit header fields,
 * draft 9) of one decision: the policy's quota (`q`, the burst) and window (`w`, the seconds a
 * full burst takes to refill), what is left (`r`) and the seconds until all of it is back (`t`).
 *
 * @example rateLimitHeaders('owner', { perSecond: 10, burst: 50 }, { wait: 0, remaining: 49, resetSeconds: 1 })
 * // { 'ratelimit-policy': '"owner";q=50;w=5', ratelimit: '"owner";r=49;t=1' }
 */
export function rateLimitHeaders(policy: string, limit: RateLimit, decision: RateDecision): Record<string, string> {
  const window = Math.max(1, Math.ceil(limit.burst / limit.perSecond));
  return {
    'ratelimit-policy': `"${policy}";q=${limit.burst};w=${window}`,
    ratelimit: `"${policy}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}

/** Counts a request of `caller`; a refusal is a {@link RateLimitedError} carrying the headers, else the headers to send. */
export async function admitOrRefuse(limiter: RateLimiter, policy: string, caller: string): Promise<Record<string, string>> {
  const decision = await limiter.take(caller);
  const headers = rateLimitHeaders(policy, limiter.limit, decision);
  if (decision.wait > 0) throw new RateLimitedError(decision.wait, headers);
  return headers;
}

/** The limiter a `rateLimit` option asks for: the adapter given, or an in-process one for a bare limit. */
export function rateLimiterOf(limit: RateLimit | RateLimiter | undefined): RateLimiter | undefined {
  if (limit === undefined) return undefined;
  return 'take' in limit ? limit : new OwnerRateLimiter(limit.perSecond, limit.burst);
}
