import Database from 'better-sqlite3';
import {
  ConflictError,
  decodeCursor,
  encodeCursor,
  isListed,
  MAX_PAGE_SIZE,
  NotFoundError,
  takenAtOf,
  trashCursorBinding,
  ValidationError,
  type ListQuery,
  type MediaItem,
  type MediaRepository,
  type MediaStatus,
  type OwnerRecords,
  type Page,
  type ReviewQueue,
  type TagCount,
  type StorageUsage,
  type TrashQuery,
} from '@mediaflow/domain';
import { listSql, type ListShape } from './list-sql.js';
import { migrate } from './migrations.js';
import { REVIEW_QUEUE_SQL } from './review-sql.js';
import { indexedPart, searchRow } from './search-index.js';
import { SEARCH_INDEX_SQL } from './search-sql.js';
import { SqliteAlbumRepository } from './sqlite-album-repository.js';
import { searchSettings, SqliteMediaSearch, type SqliteMediaSearchOptions } from './sqlite-media-search.js';
import { SqliteSession } from './sqlite-session.js';
import { SqliteShareLinkRepository } from './sqlite-share-repository.js';

/** Settings of a {@link SqliteMediaRepository}. */
export interface SqliteMediaRepositoryOptions {
  /** The database file (created when missing), or `:memory:` for a private in-memory database. */
  filename: string;
  /** How long a statement waits for another connection's write lock before failing (default 5000). */
  busyTimeoutMs?: number;
  /**
   * How long an owner's revision read from the database is reused (default 0: read every time).
   * Writes through this repository always move it at once; only writes by other processes may go
   * unseen for up to this long. The local server, whose API and workers share one repository, sets
   * a fraction of a second: a hot list page then costs no database read at all.
   */
  revisionCacheMs?: number;
  /** Tuning of {@link SqliteMediaRepository.search}; the defaults suit a library of any size. */
  search?: SqliteMediaSearchOptions;
  /**
   * How much of the file is read through a memory map rather than copied into SQLite's page cache
   * (default 1 GiB; 0 turns it off). Search joins each match to its item's row: spread over the
   * whole file, those reads miss a small page cache, and mapped pages cost no system call.
   */
  mmapSizeBytes?: number;
}

interface JsonRow {
  json: string;
}

interface ItemStateRow {
  doc: number;
  version: number;
  sha256: string | null;
  status: MediaStatus;
  json: string;
}

/** Tag names an item is indexed under (AI, user and metadata tags alike), each once. */
function indexedTags(item: MediaItem): string[] {
  return [...new Set(item.tags.map((t) => t.name))];
}

const DEFAULT_MMAP_SIZE_BYTES = 1024 * 1024 * 1024;

/** The review queue spans owners, so its cursors are bound to the queue alone. */
const REVIEW_CURSOR_BINDING = { ownerId: '', scope: 'review-queue' } as const;

/** Cursors of {@link SqliteMediaRepository.listOwnerMedia}: the owner's whole library, by id. */
const ownerMediaBinding = (ownerId: string) => ({ ownerId, scope: 'owner-media' }) as const;

/**
 * The tables that hold rows of an owner besides `media` and `media_search` (whose rows go with the
 * items), each keyed by `owner_id`: what {@link SqliteMediaRepository.forgetOwner} clears. Members
 * before their albums, so the album triggers find nothing left to count. Not `owner_revision`: the
 * owner's revision moves on instead, so that a page or a 304 cached for the deleted account is
 * never taken as current for a user of the same id later; nor `deleted_owners`, the tombstone.
 */
const OWNER_TABLES = ['media_tags', 'album_items', 'albums', 'share_links', 'owner_usage', 'media_changes'] as const;

/**
 * Pages of the full-text index one {@link SqliteMediaRepository.forgetOwner} may merge: bounded
 * work under the write lock (an `optimize` would rewrite the whole index, every owner's). Negative,
 * so that segments on different levels are merged too (a positive count merges only where a level
 * has filled up).
 */
const FORGET_MERGE_PAGES = 64;

function fromRow(row: JsonRow): MediaItem {
  // Written only by this class from a typed MediaItem, so it is read back without re-validating.
  return JSON.parse(row.json) as MediaItem;
}

