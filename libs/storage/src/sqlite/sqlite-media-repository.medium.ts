import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyAction, ConflictError, ListQuerySchema, MAX_PAGE_SIZE, TimeoutError, ValidationError, type MediaItem } from '@mediaflow/domain';
import { makeMediaItem, mediaRepositoryContract, storageUsageContract } from '@mediaflow/domain/testing';
import { SqliteMediaRepository } from './sqlite-media-repository.js';
import { sqliteOnFile } from './testing/sqlite-file.js';

mediaRepositoryContract('sqlite', () => sqliteOnFile('mf-sqlite-'));

mediaRepositoryContract('sqlite (in memory)', async () => {
  const repo = new SqliteMediaRepository({ filename: ':memory:' });
  return { repo, close: async () => repo.close() };
});

storageUsageContract('sqlite', async () => {
  const repo = new SqliteMediaRepository({ filename: ':memory:' });
  return { repo, close: async () => repo.close() };
});

/** A valid ULID that sorts by `n` (same time part, counter in the random part). */
function sortableId(n: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let tail = '';
  for (let rest = n, i = 0; i < 16; i += 1, rest = Math.floor(rest / 32)) tail = (alphabet[rest % 32] ?? '0') + tail;
  return `01JQ000000${tail}`;
}

describe('SqliteMediaRepository on a real file', () => {
  let dir: string;
  let filename: string;
  const open: SqliteMediaRepository[] = [];
  const repository = (): SqliteMediaRepository => {
    const repo = new SqliteMediaRepository({ filename });
    open.push(repo);
    return repo;
  };
  const sha = (n: number): string => n.toString(16).padStart(64, '0');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-sqlite-'));
    filename = join(dir, 'media.db');
  });

  afterEach(async () => {
    for (const repo of open.splice(0)) repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps its data across close and reopen', async () => {
    const first = repository();
    const item = makeMediaItem({ ownerId: 'carol', tags: [{ name: 'dog', confidence: 0.9, source: 'ai' }] });
    const hashed = makeMediaItem({ ownerId: 'carol', original: { key: 'k', size: 1, mime: 'image/png', filename: 'a', sha256: sha(3) } });
    await first.create(item);
    await first.create(hashed);
    first.close();
    first.close();

    const second = repository();
    expect(await second.get('carol', item.id)).toEqual(item);
    expect((await second.findByHash('carol', sha(3)))?.id).toBe(hashed.id);
    expect(await second.tagCounts('carol')).toEqual([{ name: 'dog', count: 1 }]);
    await expect(second.create({ ...hashed, id: makeMediaItem().id })).rejects.toMatchObject({ details: { existingId: hashed.id } });
  });

  it('uses WAL, a busy timeout and foreign keys', async () => {
    repository();
    const db = new Database(filename, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
    const repo = new SqliteMediaRepository({ filename: ':memory:', busyTimeoutMs: 1234 });
    open.push(repo);
    const inner = (repo as unknown as { db: Database.Database }).db;
    expect(inner.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(inner.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('lets two connections on one file see each other\u2019s writes, and a stale version lose', async () => {
    const a = repository();
    const b = repository();
    const item = await a.create(makeMediaItem({ ownerId: 'dave' }));
    const seenByB = await b.get('dave', item.id);
    expect(seenByB).toEqual(item);

    // Both read version 1; B writes first, so A's write (still expecting 1) must lose.
    const byB = applyAction(item, 'upload.completed', new Date('2026-02-01T00:00:00Z'));
    await b.update(byB, 1);
    const byA = applyAction(item, 'processing.failed', new Date('2026-02-01T00:00:01Z'));
    await expect(a.update(byA, 1)).rejects.toMatchObject({ constructor: ConflictError, details: { currentVersion: 2 } });
    expect((await a.get('dave', item.id))?.status).toBe('uploaded');

    // A hash claimed through one connection is refused through the other.
    await a.update({ ...byB, version: 3, original: { ...byB.original, sha256: sha(5) } }, 2);
    const other = await b.create(makeMediaItem({ ownerId: 'dave' }));
    await expect(b.update({ ...other, version: 2, original: { ...other.original, sha256: sha(5) } }, 1)).rejects.toMatchObject({
      details: { existingId: item.id },
    });
    await b.delete('dave', item.id);
    expect(await a.get('dave', item.id)).toBeUndefined();
    expect(await a.findByHash('dave', sha(5))).toBeUndefined();
  });

  it('moves an owner\'s revision for writes made through another connection, and never repeats one across databases', async () => {
    const reader = repository();
    const writer = repository();
    const before = await reader.revision('alice');
    await writer.create(makeMediaItem({ ownerId: 'alice' }));
    expect(await reader.revision('alice')).not.toBe(before);
    const other = new SqliteMediaRepository({ filename: ':memory:' });
    try {
      await other.create(makeMediaItem({ ownerId: 'alice' }));
      expect(await other.revision('alice')).not.toBe(await reader.revision('alice'));
    } finally {
      other.close();
    }
  });

  it('reuses a revision for a while when asked to, but never across its own writes', async () => {
    const reader = new SqliteMediaRepository({ filename, revisionCacheMs: 60_000 });
    open.push(reader);
    const writer = repository();
    const first = await reader.revision('alice');
    await writer.create(makeMediaItem({ ownerId: 'alice' }));
    // Another connection's write is not seen until the reuse window ends...
    expect(await reader.revision('alice')).toBe(first);
    // ...but a write through the repository itself is seen at once.
    await reader.create(makeMediaItem({ ownerId: 'alice' }));
    const after = await reader.revision('alice');
    expect(after).not.toBe(first);
    expect(after).toBe(await writer.revision('alice'));
  });

  it('gives up with a TimeoutError when another connection holds the write lock past the busy timeout', async () => {
    const repo = new SqliteMediaRepository({ filename, busyTimeoutMs: 50 });
    open.push(repo);
    const other = new Database(filename);
    try {
      other.exec('BEGIN IMMEDIATE');
      await expect(repo.create(makeMediaItem({ ownerId: 'erin' }))).rejects.toBeInstanceOf(TimeoutError);
      other.exec('COMMIT');
    } finally {
      other.close();
    }
    // Nothing was written by the refused call; once the lock is free, writes go through again.
    const patient = repository();
    expect((await patient.list('erin', ListQuerySchema.parse({}))).items).toHaveLength(0);
    await patient.create(makeMediaItem({ ownerId: 'erin' }));
    expect((await repo.list('erin', ListQuerySchema.parse({}))).items).toHaveLength(1);
  });

  it('lists and pages through 10,000 items newest first, with filters', async () => {
    const repo = repository();
    const kinds = ['image', 'video', 'audio'] as const;
    const created: MediaItem[] = [];
    // makeMediaItem costs more than the insert itself; derive the 10,000 items from one instead.
    const base = makeMediaItem({ ownerId: 'frank', status: 'ready' });
    for (let i = 0; i < 10_000; i += 1) {
      const id = sortableId(i);
      const tags = i % 10 === 0 ? [{ name: 'rare', confidence: 1, source: 'user' as const }] : [];
      const status = i % 7 === 0 ? 'deleted' : 'ready';
      const item: MediaItem = { ...base, id, kind: kinds[i % 3] ?? 'image', status, tags, original: { ...base.original, key: `originals/frank/${id}` } };
      created.push(await repo.create(item));
    }
    await repo.create(makeMediaItem({ ownerId: 'someone-else' }));

    const pageThrough = async (input: Record<string, string | number>): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await repo.list('frank', ListQuerySchema.parse({ ...input, ...(cursor === undefined ? {} : { cursor }) }));
        expect(page.items.length).toBeLessThanOrEqual(Number(input['limit'] ?? 50));
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return ids;
    };
    const newestFirst = [...created].reverse().filter((i) => i.status !== 'deleted');
    expect(await pageThrough({ limit: 200 })).toEqual(newestFirst.map((i) => i.id));
    expect(await pageThrough({ limit: 37, kind: 'video' })).toEqual(newestFirst.filter((i) => i.kind === 'video').map((i) => i.id));
    expect(await pageThrough({ limit: 50, tag: 'rare', kind: 'audio' })).toEqual(
      newestFirst.filter((i) => i.kind === 'audio' && i.tags.length > 0).map((i) => i.id),
    );
    expect(await repo.tagCounts('frank')).toEqual([{ name: 'rare', count: newestFirst.filter((i) => i.tags.length > 0).length }]);
  }, 60_000);
});

describe('the SQLite review queue', () => {
  it('refuses a page larger than MAX_PAGE_SIZE, as the DynamoDB queue does, and serves one of MAX_PAGE_SIZE', async () => {
    const repo = new SqliteMediaRepository({ filename: ':memory:' });
    try {
      // More held items than the largest page, so a limit above it would have something to return.
      for (let i = 0; i <= MAX_PAGE_SIZE; i += 1) {
        await repo.create(makeMediaItem({ ownerId: 'alice', status: 'flagged', moderation: { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.93 }] } }));
      }
      await expect(repo.listForReview({ limit: MAX_PAGE_SIZE + 1 })).rejects.toBeInstanceOf(ValidationError);
      const page = await repo.listForReview({ limit: MAX_PAGE_SIZE });
      expect(page.items).toHaveLength(MAX_PAGE_SIZE);
      expect(page.nextCursor).toBeDefined();
    } finally {
      repo.close();
    }
  });
});
