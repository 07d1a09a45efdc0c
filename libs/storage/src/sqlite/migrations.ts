import type Database from 'better-sqlite3';
import { StorageError } from '../errors.js';
import { indexStoredItems, reindexStoredItems } from './search-index.js';

/** One step of the schema. Numbered from 1 without gaps; never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Work on the stored rows that SQL alone cannot do (the domain's word folding is JavaScript),
   * run after `sql` in the same transaction.
   */
  backfill?: (db: Database.Database) => void;
}

/**
 * The media schema: DESIGN.md's single DynamoDB table mirrored relationally.
 *
 * - `media`: one row per item (`PK=OWNER#o SK=MEDIA#id`), the item itself as JSON beside the
 *   columns that are filtered or constrained on.
 * - `media_tags`: the tag index (`PK=OWNER#o#TAG#t SK=MEDIA#id`), one row per tag name per item.
 * - the hash claim (`SK=SHA256#h`) is a partial unique index: one live item per owner and content.
 *
 * The listing indexes are partial on `status <> 'deleted'` (deleted items are never listed), keyed
 * `(owner_id, [filter], id)` so that a newest-first page is one backwards range scan with no sort.
 * Queries repeat the exact term `status <> 'deleted'`, which is what lets SQLite use them.
 *
 * Albums, their members, share links and the moderators' review queue (version 3) follow the same
 * rule: every listing is one index range read in the order it is served.
 *
 * Search (version 4) adds each item's date taken and a full-text index of the listed items.
 *
 * The trash (version 5) takes trashed items out of the listing indexes (partial on
 * `status NOT IN ('trashed', 'deleted')` from then on) and indexes the trash itself.
 *
 * Version 6 logs changes for the live feed; version 7 keeps what each owner's items take up, for
 * storage quotas; version 8 remembers deleted accounts and makes the full-text index delete securely;
 * version 9 adds the words read from pictures (`text`) to the full-text index.
 */
