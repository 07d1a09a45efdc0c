import { z } from 'zod';
import { MediaError, ValidationError } from './errors.js';
import { OwnerIdSchema } from './ids.js';
import type { MediaItem } from './media.js';
import type { Cache, MediaRepository, TagCount } from './ports.js';
import type { ListQuery, Page } from './query.js';
import type { TrashQuery } from './trash.js';

/** The cache call that failed, for the `onCacheError` report. */
export type CacheOperation = 'get' | 'set' | 'delete';

export interface CachingMediaRepositoryOptions {
  cache: Cache;
  /** How long cached tag counts live (whole seconds, at least 1). Default 60. */
  ttlSeconds?: number;
  /**
   * Told about every cache failure (a timeout, a dropped connection, an unreadable entry). The
   * request itself goes on without the cache, so this is the only place such failures show up:
   * log them, count them.
   */
  onCacheError?: (error: unknown, context: { operation: CacheOperation; key: string }) => void;
}

/**
 * Every cache key of one owner starts with this. The owner id sits in braces, which owner ids can
 * never contain (`OwnerIdSchema`), so one owner's prefix is never the start of another owner's
 * (`alice` vs `alice2`), and on a clustered Redis/Valkey the braces are the key's hash tag: all of
 * an owner's keys land in one slot, where multi-key commands over them are allowed.
 */
export function ownerCachePrefix(ownerId: string): string {
  return `owner:{${ownerId}}:`;
}

/**
 * The key of an owner's cached tag counts. The trailing version changes whenever the stored shape
 * does, so a deploy never reads entries written by the previous release.
 */
export function tagCountsCacheKey(ownerId: string): string {
  return `${ownerCachePrefix(ownerId)}tag-counts:v1`;
}

const CachedTagCountsSchema = z.object({
  /** The repository's revision read before the counts were, when the repository has one. */
  revision: z.string().optional(),
  tags: z.array(z.object({ name: z.string(), count: z.number().int().nonnegative() })),
});
type CachedTagCounts = z.infer<typeof CachedTagCountsSchema>;

/**
 * A `MediaRepository` that keeps each owner's `tagCounts` in a `Cache` (ElastiCache in the cloud)
 * for a short time. Counting tags reads the owner's whole tag index, the most expensive read there
 * is, and the tag list is asked for on every library view.
 *
 * Only tag counts are cached. List pages are not: the workers write items from other processes,
 * and a cached first page would hide a just-uploaded item until its entry expired. Tag counts are
 * already eventually consistent in DynamoDB (a GSI), so a minute more changes nothing a user sees.
 *
 * Consistency: every write that goes through this repository deletes the owner's entry, so a user
 * sees their own edits at once. Writes by other processes (the workers tagging an item) show after
 * at most `ttlSeconds`. When the wrapped repository has `revision`, entries also carry the revision
 * they were read at and are served only while it is current, so they are never stale at all; that
 * keeps callers that cache by revision (the API's response cache) from pinning stale counts.
 *
 * The cache is an optimisation only: when it fails, the repository answers and `onCacheError` is
 * told. A read that fails to get the entry does not also try to store it, so a cache that is down
 * or timing out costs a request one failed call, not two.
 *
 * @example
 * const repo = new CachingMediaRepository(new DynamoMediaRepository(config), {
 *   cache: new RedisCache(cacheConfig),
 *   ttlSeconds: 60,
 *   onCacheError: (error, { operation }) => logger.warn('cache failed', { operation, error }),
 * });
 */
export class CachingMediaRepository implements MediaRepository {
  // The port's optional members are present exactly when the wrapped repository has them: callers
  // test for them (whether to cache by revision, whether housekeeping must sweep by itself).
  declare readonly revision?: NonNullable<MediaRepository['revision']>;
  declare readonly listStale?: NonNullable<MediaRepository['listStale']>;
  declare readonly usage?: NonNullable<MediaRepository['usage']>;

  private readonly cache: Cache;
  private readonly ttlSeconds: number;
  private readonly onCacheError: CachingMediaRepositoryOptions['onCacheError'];

