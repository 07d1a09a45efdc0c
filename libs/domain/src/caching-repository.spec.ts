import { CachingMediaRepository, ownerCachePrefix, tagCountsCacheKey, type CacheOperation } from './caching-repository.js';
import { ConflictError, ValidationError } from './errors.js';
import type { Tag } from './media.js';
import type { Cache, MediaRepository } from './ports.js';
import { InMemoryCache, InMemoryMediaRepository, makeMediaItem, ManualClock, mediaRepositoryContract } from './testing/index.js';

const aiTag = (name: string): Tag => ({ name, confidence: 0.9, source: 'ai' });

/**
 * The in-memory repository with its `tagCounts` calls counted. Without `revision` it stands for
 * DynamoDB, which has none: only the deletes on write keep the cache honest there.
 */
function countingRepository(options: { revision: boolean }): {
  store: InMemoryMediaRepository;
  repo: MediaRepository;
  calls: { tagCounts: number };
} {
  const store = new InMemoryMediaRepository();
  const calls = { tagCounts: 0 };
  const repo: MediaRepository = {
    create: (item) => store.create(item),
    get: (ownerId, id) => store.get(ownerId, id),
    update: (next, expectedVersion) => store.update(next, expectedVersion),
    list: (ownerId, query) => store.list(ownerId, query),
    findByHash: (ownerId, sha256) => store.findByHash(ownerId, sha256),
    tagCounts: (ownerId) => {
      calls.tagCounts += 1;
      return store.tagCounts(ownerId);
    },
    delete: (ownerId, id) => store.delete(ownerId, id),
    listTrash: (ownerId, query) => store.listTrash(ownerId, query),
    listTrashedBefore: (before, limit) => store.listTrashedBefore(before, limit),
    ...(options.revision ? { revision: (ownerId: string) => store.revision(ownerId) } : {}),
  };
  return { store, repo, calls };
}

/** An in-memory cache whose chosen operations fail as a lost connection would, and that records every call. */
class FlakyCache implements Cache {
  readonly memory = new InMemoryCache();
  readonly calls: { operation: string; key: string; ttlSeconds?: number }[] = [];
  failing = new Set<'get' | 'set' | 'delete' | 'deleteByPrefix'>();

  private check(operation: 'get' | 'set' | 'delete' | 'deleteByPrefix', key: string, ttlSeconds?: number): void {
    this.calls.push(ttlSeconds === undefined ? { operation, key } : { operation, key, ttlSeconds });
    if (this.failing.has(operation)) throw new Error(`connect ECONNREFUSED (${operation})`);
  }