export const MEDIA_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'media, tag index, hash claims',
    sql: `
      CREATE TABLE media (
        owner_id   TEXT    NOT NULL,
        id         TEXT    NOT NULL,
        status     TEXT    NOT NULL,
        kind       TEXT    NOT NULL,
        version    INTEGER NOT NULL CHECK (version >= 1),
        sha256     TEXT,
        created_at TEXT    NOT NULL,
        updated_at TEXT    NOT NULL,
        json       TEXT    NOT NULL,
        PRIMARY KEY (owner_id, id)
      );
      CREATE UNIQUE INDEX media_hash_claim ON media (owner_id, sha256) WHERE sha256 IS NOT NULL;
      CREATE INDEX media_listed ON media (owner_id, id) WHERE status <> 'deleted';
      CREATE INDEX media_listed_by_kind ON media (owner_id, kind, id) WHERE status <> 'deleted';
      CREATE INDEX media_listed_by_status ON media (owner_id, status, id) WHERE status <> 'deleted';

      CREATE TABLE media_tags (
        owner_id TEXT NOT NULL,
        tag      TEXT NOT NULL,
        media_id TEXT NOT NULL,
        PRIMARY KEY (owner_id, tag, media_id),
        FOREIGN KEY (owner_id, media_id) REFERENCES media (owner_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX media_tags_by_item ON media_tags (owner_id, media_id);
    `,
  },
  {
    version: 2,
    name: 'owner revisions',
    // Triggers move an owner's revision in the same transaction as any write to their items,
    // whichever process writes, so a cached list page can never outlive the data it shows.
    // `store_identity` tells two databases apart, so a recreated one never repeats a revision.
    sql: `
      CREATE TABLE owner_revision (
        owner_id TEXT    PRIMARY KEY,
        revision INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE store_identity (id TEXT NOT NULL);
      INSERT INTO store_identity (id) VALUES (lower(hex(randomblob(8))));
      CREATE TRIGGER media_revision_insert AFTER INSERT ON media BEGIN
        INSERT INTO owner_revision (owner_id, revision) VALUES (NEW.owner_id, 1)
          ON CONFLICT (owner_id) DO UPDATE SET revision = revision + 1;
      END;
      CREATE TRIGGER media_revision_update AFTER UPDATE ON media BEGIN
        INSERT INTO owner_revision (owner_id, revision) VALUES (NEW.owner_id, 1)
          ON CONFLICT (owner_id) DO UPDATE SET revision = revision + 1;
      END;
      CREATE TRIGGER media_revision_delete AFTER DELETE ON media BEGIN
        INSERT INTO owner_revision (owner_id, revision) VALUES (OLD.owner_id, 1)
          ON CONFLICT (owner_id) DO UPDATE SET revision = revision + 1;
      END;
    `,
  },
  {
    version: 3,
    name: 'albums, share links, review queue',
    // - album_items is keyed (owner, album, taken_at, media), so an album's page in date order is
    //   one primary-key range read, either way; the unique (owner, media, album) index is both the
    //   "one membership per album" rule and the reverse lookup of albumsOf / forgetMedia.
    // - Triggers keep an album's count, newest date and cover in step in the statement that changes
    //   a membership, whoever writes it. Clearing the cover is an edit of the album's own fields,
    //   so it moves the version. MAX(taken_at) is one seek at the end of the album's key range.
    // - A media row deleted for good leaves its albums (trigger, not a foreign key: a membership
    //   needs no item row to be written, as in the other adapters, and the rule holds whether or
    //   not a connection has foreign keys on). The trigger has no injected clock, so it dates the
    //   albums' change by SQLite's, in the same ISO form as toISOString().
    // - share_links is keyed by the token hash, the one key a visitor's request has; the owner's
    //   listings read (owner, id) and (owner, target, id) indexes, newest first, with no sort.
    // - The review queue is a partial index of the held, undecided items of every owner, in
    //   (id, owner) order; its query repeats the index's exact WHERE terms so SQLite can use it.
    sql: `
      CREATE TABLE albums (
        owner_id        TEXT    NOT NULL,
        id              TEXT    NOT NULL,
        name            TEXT    NOT NULL,
        description     TEXT,
        cover_media_id  TEXT,
        item_count      INTEGER NOT NULL DEFAULT 0 CHECK (item_count >= 0),
        newest_taken_at TEXT,
        created_at      TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL,
        version         INTEGER NOT NULL CHECK (version >= 1),
        PRIMARY KEY (owner_id, id)
      ) WITHOUT ROWID;

      CREATE TABLE album_items (
        owner_id TEXT NOT NULL,
        album_id TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        media_id TEXT NOT NULL,
        PRIMARY KEY (owner_id, album_id, taken_at, media_id),
        FOREIGN KEY (owner_id, album_id) REFERENCES albums (owner_id, id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX album_items_by_media ON album_items (owner_id, media_id, album_id);

      CREATE TRIGGER album_item_added AFTER INSERT ON album_items BEGIN
        UPDATE albums SET
          item_count = item_count + 1,
          newest_taken_at = max(coalesce(newest_taken_at, NEW.taken_at), NEW.taken_at)
        WHERE owner_id = NEW.owner_id AND id = NEW.album_id;
      END;
      CREATE TRIGGER album_item_removed AFTER DELETE ON album_items BEGIN
        UPDATE albums SET
          item_count = item_count - 1,
          newest_taken_at = (SELECT max(taken_at) FROM album_items WHERE owner_id = OLD.owner_id AND album_id = OLD.album_id),
          cover_media_id = CASE WHEN cover_media_id = OLD.media_id THEN NULL ELSE cover_media_id END,
          version = CASE WHEN cover_media_id = OLD.media_id THEN version + 1 ELSE version END
        WHERE owner_id = OLD.owner_id AND id = OLD.album_id;
      END;
      CREATE TRIGGER media_leaves_albums AFTER DELETE ON media BEGIN
        UPDATE albums SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE owner_id = OLD.owner_id
          AND id IN (SELECT album_id FROM album_items WHERE owner_id = OLD.owner_id AND media_id = OLD.id);
        DELETE FROM album_items WHERE owner_id = OLD.owner_id AND media_id = OLD.id;
      END;

      CREATE TABLE share_links (
        token_hash  TEXT    NOT NULL PRIMARY KEY,
        owner_id    TEXT    NOT NULL,
        id          TEXT    NOT NULL,
        target_type TEXT    NOT NULL,
        target_id   TEXT    NOT NULL,
        version     INTEGER NOT NULL CHECK (version >= 1),
        json        TEXT    NOT NULL
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX share_links_by_owner ON share_links (owner_id, id);
      CREATE INDEX share_links_by_target ON share_links (owner_id, target_type, target_id, id);

      CREATE INDEX media_review_queue ON media (id, owner_id)
        WHERE status = 'flagged' AND json_extract(json, '$.moderation.verdict') = 'flagged';
    `,
  },
  {
    version: 4,
    name: 'date taken, full-text search',
    // - taken_at is the domain's takenAtOf (UTC toISOString text, so text order is time order),
    //   written by the repository with every item. media_listed_by_taken serves date-taken pages
    //   of listed items either way with the id as tie-break, and carries kind and status so those
    //   filters are checked without reading the row.
    // - media_search holds one row per listed item, its rowid the item's rowid in media (the
    //   repository never REPLACEs a media row, and VACUUM keeps rowids), one column per search
    //   field. Contentless: the words live in the items' JSON already; contentless_delete lets an
    //   edit or a delete take a row out. detail=full: bm25 needs the positions of a contentless
    //   table's matches (with detail=column it scores every contentless row 0).
    // - The words are folded by the domain (letters and digits, lower case, no accents). The
    //   ascii tokenizer only splits them at spaces: unlike unicode61 it never folds a non-ASCII
    //   letter again (unicode61 turns a final sigma into a sigma even with remove_diacritics 0),
    //   so the index compares words exactly as the domain does.
    // - The prefix index answers a last word of two to four letters as it is typed from one list.
    sql: `
      ALTER TABLE media ADD COLUMN taken_at TEXT;
      CREATE INDEX media_listed_by_taken ON media (owner_id, taken_at, id, kind, status) WHERE status <> 'deleted';
      CREATE VIRTUAL TABLE media_search USING fts5(
        title, description, filename, tag, label, audio, camera,
        content = '', contentless_delete = 1, detail = full, tokenize = 'ascii', prefix = '2 3 4'
      );
    `,
    backfill: indexStoredItems,
  },
  {
    version: 5,
    name: 'trash',
    // - Items in the trash leave every listing as deleted ones do: the listing indexes become
    //   partial on status NOT IN ('trashed', 'deleted') (the same term every listing query repeats
    //   verbatim), so a large trash costs a listing nothing. No row is trashed before this version,
    //   so the rebuilt indexes hold the same rows.
    // - media_trash lists an owner's trash, most recently trashed first: a trashed item is never
    //   edited (the service refuses), so its updated_at is when it went to the trash.
    //   media_trash_due finds, across owners, what has been there longest (what the sweeper purges).
    sql: `
      DROP INDEX media_listed;
      DROP INDEX media_listed_by_kind;
      DROP INDEX media_listed_by_status;
      DROP INDEX media_listed_by_taken;
      CREATE INDEX media_listed ON media (owner_id, id) WHERE status NOT IN ('trashed', 'deleted');
      CREATE INDEX media_listed_by_kind ON media (owner_id, kind, id) WHERE status NOT IN ('trashed', 'deleted');
      CREATE INDEX media_listed_by_status ON media (owner_id, status, id) WHERE status NOT IN ('trashed', 'deleted');
      CREATE INDEX media_listed_by_taken ON media (owner_id, taken_at, id, kind, status) WHERE status NOT IN ('trashed', 'deleted');
      CREATE INDEX media_trash ON media (owner_id, updated_at, id) WHERE status = 'trashed';
      CREATE INDEX media_trash_due ON media (updated_at) WHERE status = 'trashed';
    `,
  },
  {
    version: 6,
    name: 'media change log',
    // - media_changes is the change feed of the local stack (`SqliteMediaChangeFeed`): triggers
    //   append one row per insert, per update that moves the status or the version, and per delete
    //   of a media row, in the writing transaction, whichever process writes. A write that rolls
    //   back takes its row (and its sequence) with it.
    // - AUTOINCREMENT: a sequence is never handed out twice, even after the newest rows are gone,
    //   so a client resuming after one can never be shown another change under it.
    // - Bounded by count, not by age: each new row prunes the rows 10,000 or more behind it (one
    //   range delete on the primary key, a row or so per write, whichever process writes), so the
    //   log stays under a megabyte. The count spans every owner: a reader further behind than
    //   that is told to reload (the feed answers `expired`), which costs it one list read.
    // - media_changes_by_owner serves one owner's changes after a sequence as one range read.
    sql: `
      CREATE TABLE media_changes (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        owner_id TEXT    NOT NULL,
        media_id TEXT    NOT NULL,
        change   TEXT    NOT NULL CHECK (change IN ('created', 'updated', 'deleted')),
        at       TEXT    NOT NULL
      );
      CREATE INDEX media_changes_by_owner ON media_changes (owner_id, seq);
      CREATE TRIGGER media_changes_keep_recent AFTER INSERT ON media_changes BEGIN
        DELETE FROM media_changes WHERE seq <= NEW.seq - 10000;
      END;
      CREATE TRIGGER media_change_insert AFTER INSERT ON media BEGIN
        INSERT INTO media_changes (owner_id, media_id, change, at)
        VALUES (NEW.owner_id, NEW.id, 'created', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
      END;
      CREATE TRIGGER media_change_update AFTER UPDATE OF status, version ON media
      WHEN OLD.status IS NOT NEW.status OR OLD.version IS NOT NEW.version BEGIN
        INSERT INTO media_changes (owner_id, media_id, change, at)
        VALUES (NEW.owner_id, NEW.id, 'updated', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
      END;
      CREATE TRIGGER media_change_delete AFTER DELETE ON media BEGIN
        INSERT INTO media_changes (owner_id, media_id, change, at)
        VALUES (OLD.owner_id, OLD.id, 'deleted', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
      END;
    `,
  },
  {
    version: 7,
    name: 'storage used per owner',
    // What each owner's items take up (the domain's storedBytes: the original's size and every
    // rendition's bytes, nothing for a deleted item), kept by triggers in the same transaction as
    // any write to an item, whichever process writes, so a quota check reads one row. The sum is
    // taken from the item's JSON, so the repository writes nothing new; existing rows are summed
    // once here.
    sql: `
      CREATE TABLE owner_usage (
        owner_id TEXT    PRIMARY KEY,
        bytes    INTEGER NOT NULL,
        items    INTEGER NOT NULL
      ) WITHOUT ROWID;
      ${usageTrigger('media_usage_insert', 'INSERT', ['NEW', 1])}
      ${usageTrigger('media_usage_update', 'UPDATE', ['NEW', 1], ['OLD', -1])}
      ${usageTrigger('media_usage_delete', 'DELETE', ['OLD', -1])}
      INSERT INTO owner_usage (owner_id, bytes, items)
        SELECT owner_id, sum(${storedBytesSql('media')}), sum(status <> 'deleted') FROM media GROUP BY owner_id;
    `,
  },
  {
    version: 8,
    name: 'deleted owners, secure full-text deletes',
    // - deleted_owners is the tombstone of a deleted account (OwnerRecords.forgetOwner), kept for
    //   good: the API refuses a token of such an owner, whoever issued it.
    // - secure-delete: a row deleted from media_search takes its entries out of the index's pages
    //   there and then, instead of leaving them behind a delete marker until a merge; so a deleted
    //   item's words are found by no query and listed by no vocabulary, and deleting an account
    //   needs only a bounded merge, not a rewrite of the whole index. Rows deleted before this
    //   version left entries behind, which one merge takes out now.
    sql: `
      CREATE TABLE deleted_owners (
        owner_id   TEXT PRIMARY KEY,
        deleted_at TEXT NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO media_search (media_search, rank) VALUES ('secure-delete', 1);
      INSERT INTO media_search (media_search) VALUES ('optimize');
    `,
  },
  {
    version: 9,
    name: 'words read from pictures in the full-text index',
    // - FTS5 cannot add a column to a table, so media_search is dropped and made again with the
    //   column `text` after version 4's, with version 4's options and version 8's secure delete.
    //   Rowids stay the items' rowids in media, as before.
    // - The backfill indexes every listed item again from its stored JSON (the index is
    //   contentless: its words exist nowhere else). Items stored before this version have no `text`
    //   yet, so their rows hold the same words as before plus an empty column; the text step fills
    //   it as it reads them. Only the index is written, so no owner's revision moves.
    sql: `
      DROP TABLE media_search;
      CREATE VIRTUAL TABLE media_search USING fts5(
        title, description, filename, tag, label, audio, camera, text,
        content = '', contentless_delete = 1, detail = full, tokenize = 'ascii', prefix = '2 3 4'
      );
      INSERT INTO media_search (media_search, rank) VALUES ('secure-delete', 1);
    `,
    backfill: reindexStoredItems,
  },
];

