import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AlbumItemsQuerySchema, ListQuerySchema, moveToTrash, SearchQuerySchema, takenAtOf, type MediaItem, type SearchQueryInput, type Tag } from '@mediaflow/domain';
import { makeAlbum, makeMediaItem } from '@mediaflow/domain/testing';
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
        { version: next, name: 'places', sql: 'CREATE TABLE places (owner_id TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (owner_id, id))' },
        { version: next + 1, name: 'place title', sql: 'ALTER TABLE places ADD COLUMN title TEXT' },
      ];
      expect(migrate(db, later)).toEqual([next, next + 1]);
      expect(migrate(db, later)).toEqual([]);
      db.prepare("INSERT INTO places (owner_id, id, title) VALUES ('a', 'b', 'c')").run();
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

  it('brings a database written by schema 2 to 3 with its items intact and its held item in the review queue', async () => {
    // Written the way the release with migrations 1 and 2 wrote: its schema, its rows.
    const old = new Database(filename);
    const tag = { name: 'dog', confidence: 0.9, source: 'ai' as const };
    const ready = makeMediaItem({ ownerId: 'alice', status: 'ready', tags: [tag], moderation: { verdict: 'safe', labels: [] } });
    const held = makeMediaItem({
      ownerId: 'bob',
      status: 'flagged',
      moderation: { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.97 }], checkedAt: '2026-01-01T00:00:00.000Z' },
    });
    const rejected = makeMediaItem({ ownerId: 'bob', status: 'flagged', moderation: { verdict: 'rejected', labels: [] } });
    const items: MediaItem[] = [ready, held, rejected];
    try {
      expect(migrate(old, MEDIA_MIGRATIONS.slice(0, 2))).toEqual([1, 2]);
      const insert = old.prepare(
        `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
      );
      for (const item of items) {
        insert.run(item.ownerId, item.id, item.status, item.kind, item.version, item.createdAt, item.updatedAt, JSON.stringify(item));
      }
      old.prepare('INSERT INTO media_tags (owner_id, tag, media_id) VALUES (?, ?, ?)').run('alice', 'dog', ready.id);
    } finally {
      old.close();
    }

    const repo = new SqliteMediaRepository({ filename });
    try {
      const revision = await repo.revision('alice');
      for (const item of items) expect(await repo.get(item.ownerId, item.id)).toEqual(item);
      expect((await repo.list('alice', ListQuerySchema.parse({ tag: 'dog' }))).items).toEqual([ready]);
      expect(await repo.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
      expect(await repo.listForReview({ limit: 10 })).toEqual({ items: [held] });
      // Migrating is no write to anyone's items.
      expect(await repo.revision('alice')).toBe(revision);

      // The new tables work over the old items, and a delete for good still leaves its albums.
      const albums = repo.albums();
      const album = await albums.createAlbum(makeAlbum({ ownerId: 'alice' }));
      await albums.addItems('alice', album.id, [{ mediaId: ready.id, takenAt: ready.createdAt }], new Date('2026-03-01T00:00:00.000Z'));
      await repo.delete('alice', ready.id);
      expect((await albums.listItems('alice', album.id, AlbumItemsQuerySchema.parse({}))).items).toEqual([]);
      expect(await albums.getAlbum('alice', album.id)).toMatchObject({ itemCount: 0 });
    } finally {
      repo.close();
    }
    const db = new Database(filename);
    try {
      expect(versions(db)).toEqual(all);
    } finally {
      db.close();
    }
  });

  it('brings a database written by schema 6 to 7: what each owner takes up is summed from the stored items', async () => {
    const old = new Database(filename);
    const rendition = { name: 'thumb', format: 'webp' as const, key: 'r', contentType: 'image/webp', bytes: 40 };
    const ready = makeMediaItem({ ownerId: 'alice', status: 'ready', original: { key: 'a', size: 1000, mime: 'image/jpeg', filename: 'a.jpg' }, renditions: [rendition, { ...rendition, bytes: 60 }] });
    const deleted = makeMediaItem({ ownerId: 'alice', status: 'deleted', original: { key: 'b', size: 5000, mime: 'image/jpeg', filename: 'b.jpg' } });
    const theirs = makeMediaItem({ ownerId: 'bob', status: 'trashed', original: { key: 'c', size: 7, mime: 'image/png', filename: 'c.png' } });
    try {
      expect(migrate(old, MEDIA_MIGRATIONS.slice(0, 6))).toEqual([1, 2, 3, 4, 5, 6]);
      const insert = old.prepare(
        `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
      );
      for (const item of [ready, deleted, theirs]) {
        insert.run(item.ownerId, item.id, item.status, item.kind, item.version, item.createdAt, item.updatedAt, JSON.stringify(item));
      }
    } finally {
      old.close();
    }
    const repo = new SqliteMediaRepository({ filename });
    try {
      expect(await repo.usage('alice')).toEqual({ bytes: 1100, items: 1 });
      expect(await repo.usage('bob')).toEqual({ bytes: 7, items: 1 });
      // From then on the triggers keep it.
      await repo.delete('alice', ready.id);
      expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });
    } finally {
      repo.close();
    }
  });

  it('brings a database written by schema 7 to 8: no owner is deleted yet, and words a delete left in the search index are gone', async () => {
    const old = new Database(filename);
    try {
      expect(migrate(old, MEDIA_MIGRATIONS.slice(0, 7))).toEqual([1, 2, 3, 4, 5, 6, 7]);
      // As version 7 indexed and then deleted an item: its words stayed in the index's pages.
      old.prepare('INSERT INTO media_search (rowid, title) VALUES (1, ?)').run('quokkaparade at noon');
      old.prepare('DELETE FROM media_search WHERE rowid = 1').run();
    } finally {
      old.close();
    }
    const pagesMention = (word: string): boolean => {
      const db = new Database(filename, { readonly: true });
      try {
        return (db.prepare('SELECT block FROM media_search_data').all() as { block: Buffer }[]).some((r) => Buffer.from(r.block).toString('latin1').includes(word));
      } finally {
        db.close();
      }
    };
    expect(pagesMention('quokkaparade')).toBe(true);

    const repo = new SqliteMediaRepository({ filename });
    try {
      expect(await repo.isDeleted('alice')).toBe(false);
      expect(pagesMention('quokkaparade')).toBe(false);
      // The index still indexes, and deletes securely from now on.
      const kept = await repo.create(makeMediaItem({ ownerId: 'bob', status: 'ready', title: 'wombatmarch' }));
      expect((await repo.search().search('bob', SearchQuerySchema.parse({ q: 'wombatmarch' }))).items.map((i) => i.id)).toEqual([kept.id]);
      await repo.forgetOwner('alice');
      expect(await repo.isDeleted('alice')).toBe(true);
    } finally {
      repo.close();
    }
    const db = new Database(filename);
    try {
      expect(versions(db)).toEqual(all);
      expect(db.prepare("SELECT v FROM media_search_config WHERE k = 'secure-delete'").get()).toEqual({ v: 1 });
    } finally {
      db.close();
    }
  });

  it('brings a database written by schema 8 to 9: the full-text index gets the words read from pictures, and keeps every item it had', async () => {
    // Written the way the release with migrations 1 to 8 wrote: its rows, indexed by the repository of
    // that release (the eight-column table, rows in media_search beside the media rows).
    const old = new Database(filename);
    const read = { content: 'Fresh bread daily', readAt: '2026-02-01T00:00:00.000Z' };
    const titled = makeMediaItem({ ownerId: 'alice', status: 'ready', title: 'Harbour at dawn' });
    // An item whose text was stored by a later writer before this release indexed it (the JSON has it).
    const withText = makeMediaItem({ ownerId: 'alice', status: 'ready', title: 'Bakery', text: read });
    const trashed = moveToTrash(makeMediaItem({ ownerId: 'alice', status: 'ready', title: 'Harbour at dusk' }), new Date('2026-03-01T00:00:00.000Z'));
    const theirs = makeMediaItem({ ownerId: 'bob', status: 'ready', title: 'Harbour elsewhere', text: read });
    const items = [titled, withText, trashed, theirs];
    try {
      expect(migrate(old, MEDIA_MIGRATIONS.slice(0, 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const insert = old.prepare(
        `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json, taken_at)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
      );
      const index = old.prepare('INSERT INTO media_search (rowid, title, filename) VALUES (?, ?, ?)');
      for (const item of items) {
        const { lastInsertRowid } = insert.run(item.ownerId, item.id, item.status, item.kind, item.version, item.createdAt, item.updatedAt, JSON.stringify(item), takenAtOf(item));
        if (item.status !== 'trashed') index.run(lastInsertRowid, (item.title ?? '').toLowerCase(), 'photo jpg');
      }
      const columns = (old.prepare("SELECT name FROM pragma_table_info('media_search')").all() as { name: string }[]).map((c) => c.name);
      expect(columns).not.toContain('text');
    } finally {
      old.close();
    }

    const repo = new SqliteMediaRepository({ filename });
    try {
      const revision = await repo.revision('alice');
      const found = async (q: string, ownerId = 'alice'): Promise<string[]> => (await repo.search().search(ownerId, SearchQuerySchema.parse({ q }))).items.map((i) => i.id).sort();
      expect(await found('harbour')).toEqual([titled.id]);
      expect(await found('bread')).toEqual([withText.id]);
      expect(await found('bread', 'bob')).toEqual([theirs.id]);
      // Re-indexing is no write to anyone's items.
      expect(await repo.revision('alice')).toBe(revision);
      for (const item of items) expect(await repo.get(item.ownerId, item.id)).toEqual(item);

      // From then on the repository writes the new column with every item.
      const current = await repo.get('alice', titled.id);
      if (current === undefined) throw new Error('the item is gone');
      await repo.update({ ...current, version: current.version + 1, text: { content: 'Open until 19', readAt: '2026-03-02T00:00:00.000Z' } }, current.version);
      expect(await found('open until')).toEqual([titled.id]);
      expect(await found('harbour')).toEqual([titled.id]);
    } finally {
      repo.close();
    }
    const db = new Database(filename, { readonly: true });
    try {
      expect(versions(db)).toEqual(all);
      const columns = (db.prepare("SELECT name FROM pragma_table_info('media_search')").all() as { name: string }[]).map((c) => c.name);
      expect(columns).toEqual(['title', 'description', 'filename', 'tag', 'label', 'audio', 'camera', 'text']);
      expect(db.prepare("SELECT v FROM media_search_config WHERE k = 'secure-delete'").get()).toEqual({ v: 1 });
    } finally {
      db.close();
    }
  });

  it('brings a database written by schema 4 to 5: the listing indexes leave the trash out, and the trash is listed', async () => {
    // Written the way the release with migrations 1 to 4 wrote: its rows, indexed for search by its backfill.
    const old = new Database(filename);
    const ready = makeMediaItem({ ownerId: 'alice', status: 'ready', title: 'Harbour at dawn', tags: [{ name: 'sea', confidence: 1, source: 'user' }] });
    const failed = makeMediaItem({ ownerId: 'alice', status: 'failed', title: 'Harbour at dusk' });
    const theirs = makeMediaItem({ ownerId: 'bob', status: 'ready', title: 'Harbour elsewhere' });
    try {
      expect(migrate(old, MEDIA_MIGRATIONS.slice(0, 3))).toEqual([1, 2, 3]);
      const insert = old.prepare(
        `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
      );
      for (const item of [ready, failed, theirs]) {
        insert.run(item.ownerId, item.id, item.status, item.kind, item.version, item.createdAt, item.updatedAt, JSON.stringify(item));
      }
      old.prepare('INSERT INTO media_tags (owner_id, tag, media_id) VALUES (?, ?, ?)').run('alice', 'sea', ready.id);
      expect(migrate(old, MEDIA_MIGRATIONS.slice(0, 4))).toEqual([4]);
    } finally {
      old.close();
    }

    const repo = new SqliteMediaRepository({ filename });
    try {
      const search = repo.search();
      const found = async (q: string, ownerId = 'alice'): Promise<string[]> => (await search.search(ownerId, SearchQuerySchema.parse({ q }))).items.map((i) => i.id).sort();
      expect(await found('harbour')).toEqual([ready.id, failed.id].sort());
      expect((await repo.list('alice', ListQuerySchema.parse({}))).items.map((i) => i.id)).toEqual([failed.id, ready.id]);
      const trashed = await repo.update(moveToTrash(ready, new Date('2026-03-01T00:00:00.000Z')), ready.version);
      expect((await repo.list('alice', ListQuerySchema.parse({}))).items.map((i) => i.id)).toEqual([failed.id]);
      expect((await repo.list('alice', ListQuerySchema.parse({ tag: 'sea' }))).items).toEqual([]);
      expect(await found('harbour')).toEqual([failed.id]);
      expect((await repo.listTrash('alice', { limit: 10 })).items).toEqual([trashed]);
      expect(await found('harbour', 'bob')).toEqual([theirs.id]);
    } finally {
      repo.close();
    }
    const db = new Database(filename, { readonly: true });
    try {
      expect(versions(db)).toEqual(all);
      const listing = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'media_listed%' ORDER BY name").all() as { name: string; sql: string }[];
      expect(listing.map((i) => i.name)).toEqual(['media_listed', 'media_listed_by_kind', 'media_listed_by_status', 'media_listed_by_taken']);
      for (const index of listing) expect(index.sql).toContain("WHERE status NOT IN ('trashed', 'deleted')");
    } finally {
      db.close();
    }
  });

  it('brings a database written by schema 3 to 4: every item gets its date taken, every listed one is found', async () => {
    // Written the way the release with migrations 1 to 3 wrote: its schema, its rows (more than
    // one batch of the backfill), an album.
    const old = new Database(filename);
    const tag = (name: string): Tag => ({ name, confidence: 1, source: 'user' });
    const offset = makeMediaItem({ ownerId: 'alice', status: 'ready', title: 'Harbour at dawn', facts: { capturedAt: '2020-03-01T01:30:00+02:00' } });
    const noDate = makeMediaItem({ ownerId: 'alice', status: 'ready', tags: [tag('wedding')], facts: { camera: { make: 'Canon', model: 'EOS R6' } } });
    const deleted = makeMediaItem({ ownerId: 'alice', status: 'deleted', title: 'Harbour gone' });
    const theirs = makeMediaItem({ ownerId: 'bob', status: 'failed', title: 'Harbour elsewhere', facts: { capturedAt: '2019-12-31T23:00:00.000Z' } });
    const bulk = Array.from({ length: 1_200 }, (_, i) =>
      makeMediaItem({ ownerId: 'alice', status: 'ready', title: `Walk ${i}`, facts: { capturedAt: new Date(Date.UTC(2010, i % 12, 1)).toISOString() } }),
    );
    const items: MediaItem[] = [offset, noDate, deleted, theirs, ...bulk];
    try {
      expect(migrate(old, MEDIA_MIGRATIONS.slice(0, 3))).toEqual([1, 2, 3]);
      const insert = old.prepare(
        `INSERT INTO media (owner_id, id, status, kind, version, sha256, created_at, updated_at, json)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
      );
      old.transaction(() => {
        for (const item of items) {
          insert.run(item.ownerId, item.id, item.status, item.kind, item.version, item.createdAt, item.updatedAt, JSON.stringify(item));
        }
      })();
      old.prepare('INSERT INTO media_tags (owner_id, tag, media_id) VALUES (?, ?, ?)').run('alice', 'wedding', noDate.id);
      old.prepare(`INSERT INTO albums (owner_id, id, name, created_at, updated_at, version) VALUES ('alice', ?, 'Trip', ?, ?, 1)`).run(
        makeAlbum().id,
        offset.createdAt,
        offset.createdAt,
      );
    } finally {
      old.close();
    }

    const ownerRevisions = (): { owner_id: string; revision: number }[] => {
      const db = new Database(filename, { readonly: true });
      try {
        return db.prepare('SELECT owner_id, revision FROM owner_revision ORDER BY owner_id').all() as { owner_id: string; revision: number }[];
      } finally {
        db.close();
      }
    };
    const revisions = ownerRevisions();
    const repo = new SqliteMediaRepository({ filename });
    try {
      // Setting the date taken is no write to anyone's items: cached pages stay valid.
      expect(ownerRevisions()).toEqual(revisions);
      for (const item of [offset, noDate, theirs]) expect(await repo.get(item.ownerId, item.id)).toEqual(item);
      const search = repo.search();
      const ids = async (input: SearchQueryInput, ownerId = 'alice'): Promise<string[]> =>
        (await search.search(ownerId, SearchQuerySchema.parse(input))).items.map((i) => i.id);
      expect(await ids({ q: 'harbour' })).toEqual([offset.id]);
      expect(await ids({ q: 'harbour' }, 'bob')).toEqual([theirs.id]);
      expect(await ids({ q: 'wedding', camera: 'canon' })).toEqual([noDate.id]);
      expect(await ids({ from: '2020-02-29', to: '2020-02-29' })).toEqual([offset.id]);
      expect((await ids({ q: 'walk', limit: 200 })).length).toBe(200);
      expect(await search.timeline('alice')).toEqual([
        { month: noDate.createdAt.slice(0, 7), count: 1 },
        { month: '2020-02', count: 1 },
        ...Array.from({ length: 12 }, (_, k) => ({ month: `2010-${String(12 - k).padStart(2, '0')}`, count: 100 })),
      ]);
      // The migrated rows are kept in step like new ones.
      await repo.update({ ...offset, title: 'Lighthouse', version: 2 }, 1);
      expect(await ids({ q: 'harbour' })).toEqual([]);
      expect(await ids({ q: 'lighthouse' })).toEqual([offset.id]);
    } finally {
      repo.close();
    }
    const db = new Database(filename);
    try {
      expect(versions(db)).toEqual(all);
      // The revision trigger is back as it was: the update above moved alice's revision once.
      expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'media_revision_update'").get()).toEqual({
        sql: expect.stringContaining('AFTER UPDATE ON media'),
      });
      expect(ownerRevisions()).toEqual(revisions.map((r) => (r.owner_id === 'alice' ? { ...r, revision: r.revision + 1 } : r)));
      const takenAt = db.prepare('SELECT owner_id AS ownerId, id, taken_at AS takenAt FROM media').all() as { ownerId: string; id: string; takenAt: string }[];
      expect(takenAt).toHaveLength(items.length);
      const byId = new Map(takenAt.map((r) => [r.id, r.takenAt]));
      for (const item of items) expect(byId.get(item.id)).toBe(takenAtOf(item));
      // One full-text row per listed item: every item's file name is photo.jpg.
      expect(db.prepare(`SELECT count(*) AS n FROM media_search WHERE media_search MATCH '"jpg"'`).get()).toEqual({ n: items.length - 1 });
    } finally {
      db.close();
    }
  });
});