  async get<T>(key: string): Promise<T | undefined> {
    this.check('get', key);
    return this.memory.get<T>(key);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    this.check('set', key, ttlSeconds);
    return this.memory.set(key, value, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    this.check('delete', key);
    return this.memory.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    this.check('deleteByPrefix', prefix);
    return this.memory.deleteByPrefix(prefix);
  }
}

describe('CachingMediaRepository', () => {
  describe('reads', () => {
    it('counts tags once, then serves them from the cache', async () => {
      const { repo, calls } = countingRepository({ revision: false });
      await repo.create(makeMediaItem({ tags: [aiTag('dog'), aiTag('animal')] }));
      const cached = new CachingMediaRepository(repo, { cache: new InMemoryCache() });

      const first = await cached.tagCounts('alice');
      const second = await cached.tagCounts('alice');
      const third = await cached.tagCounts('alice');

      expect(first).toEqual([
        { name: 'animal', count: 1 },
        { name: 'dog', count: 1 },
      ]);
      expect(second).toEqual(first);
      expect(third).toEqual(first);
      expect(calls.tagCounts).toBe(1);
    });

    it('stores the counts under the owner\'s key for 60 seconds by default', async () => {
      const { repo } = countingRepository({ revision: false });
      const cache = new FlakyCache();
      await new CachingMediaRepository(repo, { cache }).tagCounts('alice');
      expect(cache.calls).toEqual([
        { operation: 'get', key: 'owner:{alice}:tag-counts:v1' },
        { operation: 'set', key: 'owner:{alice}:tag-counts:v1', ttlSeconds: 60 },
      ]);
      await new CachingMediaRepository(repo, { cache, ttlSeconds: 5 }).tagCounts('bob');
      expect(cache.calls.at(-1)).toEqual({ operation: 'set', key: 'owner:{bob}:tag-counts:v1', ttlSeconds: 5 });
    });

    it('never serves one owner\'s counts to another', async () => {
      const { repo, calls } = countingRepository({ revision: false });
      await repo.create(makeMediaItem({ ownerId: 'alice', tags: [aiTag('dog')] }));
      await repo.create(makeMediaItem({ ownerId: 'alice2', tags: [aiTag('cat')] }));
      const cached = new CachingMediaRepository(repo, { cache: new InMemoryCache() });

      expect(await cached.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
      expect(await cached.tagCounts('bob')).toEqual([]);
      expect(await cached.tagCounts('alice2')).toEqual([{ name: 'cat', count: 1 }]);
      expect(calls.tagCounts).toBe(3);
      // Each owner now has an entry of their own.
      expect(await cached.tagCounts('bob')).toEqual([]);
      expect(await cached.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
      expect(calls.tagCounts).toBe(3);
    });

    it('keeps owner keys apart even where one id starts with another', () => {
      expect(tagCountsCacheKey('alice2').startsWith(ownerCachePrefix('alice'))).toBe(false);
      expect(tagCountsCacheKey('alice').startsWith(ownerCachePrefix('alice'))).toBe(true);
    });

    it('does not cache for an owner id that is not a valid one', async () => {
      const { repo, calls } = countingRepository({ revision: false });
      const cache = new FlakyCache();
      const cached = new CachingMediaRepository(repo, { cache });
      await cached.tagCounts('eve}:x');
      await cached.tagCounts('eve}:x');
      expect(calls.tagCounts).toBe(2);
      expect(cache.calls).toEqual([]);
    });

    it('passes every other read straight through, list pages included', async () => {
      const { repo, store } = countingRepository({ revision: false });
      const cache = new FlakyCache();
      const cached = new CachingMediaRepository(repo, { cache });
      const item = await store.create(
        makeMediaItem({ original: { key: 'k', size: 1, mime: 'image/png', filename: 'a.png', sha256: 'a'.repeat(64) } }),
      );
      expect((await cached.list('alice', { limit: 10 })).items.map((i) => i.id)).toEqual([item.id]);
      // Written by another process (a worker): the next page shows it at once.
      const later = await store.create(makeMediaItem());
      expect((await cached.list('alice', { limit: 10 })).items.map((i) => i.id)).toEqual([later.id, item.id]);
      expect(await cached.get('alice', item.id)).toEqual(item);
      expect((await cached.findByHash('alice', 'a'.repeat(64)))?.id).toBe(item.id);
      expect(cache.calls).toEqual([]);
    });

    it('has a revision exactly when the wrapped repository has one', async () => {
      const withRevision = new CachingMediaRepository(countingRepository({ revision: true }).repo, { cache: new InMemoryCache() });
      const without = new CachingMediaRepository(countingRepository({ revision: false }).repo, { cache: new InMemoryCache() });
      expect(await withRevision.revision?.('alice')).toBe('0');
      expect('revision' in without).toBe(false);
      expect(without.revision).toBeUndefined();
    });

    it('offers listStale exactly when the wrapped repository does', async () => {
      const { repo } = countingRepository({ revision: false });
      const stale = makeMediaItem({ status: 'uploading' });
      const sweeping: MediaRepository = { ...repo, listStale: async () => [stale] };
      const withIt = new CachingMediaRepository(sweeping, { cache: new InMemoryCache() });
      expect(await withIt.listStale?.('uploading', new Date(), 10)).toEqual([stale]);
      expect('listStale' in new CachingMediaRepository(repo, { cache: new InMemoryCache() })).toBe(false);
    });

    it('refuses a TTL that is not a whole number of seconds', () => {
      const { repo } = countingRepository({ revision: false });
      for (const ttlSeconds of [0, -1, 1.5, Number.NaN]) {
        expect(() => new CachingMediaRepository(repo, { cache: new InMemoryCache(), ttlSeconds })).toThrow(ValidationError);
      }
    });
  });

  describe('invalidation', () => {
    it('drops the owner\'s counts on every write that goes through it', async () => {
      const { repo, calls } = countingRepository({ revision: false });
      const cached = new CachingMediaRepository(repo, { cache: new InMemoryCache() });

      expect(await cached.tagCounts('alice')).toEqual([]);
      const item = await cached.create(makeMediaItem({ tags: [aiTag('dog')] }));
      expect(await cached.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);

      await cached.update({ ...item, version: 2, tags: [aiTag('cat')] }, 1);
      expect(await cached.tagCounts('alice')).toEqual([{ name: 'cat', count: 1 }]);

      await cached.delete('alice', item.id);
      expect(await cached.tagCounts('alice')).toEqual([]);
      expect(calls.tagCounts).toBe(4);
      expect(await cached.tagCounts('alice')).toEqual([]);
      expect(calls.tagCounts).toBe(4);
    });

    it('drops only the writer\'s counts', async () => {
      const { repo, calls } = countingRepository({ revision: false });
      const cached = new CachingMediaRepository(repo, { cache: new InMemoryCache() });
      await cached.tagCounts('alice');
      await cached.tagCounts('bob');
      await cached.create(makeMediaItem({ ownerId: 'bob', tags: [aiTag('dog')] }));
      expect(calls.tagCounts).toBe(2);
      await cached.tagCounts('alice');
      expect(calls.tagCounts).toBe(2);
      expect(await cached.tagCounts('bob')).toEqual([{ name: 'dog', count: 1 }]);
      expect(calls.tagCounts).toBe(3);
    });

    it('drops the counts after a failed write too, and rethrows its error', async () => {
      const { repo, calls } = countingRepository({ revision: false });
      const cached = new CachingMediaRepository(repo, { cache: new InMemoryCache() });
      const item = await cached.create(makeMediaItem());
      await cached.tagCounts('alice');
      await expect(cached.update({ ...item, version: 3 }, 2)).rejects.toBeInstanceOf(ConflictError);
      await cached.tagCounts('alice');
      expect(calls.tagCounts).toBe(2);
    });
  });

  describe('expiry', () => {
    it('serves counts stale by another process\'s writes for at most the TTL', async () => {
      const clock = new ManualClock();
      const { repo, store, calls } = countingRepository({ revision: false });
      const cached = new CachingMediaRepository(repo, { cache: new InMemoryCache(clock), ttlSeconds: 60 });

      expect(await cached.tagCounts('alice')).toEqual([]);
      // A worker tags an upload: its write does not pass through this process's repository.
      await store.create(makeMediaItem({ tags: [aiTag('beach')] }));
      clock.advance(59_999);
      expect(await cached.tagCounts('alice')).toEqual([]);
      clock.advance(1);
      expect(await cached.tagCounts('alice')).toEqual([{ name: 'beach', count: 1 }]);
      expect(calls.tagCounts).toBe(2);
    });

    it('never serves stale counts when the repository has a revision', async () => {
      const clock = new ManualClock();
      const { repo, store, calls } = countingRepository({ revision: true });
      const cached = new CachingMediaRepository(repo, { cache: new InMemoryCache(clock) });

      await cached.tagCounts('alice');
      await cached.tagCounts('alice');
      expect(calls.tagCounts).toBe(1);
      await store.create(makeMediaItem({ tags: [aiTag('beach')] }));
      expect(await cached.tagCounts('alice')).toEqual([{ name: 'beach', count: 1 }]);
      expect(await cached.tagCounts('alice')).toEqual([{ name: 'beach', count: 1 }]);
      expect(calls.tagCounts).toBe(2);
    });
  });

  describe('cache failures', () => {
    function flaky(): {
      cached: CachingMediaRepository;
      cache: FlakyCache;
      calls: { tagCounts: number };
      reports: { operation: CacheOperation; key: string; message: string }[];
    } {
      const { repo, calls } = countingRepository({ revision: false });
      const cache = new FlakyCache();
      const reports: { operation: CacheOperation; key: string; message: string }[] = [];
      const cached = new CachingMediaRepository(repo, {
        cache,
        onCacheError: (error, { operation, key }) => reports.push({ operation, key, message: (error as Error).message }),
      });
      return { cached, cache, calls, reports };
    }

    it('answers from the repository when the cache cannot be read, and does not try to fill it', async () => {
      const { cached, cache, calls, reports } = flaky();
      await cached.create(makeMediaItem({ tags: [aiTag('dog')] }));
      cache.failing.add('get');

      expect(await cached.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
      expect(await cached.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);

      expect(calls.tagCounts).toBe(2);
      expect(cache.calls.filter((c) => c.operation === 'set')).toEqual([]);
      expect(reports).toEqual([
        { operation: 'get', key: 'owner:{alice}:tag-counts:v1', message: 'connect ECONNREFUSED (get)' },
        { operation: 'get', key: 'owner:{alice}:tag-counts:v1', message: 'connect ECONNREFUSED (get)' },
      ]);
    });

    it('answers when the cache cannot be written', async () => {
      const { cached, cache, calls, reports } = flaky();
      cache.failing.add('set');
      expect(await cached.tagCounts('alice')).toEqual([]);
      expect(await cached.tagCounts('alice')).toEqual([]);
      expect(calls.tagCounts).toBe(2);
      expect(reports.map((r) => r.operation)).toEqual(['set', 'set']);
    });

    it('completes a write whose invalidation fails', async () => {
      const { cached, cache, reports } = flaky();
      cache.failing.add('delete');
      const item = await cached.create(makeMediaItem());
      await cached.update({ ...item, version: 2, title: 'Renamed' }, 1);
      await cached.delete('alice', item.id);
      expect(await cached.get('alice', item.id)).toBeUndefined();
      expect(reports.map((r) => r.operation)).toEqual(['delete', 'delete', 'delete']);
    });

    it('reports an unreadable entry, answers from the repository and replaces the entry', async () => {
      const { cached, cache, calls, reports } = flaky();
      await cache.memory.set(tagCountsCacheKey('alice'), { tags: [{ name: 'dog', count: 'many' }] }, 60);

      expect(await cached.tagCounts('alice')).toEqual([]);
      expect(reports.map((r) => [r.operation, r.message])).toEqual([['get', 'cached tag counts do not match their schema']]);
      expect(await cached.tagCounts('alice')).toEqual([]);
      expect(calls.tagCounts).toBe(1);
    });

    it('works without anyone to report to', async () => {
      const { repo } = countingRepository({ revision: false });
      const cache = new FlakyCache();
      cache.failing = new Set(['get', 'set', 'delete']);
      const cached = new CachingMediaRepository(repo, { cache });
      await cached.create(makeMediaItem({ tags: [aiTag('dog')] }));
      expect(await cached.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
    });
  });
});

mediaRepositoryContract('caching, over in memory', async () => ({
  repo: new CachingMediaRepository(new InMemoryMediaRepository(), { cache: new InMemoryCache() }),
}));

mediaRepositoryContract('caching, over a repository without revision', async () => ({
  repo: new CachingMediaRepository(countingRepository({ revision: false }).repo, { cache: new InMemoryCache() }),
}));