/** SQL of the domain's `storedBytes` for a row (`NEW`, `OLD` or a table name): 0 for a deleted item. */
function storedBytesSql(row: string): string {
  return `(CASE WHEN ${row}.status = 'deleted' THEN 0 ELSE coalesce(json_extract(${row}.json, '$.original.size'), 0) + coalesce((SELECT sum(json_extract(r.value, '$.bytes')) FROM json_each(${row}.json, '$.renditions') r), 0) END)`;
}

/** A trigger that adds each row's bytes and count (times its sign) to its owner's usage. */
function usageTrigger(name: string, event: 'INSERT' | 'UPDATE' | 'DELETE', ...rows: [string, 1 | -1][]): string {
  const sum = (term: (row: string) => string): string => rows.map(([row, sign]) => `${sign < 0 ? '-' : ''}${term(row)}`).join(' + ');
  const owner = rows[0]?.[0] ?? 'NEW';
  return `CREATE TRIGGER ${name} AFTER ${event} ON media BEGIN
        INSERT INTO owner_usage (owner_id, bytes, items) VALUES (${owner}.owner_id, ${sum(storedBytesSql)}, ${sum((row) => `(${row}.status <> 'deleted')`)})
          ON CONFLICT (owner_id) DO UPDATE SET bytes = bytes + excluded.bytes, items = items + excluded.items;
      END;`;
}

function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new StorageError(`migration ${i + 1} is numbered ${m.version}: versions must run 1, 2, 3, ...`);
  });
}

/**
 * Brings a database up to the latest migration. Runs in one `BEGIN IMMEDIATE` transaction, so two
 * processes opening the same file at once apply each migration exactly once, and a failed
 * migration leaves the schema as it was. Returns the versions it applied (none when up to date).
 * Refuses a database that a newer release has already migrated further.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MEDIA_MIGRATIONS): number[] {
  checkSequence(migrations);
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const row = db.prepare('SELECT MAX(version) AS current FROM schema_migrations').get() as { current: number | null };
    const current = row.current ?? 0;
    if (current > migrations.length) {
      throw new StorageError(`the database is at schema version ${current}, newer than this release knows (${migrations.length})`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const migration of migrations.slice(current)) {
      db.exec(migration.sql);
      migration.backfill?.(db);
      record.run(migration.version, migration.name, new Date().toISOString());
      applied.push(migration.version);
    }
    return applied;
  });
  return run.immediate();
}
