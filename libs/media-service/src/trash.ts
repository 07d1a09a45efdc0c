import {
  applyAction,
  type BulkAction,
  BulkRequestSchema,
  ConflictError,
  createEvent,
  isMediaError,
  mapLimit,
  type MediaItem,
  moveToTrash,
  needsTaggingAgain,
  InvalidTransitionError,
  NotFoundError,
  type Page,
  parseOrThrow,
  restoreFromTrash,
  reviseItem,
  type Tag,
  TrashQuerySchema,
} from '@mediaflow/domain';
import { addAlbumItems } from './albums.js';
import { deleteMedia, refuseInTrash } from './commands.js';
import type { CoreDeps, ServiceDeps } from './context.js';
import { invalidateEdgeCopies } from './edge.js';
import { updateItem } from './item-updates.js';
import { getMedia } from './queries.js';

/** How many items one request empties from the trash; the caller asks again while there are `more`. */
export const EMPTY_TRASH_BATCH = 25;

/** How many items of a bulk request are changed at once: each is a few repository and store calls. */
const BULK_CONCURRENCY = 4;

/**
 * `DELETE /api/v1/media/{id}`: moves the item to the trash, out of every listing, search, album and
 * share link until it is restored or its time there is over, and has the edge drop its copies (a
 * link's visitor may hold rendition URLs). Already there: nothing to do. An upload still in flight
 * has nothing to keep and is deleted for good instead (`undefined`); which of the two happens is
 * decided on the item as the conditional write finds it, so an upload that completes meanwhile is
 * never deleted (it is refused as still being processed, 409). Only settled items go to the trash.
 */
export async function trashMedia(deps: ServiceDeps, ownerId: string, id: string): Promise<MediaItem | undefined> {
  const item = await getMedia(deps, ownerId, id);
  if (item.status === 'trashed') return item;
  let next: MediaItem;
  try {
    next = await updateItem(deps, ownerId, id, (current) => {
      if (current.status === 'trashed') throw new AlreadyTrashed(current);
      return current.status === 'uploading' ? applyAction(current, 'deleted', deps.clock.now()) : moveToTrash(current, deps.clock.now());
    });
  } catch (error) {
    // Another request trashed it first: that is what was asked.
    if (error instanceof AlreadyTrashed) return error.item;
    throw error;
  }
  if (next.status === 'deleted') {
    // Marked deleted above (it was uploading): the delete finishes from there, its store upload with it.
    await deleteMedia(deps, ownerId, id);
    return undefined;
  }
  await invalidateEdgeCopies(deps, ownerId, id, 'trashed');
  return next;
}

/** The item was trashed by another request between the read and the write. */
class AlreadyTrashed extends Error {
  constructor(readonly item: MediaItem) {
    super('already in the trash');
  }
}

/**
 * `POST /api/v1/media/{id}/restore`: back out of the trash with the status it had (a held item
 * stays held). `InvalidTransitionError` (409) when it is not in the trash. A `ready` item trashed
 * before its tagging ran (the tagging job dropped it) is sent to tagging again, so a restore never
 * skips the moderation check (tagging twice, if that job was still queued, changes nothing).
 */
export async function restoreMedia(deps: CoreDeps, ownerId: string, id: string): Promise<MediaItem> {
  const restored = await updateItem(deps, ownerId, id, (current) => restoreFromTrash(current, deps.clock.now()));
  if (needsTaggingAgain(restored)) {
    await deps.bus.publish(
      createEvent('media.processed', { id: deps.ids.next(), occurredAt: deps.clock.now(), ownerId, mediaId: id, data: { kind: restored.kind, renditions: restored.renditions } }),
    );
  }
  return restored;
}

/**
 * The same file uploaded again while its copy is in the trash: that copy comes back. Two uploads
 * racing to it both see it restored (the second finds it out of the trash already).
 */
export async function restoreForReupload(deps: CoreDeps, ownerId: string, id: string): Promise<void> {
  try {
    await restoreMedia(deps, ownerId, id);
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error;
  }
}

/** `GET /api/v1/trash`: the owner's trash, most recently trashed first. */
export async function listTrash(deps: ServiceDeps, ownerId: string, query: unknown): Promise<Page<MediaItem>> {
  return deps.repo.listTrash(ownerId, parseOrThrow(TrashQuerySchema, query, 'query'));
}

/**
 * Deletes for good an item that is in the trash, conditionally: one restored meanwhile (another tab,
 * another device) is left alone with a `ConflictError`.
 */
