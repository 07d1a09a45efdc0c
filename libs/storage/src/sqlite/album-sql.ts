/** The columns an album is read back from, in `AlbumRow` form. */
const ALBUM_COLUMNS = 'owner_id, id, name, description, cover_media_id, item_count, newest_taken_at, created_at, updated_at, version';

/**
 * Every statement of the SQLite album repository, by name, so the query-plan tests check exactly
 * what runs. Named parameters: `@owner`, `@album`, `@media`, `@takenAt`, `@after`, `@afterTakenAt`,
 * `@at`, `@limit`, plus the album's own fields in `insert` and `update`.
 *
 * An album's members are listed off the `album_items` primary key (owner, album, taken_at, media),
 * a row-value bound continuing after the cursor's (taken_at, media) pair: one range read either way.
 */
export const ALBUM_SQL = {
  get: `SELECT ${ALBUM_COLUMNS} FROM albums WHERE owner_id = @owner AND id = @album`,
  insert: `INSERT INTO albums (owner_id, id, name, description, cover_media_id, item_count, newest_taken_at, created_at, updated_at, version)
    VALUES (@owner, @album, @name, @description, NULL, 0, NULL, @createdAt, @updatedAt, @version)`,
  update: `UPDATE albums SET name = @name, description = @description, cover_media_id = @cover, updated_at = @updatedAt, version = @version
    WHERE owner_id = @owner AND id = @album AND version = @expectedVersion`,
  /** Dates a membership change (the triggers keep the counts; the time is the caller's). */
  touch: 'UPDATE albums SET updated_at = @at WHERE owner_id = @owner AND id = @album',
  delete: 'DELETE FROM albums WHERE owner_id = @owner AND id = @album',
  deleteMembers: 'DELETE FROM album_items WHERE owner_id = @owner AND album_id = @album',
  listFirst: `SELECT ${ALBUM_COLUMNS} FROM albums WHERE owner_id = @owner ORDER BY id DESC LIMIT @limit`,
  listAfter: `SELECT ${ALBUM_COLUMNS} FROM albums WHERE owner_id = @owner AND id < @after ORDER BY id DESC LIMIT @limit`,
  /** Leaves a present member as it is (the unique (owner, media, album) index is the conflict). */
  addMember: `INSERT INTO album_items (owner_id, album_id, taken_at, media_id) VALUES (@owner, @album, @takenAt, @media)
    ON CONFLICT DO NOTHING`,
  removeMember: 'DELETE FROM album_items WHERE owner_id = @owner AND media_id = @media AND album_id = @album',
  isMember: 'SELECT 1 FROM album_items WHERE owner_id = @owner AND media_id = @media AND album_id = @album',
  membersAscFirst: `SELECT media_id, taken_at FROM album_items WHERE owner_id = @owner AND album_id = @album
    ORDER BY taken_at, media_id LIMIT @limit`,
  membersAscAfter: `SELECT media_id, taken_at FROM album_items WHERE owner_id = @owner AND album_id = @album
    AND (taken_at, media_id) > (@afterTakenAt, @after) ORDER BY taken_at, media_id LIMIT @limit`,
  membersDescFirst: `SELECT media_id, taken_at FROM album_items WHERE owner_id = @owner AND album_id = @album
    ORDER BY taken_at DESC, media_id DESC LIMIT @limit`,
  membersDescAfter: `SELECT media_id, taken_at FROM album_items WHERE owner_id = @owner AND album_id = @album
    AND (taken_at, media_id) < (@afterTakenAt, @after) ORDER BY taken_at DESC, media_id DESC LIMIT @limit`,
  albumsOf: 'SELECT album_id FROM album_items WHERE owner_id = @owner AND media_id = @media ORDER BY album_id',
  touchAlbumsOf: `UPDATE albums SET updated_at = @at
    WHERE owner_id = @owner AND id IN (SELECT album_id FROM album_items WHERE owner_id = @owner AND media_id = @media)`,
  forget: 'DELETE FROM album_items WHERE owner_id = @owner AND media_id = @media',
} as const;

/** The row `ALBUM_SQL.get` and the listings return. */
export interface AlbumRow {
  owner_id: string;
  id: string;
  name: string;
  description: string | null;
  cover_media_id: string | null;
  item_count: number;
  newest_taken_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** The row a member listing returns. */
export interface MemberRow {
  media_id: string;
  taken_at: string;
}