/**
 * The `MediaRepository` of the local stack, on SQLite (better-sqlite3): the same semantics as the
 * in-memory reference and the DynamoDB adapter, checked by the shared contract suite.
 *
 * - WAL mode and a busy timeout, so several connections (processes) can share one file; every
 *   write runs in a `BEGIN IMMEDIATE` transaction, so its checks and writes are one atomic step.
 * - Updates are conditional on the version (`UPDATE ... WHERE version = ?`); the tag index, the
 *   per-owner hash claim, the date taken and the full-text row change in the same transaction as
 *   the item, so a search never sees an item other than as stored.
 * - Every statement is scoped by `owner_id`, but for the two views across owners (the review queue
 *   and `listStale`); statements are prepared once and cached.
 * - Listing is newest first by id with cursors bound to the owner and filters (`encodeCursor`),
 *   each page one index range scan.
 * - It is also the moderators' {@link ReviewQueue}, and hands out the album and share-link
 *   repositories and the search of the same file ({@link SqliteMediaRepository.albums},
 *   {@link SqliteMediaRepository.shares}, {@link SqliteMediaRepository.search}), which share its
 *   connection: one file, one connection, one writer at a time.
 *
 * Calls are synchronous underneath (better-sqlite3 is, and a local query takes microseconds); the
 * methods are async to match the port. Call {@link SqliteMediaRepository.close} when done.
 *
 * @example
 * const repo = new SqliteMediaRepository({ filename: '.mediaflow/media.db' });
 * const page = await repo.list(ownerId, ListQuerySchema.parse(req.query));
 */
export class SqliteMediaRepository implements MediaRepository, ReviewQueue, OwnerRecords {
  private readonly db: Database.Database;
  private readonly session: SqliteSession;
  private readonly createTx: (item: MediaItem) => void;
  private readonly updateTx: (next: MediaItem, expectedVersion: number) => void;
  private readonly deleteTx: (ownerId: string, id: string) => void;
  private readonly identity: string;
  private readonly revisionCacheMs: number;
  private readonly revisions = new Map<string, { value: string; readAtMs: number }>();
  private albumRepository: SqliteAlbumRepository | undefined;
  private shareRepository: SqliteShareLinkRepository | undefined;
  private mediaSearch: SqliteMediaSearch | undefined;
  private readonly searchOptions: SqliteMediaSearchOptions;

