import type { MediaItem } from './media.js';

/** What an owner's library takes up: every item not deleted for good, the trash and uploads under way included. */
export interface StorageUsage {
  /** Bytes of originals (the declared size while an upload is under way) and renditions. */
  bytes: number;
  /** Items counted. */
  items: number;
}

/**
 * The bytes an item takes up in the object store: its original and every rendition, as the
 * item records them. A `deleted` item takes none (its objects are on their way out). SQLite's
 * usage triggers (migration 6) compute the same sum from the stored JSON.
 */
export function storedBytes(item: Pick<MediaItem, 'status' | 'original' | 'renditions'>): number {
  if (item.status === 'deleted') return 0;
  return item.original.size + item.renditions.reduce((sum, r) => sum + r.bytes, 0);
}

/** Whether an upload of `size` bytes fits the quota (`undefined`: no quota). */
export function fitsQuota(usage: StorageUsage, size: number, quotaBytes: number | undefined): boolean {
  return quotaBytes === undefined || usage.bytes + size <= quotaBytes;
}
