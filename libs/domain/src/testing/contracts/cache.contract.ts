import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Cache } from '../../ports.js';

export interface CacheHarness {
  /** An empty cache. */
  cache: Cache;
  /** Moves the cache's clock forward (a manual clock, or a real wait for adapters without one). */
  advance(seconds: number): Promise<void>;
  /** Frees whatever the adapter holds (connections, servers). */
  close?: () => Promise<void>;
}

/**
 * The behaviour every Cache adapter must have: JSON values by key, each with its own expiry, and
 * deletion of a key or of every key under a literal prefix. Callers treat the cache as a hint
 * (a miss is always allowed), so the contract is about never answering with something stale or
 * foreign, never about keeping an entry.
 *
 * @example
 * cacheContract('in memory', async () => {
 *   const clock = new ManualClock();
 *   return { cache: new InMemoryCache(clock), advance: async (s) => clock.advance(s * 1000) };
 * });
 */
export function cacheContract(name: string, create: () => Promise<CacheHarness>): void {
  describe(`Cache contract: ${name}`, () => {
    let h: CacheHarness;
    let cache: Cache;

    beforeEach(async () => {
      h = await create();
      cache = h.cache;
    });

    afterEach(async () => {
      await h.close?.();
    });

    it('round-trips JSON values and reports a missing key as undefined', async () => {
      const value = { tags: [{ name: 'dog', count: 3 }], nested: { ok: true, none: null }, text: 'ünïcødé 🐕' };
      await cache.set('owner:{alice}:thing', value, 60);
      await cache.set('list', [1, 'two', false], 60);
      await cache.set('number', 0, 60);
      await cache.set('text', '', 60);
      await cache.set('null', null, 60);
      expect(await cache.get('owner:{alice}:thing')).toEqual(value);
      expect(await cache.get('list')).toEqual([1, 'two', false]);
      expect(await cache.get('number')).toBe(0);
      expect(await cache.get('text')).toBe('');
      expect(await cache.get('null')).toBeNull();
      expect(await cache.get('missing')).toBeUndefined();
    });

    it('keeps the value as it was set, whatever the caller does to its objects afterwards', async () => {
      const value = { tags: ['dog'] };
      await cache.set('k', value, 60);
      value.tags.push('changed after set');
      const got = await cache.get<{ tags: string[] }>('k');
      got?.tags.push('changed after get');
      expect(await cache.get('k')).toEqual({ tags: ['dog'] });
    });

    it('forgets an entry once its time to live has passed, and a key set again takes the new one', async () => {
      await cache.set('short', 'a', 1);
      await cache.set('long', 'b', 60);
      await cache.set('extended', 'first', 1);
      await cache.set('extended', 'second', 60);
      await h.advance(1.5);
      expect(await cache.get('short')).toBeUndefined();
      expect(await cache.get('long')).toBe('b');
      expect(await cache.get('extended')).toBe('second');
    });

    it('deletes a key, and deleting a missing key is no error', async () => {
      await cache.set('k', 1, 60);
      await cache.set('other', 2, 60);
      await cache.delete('k');
      await cache.delete('k');
      await cache.delete('never-set');
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.get('other')).toBe(2);
    });

    it('deletes every key under a prefix and nothing else', async () => {
      for (let i = 0; i < 25; i += 1) await cache.set(`owner:{alice}:page:${i}`, i, 60);
      await cache.set('owner:{alice2}:page:1', 'alice2', 60);
      await cache.set('owner:{bob}:page:1', 'bob', 60);
      await cache.set('x-owner:{alice}:page:1', 'not at the start', 60);

      await cache.deleteByPrefix('owner:{alice}:');

      for (let i = 0; i < 25; i += 1) expect(await cache.get(`owner:{alice}:page:${i}`)).toBeUndefined();
      expect(await cache.get('owner:{alice2}:page:1')).toBe('alice2');
      expect(await cache.get('owner:{bob}:page:1')).toBe('bob');
      expect(await cache.get('x-owner:{alice}:page:1')).toBe('not at the start');
      await cache.deleteByPrefix('nothing-here:');
    });

    it('takes a prefix literally, pattern characters included', async () => {
      await cache.set('a*:1', 1, 60);
      await cache.set('ab:1', 1, 60);
      await cache.set('a?:1', 1, 60);
      await cache.set('a[b]:1', 1, 60);
      await cache.set('ab]:1', 1, 60);
      await cache.deleteByPrefix('a*');
      await cache.deleteByPrefix('a[b]');
      expect(await cache.get('a*:1')).toBeUndefined();
      expect(await cache.get('a[b]:1')).toBeUndefined();
      expect(await cache.get('ab:1')).toBe(1);
      expect(await cache.get('a?:1')).toBe(1);
      expect(await cache.get('ab]:1')).toBe(1);
    });
  });
}
