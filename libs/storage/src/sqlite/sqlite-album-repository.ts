import {
  albumItemsCursorBinding,
  albumListCursorBinding,
  albumMemberTakenAt,
  ConflictError,
  decodeCursor,
  encodeCursor,
  NotFoundError,
  ValidationError,
  type Album,
  type AlbumChange,
  type AlbumItemsQuery,
  type AlbumListQuery,
  type AlbumMember,
  type AlbumRepository,
  type Page,
} from '@mediaflow/domain';
import { ALBUM_SQL, type AlbumRow, type MemberRow } from './album-sql.js';
import type { SqliteSession } from './sqlite-session.js';

function fromRow(row: AlbumRow): Album {
  const album: Album = {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    itemCount: row.item_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
  if (row.description !== null) album.description = row.description;
  if (row.cover_media_id !== null) album.coverMediaId = row.cover_media_id;
  if (row.newest_taken_at !== null) album.newestTakenAt = row.newest_taken_at;
  return album;
}

/**
 * The `AlbumRepository` of the local stack, on the SQLite file (and connection) of a
 * {@link SqliteMediaRepository}: get one from its `albums()`. Same semantics as the in-memory
 * reference, checked by the shared contract suite.
 *
 * - Every write is one `BEGIN IMMEDIATE` transaction; the album's count, newest date and a removed
 *   cover are kept by triggers in the statement that changes the membership, so no reader ever
 *   sees them out of step, and an item deleted for good leaves its albums whoever deletes it.
 * - A member's page is one primary-key range read in date-taken order, either way; cursors are
 *   bound to the owner, the album and the order.
 * - Usable until the media repository that made it is closed.
 */
export class SqliteAlbumRepository implements AlbumRepository {
  private readonly createTx: (album: Album) => void;
  private readonly updateTx: (next: Album, expectedVersion: number) => Album;
  private readonly deleteTx: (ownerId: string, albumId: string) => void;
  private readonly addTx: (ownerId: string, albumId: string, members: readonly AlbumMember[], at: string) => AlbumChange;
  private readonly removeTx: (ownerId: string, albumId: string, mediaIds: readonly string[], at: string) => AlbumChange;
  private readonly forgetTx: (ownerId: string, mediaId: string, at: string) => void;
  private readonly listItemsTx: (ownerId: string, albumId: string, query: AlbumItemsQuery, after: AlbumMember | undefined) => MemberRow[];

  /** Bound to the session of a media repository; see {@link SqliteMediaRepository.albums}. */
  constructor(private readonly session: SqliteSession) {
    this.createTx = session.immediate((album: Album) => this.createNow(album));
    this.updateTx = session.immediate((next: Album, expectedVersion: number) => this.updateNow(next, expectedVersion));
    this.deleteTx = session.immediate((ownerId: string, albumId: string) => this.deleteNow(ownerId, albumId));
    this.addTx = session.immediate((ownerId: string, albumId: string, members: readonly AlbumMember[], at: string) =>
      this.addNow(ownerId, albumId, members, at),
    );
    this.removeTx = session.immediate((ownerId: string, albumId: string, mediaIds: readonly string[], at: string) =>
      this.removeNow(ownerId, albumId, mediaIds, at),
    );
    this.forgetTx = session.immediate((ownerId: string, mediaId: string, at: string) => this.forgetNow(ownerId, mediaId, at));
    this.listItemsTx = session.snapshot((ownerId: string, albumId: string, query: AlbumItemsQuery, after: AlbumMember | undefined) =>
      this.listItemsNow(ownerId, albumId, query, after),
    );
  }

  private row(ownerId: string, albumId: string): AlbumRow | undefined {
    return this.session.statement(ALBUM_SQL.get).get({ owner: ownerId, album: albumId }) as AlbumRow | undefined;
  }

  private existing(ownerId: string, albumId: string): AlbumRow {
    const row = this.row(ownerId, albumId);
    if (row === undefined) throw new NotFoundError(`album ${albumId} not found`);
    return row;
  }

  private createNow(album: Album): void {
    if (this.row(album.ownerId, album.id) !== undefined) throw new ConflictError(`album ${album.id} already exists`);
    this.session.statement(ALBUM_SQL.insert).run({
      owner: album.ownerId,
      album: album.id,
      name: album.name,
      description: album.description ?? null,
      createdAt: album.createdAt,
      updatedAt: album.updatedAt,
      version: album.version,
    });
  }

  async createAlbum(album: Album): Promise<Album> {
    if (album.version !== 1) throw new ValidationError('a new album starts at version 1');
    if (album.itemCount !== 0 || album.newestTakenAt !== undefined || album.coverMediaId !== undefined) {
      throw new ValidationError('a new album starts empty, without a cover');
    }
    this.session.guard('album create', () => this.createTx(album));
    return structuredClone(album);
  }

  async getAlbum(ownerId: string, albumId: string): Promise<Album | undefined> {
    const row = this.session.guard('album get', () => this.row(ownerId, albumId));
    return row === undefined ? undefined : fromRow(row);
  }

  async listAlbums(ownerId: string, query: AlbumListQuery): Promise<Page<Album>> {
    const binding = albumListCursorBinding(ownerId);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, binding).after;
    // One row more than the page tells whether another page follows.
    const params = { owner: ownerId, after, limit: query.limit + 1 };
    const sql = after === undefined ? ALBUM_SQL.listFirst : ALBUM_SQL.listAfter;
    const rows = this.session.guard('album list', () => this.session.statement(sql).all(params)) as AlbumRow[];
    const items = rows.slice(0, query.limit).map(fromRow);
    const last = items[items.length - 1];
    if (rows.length > query.limit && last !== undefined) return { items, nextCursor: encodeCursor({ after: last.id }, binding) };
    return { items };
  }

  private updateNow(next: Album, expectedVersion: number): Album {
    const current = this.existing(next.ownerId, next.id);
    if (current.version !== expectedVersion) {
      throw new ConflictError(`album ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
        details: { currentVersion: current.version },
      });
    }
    const cover = next.coverMediaId;
    // Checked in this transaction, so the cover cannot leave between the check and the write.
    if (cover !== undefined && cover !== current.cover_media_id) {
      const member = this.session.statement(ALBUM_SQL.isMember).get({ owner: next.ownerId, album: next.id, media: cover });
      if (member === undefined) {
        throw new ValidationError('the cover must be one of the album\u2019s items', [{ path: 'coverMediaId', message: 'not in this album' }]);
      }
    }
    const result = this.session.statement(ALBUM_SQL.update).run({
      owner: next.ownerId,
      album: next.id,
      name: next.name,
      description: next.description ?? null,
      cover: cover ?? null,
      updatedAt: next.updatedAt,
      version: next.version,
      expectedVersion,
    });
    // Cannot happen inside this transaction after the check above; kept as the real guard.
    if (result.changes !== 1) throw new ConflictError(`album ${next.id} changed during the update`);
    return fromRow(this.existing(next.ownerId, next.id));
  }

  async updateAlbum(next: Album, expectedVersion: number): Promise<Album> {
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    return this.session.guard('album update', () => this.updateTx(next, expectedVersion));
  }

  private deleteNow(ownerId: string, albumId: string): void {
    const params = { owner: ownerId, album: albumId };
    // The album first: the member triggers then find no album to recount. Members are deleted
    // explicitly rather than by the foreign key's cascade, which a connection may have turned off.
    this.session.statement(ALBUM_SQL.delete).run(params);
    this.session.statement(ALBUM_SQL.deleteMembers).run(params);
  }

  async deleteAlbum(ownerId: string, albumId: string): Promise<void> {
    this.session.guard('album delete', () => this.deleteTx(ownerId, albumId));
  }

  private addNow(ownerId: string, albumId: string, members: readonly AlbumMember[], at: string): AlbumChange {
    this.existing(ownerId, albumId);
    const insert = this.session.statement(ALBUM_SQL.addMember);
    const changed: string[] = [];
    for (const m of members) {
      if (insert.run({ owner: ownerId, album: albumId, media: m.mediaId, takenAt: m.takenAt }).changes === 1) changed.push(m.mediaId);
    }
    if (changed.length > 0) this.session.statement(ALBUM_SQL.touch).run({ owner: ownerId, album: albumId, at });
    return { album: fromRow(this.existing(ownerId, albumId)), changed };
  }

  async addItems(ownerId: string, albumId: string, members: readonly AlbumMember[], at: Date): Promise<AlbumChange> {
    // Checked and put in UTC before the transaction, so a bad date changes nothing.
    const normalised = members.map((m) => ({ mediaId: m.mediaId, takenAt: albumMemberTakenAt(m.takenAt) }));
    return this.session.guard('album addItems', () => this.addTx(ownerId, albumId, normalised, at.toISOString()));
  }

  private removeNow(ownerId: string, albumId: string, mediaIds: readonly string[], at: string): AlbumChange {
    this.existing(ownerId, albumId);
    const remove = this.session.statement(ALBUM_SQL.removeMember);
    const changed: string[] = [];
    for (const mediaId of mediaIds) {
      if (remove.run({ owner: ownerId, album: albumId, media: mediaId }).changes === 1) changed.push(mediaId);
    }
    if (changed.length > 0) this.session.statement(ALBUM_SQL.touch).run({ owner: ownerId, album: albumId, at });
    return { album: fromRow(this.existing(ownerId, albumId)), changed };
  }

  async removeItems(ownerId: string, albumId: string, mediaIds: readonly string[], at: Date): Promise<AlbumChange> {
    return this.session.guard('album removeItems', () => this.removeTx(ownerId, albumId, mediaIds, at.toISOString()));
  }

  private listItemsNow(ownerId: string, albumId: string, query: AlbumItemsQuery, after: AlbumMember | undefined): MemberRow[] {
    this.existing(ownerId, albumId);
    const asc = query.order === 'asc';
    const sql =
      after === undefined
        ? asc
          ? ALBUM_SQL.membersAscFirst
          : ALBUM_SQL.membersDescFirst
        : asc
          ? ALBUM_SQL.membersAscAfter
          : ALBUM_SQL.membersDescAfter;
    return this.session.statement(sql).all({
      owner: ownerId,
      album: albumId,
      after: after?.mediaId,
      afterTakenAt: after?.takenAt,
      limit: query.limit + 1,
    }) as MemberRow[];
  }

  async listItems(ownerId: string, albumId: string, query: AlbumItemsQuery): Promise<Page<AlbumMember>> {
    const binding = albumItemsCursorBinding(ownerId, albumId, query.order);
    let after: AlbumMember | undefined;
    if (query.cursor !== undefined) {
      const position = decodeCursor(query.cursor, binding);
      const takenAt = position.extra?.['t'];
      if (takenAt === undefined) throw new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);
      after = { mediaId: position.after, takenAt };
    }
    const rows = this.session.guard('album listItems', () => this.listItemsTx(ownerId, albumId, query, after));
    const items = rows.slice(0, query.limit).map((r) => ({ mediaId: r.media_id, takenAt: r.taken_at }));
    const last = items[items.length - 1];
    if (rows.length > query.limit && last !== undefined) {
      return { items, nextCursor: encodeCursor({ after: last.mediaId, extra: { t: last.takenAt } }, binding) };
    }
    return { items };
  }

  async albumsOf(ownerId: string, mediaId: string): Promise<string[]> {
    const rows = this.session.guard('album albumsOf', () =>
      this.session.statement(ALBUM_SQL.albumsOf).all({ owner: ownerId, media: mediaId }),
    ) as { album_id: string }[];
    return rows.map((r) => r.album_id);
  }

  private forgetNow(ownerId: string, mediaId: string, at: string): void {
    const params = { owner: ownerId, media: mediaId, at };
    // Dated first, while the memberships still say which albums change.
    this.session.statement(ALBUM_SQL.touchAlbumsOf).run(params);
    this.session.statement(ALBUM_SQL.forget).run(params);
  }

  async forgetMedia(ownerId: string, mediaId: string, at: Date): Promise<void> {
    this.session.guard('album forgetMedia', () => this.forgetTx(ownerId, mediaId, at.toISOString()));
  }
}
