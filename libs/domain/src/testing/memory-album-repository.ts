import {
  albumItemsCursorBinding,
  albumListCursorBinding,
  albumMemberTakenAt,
  type Album,
  type AlbumChange,
  type AlbumItemsQuery,
  type AlbumListQuery,
  type AlbumMember,
  type AlbumRepository,
} from '../albums.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { decodeCursor, encodeCursor, type CursorBinding, type Page } from '../query.js';

function clone<T>(value: T): T {
  return structuredClone(value);
}

function key(ownerId: string, id: string): string {
  return `${ownerId}\u0000${id}`;
}

/** Whether `a` sorts before `b` in an album, oldest first (date taken, then media id). */
function memberBefore(a: AlbumMember, b: AlbumMember): boolean {
  return a.takenAt < b.takenAt || (a.takenAt === b.takenAt && a.mediaId < b.mediaId);
}

/** Decodes an album item cursor into the member it points after. */
function decodeAlbumItemsCursor(cursor: string, binding: CursorBinding): AlbumMember {
  const position = decodeCursor(cursor, binding);
  const takenAt = position.extra?.['t'];
  if (takenAt === undefined) throw new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);
  return { mediaId: position.after, takenAt };
}

/** Encodes the member a page ended on as the next page's cursor. */
function encodeAlbumItemsCursor(last: AlbumMember, binding: CursorBinding): string {
  return encodeCursor({ after: last.mediaId, extra: { t: last.takenAt } }, binding);
}

/**
 * An AlbumRepository in Maps, the reference the SQLite and DynamoDB adapters are checked against
 * (by `albumRepositoryContract`): owner scoping, conditional updates of the album's own fields,
 * counts and the newest date kept in step with every membership change.
 *
 * Semantics every adapter shares, beyond the port's text:
 * - a member's `takenAt` must be an ISO date-time with an offset and is stored in UTC
 *   `toISOString()` form (see {@link albumMemberTakenAt});
 * - a membership change moves `updatedAt` to `at` but not `version` (it is not an edit of the
 *   album's own fields), except when it clears the cover: that is one, so a stale edit that would
 *   put the removed cover back loses with a `ConflictError`;
 * - a new cover must be one of the album's items (`ValidationError`), checked in the same write.
 */
export class MemoryAlbumRepository implements AlbumRepository {
  private readonly albums = new Map<string, Album>();
  /** Per album key: media id -> takenAt. */
  private readonly members = new Map<string, Map<string, string>>();

  private stored(ownerId: string, albumId: string): { album: Album; members: Map<string, string> } {
    const album = this.albums.get(key(ownerId, albumId));
    const members = this.members.get(key(ownerId, albumId));
    if (album === undefined || members === undefined) throw new NotFoundError(`album ${albumId} not found`);
    return { album, members };
  }

  /** The media ids in one album of the owner; empty when there is no such album. */
  memberIds(ownerId: string, albumId: string): Set<string> {
    return new Set(this.members.get(key(ownerId, albumId))?.keys() ?? []);
  }

  async createAlbum(album: Album): Promise<Album> {
    if (album.version !== 1) throw new ValidationError('a new album starts at version 1');
    if (album.itemCount !== 0 || album.newestTakenAt !== undefined || album.coverMediaId !== undefined) {
      throw new ValidationError('a new album starts empty, without a cover');
    }
    const k = key(album.ownerId, album.id);
    if (this.albums.has(k)) throw new ConflictError(`album ${album.id} already exists`);
    this.albums.set(k, clone(album));
    this.members.set(k, new Map());
    return clone(album);
  }

  async getAlbum(ownerId: string, albumId: string): Promise<Album | undefined> {
    const album = this.albums.get(key(ownerId, albumId));
    return album === undefined ? undefined : clone(album);
  }

