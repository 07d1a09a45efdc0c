import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { applyAction } from '../../lifecycle.js';
import type { MediaItem, Tag } from '../../media.js';
import type { MediaRepository } from '../../ports.js';
import { ListQuerySchema, type ListQueryInput } from '../../query.js';
import { moveToTrash, restoreFromTrash } from '../../trash.js';
import { makeMediaItem } from '../fixtures.js';

export interface MediaRepositoryHarness {
  repo: MediaRepository;
  close?: () => Promise<void>;
}

const sha = (n: number): string => n.toString(16).padStart(64, '0');
const q = (input: ListQueryInput = {}) => ListQuerySchema.parse(input);
const aiTag = (name: string): Tag => ({ name, confidence: 0.9, source: 'ai' });

/**
 * The behaviour every MediaRepository adapter must have (in memory, SQLite, DynamoDB).
 */
export function mediaRepositoryContract(name: string, create: () => Promise<MediaRepositoryHarness>): void {
  describe(`MediaRepository contract: ${name}`, () => {
    let harness: MediaRepositoryHarness;
    let repo: MediaRepository;

    beforeEach(async () => {
      harness = await create();
      repo = harness.repo;
    });

    afterEach(async () => {
      await harness.close?.();
    });

    async function listAll(ownerId: string, input: ListQueryInput = {}): Promise<MediaItem[]> {
      const out: MediaItem[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const result = await repo.list(ownerId, q({ ...input, ...(cursor ? { cursor } : {}) }));
        out.push(...result.items);
        if (!result.nextCursor) return out;
        cursor = result.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    it('creates an item and reads it back unchanged', async () => {
      const item = makeMediaItem({
        title: 'Beach',
        facts: { width: 4000, height: 3000, camera: { make: 'Canon' } },
        tags: [aiTag('beach')],
        original: { key: 'originals/alice/x', size: 10, mime: 'image/jpeg', filename: 'b.jpg', sha256: sha(1) },
      });
      await repo.create(item);
      expect(await repo.get('alice', item.id)).toEqual(item);
    });

    it('hides an item from every other owner', async () => {
      const item = makeMediaItem({ ownerId: 'alice' });
      await repo.create(item);
      expect(await repo.get('bob', item.id)).toBeUndefined();
      expect((await repo.list('bob', q())).items).toEqual([]);
      await repo.delete('bob', item.id);
      expect(await repo.get('alice', item.id)).toBeDefined();
    });

    it('refuses to create the same id twice', async () => {
      const item = makeMediaItem();
      await repo.create(item);
      await expect(repo.create({ ...item })).rejects.toBeInstanceOf(ConflictError);
    });

    it('claims a content hash once per owner and says which item holds it', async () => {
      const first = makeMediaItem({ original: { key: 'k1', size: 1, mime: 'image/png', filename: 'a.png', sha256: sha(7) } });
      await repo.create(first);
      const second = makeMediaItem({ original: { key: 'k2', size: 1, mime: 'image/png', filename: 'b.png', sha256: sha(7) } });
      const error = await repo.create(second).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toEqual({ existingId: first.id });
      expect(await repo.get('alice', second.id)).toBeUndefined();
      // Another owner may hold the same content.
      const other = makeMediaItem({ ownerId: 'bob', original: { key: 'k3', size: 1, mime: 'image/png', filename: 'c.png', sha256: sha(7) } });
      await repo.create(other);
      expect((await repo.findByHash('alice', sha(7)))?.id).toBe(first.id);
      expect((await repo.findByHash('bob', sha(7)))?.id).toBe(other.id);
      expect(await repo.findByHash('carol', sha(7))).toBeUndefined();
    });

    it('updates conditionally on the version', async () => {
      const item = await repo.create(makeMediaItem());
      const next = applyAction(item, 'upload.completed', new Date('2026-02-01T00:00:00Z'));
      await repo.update(next, 1);
      expect(await repo.get('alice', item.id)).toEqual(next);
      // A stale writer (still at version 1) loses.
      const stale = applyAction(item, 'processing.failed', new Date());
      await expect(repo.update(stale, 1)).rejects.toBeInstanceOf(ConflictError);
      expect((await repo.get('alice', item.id))?.status).toBe('uploaded');
    });

    it('refuses an update whose version does not follow the expected one', async () => {
      const item = await repo.create(makeMediaItem());
      await expect(repo.update({ ...item, version: 5 }, 1)).rejects.toBeInstanceOf(ValidationError);
    });

    it('reports a missing item on update as NotFoundError', async () => {
      const ghost = makeMediaItem();
      await expect(repo.update({ ...ghost, version: 2 }, 1)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('claims a hash set by an update (ingest learns it) and refuses one another item holds', async () => {
      const a = await repo.create(makeMediaItem({ original: { key: 'ka', size: 1, mime: 'image/png', filename: 'a', sha256: sha(1) } }));
      const b = await repo.create(makeMediaItem());
      const clash = { ...b, version: 2, original: { ...b.original, sha256: sha(1) } };
      await expect(repo.update(clash, 1)).rejects.toBeInstanceOf(ConflictError);
      const fine = { ...b, version: 2, original: { ...b.original, sha256: sha(2) } };
      await repo.update(fine, 1);
      expect((await repo.findByHash('alice', sha(2)))?.id).toBe(b.id);
      expect((await repo.findByHash('alice', sha(1)))?.id).toBe(a.id);
    });

    it('lists newest first and pages through every item exactly once', async () => {
      const created: MediaItem[] = [];
      for (let i = 0; i < 23; i += 1) created.push(await repo.create(makeMediaItem()));
      const first = await repo.list('alice', q({ limit: 10 }));
      expect(first.items).toHaveLength(10);
      expect(first.nextCursor).toBeDefined();
      const all = await listAll('alice', { limit: 10 });
      expect(all.map((i) => i.id)).toEqual(created.map((i) => i.id).reverse());
    });

    it('gives no cursor on the last page', async () => {
      for (let i = 0; i < 3; i += 1) await repo.create(makeMediaItem());
      const page = await repo.list('alice', q({ limit: 3 }));
      expect(page.items).toHaveLength(3);
      expect(page.nextCursor).toBeUndefined();
    });

    it('filters by kind and status', async () => {
      const img = await repo.create(makeMediaItem({ kind: 'image', status: 'ready' }));
      const vid = await repo.create(makeMediaItem({ kind: 'video', status: 'ready' }));
      const failed = await repo.create(makeMediaItem({ kind: 'video', status: 'failed' }));
      expect((await listAll('alice', { kind: 'video' })).map((i) => i.id)).toEqual([failed.id, vid.id]);
      expect((await listAll('alice', { status: 'ready' })).map((i) => i.id)).toEqual([vid.id, img.id]);
      expect((await listAll('alice', { kind: 'video', status: 'ready' })).map((i) => i.id)).toEqual([vid.id]);
    });

    it('never lists deleted items', async () => {
      await repo.create(makeMediaItem({ status: 'deleted' }));
      const kept = await repo.create(makeMediaItem({ status: 'ready' }));
      expect((await listAll('alice')).map((i) => i.id)).toEqual([kept.id]);
    });

    it('keeps trashed items out of every listing and tag count, and lists them in the owner\u2019s trash until restored', async () => {
      const clock = (ms: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + ms);
      const kept = await repo.create(makeMediaItem({ status: 'ready', tags: [aiTag('dog')] }));
      const first = await repo.create(makeMediaItem({ status: 'ready', tags: [aiTag('dog')] }));
      const second = await repo.create(makeMediaItem({ status: 'failed', tags: [aiTag('cat')] }));
      await repo.create(makeMediaItem({ ownerId: 'bob', status: 'ready' }));
      const firstTrashed = await repo.update(moveToTrash(first, clock(0)), first.version);
      const secondTrashed = await repo.update(moveToTrash(second, clock(1000)), second.version);
      expect((await listAll('alice')).map((i) => i.id)).toEqual([kept.id]);
      expect(await listAll('alice', { tag: 'cat' })).toEqual([]);
      expect(await repo.tagCounts('alice')).toEqual([{ name: 'dog', count: 1 }]);
      // Most recently trashed first, paged, and only the owner's.
      const page1 = await repo.listTrash('alice', { limit: 1 });
      expect(page1.items.map((i) => i.id)).toEqual([second.id]);
      expect(page1.items[0]?.trash).toEqual({ at: secondTrashed.updatedAt, from: 'failed' });
      const page2 = await repo.listTrash('alice', { limit: 1, cursor: page1.nextCursor });
      expect(page2.items.map((i) => i.id)).toEqual([first.id]);
      expect(page2.nextCursor).toBeUndefined();
      expect((await repo.listTrash('bob', { limit: 10 })).items).toEqual([]);
      await expect(repo.listTrash('bob', { limit: 1, cursor: page1.nextCursor })).rejects.toBeInstanceOf(ValidationError);
      // Across owners, oldest first, only what went before the cut-off.
      expect((await repo.listTrashedBefore(clock(500), 10)).map((i) => i.id)).toEqual([first.id]);
      expect((await repo.listTrashedBefore(clock(5000), 10)).map((i) => i.id)).toEqual([first.id, second.id]);
      expect((await repo.listTrashedBefore(clock(5000), 1)).map((i) => i.id)).toEqual([first.id]);
      // Restored: listed again with its tags, out of the trash.
      await repo.update(restoreFromTrash(firstTrashed, clock(2000)), firstTrashed.version);
      expect((await listAll('alice')).map((i) => i.id)).toEqual([first.id, kept.id]);
      expect(await repo.tagCounts('alice')).toEqual([{ name: 'dog', count: 2 }]);
      expect((await repo.listTrash('alice', { limit: 10 })).items.map((i) => i.id)).toEqual([secondTrashed.id]);
      expect((await repo.listTrashedBefore(clock(5000), 10)).map((i) => i.id)).toEqual([second.id]);
    });

    it('finds items by tag through the tag index, paged', async () => {
      const dogs: MediaItem[] = [];
      for (let i = 0; i < 5; i += 1) dogs.push(await repo.create(makeMediaItem({ tags: [aiTag('dog'), aiTag('animal')] })));
      await repo.create(makeMediaItem({ tags: [aiTag('cat')] }));
      const found = await listAll('alice', { tag: 'dog', limit: 2 });
      expect(found.map((i) => i.id)).toEqual(dogs.map((d) => d.id).reverse());
      expect(await listAll('bob', { tag: 'dog' })).toEqual([]);
    });

    it('keeps the tag index in step when tags change', async () => {
      const item = await repo.create(makeMediaItem({ tags: [aiTag('dog')] }));
      await repo.update({ ...item, version: 2, tags: [{ name: 'puppy', confidence: 1, source: 'user' }] }, 1);
      expect(await listAll('alice', { tag: 'dog' })).toEqual([]);
      expect((await listAll('alice', { tag: 'puppy' })).map((i) => i.id)).toEqual([item.id]);
    });

    it('counts tags over listed items, most used first', async () => {
      await repo.create(makeMediaItem({ tags: [aiTag('dog'), aiTag('animal')] }));
      await repo.create(makeMediaItem({ tags: [aiTag('cat'), aiTag('animal')] }));
      await repo.create(makeMediaItem({ tags: [aiTag('animal')], status: 'deleted' }));
      await repo.create(makeMediaItem({ ownerId: 'bob', tags: [aiTag('dog')] }));
      expect(await repo.tagCounts('alice')).toEqual([
        { name: 'animal', count: 2 },
        { name: 'cat', count: 1 },
        { name: 'dog', count: 1 },
      ]);
    });

    it('refuses a cursor issued to another owner or for another filter', async () => {
      for (let i = 0; i < 3; i += 1) await repo.create(makeMediaItem());
      const page = await repo.list('alice', q({ limit: 1 }));
      const cursor = page.nextCursor as string;
      await expect(repo.list('bob', q({ limit: 1, cursor }))).rejects.toBeInstanceOf(ValidationError);
      await expect(repo.list('alice', q({ limit: 1, cursor, kind: 'video' }))).rejects.toBeInstanceOf(ValidationError);
      await expect(repo.list('alice', q({ limit: 1, cursor: 'bm90LWEtY3Vyc29y' }))).rejects.toBeInstanceOf(ValidationError);
    });

    it('deletes the item, its tag entries and its hash claim, idempotently', async () => {
      const item = await repo.create(
        makeMediaItem({ tags: [aiTag('dog')], original: { key: 'k', size: 1, mime: 'image/png', filename: 'a', sha256: sha(9) } }),
      );
      await repo.delete('alice', item.id);
      await repo.delete('alice', item.id);
      expect(await repo.get('alice', item.id)).toBeUndefined();
      expect(await listAll('alice', { tag: 'dog' })).toEqual([]);
      expect(await repo.tagCounts('alice')).toEqual([]);
      expect(await repo.findByHash('alice', sha(9))).toBeUndefined();
      // The same content can be uploaded again.
      await repo.create(makeMediaItem({ original: { key: 'k2', size: 1, mime: 'image/png', filename: 'a', sha256: sha(9) } }));
    });

    it('moves the owner\'s revision on every write, and only that owner\'s', async () => {
      const revision = repo.revision?.bind(repo);
      if (revision === undefined) return; // optional: adapters without it are never cached
      const seen = new Set([await revision('alice')]);
      const expectNew = async (): Promise<void> => {
        const now = await revision('alice');
        expect(seen.has(now)).toBe(false);
        seen.add(now);
      };
      const bob = await revision('bob');
      const item = await repo.create(makeMediaItem({ ownerId: 'alice' }));
      await expectNew();
      await repo.update({ ...item, title: 'Renamed', version: 2 }, 1);
      await expectNew();
      await repo.delete('alice', item.id);
      await expectNew();
      // Reads and a failed write leave it alone; another owner's writes do not touch it.
      await repo.list('alice', q());
      await expect(repo.update({ ...item, version: 3 }, 2)).rejects.toThrow();
      const settled = await revision('alice');
      await repo.create(makeMediaItem({ ownerId: 'bob' }));
      expect(await revision('alice')).toBe(settled);
      expect(await revision('bob')).not.toBe(bob);
    });
  });
}

/** A repository that keeps what each owner's items take up (`usage`): memory and SQLite. */
export interface StorageUsageHarness {
  repo: MediaRepository & Required<Pick<MediaRepository, 'usage'>>;
  close?: () => Promise<void>;
}

/** The storage usage every adapter that offers `usage` must keep: every write counted, per owner, deletes for good subtracted. */
export function storageUsageContract(name: string, create: () => Promise<StorageUsageHarness>): void {
  describe(`MediaRepository.usage contract: ${name}`, () => {
    let harness: StorageUsageHarness;
    beforeEach(async () => {
      harness = await create();
    });
    afterEach(async () => {
      await harness.close?.();
    });

    it('sums originals and renditions of every item not deleted for good, the trash included, per owner', async () => {
      const { repo } = harness;
      expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });
      const uploading = await repo.create(makeMediaItem({ status: 'uploading', original: { key: 'k1', size: 1000, mime: 'application/octet-stream', filename: 'a' } }));
      await repo.create(makeMediaItem({ ownerId: 'bob', original: { key: 'k2', size: 7, mime: 'image/png', filename: 'b' } }));
      expect(await repo.usage('alice')).toEqual({ bytes: 1000, items: 1 });
      const rendition = { name: 'thumb', format: 'webp' as const, key: 'r1', contentType: 'image/webp', bytes: 250 };
      const ready = await repo.update(
        { ...uploading, status: 'ready', version: 2, original: { ...uploading.original, size: 900 }, renditions: [rendition, { ...rendition, name: 'small', key: 'r2', bytes: 50 }] },
        1,
      );
      expect(await repo.usage('alice')).toEqual({ bytes: 1200, items: 1 });
      const trashed = await repo.update(moveToTrash(ready, new Date('2026-03-01T00:00:00.000Z')), ready.version);
      expect(await repo.usage('alice')).toEqual({ bytes: 1200, items: 1 });
      await repo.update(applyAction(trashed, 'deleted', new Date('2026-03-02T00:00:00.000Z')), trashed.version);
      expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });
      await repo.delete('alice', ready.id);
      expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });
      expect(await repo.usage('bob')).toEqual({ bytes: 7, items: 1 });
    });
  });
}
