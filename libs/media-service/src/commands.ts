import {
  applyAction,
  ConflictError,
  createEvent,
  type ItemRevision,
  type MediaItem,
  MediaUpdateSchema,
  NotFoundError,
  parseOrThrow,
  renditionPrefix,
  reviseItem,
  type Tag,
} from '@mediaflow/domain';
import type { CoreDeps, ServiceDeps } from './context.js';
import { invalidateEdgeCopies } from './edge.js';
import { updateItem } from './item-updates.js';
import { abortStoreUpload } from './multipart.js';
import { revokeSharesOf } from './shares.js';

/**
 * `PATCH /api/v1/media/{id}`: the title, the description and the owner's own tags. An empty title
 * or description clears it. AI and metadata tags are kept apart and untouched; `tags` replaces the
 * user's tags as a whole.
 */
export async function updateMedia(deps: CoreDeps, ownerId: string, id: string, body: unknown): Promise<MediaItem> {
  const update = parseOrThrow(MediaUpdateSchema, body, 'update');
  return updateItem(deps, ownerId, id, (item) => {
    refuseInTrash(item);
    const changes: ItemRevision = {};
    if (update.title !== undefined) {
      const title = update.title?.trim() ?? '';
      // An empty title clears it.
      changes.title = title === '' ? undefined : title;
    }
    if (update.description !== undefined) {
      const description = update.description?.trim() ?? '';
      changes.description = description === '' ? undefined : description;
    }
    if (update.tags !== undefined) {
      const userTags: Tag[] = update.tags.map((name) => ({ name, confidence: 1, source: 'user' }));
      changes.tags = [...item.tags.filter((t) => t.source !== 'user'), ...userTags];
    }
    // Stored only while true: items from before favourites existed and unfavoured ones look alike.
    if (update.favourite !== undefined) changes.favourite = update.favourite ? true : undefined;
    return reviseItem(item, deps.clock.now(), changes);
  });
}

/**
 * Refuses an edit of an item in the trash (409): nothing changes there but a restore or a delete,
 * which is also what keeps its `updatedAt` the moment it went there (the trash's order).
 */
export function refuseInTrash(item: MediaItem): void {
  if (item.status === 'trashed') throw new ConflictError('the item is in the trash: restore it first', { details: { status: item.status } });
}

/**
 * What an item deleted for good leaves behind outside its own record: its places in albums and its
 * share links (revoked, so a visitor learns the link is over). Idempotent.
 */
export async function forgetDeletedMedia(deps: Pick<ServiceDeps, 'albums' | 'shares' | 'clock'>, ownerId: string, id: string): Promise<void> {
  await deps.albums.forgetMedia(ownerId, id, deps.clock.now());
  await revokeSharesOf(deps, ownerId, { type: 'media', mediaId: id });
}

/**
 * The item's objects: the original and every rendition, and every older version of each where the
 * store keeps versions and the service is set to remove them (`purgeObjectVersions`).
 */
export async function removeObjects(deps: Pick<CoreDeps, 'store' | 'config'>, item: MediaItem): Promise<void> {
  const prefix = renditionPrefix(item.ownerId, item.id);
  if (deps.config.purgeObjectVersions && deps.store.deleteAllVersions !== undefined) {
    await deps.store.deleteAllVersions(item.original.key);
    await deps.store.deleteAllVersions(prefix);
    return;
  }
  await deps.store.delete(item.original.key);
  await deps.store.deleteByPrefix(prefix);
}

/**
 * Deletes an item for good (`DELETE /api/v1/media/{id}?permanent=true`, emptying the trash, the
 * trash's retention): the original, every rendition and every index entry. The item is
 * marked `deleted` first so that a worker racing with the delete cannot resurrect it (and no link
 * shows it), then the bytes go, then the edge cache's copies (best effort), then its albums and
 * links, then the record. Running it again finishes a delete that was interrupted.
 */
export async function deleteMedia(deps: ServiceDeps, ownerId: string, id: string): Promise<void> {
  const existing = await deps.repo.get(ownerId, id);
  if (!existing) throw new NotFoundError('no such media item');
  let item = existing;
  if (item.status !== 'deleted') {
    item = await updateItem(deps, ownerId, id, (current) => applyAction(current, 'deleted', deps.clock.now()));
  }
  // A delete cut short after the mark is finished here: the upload may still be there to abort.
  if (existing.status === 'uploading' || existing.status === 'deleted') await abortStoreUpload(deps, existing);
  await removeObjects(deps, item);
  // Before the record goes: a crash here leaves the item `deleted`, and the sweeper's completion
  // of the delete asks again, where one after the record went would leave the copies served.
  await invalidateEdgeCopies(deps, ownerId, id, 'deleted');
  // Also before the record goes, for the same reason: the sweeper finishes from the record.
  await forgetDeletedMedia(deps, ownerId, id);
  await deps.repo.delete(ownerId, id);
  await deps.bus.publish(
    createEvent('media.deleted', {
      id: deps.ids.next(),
      occurredAt: deps.clock.now(),
      ownerId,
      mediaId: id,
      data: { kind: item.kind },
    }),
  );
}