  constructor(
    private readonly inner: MediaRepository,
    options: CachingMediaRepositoryOptions,
  ) {
    const ttlSeconds = options.ttlSeconds ?? 60;
    // Redis expiries are whole seconds (EX); a zero TTL would be a cache that never hits.
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new ValidationError('ttlSeconds must be a whole number of seconds, at least 1', [
        { path: 'ttlSeconds', message: `got ${ttlSeconds}` },
      ]);
    }
    this.cache = options.cache;
    this.ttlSeconds = ttlSeconds;
    this.onCacheError = options.onCacheError;
    const revision = inner.revision?.bind(inner);
    if (revision !== undefined) this.revision = revision;
    const listStale = inner.listStale?.bind(inner);
    if (listStale !== undefined) this.listStale = listStale;
    const usage = inner.usage?.bind(inner);
    if (usage !== undefined) this.usage = usage;
  }

  async create(item: MediaItem): Promise<MediaItem> {
    return this.write(item.ownerId, () => this.inner.create(item));
  }

  async update(next: MediaItem, expectedVersion: number): Promise<MediaItem> {
    return this.write(next.ownerId, () => this.inner.update(next, expectedVersion));
  }

  async delete(ownerId: string, id: string): Promise<void> {
    return this.write(ownerId, () => this.inner.delete(ownerId, id));
  }

  async get(ownerId: string, id: string): Promise<MediaItem | undefined> {
    return this.inner.get(ownerId, id);
  }

  async list(ownerId: string, query: ListQuery): Promise<Page<MediaItem>> {
    return this.inner.list(ownerId, query);
  }

  async findByHash(ownerId: string, sha256: string): Promise<MediaItem | undefined> {
    return this.inner.findByHash(ownerId, sha256);
  }

  async listTrash(ownerId: string, query: TrashQuery): Promise<Page<MediaItem>> {
    return this.inner.listTrash(ownerId, query);
  }

  async listTrashedBefore(before: Date, limit: number): Promise<MediaItem[]> {
    return this.inner.listTrashedBefore(before, limit);
  }

  async tagCounts(ownerId: string): Promise<TagCount[]> {
    // An id that could break out of its key's braces is never cached: isolation between owners
    // must not depend on every caller having validated the id.
    if (!OwnerIdSchema.safeParse(ownerId).success) return this.inner.tagCounts(ownerId);
    const key = tagCountsCacheKey(ownerId);
    // Read before the counts: a write landing in between moves the revision, so the entry stored
    // below is already outdated and will not be served.
    const revision = await this.revision?.(ownerId);

    let cacheWorks = true;
    let cached: unknown;
    try {
      cached = await this.cache.get<unknown>(key);
    } catch (error) {
      cacheWorks = false;
      this.report(error, 'get', key);
    }
    if (cached !== undefined) {
      // The cache is outside this process: check what comes back. An unreadable entry is reported
      // and then overwritten below.
      const entry = CachedTagCountsSchema.safeParse(cached);
      if (!entry.success) this.report(new MediaError('internal', 'cached tag counts do not match their schema', { cause: entry.error }), 'get', key);
      else if (entry.data.revision === revision) return entry.data.tags;
    }

    const tags = await this.inner.tagCounts(ownerId);
    if (cacheWorks) {
      const entry: CachedTagCounts = revision === undefined ? { tags } : { revision, tags };
      try {
        await this.cache.set(key, entry, this.ttlSeconds);
      } catch (error) {
        this.report(error, 'set', key);
      }
    }
    return tags;
  }

  /**
   * Runs a write, then drops the owner's cached entries, also when the write failed: a write that
   * timed out may still have been applied. Only one key per owner is cached, so that is a single
   * `delete`; `deleteByPrefix` would scan the whole keyspace (every shard of a cluster) per write.
   *
   * A reader that read the counts just before the write can still store them just after it; that
   * entry lives at most `ttlSeconds` (and is never served when the repository has a revision).
   */
  private async write<T>(ownerId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } finally {
      if (OwnerIdSchema.safeParse(ownerId).success) {
        const key = tagCountsCacheKey(ownerId);
        try {
          await this.cache.delete(key);
        } catch (error) {
          this.report(error, 'delete', key);
        }
      }
    }
  }

  private report(error: unknown, operation: CacheOperation, key: string): void {
    this.onCacheError?.(error, { operation, key });
  }
}
