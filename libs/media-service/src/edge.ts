import type { CoreDeps } from './context.js';
import { errorText, logEntry } from './log.js';

/** Why an item's edge copies must go: both leave renditions that must no longer be served. */
export type EdgeInvalidationReason = 'deleted' | 'flagged' | 'trashed';

/**
 * Asks the edge cache, if there is one, to drop the item's renditions. Best effort: a failure is
 * logged as a warning with the item and never fails the caller, whose change (a delete, a hold)
 * already stands; the edge copies then expire on their own (renditions are cached for a year, so
 * the warning is what an operator acts on, by invalidating the item's path by hand).
 */
export async function invalidateEdgeCopies(deps: CoreDeps, ownerId: string, itemId: string, reason: EdgeInvalidationReason): Promise<void> {
  if (!deps.edgeCache) return;
  try {
    await deps.edgeCache.invalidateItem(ownerId, itemId);
  } catch (error) {
    logEntry(deps, {
      level: 'warn',
      msg: 'edge invalidation failed: the edge serves the item until its copies expire',
      ownerId,
      mediaId: itemId,
      reason,
      error: errorText(error),
    });
  }
}
