import { rateLimiterContract } from '@mediaflow/domain/testing';
import { OwnerRateLimiter, rateLimiterOf } from './rate-limit.js';

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
    const take = (owner: string) => limiter.take(owner);
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

describe('rateLimiterOf', () => {
  it('keeps an adapter, makes an in-process limiter of a bare limit, and none of nothing', async () => {
    const shared = new OwnerRateLimiter(1, 1);
    expect(rateLimiterOf(shared)).toBe(shared);
    const made = rateLimiterOf({ perSecond: 1, burst: 1 });
    expect(made).toBeInstanceOf(OwnerRateLimiter);
    expect(await made?.take('alice')).toBe(0);
    expect(await made?.take('alice')).toBe(1);
    expect(rateLimiterOf(undefined)).toBeUndefined();
  });
});