export async function purgeFromTrash(deps: ServiceDeps, ownerId: string, id: string): Promise<void> {
  await updateItem(deps, ownerId, id, (current) => {
    if (current.status !== 'trashed') throw new ConflictError(`the item is ${current.status}, not in the trash: only the trash is deleted for good from there`);
    return applyAction(current, 'deleted', deps.clock.now());
  });
  await deleteMedia(deps, ownerId, id);
}

/**
 * `DELETE /api/v1/trash`: deletes for good up to {@link EMPTY_TRASH_BATCH} items of the trash, so
 * one request stays short however full the trash is; `more` says whether any are left. An item
 * restored between the listing and its delete stays restored (and is not counted).
 */
export async function emptyTrash(deps: ServiceDeps, ownerId: string): Promise<{ purged: number; more: boolean }> {
  const page = await deps.repo.listTrash(ownerId, { limit: EMPTY_TRASH_BATCH + 1 });
  const batch = page.items.slice(0, EMPTY_TRASH_BATCH);
  const done = await mapLimit(batch, BULK_CONCURRENCY, async (item) => {
    try {
      await purgeFromTrash(deps, ownerId, item.id);
      return true;
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) return false;
      throw error;
    }
  });
  return { purged: done.filter(Boolean).length, more: page.items.length > EMPTY_TRASH_BATCH || page.nextCursor !== undefined };
}

/** One item's outcome in a bulk request: done, or why not (a domain error's code and message). */
export type BulkItemResult = { id: string; ok: true } | { id: string; ok: false; code: string; reason: string };

export interface BulkResult {
  results: BulkItemResult[];
  succeeded: number;
  failed: number;
}

/** The owner's tags with `add` among them (as the owner's own tags), or without any tag named in `remove` (whatever its source). */
function retag(item: MediaItem, change: { add?: readonly string[]; remove?: readonly string[] }): Tag[] {
  const removed = new Set(change.remove ?? []);
  const kept = item.tags.filter((t) => !removed.has(t.name));
  const present = new Set(kept.filter((t) => t.source === 'user').map((t) => t.name));
  const added: Tag[] = (change.add ?? []).filter((name) => !present.has(name)).map((name) => ({ name, confidence: 1, source: 'user' }));
  return [...kept, ...added];
}

/** One item's change for the actions that edit the item itself. */
async function editOne(deps: ServiceDeps, ownerId: string, id: string, action: BulkAction, tags: readonly string[]): Promise<void> {
  switch (action) {
    case 'trash':
      await trashMedia(deps, ownerId, id);
      return;
    case 'restore':
      await restoreMedia(deps, ownerId, id);
      return;
    case 'delete':
      await purgeFromTrash(deps, ownerId, id);
      return;
    default:
      await updateItem(deps, ownerId, id, (item) => {
        refuseInTrash(item);
        const now = deps.clock.now();
        if (action === 'addTags') return reviseItem(item, now, { tags: retag(item, { add: tags }) });
        if (action === 'removeTags') return reviseItem(item, now, { tags: retag(item, { remove: tags }) });
        return reviseItem(item, now, { favourite: action === 'favourite' ? true : undefined });
      });
  }
}

function failure(id: string, error: unknown): BulkItemResult {
  if (isMediaError(error)) return { id, ok: false, code: error.code, reason: error.message };
  throw error;
}

/**
 * `POST /api/v1/media/bulk`: one action on each of the named items, each on its own (an item that
 * fails does not stop the others), answered item by item in the order of `ids`. Items are changed
 * a few at a time. An unexpected error (not the domain's) fails the request: the items done by
 * then stay done, and the request may be sent again (every action is idempotent but `delete`,
 * whose second attempt answers `not_found` for what the first removed).
 */
export async function bulkMedia(deps: ServiceDeps, ownerId: string, body: unknown): Promise<BulkResult> {
  const request = parseOrThrow(BulkRequestSchema, body, 'bulk request');
  let results: BulkItemResult[];
  if (request.action === 'addToAlbum') {
    // One album change for all of them (the album repository writes members in batches).
    const albumId = request.albumId ?? '';
    const change = await addAlbumItems(deps, ownerId, albumId, { mediaIds: request.ids });
    const outcome = new Map(change.results.map((r) => [r.id, r.outcome]));
    results = request.ids.map((id) =>
      outcome.get(id) === 'not_found' ? failure(id, new NotFoundError('no such media item, or not one that can be in an album')) : { id, ok: true },
    );
  } else {
    const tags = request.tags ?? [];
    results = await mapLimit(request.ids, BULK_CONCURRENCY, async (id): Promise<BulkItemResult> => {
      try {
        await editOne(deps, ownerId, id, request.action, tags);
        return { id, ok: true };
      } catch (error) {
        return failure(id, error);
      }
    });
  }
  const succeeded = results.filter((r) => r.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}
