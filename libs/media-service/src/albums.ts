import {
  isListed,
  type Album,
  type AlbumChange,
  AlbumCreateSchema,
  AlbumItemsChangeSchema,
  AlbumItemsQuerySchema,
  AlbumListQuerySchema,
  type AlbumMember,
  AlbumUpdateSchema,
  ConflictError,
  createEvent,
  mapLimit,
  type MediaItem,
  NotFoundError,
  type Page,
  parseOrThrow,
  takenAtOf,
} from '@mediaflow/domain';
import type { ServiceDeps } from './context.js';
import { getMedia } from './queries.js';
import { READ_CONCURRENCY } from './reads.js';
import { revokeSharesOf } from './shares.js';
import { toAlbumView, type AlbumView } from './view.js';

const MAX_ATTEMPTS = 3;


/** The owner's item, or `undefined` when it is missing, in the trash, deleted, or another owner's. */
async function liveItem(deps: ServiceDeps, ownerId: string, id: string): Promise<MediaItem | undefined> {
  const item = await deps.repo.get(ownerId, id);
  return item === undefined || !isListed(item.status) ? undefined : item;
}

/**
 * An item the owner may add to an album: live and past its upload. An item still `uploading` is
 * refused: its record may expire (the upload abandoned) without a delete that would forget it.
 */
async function addableItem(deps: ServiceDeps, ownerId: string, id: string): Promise<MediaItem | undefined> {
  const item = await liveItem(deps, ownerId, id);
  return item === undefined || item.status === 'uploading' ? undefined : item;
}

/** What an album sorts an item by: the date it was taken, else the time it was uploaded (as search and the timeline do). */
export function takenAt(item: MediaItem): string {
  return takenAtOf(item);
}

/** One album of the owner; another owner's album is "not found". */
export async function getAlbum(deps: ServiceDeps, ownerId: string, albumId: string): Promise<Album> {
  const album = await deps.albums.getAlbum(ownerId, albumId);
  if (album === undefined) throw new NotFoundError('no such album');
  return album;
}

/**
 * The item that stands for an album: the chosen cover, else the newest member (by date taken);
 * `undefined` for an empty album. A cover or member whose record went (a delete under way) is
 * passed over.
 */
export async function albumCover(deps: ServiceDeps, album: Album): Promise<MediaItem | undefined> {
  if (album.coverMediaId !== undefined) {
    const chosen = await liveItem(deps, album.ownerId, album.coverMediaId);
    if (chosen !== undefined) return chosen;
  }
  if (album.itemCount === 0) return undefined;
  const newest = await deps.albums.listItems(album.ownerId, album.id, { order: 'desc', limit: 3 });
  for (const member of newest.items) {
    const item = await liveItem(deps, album.ownerId, member.mediaId);
    if (item !== undefined) return item;
  }
  return undefined;
}

/** The album as its owner sees it, cover resolved. */
export async function albumView(deps: ServiceDeps, album: Album): Promise<AlbumView> {
  return toAlbumView(album, await albumCover(deps, album), deps.config.mediaBaseUrl);
}

/** {@link albumView} of each album, in order, a few at a time. */
export async function albumViews(deps: ServiceDeps, albums: readonly Album[]): Promise<AlbumView[]> {
  return mapLimit(albums, READ_CONCURRENCY, (album) => albumView(deps, album));
}

/** `POST /api/v1/albums`: a new, empty album; publishes `album.created`. */
export async function createAlbum(deps: ServiceDeps, ownerId: string, body: unknown): Promise<Album> {
  const request = parseOrThrow(AlbumCreateSchema, body, 'album');
  const now = deps.clock.now().toISOString();
  const album: Album = { id: deps.ids.next(), ownerId, name: request.name, itemCount: 0, createdAt: now, updatedAt: now, version: 1 };
  if (request.description !== undefined && request.description !== '') album.description = request.description;
  const created = await deps.albums.createAlbum(album);
  await deps.bus.publish(createEvent('album.created', { id: deps.ids.next(), occurredAt: now, ownerId, albumId: created.id, data: { name: created.name } }));
  return created;
}