  constructor(options: SqliteMediaRepositoryOptions) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new ValidationError('busyTimeoutMs must be a non-negative integer');
    const mmapSizeBytes = options.mmapSizeBytes ?? DEFAULT_MMAP_SIZE_BYTES;
    if (!Number.isSafeInteger(mmapSizeBytes) || mmapSizeBytes < 0) throw new ValidationError('mmapSizeBytes must be a non-negative integer');
    this.searchOptions = searchSettings(options.search);
    this.db = new Database(options.filename);
    try {
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      this.db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL loses no committed write when the process crashes; only a power cut can
      // drop the last few commits. That is the local stack's promise ("a crash loses nothing").
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma(`mmap_size = ${mmapSizeBytes}`);
      migrate(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.session = new SqliteSession(this.db);
    this.revisionCacheMs = options.revisionCacheMs ?? 0;
    this.identity = (this.db.prepare('SELECT id FROM store_identity').get() as { id: string }).id;
    this.createTx = this.session.immediate((item: MediaItem) => this.createNow(item));
    this.updateTx = this.session.immediate((next: MediaItem, expectedVersion: number) => this.updateNow(next, expectedVersion));
    this.deleteTx = this.session.immediate((ownerId: string, id: string) => this.deleteNow(ownerId, id));
  }

  private holderOf(ownerId: string, sha256: string): string | undefined {
    const row = this.session.statement('SELECT id FROM media WHERE owner_id = ? AND sha256 = ?').get(ownerId, sha256) as { id: string } | undefined;
    return row?.id;
  }

  private insertTags(ownerId: string, id: string, tags: readonly string[]): void {
    const insert = this.session.statement('INSERT INTO media_tags (owner_id, tag, media_id) VALUES (?, ?, ?)');
    for (const tag of tags) insert.run(ownerId, tag, id);
  }

  /** Adds the full-text row of a listed item (its rowid is the item's row in `media`). */
  private indexForSearch(doc: number, item: MediaItem): void {
    this.session.statement(SEARCH_INDEX_SQL.insert).run(searchRow(doc, item));
  }

  /**
   * Takes out the full-text row of an item that was listed. Only then: a contentless FTS5 table
   * cannot tell a missing row, and deleting one would skew its ranking statistics.
   */
  private unindexForSearch(doc: number): void {
    this.session.statement(SEARCH_INDEX_SQL.delete).run({ doc });
  }

  private createNow(item: MediaItem): void {
    const exists = this.session.statement('SELECT 1 FROM media WHERE owner_id = ? AND id = ?').get(item.ownerId, item.id);
    if (exists !== undefined) throw new ConflictError(`item ${item.id} already exists`);
    const sha = item.original.sha256;
    if (sha !== undefined) {
      const existingId = this.holderOf(item.ownerId, sha);
      if (existingId !== undefined) throw new ConflictError('the owner already has this content', { details: { existingId } });
    }
    const inserted = this.session.statement(
      `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json, taken_at)
       VALUES (@ownerId, @id, @status, @kind, @version, @sha256, @createdAt, @updatedAt, @json, @takenAt)`,
    ).run({
      ownerId: item.ownerId,
      id: item.id,
      status: item.status,
      kind: item.kind,
      version: item.version,
      sha256: sha ?? null,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      json: JSON.stringify(item),
      takenAt: takenAtOf(item),
    });
    this.insertTags(item.ownerId, item.id, indexedTags(item));
    if (isListed(item.status)) this.indexForSearch(Number(inserted.lastInsertRowid), item);
  }

  async create(item: MediaItem): Promise<MediaItem> {
    if (item.version !== 1) throw new ValidationError('a new item starts at version 1');
    this.session.guard('create', () => this.createTx(item));
    this.revisions.delete(item.ownerId);
    return structuredClone(item);
  }

  async get(ownerId: string, id: string): Promise<MediaItem | undefined> {
    const row = this.session.guard('get', () => this.session.statement('SELECT json FROM media WHERE owner_id = ? AND id = ?').get(ownerId, id)) as
      | JsonRow
      | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  private updateNow(next: MediaItem, expectedVersion: number): void {
    const current = this.session
      .statement('SELECT rowid AS doc, version, sha256, status, json FROM media WHERE owner_id = ? AND id = ?')
      .get(next.ownerId, next.id) as ItemStateRow | undefined;
    if (current === undefined) throw new NotFoundError(`item ${next.id} not found`);
    if (current.version !== expectedVersion) {
      throw new ConflictError(`item ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
        details: { currentVersion: current.version },
      });
    }
    const newSha = next.original.sha256;
    if (newSha !== undefined && newSha !== current.sha256) {
      const existingId = this.holderOf(next.ownerId, newSha);
      if (existingId !== undefined && existingId !== next.id) {
        throw new ConflictError('the owner already has this content', { details: { existingId } });
      }
    }
    const result = this.session.statement(
      `UPDATE media SET status = @status, kind = @kind, version = @version, sha256 = @sha256,
         created_at = @createdAt, updated_at = @updatedAt, json = @json, taken_at = @takenAt
       WHERE owner_id = @ownerId AND id = @id AND version = @expectedVersion`,
    ).run({
      ownerId: next.ownerId,
      id: next.id,
      expectedVersion,
      status: next.status,
      kind: next.kind,
      version: next.version,
      sha256: newSha ?? null,
      createdAt: next.createdAt,
      updatedAt: next.updatedAt,
      json: JSON.stringify(next),
      takenAt: takenAtOf(next),
    });
    // Cannot happen inside this transaction after the check above; kept as the real guard.
    if (result.changes !== 1) throw new ConflictError(`item ${next.id} changed during the update`);
    this.reindexForSearch(current, next);

    const before = new Set(
      (this.session.statement('SELECT tag FROM media_tags WHERE owner_id = ? AND media_id = ?').all(next.ownerId, next.id) as { tag: string }[]).map(
        (r) => r.tag,
      ),
    );
    const after = indexedTags(next);
    const remove = this.session.statement('DELETE FROM media_tags WHERE owner_id = ? AND tag = ? AND media_id = ?');
    for (const tag of before) if (!after.includes(tag)) remove.run(next.ownerId, tag, next.id);
    this.insertTags(next.ownerId, next.id, after.filter((tag) => !before.has(tag)));
  }

  /**
   * Brings an updated item's full-text row in step: out when it stops being listed, in when it
   * starts, rewritten only when something its words come from changed (most updates are the
   * pipeline moving status, renditions or moderation, which search does not read).
   */
  private reindexForSearch(current: ItemStateRow, next: MediaItem): void {
    const wasListed = isListed(current.status);
    const nowListed = isListed(next.status);
    const changed = wasListed && nowListed && indexedPart(JSON.parse(current.json) as MediaItem) !== indexedPart(next);
    if (wasListed && (!nowListed || changed)) this.unindexForSearch(current.doc);
    if (nowListed && (!wasListed || changed)) this.indexForSearch(current.doc, next);
  }

  async update(next: MediaItem, expectedVersion: number): Promise<MediaItem> {
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    this.session.guard('update', () => this.updateTx(next, expectedVersion));
    this.revisions.delete(next.ownerId);
    return structuredClone(next);
  }

  async list(ownerId: string, query: ListQuery): Promise<Page<MediaItem>> {
    const binding = { ownerId, kind: query.kind, status: query.status, tag: query.tag };
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, binding).after;
    const shape: ListShape = {
      kind: query.kind !== undefined,
      status: query.status !== undefined,
      tag: query.tag !== undefined,
      after: after !== undefined,
    };
    const params: Record<string, string | number> = { owner: ownerId, limit: query.limit + 1 };
    if (query.kind !== undefined) params['kind'] = query.kind;
    if (query.status !== undefined) params['status'] = query.status;
    if (query.tag !== undefined) params['tag'] = query.tag;
    if (after !== undefined) params['after'] = after;
    // One row more than the page tells whether another page follows.
    const rows = this.session.guard('list', () => this.session.statement(listSql(shape)).all(params)) as JsonRow[];
    const items = rows.slice(0, query.limit).map(fromRow);
    const last = items[items.length - 1];
    if (rows.length > query.limit && last !== undefined) {
      return { items, nextCursor: encodeCursor({ after: last.id }, binding) };
    }
    return { items };
  }

  async findByHash(ownerId: string, sha256: string): Promise<MediaItem | undefined> {
    const row = this.session.guard('findByHash', () =>
      this.session.statement('SELECT json FROM media WHERE owner_id = ? AND sha256 = ?').get(ownerId, sha256),
    ) as JsonRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  async tagCounts(ownerId: string): Promise<TagCount[]> {
    const rows = this.session.guard('tagCounts', () =>
      this.session.statement(
        `SELECT t.tag AS name, COUNT(*) AS count
         FROM media_tags t CROSS JOIN media m ON m.owner_id = t.owner_id AND m.id = t.media_id
         WHERE t.owner_id = ? AND m.status NOT IN ('trashed', 'deleted')
         GROUP BY t.tag`,
      ).all(ownerId),
    ) as TagCount[];
    // Sorted here, not in SQL, to break ties exactly as the reference does (JavaScript string order).
    return rows.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private deleteNow(ownerId: string, id: string): void {
    const row = this.session.statement('SELECT rowid AS doc, status FROM media WHERE owner_id = ? AND id = ?').get(ownerId, id) as
      | { doc: number; status: MediaStatus }
      | undefined;
    if (row !== undefined && isListed(row.status)) this.unindexForSearch(row.doc);
    // The foreign key would cascade; deleting the index rows explicitly does not depend on it.
    this.session.statement('DELETE FROM media_tags WHERE owner_id = ? AND media_id = ?').run(ownerId, id);
    // The hash claim is the row's own sha256 column, so it goes with the row; its album
    // memberships go with it by trigger (media_leaves_albums), in this same transaction.
    this.session.statement('DELETE FROM media WHERE owner_id = ? AND id = ?').run(ownerId, id);
  }

  async delete(ownerId: string, id: string): Promise<void> {
    this.session.guard('delete', () => this.deleteTx(ownerId, id));
    this.revisions.delete(ownerId);
  }

  async revision(ownerId: string): Promise<string> {
    const now = performance.now();
    const memo = this.revisions.get(ownerId);
    if (memo !== undefined && now - memo.readAtMs < this.revisionCacheMs) return memo.value;
    const row = this.session.guard('revision', () => this.session.statement('SELECT revision FROM owner_revision WHERE owner_id = ?').get(ownerId)) as
      | { revision: number }
      | undefined;
    const value = `${this.identity}.${row?.revision ?? 0}`;
    if (this.revisionCacheMs > 0) {
      if (this.revisions.size >= 10_000) this.revisions.clear();
      this.revisions.set(ownerId, { value, readAtMs: now });
    }
    return value;
  }

  async listStale(status: MediaStatus, before: Date, limit: number): Promise<MediaItem[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit must be a positive integer');
    // `updated_at` holds `toISOString()` text, whose order is the order of the instants. A scan
    // across owners, but housekeeping runs now and then, not per request.
    const rows = this.session.guard('listStale', () =>
      this.session
        .statement('SELECT json FROM media WHERE status = ? AND updated_at < ? ORDER BY updated_at LIMIT ?')
        .all(status, before.toISOString(), limit),
    ) as JsonRow[];
    return rows.map(fromRow);
  }

  async listTrash(ownerId: string, query: TrashQuery): Promise<Page<MediaItem>> {
    const binding = trashCursorBinding(ownerId);
    const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, binding);
    // `status = 'trashed'` verbatim: the term of the partial index media_trash.
    const sql = [
      "SELECT json FROM media WHERE owner_id = @owner AND status = 'trashed'",
      position === undefined ? '' : 'AND (updated_at, id) < (@afterUpdatedAt, @after)',
      'ORDER BY updated_at DESC, id DESC LIMIT @limit',
    ].join(' ');
    const params: Record<string, string | number> = { owner: ownerId, limit: query.limit + 1 };
    if (position !== undefined) {
      params['after'] = position.after;
      params['afterUpdatedAt'] = position.extra?.['t'] ?? '';
    }
    const rows = this.session.guard('listTrash', () => this.session.statement(sql).all(params)) as JsonRow[];
    const items = rows.slice(0, query.limit).map(fromRow);
    const last = items[items.length - 1];
    if (rows.length > query.limit && last !== undefined) {
      return { items, nextCursor: encodeCursor({ after: last.id, extra: { t: last.updatedAt } }, binding) };
    }
    return { items };
  }

  async listTrashedBefore(before: Date, limit: number): Promise<MediaItem[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit must be a positive integer');
    const rows = this.session.guard('listTrashedBefore', () =>
      this.session
        .statement("SELECT json FROM media WHERE status = 'trashed' AND updated_at < ? ORDER BY updated_at LIMIT ?")
        .all(before.toISOString(), limit),
    ) as JsonRow[];
    return rows.map(fromRow);
  }

  /** One row of `owner_usage`, which triggers keep in step with every write (migration 6). */
  async usage(ownerId: string): Promise<StorageUsage> {
    const row = this.session.guard('usage', () => this.session.statement('SELECT bytes, items FROM owner_usage WHERE owner_id = ?').get(ownerId)) as
      | StorageUsage
      | undefined;
    return row === undefined ? { bytes: 0, items: 0 } : { bytes: row.bytes, items: row.items };
  }

  async listForReview(query: { cursor?: string | undefined; limit: number }): Promise<Page<MediaItem>> {
    // The same bound as the DynamoDB queue's: a page no larger than any other listing's.
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
      throw new ValidationError(`limit must be 1 to ${MAX_PAGE_SIZE}`, [{ path: 'limit', message: 'out of range' }]);
    }
    const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, REVIEW_CURSOR_BINDING);
    const params = { afterId: position?.after ?? '', afterOwner: position?.extra?.['o'] ?? '', limit: query.limit + 1 };
    const rows = this.session.guard('listForReview', () => this.session.statement(REVIEW_QUEUE_SQL).all(params)) as JsonRow[];
    const items = rows.slice(0, query.limit).map(fromRow);
    const last = items[items.length - 1];
    if (rows.length > query.limit && last !== undefined) {
      return { items, nextCursor: encodeCursor({ after: last.id, extra: { o: last.ownerId } }, REVIEW_CURSOR_BINDING) };
    }
    return { items };
  }

  /**
   * {@link OwnerRecords.listOwnerMedia}: the owner's rows in any status, in id order (a range read
   * of the primary key), for deleting an account.
   */
  async listOwnerMedia(ownerId: string, cursor: string | undefined, limit: number): Promise<Page<MediaItem>> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError('limit must be 1 to 1000', [{ path: 'limit', message: 'out of range' }]);
    const after = cursor === undefined ? '' : decodeCursor(cursor, ownerMediaBinding(ownerId)).after;
    const rows = this.session.guard('listOwnerMedia', () =>
      this.session.statement('SELECT json FROM media WHERE owner_id = ? AND id > ? ORDER BY id LIMIT ?').all(ownerId, after, limit + 1),
    ) as JsonRow[];
    const items = rows.slice(0, limit).map(fromRow);
    const last = items[items.length - 1];
    if (rows.length > limit && last !== undefined) return { items, nextCursor: encodeCursor({ after: last.id }, ownerMediaBinding(ownerId)) };
    return { items };
  }

  /**
   * {@link OwnerRecords.forgetOwner}: every row keyed by the owner in the tables beside `media`
   * (what the owner's items take up, their change log, and any membership, album, link or tag row
   * an interrupted delete left), the revision moved on and the tombstone written, in one
   * transaction. Then a bounded merge of the full-text index: the entries of the deleted items
   * left it when they were deleted (the index deletes securely since migration 8, so no query or
   * vocabulary listing finds them), and the merge rewrites the pages that held them. Refuses while
   * the owner still has items (their objects would be left without a record naming them).
   */
  async forgetOwner(ownerId: string): Promise<void> {
    this.session.guard('forgetOwner', () =>
      this.db.transaction(() => {
        const left = this.session.statement('SELECT count(*) AS n FROM media WHERE owner_id = ?').get(ownerId) as { n: number };
        if (left.n > 0) throw new ConflictError(`the owner still has ${left.n} items: delete them first`);
        for (const table of OWNER_TABLES) this.session.statement(`DELETE FROM ${table} WHERE owner_id = ?`).run(ownerId);
        this.session.statement('INSERT INTO owner_revision (owner_id, revision) VALUES (?, 1) ON CONFLICT (owner_id) DO UPDATE SET revision = revision + 1').run(ownerId);
        this.session.statement('INSERT INTO deleted_owners (owner_id, deleted_at) VALUES (?, ?) ON CONFLICT (owner_id) DO NOTHING').run(ownerId, new Date().toISOString());
      }).immediate(),
    );
    this.session.guard('forgetOwner', () => this.session.statement(`INSERT INTO media_search (media_search, rank) VALUES ('merge', ${-FORGET_MERGE_PAGES})`).run());
    this.revisions.delete(ownerId);
  }

  /** {@link OwnerRecords.isDeleted}: the owner's tombstone, one primary-key read. */
  async isDeleted(ownerId: string): Promise<boolean> {
    const row = this.session.guard('isDeleted', () => this.session.statement('SELECT 1 AS deleted FROM deleted_owners WHERE owner_id = ?').get(ownerId));
    return row !== undefined;
  }

  /**
   * The albums stored in this repository's file, on its connection (one instance per repository).
   * Usable until {@link SqliteMediaRepository.close}.
   *
   * @example
   * const repo = new SqliteMediaRepository({ filename: '.mediaflow/media.db' });
   * const albums: AlbumRepository = repo.albums();
   */
  albums(): SqliteAlbumRepository {
    this.albumRepository ??= new SqliteAlbumRepository(this.session);
    return this.albumRepository;
  }

  /** The share links stored in this repository's file, on its connection. Usable until {@link SqliteMediaRepository.close}. */
  shares(): SqliteShareLinkRepository {
    this.shareRepository ??= new SqliteShareLinkRepository(this.session);
    return this.shareRepository;
  }

  /**
   * Search over the items of this repository's file, on its connection (one instance per
   * repository), kept in step by every write of this repository. Usable until
   * {@link SqliteMediaRepository.close}.
   *
   * @example
   * const repo = new SqliteMediaRepository({ filename: '.mediaflow/media.db' });
   * const page = await repo.search().search(ownerId, SearchQuerySchema.parse(req.query));
   */
  search(): SqliteMediaSearch {
    this.mediaSearch ??= new SqliteMediaSearch(this.session, this.searchOptions);
    return this.mediaSearch;
  }

  /** Closes the database (after letting SQLite refresh its planner statistics). Idempotent. */
  close(): void {
    if (!this.db.open) return;
    this.session.clear();
    this.db.pragma('optimize');
    this.db.close();
  }
}
