import type Database from 'better-sqlite3';
import { QueueSchemaError } from '../errors.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The queue tables. Append new migrations; never edit an applied one. Table names carry a
 * `queue_` prefix so the queues can share one database file with other local adapters.
 *
 * Times are milliseconds since the epoch from the broker's Clock. A message is visible when
 * `visible_at <= now`; `receipt` is the handle of its latest receive and is only honoured while
 * `visible_at > now` (so it goes stale when the visibility timeout runs out or on the next receive).
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'queue messages',
    sql: `
      CREATE TABLE queue_messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        queue TEXT NOT NULL,
        body TEXT NOT NULL,
        attributes TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        receipt TEXT,
        dead_letter_source TEXT,
        dead_letter_receives INTEGER,
        dead_lettered_at INTEGER
      ) STRICT;
      -- Receives scan (queue, visible_at) in order; the implicit rowid suffix breaks ties by age.
      CREATE INDEX queue_messages_ready ON queue_messages (queue, visible_at);
      CREATE UNIQUE INDEX queue_messages_receipt ON queue_messages (receipt) WHERE receipt IS NOT NULL;
    `,
  },
];

/** The newest schema version this code knows. */
export const QUEUE_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** Sets the connection up for several processes sharing the file. */
export function configureConnection(
  db: Database.Database,
  options: { busyTimeoutMs: number; synchronous: 'normal' | 'full' },
): void {
  // The busy timeout first: switching to WAL needs a lock another process may hold.
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
}

/**
 * Applies the migrations that are missing, each in its own immediate transaction, so two processes
 * opening a new file at once do not both create the tables.
 */
export function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS queue_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare<[number], { version: number }>('SELECT version FROM queue_migrations WHERE version = ?');
  const record = db.prepare<[number, string, string]>(
    'INSERT INTO queue_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const newest = db.prepare<[], { version: number | null }>('SELECT max(version) AS version FROM queue_migrations').get();
  if ((newest?.version ?? 0) > QUEUE_SCHEMA_VERSION) {
    // Refuse rather than write rows an older schema does not describe.
    throw new QueueSchemaError(
      `the queue database has schema version ${newest?.version}, newer than this code knows (${QUEUE_SCHEMA_VERSION}): update Mediaflow`,
    );
  }
  for (const migration of MIGRATIONS) {
    db.transaction(() => {
      if (applied.get(migration.version)) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
  }
}