/** `GET /api/v1/albums`: the owner's albums, newest first. */
export async function listAlbums(deps: ServiceDeps, ownerId: string, query: unknown): Promise<Page<Album>> {
  return deps.albums.listAlbums(ownerId, parseOrThrow(AlbumListQuerySchema, query, 'query'));
}

/**
 * `PATCH /api/v1/albums/{albumId}`: name, description (`null` clears it) and cover (`null` goes
 * back to the newest member; otherwise it must be one of the album's items: `ValidationError`).
 * Publishes `album.updated`.
 */
export async function updateAlbum(deps: ServiceDeps, ownerId: string, albumId: string, body: unknown): Promise<Album> {
  const update = parseOrThrow(AlbumUpdateSchema, body, 'album update');
  for (let attempt = 1; ; attempt += 1) {
    const album = await getAlbum(deps, ownerId, albumId);
    const next: Album = { ...album, version: album.version + 1, updatedAt: deps.clock.now().toISOString() };
    if (update.name !== undefined) next.name = update.name;
    if (update.description === null || update.description === '') delete next.description;
    else if (update.description !== undefined) next.description = update.description;
    if (update.coverMediaId === null) delete next.coverMediaId;
    else if (update.coverMediaId !== undefined) next.coverMediaId = update.coverMediaId;
    let updated: Album;
    try {
      updated = await deps.albums.updateAlbum(next, album.version);
    } catch (error) {
      if (error instanceof ConflictError && error.code === 'conflict' && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    const data = updated.coverMediaId === undefined ? { name: updated.name } : { name: updated.name, coverMediaId: updated.coverMediaId };
    await deps.bus.publish(createEvent('album.updated', { id: deps.ids.next(), occurredAt: deps.clock.now(), ownerId, albumId, data }));
    return updated;
  }
}

/**
 * `DELETE /api/v1/albums/{albumId}`: the album and its memberships; the items stay. Its share
 * links are revoked first, so that a delete cut short never leaves a working link to an album
 * that is going. Publishes `album.deleted`. An album already gone is "not found", after what an
 * interrupted delete left of it has been removed.
 */
export async function deleteAlbum(deps: ServiceDeps, ownerId: string, albumId: string): Promise<void> {
  const album = await deps.albums.getAlbum(ownerId, albumId);
  // Done whether or not the album's row is still there: a delete cut short after the row went
  // leaves memberships (and perhaps a link made meanwhile), which only another delete sweeps up.
  // Both steps are idempotent, and owner-scoped, so another owner's id removes nothing.
  await revokeSharesOf(deps, ownerId, { type: 'album', albumId });
  await deps.albums.deleteAlbum(ownerId, albumId);
  if (album === undefined) throw new NotFoundError('no such album');
  await deps.bus.publish(createEvent('album.deleted', { id: deps.ids.next(), occurredAt: deps.clock.now(), ownerId, albumId, data: {} }));
}

/**
 * `GET /api/v1/albums/{albumId}/items`: the members by date taken (`asc` by default), as items.
 * A member whose item is being deleted is left out, so a page may hold fewer than `limit`.
 */
export async function listAlbumItems(deps: ServiceDeps, ownerId: string, albumId: string, query: unknown): Promise<Page<MediaItem>> {
  const page = await deps.albums.listItems(ownerId, albumId, parseOrThrow(AlbumItemsQuerySchema, query, 'query'));
  const items = await mapLimit(page.items, READ_CONCURRENCY, (m) => liveItem(deps, ownerId, m.mediaId));
  const live = items.filter((i): i is MediaItem => i !== undefined);
  return page.nextCursor === undefined ? { items: live } : { items: live, nextCursor: page.nextCursor };
}

export type AddOutcome = 'added' | 'present' | 'not_found';
export type RemoveOutcome = 'removed' | 'absent';

/** What an album change did, id by id, in the order the ids were sent (duplicates once). */
export interface AlbumItemsResult<O extends string> {
  album: Album;
  results: { id: string; outcome: O }[];
}

/**
 * `POST /api/v1/albums/{albumId}/items`: adds the owner's items (each sorted by its date taken,
 * else its upload time). An id that is not one of the owner's live items, or is one still
 * `uploading`, is `not_found`, one already in the album `present`; the others are `added` in one
 * repository write. Publishes `album.items_added` when anything was.
 *
 * An item deleted for good between its check and the write (its delete forgot its memberships
 * before this one was written) is taken out again at once, and is `not_found`: the items added
 * are read again after the write, so no album keeps a member whose record is gone.
 */
export async function addAlbumItems(deps: ServiceDeps, ownerId: string, albumId: string, body: unknown): Promise<AlbumItemsResult<AddOutcome>> {
  const { mediaIds } = parseOrThrow(AlbumItemsChangeSchema, body, 'album items');
  await getAlbum(deps, ownerId, albumId);
  const items = await mapLimit(mediaIds, READ_CONCURRENCY, (id) => addableItem(deps, ownerId, id));
  const members: AlbumMember[] = items.filter((i): i is MediaItem => i !== undefined).map((i) => ({ mediaId: i.id, takenAt: takenAt(i) }));
  const found = new Set(members.map((m) => m.mediaId));
  let change = members.length === 0 ? { album: await getAlbum(deps, ownerId, albumId), changed: [] } : await deps.albums.addItems(ownerId, albumId, members, deps.clock.now());
  const gone = await goneSince(deps, ownerId, change.changed);
  if (gone.length > 0) {
    const undone = await deps.albums.removeItems(ownerId, albumId, gone, deps.clock.now());
    const dropped = new Set(gone);
    for (const id of gone) found.delete(id);
    change = { album: undone.album, changed: change.changed.filter((id) => !dropped.has(id)) };
  }
  const added = new Set(change.changed);
  await publishMembership(deps, 'album.items_added', ownerId, albumId, change);
  const outcome = (id: string): AddOutcome => (added.has(id) ? 'added' : found.has(id) ? 'present' : 'not_found');
  return { album: change.album, results: mediaIds.map((id) => ({ id, outcome: outcome(id) })) };
}

/** Publishes what a membership change did, when it changed anything. */
async function publishMembership(
  deps: ServiceDeps,
  type: 'album.items_added' | 'album.items_removed',
  ownerId: string,
  albumId: string,
  change: AlbumChange,
): Promise<void> {
  if (change.changed.length === 0) return;
  const data = { mediaIds: change.changed, itemCount: change.album.itemCount };
  await deps.bus.publish(createEvent(type, { id: deps.ids.next(), occurredAt: deps.clock.now(), ownerId, albumId, data }));
}

/** Of the ids just added, those whose record went or was marked deleted since they were checked. */
async function goneSince(deps: ServiceDeps, ownerId: string, ids: readonly string[]): Promise<string[]> {
  const now = await mapLimit(ids, READ_CONCURRENCY, (id) => liveItem(deps, ownerId, id));
  return ids.filter((_id, i) => now[i] === undefined);
}

/**
 * `POST /api/v1/albums/{albumId}/items/remove`: takes items out of the album (they stay in the
 * library); the cover goes with its item. Publishes `album.items_removed` when anything was.
 */
export async function removeAlbumItems(deps: ServiceDeps, ownerId: string, albumId: string, body: unknown): Promise<AlbumItemsResult<RemoveOutcome>> {
  const { mediaIds } = parseOrThrow(AlbumItemsChangeSchema, body, 'album items');
  const change = await deps.albums.removeItems(ownerId, albumId, mediaIds, deps.clock.now());
  const removed = new Set(change.changed);
  await publishMembership(deps, 'album.items_removed', ownerId, albumId, change);
  return { album: change.album, results: mediaIds.map((id) => ({ id, outcome: removed.has(id) ? 'removed' : 'absent' })) };
}

/** `GET /api/v1/media/{id}/albums`: the owner's albums that hold the item, newest album first. */
export async function listMediaAlbums(deps: ServiceDeps, ownerId: string, mediaId: string): Promise<Album[]> {
  await getMedia(deps, ownerId, mediaId);
  const ids = await deps.albums.albumsOf(ownerId, mediaId);
  const albums = await mapLimit(ids, READ_CONCURRENCY, (id) => deps.albums.getAlbum(ownerId, id));
  return albums.filter((a): a is Album => a !== undefined).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
