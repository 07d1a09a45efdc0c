import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { StorageError } from '../errors.js';
import { MEDIA_MIGRATIONS, migrate, type Migration } from './migrations.js';
import { SqliteMediaRepository } from './sqlite-media-repository.js';

describe('migrations', () => {
  let dir: string;
  let filename: string;
  const versions = (db: Database.Database): number[] =>
    (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-sqlite-migrate-'));
    filename = join(dir, 'media.db');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const all = MEDIA_MIGRATIONS.map((m) => m.version);
  const next = all.length + 1;

  it('applies every migration once, and nothing on reopen', async () => {
    const first = new SqliteMediaRepository({ filename });
    const item = await first.create(makeMediaItem());
    first.close();
    const second = new SqliteMediaRepository({ filename });
    second.close();
    const db = new Database(filename);
    try {
      expect(versions(db)).toEqual(MEDIA_MIGRATIONS.map((m) => m.version));
      expect(migrate(db)).toEqual([]);
      expect(versions(db)).toEqual(all);
      expect((db.prepare('SELECT id FROM media').all() as { id: string }[]).map((r) => r.id)).toEqual([item.id]);
    } finally {
      db.close();
    }
  });

  it('applies only the new migrations of a later release, in order', () => {
    const db = new Database(filename);
    try {
      expect(migrate(db)).toEqual(all);
      const later: Migration[] = [
        ...MEDIA_MIGRATIONS,
        { version: next, name: 'albums', sql: 'CREATE TABLE albums (owner_id TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (owner_id, id))' },
        { version: next + 1, name: 'album title', sql: 'ALTER TABLE albums ADD COLUMN title TEXT' },
      ];
      expect(migrate(db, later)).toEqual([next, next + 1]);
      expect(migrate(db, later)).toEqual([]);
      db.prepare("INSERT INTO albums (owner_id, id, title) VALUES ('a', 'b', 'c')").run();
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration back entirely', () => {
    const db = new Database(filename);
    try {
      migrate(db);
      const broken: Migration[] = [
        ...MEDIA_MIGRATIONS,
        { version: next, name: 'half done', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL' },
      ];
      expect(() => migrate(db, broken)).toThrow();
      expect(versions(db)).toEqual(all);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('refuses a database migrated further by a newer release, and badly numbered migrations', () => {
    const db = new Database(filename);
    try {
      migrate(db, [...MEDIA_MIGRATIONS, { version: next, name: 'future', sql: 'SELECT 1' }]);
      expect(() => migrate(db)).toThrow(StorageError);
      expect(() => migrate(db, [{ version: 2, name: 'gap', sql: 'SELECT 1' }])).toThrow(StorageError);
    } finally {
      db.close();
    }
    expect(() => new SqliteMediaRepository({ filename })).toThrow(StorageError);
  });
});
