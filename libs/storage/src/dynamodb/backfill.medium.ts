import { GetItemCommand, PutItemCommand, QueryCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { SearchQuerySchema, type MediaItem, type ModerationVerdict, type SearchQueryInput, type Tag } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { backfillReviewIndex, backfillTable } from './backfill.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { DynamoMediaSearch } from './dynamo-media-search.js';
import { mediaRow, type Item } from './media-row.js';
import { FOOTPRINT_ATTRIBUTE, PENDING_ATTRIBUTE } from './search-index.js';
import { mediaKeys, REVIEW_INDEX } from './table.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();

/** A media row as versions before the review index wrote it: no GSI2 attributes (nor the search index's). */
function previousRow(item: MediaItem): Item {
  const { GSI2PK: _pk, GSI2SK: _sk, GSI3PK: _takenPk, GSI3SK: _takenSk, ...row } = mediaRow(item);
  return row;
}

const withVerdict = (verdict: ModerationVerdict, status: MediaItem['status'], ownerId = 'alice'): MediaItem =>
  makeMediaItem({ ownerId, status, moderation: { verdict, labels: verdict === 'safe' ? [] : [{ name: 'violence', confidence: 0.9 }] } });

describe('backfillReviewIndex', () => {
  let t: DynaliteTable;
  let repo: DynamoMediaRepository;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
  });

  afterEach(() => t.close());

  async function plant(item: MediaItem): Promise<MediaItem> {
    await t.raw.send(new PutItemCommand({ TableName: t.tableName, Item: previousRow(item) }));
    return item;
  }

  async function indexed(): Promise<string[]> {
    const out = await t.raw.send(
      new QueryCommand({ TableName: t.tableName, IndexName: REVIEW_INDEX, KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': { S: 'REVIEW' } } }),
    );
    return (out.Items ?? []).map((row) => row['GSI2SK']?.S ?? '?');
  }

  it('puts the items flagged before the index into it, once, across segments', async () => {
    const waiting: MediaItem[] = [];
    for (let i = 0; i < 9; i += 1) waiting.push(await plant(withVerdict('flagged', 'flagged', ['alice', 'bob', 'carol'][i % 3])));
    await plant(withVerdict('rejected', 'flagged'));
    await plant(withVerdict('safe', 'ready'));
    await plant(withVerdict('flagged', 'ready'));
    await plant(withVerdict('flagged', 'deleted'));
    // Written by the current version: indexed already, not touched.
    const current = await repo.create(withVerdict('flagged', 'flagged', 'dave'));
    // Rows that are no media rows (a tag entry, a hash claim) are passed over.
    await repo.create(makeMediaItem({ tags: [{ name: 'dog', confidence: 1, source: 'user' }], original: { key: 'k', size: 1, mime: 'image/png', filename: 'a', sha256: '0'.repeat(64) } }));
    expect(await repo.listForReview({ limit: 50 })).toEqual({ items: [current] });

    const first = await backfillReviewIndex(t.raw, t.tableName, { totalSegments: 3, pageSize: 4 });
    // 14 media rows, a claim, a tag entry, and the current version's search rows of Dave's held
    // item (postings of "photo", "photograph", "jpg" and a month counter) and his storage used.
    expect(first).toEqual({ scanned: 22, held: 10, decided: 1, written: 9, conflicts: 0 });
    const all = [...waiting, current].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect((await repo.listForReview({ limit: 50 })).items).toEqual(all);
    expect(await indexed()).toEqual(all.map((i) => mediaKeys.reviewSk(i.id, i.ownerId)));

    const second = await backfillReviewIndex(t.raw, t.tableName, { totalSegments: 3, pageSize: 4 });
    expect(second).toEqual({ scanned: 22, held: 1, decided: 1, written: 0, conflicts: 0 });
    expect((await repo.listForReview({ limit: 50 })).items).toEqual(all);
  });

  it('lets workers share one backfill by segments', async () => {
    for (let i = 0; i < 6; i += 1) await plant(withVerdict('flagged', 'flagged'));
    const parts = await Promise.all([0, 1, 2, 3].map((segment) => backfillReviewIndex(t.raw, t.tableName, { totalSegments: 4, segments: [segment] })));
    expect(parts.reduce((sum, part) => sum + part.written, 0)).toBe(6);
    expect(await indexed()).toHaveLength(6);
  });

  it('skips a row a newer write changed in between, without undoing that write', async () => {
    const item = await plant(withVerdict('flagged', 'flagged'));
    const decided: MediaItem = { ...item, status: 'ready', moderation: { ...item.moderation, verdict: 'released' }, version: 2 };
    // A moderator decides the item between the backfill's scan and its rewrite.
    t.raw.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as PutItemCommandInput;
        if (context.commandName === 'PutItemCommand' && input.ConditionExpression?.startsWith('version = :version') === true) {
          await repo.update(decided, 1);
        }
        return next(args);
      },
      { step: 'initialize', name: 'decideMeanwhile' },
    );
    expect(await backfillReviewIndex(t.raw, t.tableName, { totalSegments: 1 })).toEqual({ scanned: 1, held: 1, decided: 0, written: 0, conflicts: 1 });
    expect(await repo.get('alice', item.id)).toEqual(decided);
    expect(await indexed()).toEqual([]);
  });

  it('refuses segments outside the scan', async () => {
    await expect(backfillReviewIndex(t.raw, t.tableName, { totalSegments: 2, segments: [2] })).rejects.toThrow('segments');
    await expect(backfillReviewIndex(t.raw, t.tableName, { totalSegments: 0 })).rejects.toThrow('totalSegments');
  });
});

