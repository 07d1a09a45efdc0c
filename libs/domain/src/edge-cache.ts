/**
 * Port: the copies of an item's renditions that a CDN keeps at its edge (CloudFront in AWS).
 * Renditions are served with a year's immutable cache lifetime, so once an item is deleted or held
 * by moderation its copies would go on being served until they expire; the use cases call
 * {@link EdgeCache.invalidateItem} to have the edge drop them.
 *
 * Best effort by contract: the callers log a rejection as a warning and carry on (the delete or the
 * hold stands, and the edge copies then expire on their own), so an adapter may reject freely but
 * must never be relied on for correctness of the item's state. Absent where nothing caches
 * renditions at an edge (the local server serves them itself).
 *
 * @example
 * await edge.invalidateItem('alice', '01J0ABCDEF...'); // every rendition of the item, HLS segments included
 */
export interface EdgeCache {
  /**
   * Asks the edge to drop every cached copy of the item's renditions (everything under the item's
   * rendition prefix), and nothing of any other item. Resolves once the request is accepted; the
   * edge may take a while (CloudFront: usually under a minute) to finish.
   */
  invalidateItem(ownerId: string, itemId: string): Promise<void>;
}
