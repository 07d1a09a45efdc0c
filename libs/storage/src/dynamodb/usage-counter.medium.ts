import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { storedBytes, type MediaItem, type Rendition } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { backfillTable } from './backfill.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { mediaRow } from './media-row.js';
import { indexedRow, wantedFootprint } from './search-index.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();
// dynalite runs transactions slowly: a hundred tags or two dozen concurrent uploads take seconds.
jest.setTimeout(30_000);

const rendition = (name: Rendition['name'], bytes: number): Rendition => ({
  name,
  format: 'webp',
  key: `renditions/alice/x/${name}.webp`,
  contentType: 'image/webp',
  bytes,
});

describe('DynamoDB storage used (usage counters)', () => {
  let t: DynaliteTable;
  let repo: DynamoMediaRepository;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
  });

  afterEach(() => t.close());

  /** Writes `next` over `item` (one version on) and returns it. */
  async function write(item: MediaItem, change: Partial<MediaItem>): Promise<MediaItem> {
    return repo.update({ ...item, ...change, version: item.version + 1 }, item.version);
  }

  it('follows an item through its life: nothing while uploading, its original, its renditions, the trash, its deletion', async () => {
    const uploading = await repo.create(makeMediaItem({ status: 'uploading', original: { key: 'originals/alice/a', size: 5000, mime: 'image/png', filename: 'a.png' } }));
    expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });

    const uploaded = await write(uploading, { status: 'uploaded', original: { ...uploading.original, size: 4800 } });
    expect(await repo.usage('alice')).toEqual({ bytes: 4800, items: 1 });

    const ready = await write(uploaded, { status: 'ready', renditions: [rendition('thumb', 300), rendition('medium', 900)] });
    expect(await repo.usage('alice')).toEqual({ bytes: storedBytes(ready), items: 1 });
    expect(storedBytes(ready)).toBe(6000);

    // Neither a title nor the trash changes what is stored.
    const titled = await write(ready, { title: 'Sunset' });
    const trashed = await write(titled, { status: 'trashed', trash: { at: titled.updatedAt, from: 'ready' } });
    expect(await repo.usage('alice')).toEqual({ bytes: 6000, items: 1 });

    await repo.delete('alice', trashed.id);
    expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });
    // A delete of what is gone moves nothing.
    await repo.delete('alice', trashed.id);
    expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });
  });

  it('keeps owners apart, and adds up many concurrent writes of one owner exactly', async () => {
    const sizes = Array.from({ length: 24 }, (_, i) => 1000 + i * 37);
    await Promise.all(
      sizes.map(async (size) => {
        const created = await repo.create(makeMediaItem({ status: 'uploading', original: { key: 'originals/alice/x', size, mime: 'image/jpeg', filename: 'x.jpg' } }));
        const uploaded = await write(created, { status: 'uploaded' });
        await write(uploaded, { status: 'ready', renditions: [rendition('thumb', 10)] });
      }),
    );
    await repo.create(makeMediaItem({ ownerId: 'bob', status: 'ready', original: { key: 'originals/bob/y', size: 77, mime: 'image/jpeg', filename: 'y.jpg' } }));
    const total = sizes.reduce((sum, size) => sum + size + 10, 0);
    expect(await repo.usage('alice')).toEqual({ bytes: total, items: sizes.length });
    expect(await repo.usage('bob')).toEqual({ bytes: 77, items: 1 });
    expect(await repo.usage('carol')).toEqual({ bytes: 0, items: 0 });
  });

  it('trashes and deletes an item with a hundred tags (more tag entries than one transaction holds)', async () => {
    const tag = (i: number) => ({ name: `tag${i}`, confidence: 1, source: 'user' as const });
    const first = await repo.create(
      makeMediaItem({ status: 'ready', tags: Array.from({ length: 60 }, (_, i) => tag(i)), original: { key: 'originals/alice/t', size: 900, mime: 'image/jpeg', filename: 't.jpg', sha256: 'a'.repeat(64) } }),
    );
    const full = await write(first, { tags: Array.from({ length: 100 }, (_, i) => tag(i)) });
    expect((await repo.tagCounts('alice')).length).toBe(100);
    const trashed = await write(full, { status: 'trashed', trash: { at: full.updatedAt, from: 'ready' } });
    expect(await repo.tagCounts('alice')).toEqual([]);
    expect(await repo.usage('alice')).toEqual({ bytes: 900, items: 1 });
    await repo.delete('alice', trashed.id);
    expect(await repo.get('alice', trashed.id)).toBeUndefined();
    expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });

    // Deleted straight from the library, its hundred entries and its hash claim go too.
    const again = await write(await repo.create(makeMediaItem({ status: 'ready', tags: Array.from({ length: 60 }, (_, i) => tag(i)), original: { key: 'originals/alice/u', size: 10, mime: 'image/jpeg', filename: 'u.jpg', sha256: 'b'.repeat(64) } })), {
      tags: Array.from({ length: 100 }, (_, i) => tag(i)),
    });
    await repo.delete('alice', again.id);
    expect(await repo.tagCounts('alice')).toEqual([]);
    expect(await repo.findByHash('alice', 'b'.repeat(64))).toBeUndefined();
  });

  it('puts back the tag entries it removed early when the write they made room for fails', async () => {
    const tag = (i: number) => ({ name: `tag${i}`, confidence: 1, source: 'user' as const });
    const first = await repo.create(makeMediaItem({ status: 'ready', tags: Array.from({ length: 60 }, (_, i) => tag(i)) }));
    const full = await write(first, { tags: Array.from({ length: 100 }, (_, i) => tag(i)) });
    const failing = t.anotherClient();
    let transactions = 0;
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        // The first transaction removes the surplus entries; the item's own, second, is lost.
        if (context.commandName === 'TransactWriteItemsCommand' && ++transactions === 2) throw new Error('connection reset');
        return next(args);
      },
      { step: 'initialize', name: 'loseTheWrite', priority: 'high' },
    );
    const flaky = new DynamoMediaRepository({ tableName: t.tableName }, { client: failing });
    await expect(flaky.update({ ...full, status: 'trashed', trash: { at: full.updatedAt, from: 'ready' }, version: full.version + 1 }, full.version)).rejects.toThrow('connection reset');
    expect(transactions).toBeGreaterThanOrEqual(3);
    expect((await repo.get('alice', full.id))?.status).toBe('ready');
    expect((await repo.tagCounts('alice')).length).toBe(100);
    // And the item can still go to the trash, every entry with it.
    await write(full, { status: 'trashed', trash: { at: full.updatedAt, from: 'ready' } });
    expect(await repo.tagCounts('alice')).toEqual([]);
  });

  describe('rows written before the counters', () => {
    /** A row as the previous release wrote it: search footprint and index keys, no usage count. */
    async function previousRelease(item: MediaItem): Promise<MediaItem> {
      await t.raw.send(new PutItemCommand({ TableName: t.tableName, Item: indexedRow(item, wantedFootprint(item)) }));
      return item;
    }

    /** A row as releases before the search index wrote it. */
    async function olderRelease(item: MediaItem): Promise<MediaItem> {
      await t.raw.send(new PutItemCommand({ TableName: t.tableName, Item: mediaRow(item) }));
      return item;
    }

    const ready = (size: number, ownerId = 'alice'): MediaItem =>
      makeMediaItem({ ownerId, status: 'ready', original: { key: `originals/${ownerId}/z`, size, mime: 'image/jpeg', filename: 'z.jpg' }, renditions: [rendition('thumb', 100)] });

    it('counts them once by the backfill, however often it runs, and beside a second backfill', async () => {
      await previousRelease(ready(1000));
      await previousRelease(ready(2000));
      await olderRelease(ready(3000));
      await previousRelease(ready(50, 'bob'));
      await previousRelease(makeMediaItem({ status: 'uploading' }));
      expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });

      const [a, b] = await Promise.all([backfillTable(t.client, t.tableName, { totalSegments: 1 }), backfillTable(t.anotherClient(), t.tableName, { totalSegments: 1 })]);
      expect(await repo.usage('alice')).toEqual({ bytes: 6300, items: 3 });
      expect(await repo.usage('bob')).toEqual({ bytes: 150, items: 1 });
      // Each row was counted by one of the two; the other met a row that counted already.
      expect((a?.counted ?? 0) + (b?.counted ?? 0)).toBe(5);

      const again = await backfillTable(t.client, t.tableName, { totalSegments: 2 });
      expect(again).toMatchObject({ found: 0, counted: 0 });
      expect(await repo.usage('alice')).toEqual({ bytes: 6300, items: 3 });
    });

    it('counts a row its next write reaches whole, and the backfill then leaves it alone', async () => {
      const old = await previousRelease(ready(1000));
      const titled = await write(old, { title: 'Renamed' });
      expect(await repo.usage('alice')).toEqual({ bytes: 1100, items: 1 });
      expect(await backfillTable(t.client, t.tableName, { totalSegments: 1 })).toMatchObject({ found: 0, counted: 0 });
      await repo.delete('alice', titled.id);
      expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });
    });

    it('counts once when the backfill counts a row between a live write\u2019s read and its write', async () => {
      for (const last of ['update', 'delete'] as const) {
        const old = await previousRelease(ready(1000));
        const writer = t.anotherClient();
        let raced = false;
        writer.middlewareStack.add(
          (next, context) => async (args) => {
            // The live write has read the row (no count yet); the backfill counts it before the write lands.
            if (!raced && (context.commandName === 'PutItemCommand' || context.commandName === 'TransactWriteItemsCommand')) {
              raced = true;
              await backfillTable(t.client, t.tableName, { totalSegments: 1 });
            }
            return next(args);
          },
          { step: 'initialize', name: 'backfillMeanwhile', priority: 'high' },
        );
        const racing = new DynamoMediaRepository({ tableName: t.tableName }, { client: writer });
        if (last === 'update') {
          await racing.update({ ...old, title: 'Renamed', version: old.version + 1 }, old.version);
          expect([last, await repo.usage('alice')]).toEqual([last, { bytes: 1100, items: 1 }]);
          await repo.delete('alice', old.id);
        } else {
          await racing.delete('alice', old.id);
          expect([last, await repo.usage('alice')]).toEqual([last, { bytes: 0, items: 0 }]);
        }
        expect(raced).toBe(true);
        expect(await repo.usage('alice')).toEqual({ bytes: 0, items: 0 });
      }
    });

    it('subtracts nothing when a row that never counted is deleted', async () => {
      const old = await previousRelease(ready(1000));
      await repo.create(ready(400));
      await repo.delete('alice', old.id);
      expect(await repo.usage('alice')).toEqual({ bytes: 500, items: 1 });
    });
  });
});
