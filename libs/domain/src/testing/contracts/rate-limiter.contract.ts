import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { RateLimit, RateLimiter } from '../../ports.js';

export interface RateLimiterHarness {
  /** A limiter with this limit that has counted nothing yet. */
  limiter(limit: RateLimit): RateLimiter;
  /** Moves the limiter's clock forward. */
  advance(seconds: number): Promise<void>;
  /** Frees whatever the adapter holds (clients, tables). */
  close?: () => Promise<void>;
}

/**
 * The behaviour every RateLimiter adapter must have, whatever its algorithm (a token bucket, a
 * counter per window): a caller's burst goes through at once, the next request is told how long to
 * wait and is served once it has, callers never share a count, and over time a caller gets the
 * steady rate, give or take a burst.
 *
 * @example
 * rateLimiterContract('in memory', async () => {
 *   let now = 0;
 *   return { limiter: (l) => new OwnerRateLimiter(l.perSecond, l.burst, () => now), advance: async (s) => { now += s * 1000; } };
 * });
 */
export function rateLimiterContract(name: string, create: () => Promise<RateLimiterHarness>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let h: RateLimiterHarness;
    const limit: RateLimit = { perSecond: 2, burst: 4 };

    beforeEach(async () => {
      h = await create();
    });

    afterEach(async () => {
      await h.close?.();
    });

    async function takes(limiter: RateLimiter, caller: string, count: number): Promise<number[]> {
      const waits: number[] = [];
      for (let i = 0; i < count; i += 1) waits.push((await limiter.take(caller)).wait);
      return waits;
    }

    it('admits a burst at once, then asks for a wait of whole seconds, no longer than refilling the burst takes', async () => {
      const limiter = h.limiter(limit);
      expect(await takes(limiter, 'alice', limit.burst)).toEqual([0, 0, 0, 0]);
      const { wait } = await limiter.take('alice');
      expect(Number.isInteger(wait)).toBe(true);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(Math.ceil(limit.burst / limit.perSecond));
    });

    it('admits the caller again once the wait it was told has passed', async () => {
      const limiter = h.limiter(limit);
      await takes(limiter, 'alice', limit.burst);
      const { wait } = await limiter.take('alice');
      expect(wait).toBeGreaterThan(0);
      await h.advance(wait);
      expect((await limiter.take('alice')).wait).toBe(0);
    });

    it('counts each caller on their own', async () => {
      const limiter = h.limiter(limit);
      await takes(limiter, 'alice', limit.burst);
      expect((await limiter.take('alice')).wait).toBeGreaterThan(0);
      expect(await takes(limiter, 'bob', limit.burst)).toEqual([0, 0, 0, 0]);
      expect((await limiter.take('alice')).wait).toBeGreaterThan(0);
    });

    it('holds a caller who keeps asking to the steady rate, give or take a burst', async () => {
      const limiter = h.limiter(limit);
      const seconds = 20;
      let admitted = 0;
      for (let step = 0; step < seconds * 4; step += 1) {
        if ((await limiter.take('alice')).wait === 0) admitted += 1;
        await h.advance(0.25);
      }
      expect(admitted).toBeGreaterThanOrEqual(limit.perSecond * seconds - limit.burst);
      expect(admitted).toBeLessThanOrEqual(limit.perSecond * seconds + 2 * limit.burst);
    });

    it('says what is left of the burst and when all of it is back, and states its limit', async () => {
      const limiter = h.limiter(limit);
      expect(limiter.limit).toEqual(limit);
      const first = await limiter.take('alice');
      expect(first).toMatchObject({ wait: 0, remaining: limit.burst - 1 });
      expect(first.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(first.resetSeconds).toBeLessThanOrEqual(Math.ceil(limit.burst / limit.perSecond));
      await takes(limiter, 'alice', limit.burst - 1);
      const refused = await limiter.take('alice');
      expect(refused.remaining).toBe(0);
      expect(refused.wait).toBeGreaterThan(0);
      expect(refused.resetSeconds).toBeGreaterThanOrEqual(refused.wait);
    });

    it('refuses a limit that could never admit a request', () => {
      expect(() => h.limiter({ perSecond: 0, burst: 1 })).toThrow();
      expect(() => h.limiter({ perSecond: 1, burst: 0 })).toThrow();
    });
  });
}
