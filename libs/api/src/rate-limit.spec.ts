import { OwnerRateLimiter } from './rate-limit.js';

describe('OwnerRateLimiter', () => {
  it('allows a burst, then one request per refill interval, per owner', () => {
    let now = 0;
    const limiter = new OwnerRateLimiter(2, 3, () => now);
    expect([limiter.take('alice'), limiter.take('alice'), limiter.take('alice')]).toEqual([0, 0, 0]);
    expect(limiter.take('alice')).toBe(1);
    // Bob has his own bucket.
    expect(limiter.take('bob')).toBe(0);
    now += 500;
    expect(limiter.take('alice')).toBe(0);
    expect(limiter.take('alice')).toBe(1);
    now += 10_000;
    expect([limiter.take('alice'), limiter.take('alice'), limiter.take('alice'), limiter.take('alice')]).toEqual([0, 0, 0, 1]);
  });

  it('refuses a limit that could never admit a request', () => {
    expect(() => new OwnerRateLimiter(0, 1)).toThrow();
    expect(() => new OwnerRateLimiter(1, 0)).toThrow();
  });
});
