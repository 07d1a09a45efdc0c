import { z } from 'zod';
import { InvalidTransitionError } from './errors.js';
import { transition } from './lifecycle.js';
import type { MediaItem } from './media.js';
import { CursorSchema, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type CursorBinding } from './query.js';

/** How long an item stays in the trash before it is removed for good, unless configured otherwise. */
export const DEFAULT_TRASH_RETENTION_DAYS = 30;

/** A day in milliseconds: the trash's retention is counted in days. */
export const DAY_MS = 24 * 3600 * 1000;

/**
 * The item moved to the trash: status `trashed`, with when and from which status, so that
 * {@link restoreFromTrash} can bring it back as it was (a held item stays held). Everything else is
 * kept as it is — a failure's reason, the tags, the renditions — and the stores take the item out
 * of every listing, search, album and share link. Only a settled item goes there (`ready`,
 * `failed`, `flagged`): one still being processed has a job under way that a trash and a restore
 * would race (`InvalidTransitionError`; an upload still in flight is deleted instead).
 */
export function moveToTrash(item: MediaItem, now: Date): MediaItem {
  const status = transition(item.status, 'trashed');
  const from = item.status;
  if (from !== 'ready' && from !== 'failed' && from !== 'flagged') {
    throw new InvalidTransitionError(`an item that is ${from} does not go to the trash`, { details: { from, action: 'trashed' } });
  }
  const next: MediaItem = { ...item, status, trash: { at: now.toISOString(), from }, version: item.version + 1, updatedAt: now.toISOString() };
  delete next.progress;
  return next;
}

/**
 * The item taken out of the trash, with the status it had.
 *
 * @throws InvalidTransitionError when the item is not in the trash.
 */
export function restoreFromTrash(item: MediaItem, now: Date): MediaItem {
  if (item.status !== 'trashed') {
    throw new InvalidTransitionError(`an item that is ${item.status} is not in the trash`, { details: { from: item.status, action: 'restored' } });
  }
  const next: MediaItem = { ...item, version: item.version + 1, updatedAt: now.toISOString(), status: item.trash?.from ?? 'failed' };
  delete next.trash;
  return next;
}

/**
 * Whether a restored item still needs tagging (and its moderation check): it came back `ready`
 * but was never checked, because it went to the trash between processing and tagging, and the
 * tagging job that found it trashed dropped it.
 */
export function needsTaggingAgain(restored: MediaItem): boolean {
  return restored.status === 'ready' && restored.moderation.checkedAt === undefined;
}

/** When an item in the trash is removed for good: `retentionDays` after it went there. */
export function purgeDueAt(item: Pick<MediaItem, 'status' | 'trash' | 'updatedAt'>, retentionDays: number): Date | undefined {
  if (item.status !== 'trashed') return undefined;
  return new Date(Date.parse(item.trash?.at ?? item.updatedAt) + retentionDays * DAY_MS);
}

/** `GET /api/v1/trash?cursor=&limit=`. */
export const TrashQuerySchema = z.object({
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
export type TrashQuery = z.infer<typeof TrashQuerySchema>;

/** What a trash cursor is bound to: the owner's trash and nothing else. Its position is the last item's id, with its `updatedAt` as `extra.t`. */
export function trashCursorBinding(ownerId: string): CursorBinding {
  return { ownerId, scope: 'trash' };
}

/** The trash's order: most recently trashed first, then by id (descending). */
export function compareTrashed(a: Pick<MediaItem, 'updatedAt' | 'id'>, b: Pick<MediaItem, 'updatedAt' | 'id'>): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
