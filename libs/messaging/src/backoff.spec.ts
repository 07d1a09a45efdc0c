import { retryDelaySeconds } from './backoff.js';

describe('retryDelaySeconds', () => {
  it('doubles from the base with each receive and stops at the cap', () => {
    const backoff = { baseSeconds: 2, maxSeconds: 60 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelaySeconds(n, backoff))).toEqual([2, 4, 8, 16, 32, 60, 60]);
  });

  it('stays finite for huge receive counts and treats counts below 1 as the first', () => {
    expect(retryDelaySeconds(10_000, { baseSeconds: 1, maxSeconds: 900 })).toBe(900);
    expect(retryDelaySeconds(0, { baseSeconds: 3, maxSeconds: 900 })).toBe(3);
  });

  it('defaults to 2 s doubling up to 5 minutes', () => {
    expect(retryDelaySeconds(1)).toBe(2);
    expect(retryDelaySeconds(20)).toBe(300);
  });
});