describe('backfillTable', () => {
  let t: DynaliteTable;
  let repo: DynamoMediaRepository;
  let search: DynamoMediaSearch;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
    search = new DynamoMediaSearch({ tableName: t.tableName }, { client: t.client });
  });

  afterEach(() => t.close());

  const userTag = (name: string): Tag => ({ name, confidence: 1, source: 'user' });
  const ids = async (input: SearchQueryInput, ownerId = 'alice'): Promise<string[]> => (await search.search(ownerId, SearchQuerySchema.parse(input))).items.map((i) => i.id);

  /** An item as a release before the search index wrote it (and before the review index). */
  async function plant(overrides: Partial<MediaItem>): Promise<MediaItem> {
    const item = makeMediaItem({ status: 'ready', ...overrides });
    await t.raw.send(new PutItemCommand({ TableName: t.tableName, Item: previousRow(item) }));
    return item;
  }

  it('indexes rows written before the search index, and a second run changes nothing', async () => {
    const beach = await plant({ title: 'Beach day', tags: [userTag('holiday')], facts: { capturedAt: '2019-08-02T10:00:00.000Z' } });
    const dunes = await plant({ ownerId: 'bob', title: 'Dunes', facts: { capturedAt: '2019-08-20T10:00:00.000Z' } });
    const held = await plant({ title: 'Beach party', status: 'flagged', moderation: { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.9 }] } });
    const uploading = await plant({ title: 'Beach upload', status: 'uploading' });
    await plant({ title: 'Beach gone', status: 'deleted' });
    const current = await repo.create(makeMediaItem({ status: 'ready', title: 'Beach now', facts: { capturedAt: '2024-01-01T00:00:00.000Z' } }));
    expect(await ids({ q: 'beach' })).toEqual([current.id]);
    expect(await ids({})).toEqual([current.id]);

    const first = await backfillTable(t.client, t.tableName, { totalSegments: 3, pageSize: 4 });
    expect(first).toMatchObject({ found: 4, indexed: 4, completed: 0, queued: 1, conflicts: 0 });
    expect(first.scanned).toBeGreaterThan(6);
    expect((await ids({ q: 'beach' })).sort()).toEqual([beach.id, held.id, current.id].sort());
    expect(await ids({ q: 'dunes' }, 'bob')).toEqual([dunes.id]);
    expect(await ids({ q: 'holiday', from: '2019-08-01', to: '2019-08-31' })).toEqual([beach.id]);
    // An upload in flight is listed by date (and expires with its row), not found by words.
    expect(await ids({ order: 'taken-asc' })).toEqual([beach.id, current.id, held.id, uploading.id]);
    expect((await repo.listForReview({ limit: 10 })).items.map((i) => i.id)).toEqual([held.id]);
    const timeline = await search.timeline('alice');
    expect(timeline).toEqual([
      { month: held.createdAt.slice(0, 7), count: 1 },
      { month: '2024-01', count: 1 },
      { month: '2019-08', count: 1 },
    ]);

    const second = await backfillTable(t.client, t.tableName, { totalSegments: 2 });
    expect(second).toMatchObject({ found: 0, indexed: 0, completed: 0, queued: 0, conflicts: 0 });
    expect(await search.timeline('alice')).toEqual(timeline);
  });

  it('counts nothing twice when a write indexes the row between the scan and the rewrite', async () => {
    const item = await plant({ title: 'Orchard', facts: { capturedAt: '2018-04-04T00:00:00.000Z' } });
    let raced = false;
    const backfillClient = t.anotherClient();
    backfillClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && !raced) {
          raced = true;
          await repo.update({ ...item, title: 'Orchard in bloom', version: 2 }, 1);
        }
        return next(args);
      },
      { step: 'initialize', name: 'writeMeanwhile', priority: 'high' },
    );
    expect(await backfillTable(backfillClient, t.tableName, { totalSegments: 1 })).toMatchObject({ found: 1, indexed: 0, conflicts: 1 });
    expect(await ids({ q: 'bloom' })).toEqual([item.id]);
    expect(await search.timeline('alice')).toEqual([{ month: '2018-04', count: 1 }]);
    expect(await backfillTable(t.client, t.tableName, { totalSegments: 1 })).toMatchObject({ found: 0 });
  });

  it('completes an index that a write interrupted after the item\u2019s own transaction left short', async () => {
    const tags = Array.from({ length: 96 }, (_, i) => userTag(`tag${i}`));
    let transactions = 0;
    t.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') {
          transactions += 1;
          // The process dies after the item's transaction, before the postings that follow it.
          if (transactions === 2) throw new Error('connection reset');
        }
        return next(args);
      },
      { step: 'initialize', name: 'crashAfterFirst', priority: 'high' },
    );
    const item = makeMediaItem({ status: 'ready', title: 'crowded', tags });
    await expect(repo.create(item)).rejects.toThrow('connection reset');
    const { Item: row } = await t.raw.send(new GetItemCommand({ TableName: t.tableName, Key: { PK: { S: 'OWNER#alice' }, SK: { S: mediaKeys.mediaSk(item.id) } } }));
    expect(row?.[PENDING_ATTRIBUTE]).toBeDefined();
    expect(row?.[FOOTPRINT_ATTRIBUTE]).toBeDefined();
    expect(await ids({ q: 'tag30 ' })).toEqual([]);

    expect(await backfillTable(t.client, t.tableName, { totalSegments: 1 })).toMatchObject({ found: 1, indexed: 0, completed: 1, conflicts: 0 });
    expect(await ids({ q: 'tag30 ' })).toEqual([item.id]);
    expect(await search.timeline('alice')).toEqual([{ month: item.createdAt.slice(0, 7), count: 1 }]);
    expect(await backfillTable(t.client, t.tableName, { totalSegments: 1 })).toMatchObject({ found: 0 });
  });
});