  async listAlbums(ownerId: string, query: AlbumListQuery): Promise<Page<Album>> {
    const binding = albumListCursorBinding(ownerId);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, binding).after;
    const matching = [...this.albums.values()]
      .filter((a) => a.ownerId === ownerId && (after === undefined || a.id < after))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items = matching.slice(0, query.limit).map(clone);
    const last = items[items.length - 1];
    if (matching.length > query.limit && last !== undefined) return { items, nextCursor: encodeCursor({ after: last.id }, binding) };
    return { items };
  }

  async updateAlbum(next: Album, expectedVersion: number): Promise<Album> {
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    const { album: current, members } = this.stored(next.ownerId, next.id);
    if (current.version !== expectedVersion) {
      throw new ConflictError(`album ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
        details: { currentVersion: current.version },
      });
    }
    if (next.coverMediaId !== undefined && next.coverMediaId !== current.coverMediaId && !members.has(next.coverMediaId)) {
      throw new ValidationError('the cover must be one of the album\u2019s items', [{ path: 'coverMediaId', message: 'not in this album' }]);
    }
    const updated: Album = {
      id: current.id,
      ownerId: current.ownerId,
      name: next.name,
      itemCount: current.itemCount,
      createdAt: current.createdAt,
      updatedAt: next.updatedAt,
      version: next.version,
    };
    if (next.description !== undefined) updated.description = next.description;
    if (next.coverMediaId !== undefined) updated.coverMediaId = next.coverMediaId;
    if (current.newestTakenAt !== undefined) updated.newestTakenAt = current.newestTakenAt;
    this.albums.set(key(next.ownerId, next.id), updated);
    return clone(updated);
  }

  async deleteAlbum(ownerId: string, albumId: string): Promise<void> {
    this.albums.delete(key(ownerId, albumId));
    this.members.delete(key(ownerId, albumId));
  }

  async addItems(ownerId: string, albumId: string, members: readonly AlbumMember[], at: Date): Promise<AlbumChange> {
    const { album, members: current } = this.stored(ownerId, albumId);
    // Normalised before any change, so a bad date leaves the album as it was.
    const incoming = members.map((m) => ({ mediaId: m.mediaId, takenAt: albumMemberTakenAt(m.takenAt) }));
    const changed: string[] = [];
    for (const member of incoming) {
      if (current.has(member.mediaId)) continue;
      current.set(member.mediaId, member.takenAt);
      changed.push(member.mediaId);
    }
    if (changed.length > 0) this.recount(album, current, at, false);
    return { album: clone(album), changed };
  }

  async removeItems(ownerId: string, albumId: string, mediaIds: readonly string[], at: Date): Promise<AlbumChange> {
    const { album, members } = this.stored(ownerId, albumId);
    const changed: string[] = [];
    for (const mediaId of mediaIds) if (members.delete(mediaId)) changed.push(mediaId);
    if (changed.length > 0) this.recount(album, members, at, album.coverMediaId !== undefined && changed.includes(album.coverMediaId));
    return { album: clone(album), changed };
  }

  /** Brings the stored album's derived fields in line with its members after a change. */
  private recount(album: Album, members: Map<string, string>, at: Date, coverRemoved: boolean): void {
    album.itemCount = members.size;
    let newest: string | undefined;
    for (const takenAt of members.values()) if (newest === undefined || takenAt > newest) newest = takenAt;
    if (newest === undefined) delete album.newestTakenAt;
    else album.newestTakenAt = newest;
    if (coverRemoved) {
      delete album.coverMediaId;
      album.version += 1;
    }
    album.updatedAt = at.toISOString();
  }

  async listItems(ownerId: string, albumId: string, query: AlbumItemsQuery): Promise<Page<AlbumMember>> {
    const { members } = this.stored(ownerId, albumId);
    const binding = albumItemsCursorBinding(ownerId, albumId, query.order);
    const after = query.cursor === undefined ? undefined : decodeAlbumItemsCursor(query.cursor, binding);
    const asc = query.order === 'asc';
    const matching = [...members.entries()]
      .map(([mediaId, takenAt]) => ({ mediaId, takenAt }))
      .filter((m) => after === undefined || (asc ? memberBefore(after, m) : memberBefore(m, after)))
      .sort((a, b) => (memberBefore(a, b) === asc ? -1 : 1));
    const items = matching.slice(0, query.limit);
    const last = items[items.length - 1];
    if (matching.length > query.limit && last !== undefined) return { items, nextCursor: encodeAlbumItemsCursor(last, binding) };
    return { items };
  }

  async albumsOf(ownerId: string, mediaId: string): Promise<string[]> {
    return [...this.albums.values()]
      .filter((a) => a.ownerId === ownerId && this.members.get(key(ownerId, a.id))?.has(mediaId) === true)
      .map((a) => a.id)
      .sort();
  }

  async forgetMedia(ownerId: string, mediaId: string, at: Date): Promise<void> {
    for (const albumId of await this.albumsOf(ownerId, mediaId)) await this.removeItems(ownerId, albumId, [mediaId], at);
  }
}
