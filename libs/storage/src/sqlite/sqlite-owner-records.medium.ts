import Database from 'better-sqlite3';
import { makeMediaItem, makeShareLink, ownerRecordsContract } from '@mediaflow/domain/testing';
import { sqliteOnFile, type SqliteOnFile } from './testing/sqlite-file.js';

ownerRecordsContract('sqlite', async () => {
  const { repo, close } = await sqliteOnFile('mf-sqlite-owner-');
  return { repo, albums: repo.albums(), shares: repo.shares(), records: repo, close };
});

/** Rows of every table of the file (enumerated from the schema, so a table added later is covered) that mention `needle`. */
function rowsMentioning(filename: string, needle: string): string[] {
  const db = new Database(filename, { readonly: true });
  try {
    const found: string[] = [];
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        if (Object.values(row).some((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)).includes(needle))) found.push(name);
      }
    }
    return found;
  } finally {
    db.close();
  }
}

describe('forgetting an owner in SQLite', () => {
  let db: SqliteOnFile;

  beforeEach(async () => {
    db = await sqliteOnFile('mf-sqlite-forget-');
  });

  afterEach(async () => {
    await db.close();
  });

  it('leaves no row of the owner in any table, nor their words in the search index, and keeps the other owner\u2019s', async () => {
    const { repo } = db;
    for (const ownerId of ['alicezq', 'bobzq']) {
      const word = ownerId === 'alicezq' ? 'quokkaparade' : 'wombatmarch';
      const item = await repo.create(
        makeMediaItem({ ownerId, status: 'ready', title: `${word} at noon`, original: { key: `originals/${ownerId}/x`, size: 10, mime: 'image/jpeg', filename: 'a.jpg', sha256: 'a'.repeat(64) }, tags: [{ name: word, confidence: 1, source: 'user' }] }),
      );
      await repo.update({ ...item, favourite: true, version: 2 }, 1);
      const album = await repo.albums().createAlbum({ id: makeMediaItem().id, ownerId, name: `${word} trip`, itemCount: 0, createdAt: item.createdAt, updatedAt: item.createdAt, version: 1 });
      await repo.albums().addItems(ownerId, album.id, [{ mediaId: item.id, takenAt: item.createdAt }], new Date(item.createdAt));
      await repo.shares().createShare(makeShareLink({ ownerId, target: { type: 'album', albumId: album.id } }));
    }
    expect(rowsMentioning(db.filename, 'alicezq').length).toBeGreaterThan(4);

    // As an interrupted account deletion would leave it: the items gone, an album and a link not yet.
    for (const item of (await repo.listOwnerMedia('alicezq', undefined, 10)).items) await repo.delete('alicezq', item.id);
    await repo.forgetOwner('alicezq');

    // What is left of her: the tombstone, and the revision, moved on.
    expect(rowsMentioning(db.filename, 'alicezq').sort()).toEqual(['deleted_owners', 'owner_revision']);
    expect(rowsMentioning(db.filename, 'quokkaparade')).toEqual([]);
    expect(await repo.isDeleted('alicezq')).toBe(true);
    expect(await repo.isDeleted('bobzq')).toBe(false);
    expect(rowsMentioning(db.filename, 'bobzq')).toEqual(expect.arrayContaining(['media', 'media_tags', 'albums', 'album_items', 'share_links', 'owner_usage', 'media_changes', 'owner_revision']));
    expect(rowsMentioning(db.filename, 'wombatmarch').length).toBeGreaterThan(0);
    expect(await repo.usage('bobzq')).toMatchObject({ items: 1 });
    expect(await repo.usage('alicezq')).toEqual({ bytes: 0, items: 0 });
  });

  it('moves the owner\u2019s revision on rather than starting it again, so nothing cached for the deleted account is current later', async () => {
    const { repo } = db;
    const seen = new Set([await repo.revision('alicezq')]);
    const item = await repo.create(makeMediaItem({ ownerId: 'alicezq', status: 'ready' }));
    seen.add(await repo.revision('alicezq'));
    await repo.delete('alicezq', item.id);
    seen.add(await repo.revision('alicezq'));
    await repo.forgetOwner('alicezq');
    const after = await repo.revision('alicezq');
    expect(seen.has(after)).toBe(false);
    // A user of the same id later starts from there, not from a revision the deleted account had.
    await repo.create(makeMediaItem({ ownerId: 'alicezq', status: 'ready' }));
    expect(seen.has(await repo.revision('alicezq'))).toBe(false);
  });

  it('merges a bounded part of the full-text index, not all of it, and no query finds the deleted words', async () => {
    const { repo } = db;
    const item = await repo.create(makeMediaItem({ ownerId: 'alicezq', status: 'ready', title: 'quokkaparade at noon' }));
    // A large index of another owner's words, in several segments (rows the test writes directly).
    const raw = new Database(db.filename);
    try {
      const insert = raw.prepare('INSERT INTO media_search (rowid, title) VALUES (?, ?)');
      let word = 0;
      for (let batch = 0; batch < 4; batch += 1) {
        raw.transaction(() => {
          for (let i = 0; i < 300; i += 1) insert.run(1_000_000 + batch * 1000 + i, Array.from({ length: 300 }, () => `w${(word++).toString(36)}`).join(' '));
        })();
      }
    } finally {
      raw.close();
    }
    await repo.delete('alicezq', item.id);
    const pages = (): Map<number, string> => {
      const reader = new Database(db.filename, { readonly: true });
      try {
        return new Map((reader.prepare('SELECT id, hex(block) AS block FROM media_search_data').all() as { id: number; block: string }[]).map((r) => [r.id, r.block]));
      } finally {
        reader.close();
      }
    };
    const before = pages();
    await repo.forgetOwner('alicezq');
    const after = pages();
    const rewritten = [...after].filter(([id, block]) => before.get(id) !== block).length;
    expect(before.size).toBeGreaterThan(1000);
    expect(rewritten).toBeLessThan(200);
    const reader = new Database(db.filename, { readonly: true });
    try {
      reader.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'media_search', 'row')");
      expect(reader.prepare("SELECT term FROM temp.vocab WHERE term = 'quokkaparade'").all()).toEqual([]);
      expect(reader.prepare("SELECT rowid FROM media_search WHERE media_search MATCH 'quokkaparade'").all()).toEqual([]);
    } finally {
      reader.close();
    }
  });
});
