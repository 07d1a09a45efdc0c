import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EdgeCache } from '../../edge-cache.js';

export interface EdgeCacheHarness {
  /** The adapter, in front of an edge with nothing cached. */
  edge: EdgeCache;
  /** Has the edge hold a copy of the rendition stored at this object key (`renditions/...`). */
  cache(key: string): Promise<void>;
  /** Whether the edge still holds a copy of it, once the invalidations asked for have run. */
  isCached(key: string): Promise<boolean>;
  close?: () => Promise<void>;
}

/**
 * The behaviour every EdgeCache adapter must have: an item's invalidation drops every copy of its
 * renditions, nested ones (HLS segments) included, and nothing of another item, not even one whose
 * id begins with the same characters, nor the same id of another owner.
 *
 * @example
 * edgeCacheContract('in memory', async () => {
 *   const edge = new InMemoryEdgeCache();
 *   return { edge, cache: async (k) => void edge.cached.add(k), isCached: async (k) => edge.cached.has(k) };
 * });
 */
export function edgeCacheContract(name: string, create: () => Promise<EdgeCacheHarness>): void {
  describe(`EdgeCache contract: ${name}`, () => {
    let h: EdgeCacheHarness;
    const item = '01J0000000000000000000000A';
    const keys = {
      thumb: `renditions/alice/${item}/thumb.webp`,
      segment: `renditions/alice/${item}/hls/720p/segment-00001.ts`,
      sibling: `renditions/alice/${item}B/thumb.webp`,
      otherOwner: `renditions/bob/${item}/thumb.webp`,
    };

    beforeEach(async () => {
      h = await create();
      for (const key of Object.values(keys)) await h.cache(key);
    });

    afterEach(async () => {
      await h.close?.();
    });

    it("drops every copy of the item's renditions, nested ones included", async () => {
      await h.edge.invalidateItem('alice', item);
      expect(await h.isCached(keys.thumb)).toBe(false);
      expect(await h.isCached(keys.segment)).toBe(false);
    });

    it('keeps the copies of other items, of the same owner or not', async () => {
      await h.edge.invalidateItem('alice', item);
      expect(await h.isCached(keys.sibling)).toBe(true);
      expect(await h.isCached(keys.otherOwner)).toBe(true);
    });

    it('accepts an item with nothing cached, and the same item twice', async () => {
      await expect(h.edge.invalidateItem('alice', '01J0000000000000000000000Z')).resolves.toBeUndefined();
      await h.edge.invalidateItem('alice', item);
      await expect(h.edge.invalidateItem('alice', item)).resolves.toBeUndefined();
    });
  });
}
