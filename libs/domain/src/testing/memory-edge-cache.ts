import type { EdgeCache } from '../edge-cache.js';
import { renditionPrefix } from '../keys.js';

/**
 * An EdgeCache over a set of cached rendition keys: records every invalidation asked for, drops the
 * item's keys, and can be told to fail (the edge unreachable, throttled) to test that callers
 * carry on.
 */
export class InMemoryEdgeCache implements EdgeCache {
  /** Every call, in order, failed ones included. */
  readonly invalidations: { ownerId: string; itemId: string }[] = [];
  /** Object keys of renditions with a copy at the edge. */
  readonly cached = new Set<string>();
  private failure: Error | undefined;

  /** Every later call rejects with `error` (until `failWith(undefined)`). */
  failWith(error: Error | undefined): void {
    this.failure = error;
  }

  async invalidateItem(ownerId: string, itemId: string): Promise<void> {
    this.invalidations.push({ ownerId, itemId });
    if (this.failure) throw this.failure;
    const prefix = renditionPrefix(ownerId, itemId);
    for (const key of [...this.cached]) if (key.startsWith(prefix)) this.cached.delete(key);
  }
}
