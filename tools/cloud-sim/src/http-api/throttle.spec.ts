import { stageBucket, TokenBucket } from './throttle.js';

describe('TokenBucket', () => {
  it('lets the burst through, then refills at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    now += 499;
    expect(bucket.tryTake()).toBe(false);
    now += 1;
    expect(bucket.tryTake()).toBe(true);
    now += 10_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
  });

  it('throttles nothing without stage limits and everything with a zero burst', () => {
    expect(stageBucket(undefined, () => 0)).toBeUndefined();
    expect(stageBucket({}, () => 0)).toBeUndefined();
    expect(stageBucket({ burstLimit: 0, rateLimit: 10 }, () => 0)?.tryTake()).toBe(false);
  });
});
