import Database from 'better-sqlite3';
import { ValidationError, type MediaChange, type MediaChangeFeed, type MediaChangePage, type MediaChangeType } from '@mediaflow/domain';
import { MEDIA_MIGRATIONS, migrate } from './migrations.js';
import { SqliteSession } from './sqlite-session.js';

/** Settings of a {@link SqliteMediaChangeFeed}. */
export interface SqliteMediaChangeFeedOptions {
  /** The media database file (the one `SqliteMediaRepository` writes). */
  filename: string;
  /** How long a read waits for another connection's lock before failing (default 5000). */
  busyTimeoutMs?: number;
}

interface ChangeRow {
  sequence: number;
  ownerId: string;
  mediaId: string;
  type: MediaChangeType;
}

interface BoundsRow {
  head: number | null;
  oldest: number | null;
}

/** Whether the file has every migration this release knows (a read; no lock is taken). */
function isUpToDate(db: Database.Database): boolean {
  const known = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (known === undefined) return false;
  const row = db.prepare('SELECT MAX(version) AS current FROM schema_migrations').get() as { current: number | null };
  return (row.current ?? 0) >= MEDIA_MIGRATIONS.length;
}

/** The most changes one read returns. */
const MAX_LIMIT = 1000;

/**
 * The `MediaChangeFeed` of the local stack: reads the change log that triggers on the `media`
 * table write (migration 6, `media_changes`), on a connection of its own. Whichever process writes
 * an item (the API, a worker process, `mediaflow sweep`), the change is in the log when its
 * transaction commits, so a reader in any process sees it on its next read. The log keeps the
 * newest 10,000 changes of the store; a reader further behind gets `expired`.
 *
 * Reads are synchronous underneath (better-sqlite3) and take microseconds: the head is one seek at
 * the end of the primary key, an owner's changes one range of `media_changes_by_owner`.
 *
 * @example
 * const feed = new SqliteMediaChangeFeed({ filename: '.mediaflow/media.db' });
 * let after = await feed.head();
 * // later, and again each time:
 * const page = await feed.changesAfter(ownerId, after, 100);
 * after = page.next;
 */
export class SqliteMediaChangeFeed implements MediaChangeFeed {
  private readonly db: Database.Database;
  private readonly session: SqliteSession;
  private readonly readTx: (ownerId: string, after: number, limit: number) => MediaChangePage;

  constructor(options: SqliteMediaChangeFeedOptions) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new ValidationError('busyTimeoutMs must be a non-negative integer');
    this.db = new Database(options.filename);
    try {
      this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      this.db.pragma('journal_mode = WAL');
      // Whoever opens the file first brings it up to date. Beside a repository that already did, a
      // read says so and no write lock is taken (another process may be holding it).
      if (!isUpToDate(this.db)) migrate(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.session = new SqliteSession(this.db);
    // The bounds and the owner's rows from one snapshot: a change committed in between can be
    // neither skipped (by a head read after it) nor taken for a gap.
    this.readTx = this.session.snapshot((ownerId: string, after: number, limit: number) => this.readNow(ownerId, after, limit));
  }

  private bounds(): BoundsRow {
    return this.session.statement('SELECT max(seq) AS head, min(seq) AS oldest FROM media_changes').get() as BoundsRow;
  }

  async head(): Promise<number> {
    return this.session.guard('head', () => (this.session.statement('SELECT max(seq) AS head FROM media_changes').get() as { head: number | null }).head ?? 0);
  }

  private readNow(ownerId: string, after: number, limit: number): MediaChangePage {
    const { head, oldest } = this.bounds();
    const top = head ?? 0;
    const rows = this.session
      .statement(
        `SELECT seq AS sequence, owner_id AS ownerId, media_id AS mediaId, change AS type
         FROM media_changes WHERE owner_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      )
      .all(ownerId, after, limit) as ChangeRow[];
    const changes: MediaChange[] = rows.map((r) => ({ sequence: r.sequence, ownerId: r.ownerId, mediaId: r.mediaId, type: r.type }));
    const last = changes.at(-1);
    return {
      changes,
      next: changes.length === limit && last !== undefined ? last.sequence : top,
      // Sequences between `after` and the oldest kept row were pruned: some may have been this owner's.
      expired: after > top || (oldest !== null && after < oldest - 1),
    };
  }

  async changesAfter(ownerId: string, after: number, limit: number): Promise<MediaChangePage> {
    if (!Number.isSafeInteger(after) || after < 0) throw new ValidationError('after must be a non-negative integer', [{ path: 'after', message: 'invalid' }]);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationError(`limit must be an integer from 1 to ${MAX_LIMIT}`, [{ path: 'limit', message: 'out of range' }]);
    }
    return this.session.guard('changesAfter', () => this.readTx(ownerId, after, limit));
  }

  /** Closes the connection. Idempotent. */
  close(): void {
    if (!this.db.open) return;
    this.session.clear();
    this.db.close();
  }
}
