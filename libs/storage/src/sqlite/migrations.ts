import type Database from 'better-sqlite3';
import { StorageError } from '../errors.js';

/** One step of the schema. Numbered from 1 without gaps; never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
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
];

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
      record.run(migration.version, migration.name, new Date().toISOString());
      applied.push(migration.version);
    }
    return applied;
  });
  return run.immediate();
}
