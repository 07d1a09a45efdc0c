import { rateLimiterContract } from '@mediaflow/domain/testing';
import { OwnerRateLimiter, rateLimitHeaders, rateLimiterOf } from './rate-limit.js';

rateLimiterContract('in memory (OwnerRateLimiter)', async () => {
  let now = 0;
  return {
    limiter: (limit) => new OwnerRateLimiter(limit.perSecond, limit.burst, () => now),
    advance: async (seconds) => {
      now += seconds * 1000;
    },
  };
});

describe('OwnerRateLimiter', () => {
  it('allows a burst, then one request per refill interval, per owner', async () => {
    let now = 0;
    const limiter = new OwnerRateLimiter(2, 3, () => now);
    const take = async (owner: string) => (await limiter.take(owner)).wait;
    expect([await take('alice'), await take('alice'), await take('alice')]).toEqual([0, 0, 0]);
    expect(await take('alice')).toBe(1);
    // Bob has his own bucket.
    expect(await take('bob')).toBe(0);
    now += 500;
    expect(await take('alice')).toBe(0);
    expect(await take('alice')).toBe(1);
    now += 10_000;
    expect([await take('alice'), await take('alice'), await take('alice'), await take('alice')]).toEqual([0, 0, 0, 1]);
  });

  it('refuses a limit that could never admit a request', () => {
    expect(() => new OwnerRateLimiter(0, 1)).toThrow();
    expect(() => new OwnerRateLimiter(1, 0)).toThrow();
  });
});

describe('rateLimitHeaders', () => {
  it('states the policy (quota, window) and what is left (remaining, seconds to reset)', () => {
    expect(rateLimitHeaders('owner', { perSecond: 10, burst: 50 }, { wait: 0, remaining: 49, resetSeconds: 1 })).toEqual({
      'ratelimit-policy': '"owner";q=50;w=5',
      ratelimit: '"owner";r=49;t=1',
    });
    // A window under a second is stated as one.
    expect(rateLimitHeaders('owner', { perSecond: 100, burst: 5 }, { wait: 1, remaining: 0, resetSeconds: 1 })['ratelimit-policy']).toBe('"owner";q=5;w=1');
  });
});

describe('rateLimiterOf', () => {
  it('keeps an adapter, makes an in-process limiter of a bare limit, and none of nothing', async () => {
    const shared = new OwnerRateLimiter(1, 1);
    expect(rateLimiterOf(shared)).toBe(shared);
    const made = rateLimiterOf({ perSecond: 1, burst: 1 });
    expect(made).toBeInstanceOf(OwnerRateLimiter);
    expect((await made?.take('alice'))?.wait).toBe(0);
    expect((await made?.take('alice'))?.wait).toBe(1);
    expect(rateLimiterOf(undefined)).toBeUndefined();
  });
});
