import { GetItemCommand, PutItemCommand, QueryCommand, TransactionCanceledException, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { encodeCursor, searchCursorBinding, SearchQuerySchema, ValidationError, type MediaItem, type SearchQueryInput, type Tag } from '@mediaflow/domain';
import { makeMediaItem, mediaSearchContract } from '@mediaflow/domain/testing';
import { backfillTable } from './backfill.js';
import { DynamoAlbumRepository } from './dynamo-album-repository.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { DynamoMediaSearch, type DynamoMediaSearchConfigInput } from './dynamo-media-search.js';
import { mediaRow } from './media-row.js';
import { footprintOf, MAX_INDEXED_WORDS, MONTH_SHARDS, PENDING_ATTRIBUTE } from './search-index.js';
import { mediaKeys, SEARCH_INDEX } from './table.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();

mediaSearchContract('dynamodb (dynalite)', async () => {
  const t = await freshMediaTable(dynamo.endpoint());
  const config = { tableName: t.tableName };
  return {
    repo: new DynamoMediaRepository(config, { client: t.client }),
    albums: new DynamoAlbumRepository(config, { client: t.client }),
    search: new DynamoMediaSearch(config, { client: t.client }),
    close: async () => t.close(),
  };
});

const userTag = (name: string): Tag => ({ name, confidence: 1, source: 'user' });
/** A listed item; its file name is `f.png` unless told otherwise, so its words are known. */
const ready = (overrides: Partial<MediaItem> = {}): MediaItem => {
  const base = makeMediaItem({ status: 'ready', ...overrides });
  return overrides.original === undefined ? { ...base, original: { ...base.original, filename: 'f.png' } } : base;
};

describe('DynamoMediaSearch and its index on dynalite', () => {
  let t: DynaliteTable;
  let repo: DynamoMediaRepository;
  let search: DynamoMediaSearch;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
    search = new DynamoMediaSearch({ tableName: t.tableName }, { client: t.client });
  });

  afterEach(() => {
    expect(t.names()).not.toContain('ScanCommand');
    t.close();
  });

  const ids = async (input: SearchQueryInput, s: DynamoMediaSearch = search): Promise<string[]> => (await s.search('alice', SearchQuerySchema.parse(input))).items.map((i) => i.id);

  async function rowOf(item: MediaItem): Promise<Record<string, { S?: string; N?: string }>> {
    const { Item } = await t.raw.send(new GetItemCommand({ TableName: t.tableName, Key: { PK: { S: mediaKeys.ownerPk(item.ownerId) }, SK: { S: mediaKeys.mediaSk(item.id) } } }));
    if (Item === undefined) throw new Error('no row');
    return Item as Record<string, { S?: string; N?: string }>;
  }

  /** Every posting of the owner's items, as `{word}#{takenAt}#{id}`, from the partitions of these words. */
  async function postings(words: readonly string[], ownerId = 'alice'): Promise<string[]> {
    const out: string[] = [];
    for (const pk of new Set(words.map((w) => mediaKeys.searchPk(ownerId, w)))) {
      const page = await t.raw.send(new QueryCommand({ TableName: t.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }));
      out.push(...(page.Items ?? []).map((row) => row['SK']?.S ?? '?'));
    }
    return out.sort();
  }

  function transactionSizes(from: number): number[] {
    return t.sent.slice(from).flatMap((c) => (c.name === 'TransactWriteItemsCommand' ? [(c.input as Partial<TransactWriteItemsCommandInput>).TransactItems?.length ?? 0] : []));
  }

  it('writes the postings, the date index keys and the month count with the item, and records them on the row', async () => {
    const item = await repo.create(ready({ title: 'Harbour', facts: { capturedAt: '2021-07-14T10:00:00.000Z' } }));
    const taken = '2021-07-14T10:00:00.000Z';
    expect(await postings(['harbour', 'f', 'png'])).toEqual([`f#${taken}#${item.id}`, `harbour#${taken}#${item.id}`, `png#${taken}#${item.id}`]);
    const row = await rowOf(item);
    expect([row['GSI3PK']?.S, row['GSI3SK']?.S]).toEqual(['OWNER#alice', `${taken}#${item.id}`]);
    expect(row[PENDING_ATTRIBUTE]).toBeUndefined();
    expect([...(footprintOf(row as never)?.postings.keys() ?? [])].sort()).toEqual([`f#${taken}`, `harbour#${taken}`, `png#${taken}`]);
    expect(await search.timeline('alice')).toEqual([{ month: '2021-07', count: 1 }]);
  });

  it('writes only the postings an update changes, in the item\u2019s own transaction', async () => {
    const item = await repo.create(ready({ title: 'red door', tags: [userTag('holiday')] }));
    const before = t.sent.length;
    await repo.update({ ...item, title: 'red gate', version: 2 }, 1);
    const [transaction] = t.sent.slice(before).filter((c) => c.name === 'TransactWriteItemsCommand');
    const actions = (transaction?.input as Partial<TransactWriteItemsCommandInput> | undefined)?.TransactItems ?? [];
    // The row, the posting of "door" out and the one of "gate" in: "red", "holiday", the file name's stay.
    expect(actions.map((a) => (a.Put ? `put ${a.Put.Item?.['SK']?.S}` : `delete ${a.Delete?.Key?.['SK']?.S}`))).toEqual([
      `put MEDIA#${item.id}`,
      `delete door#${item.createdAt}#${item.id}`,
      `put gate#${item.createdAt}#${item.id}`,
    ]);
    // A status change moves no posting: one PutItem, as before the index.
    const next = t.sent.length;
    await repo.update({ ...item, title: 'red gate', status: 'failed', version: 3 }, 2);
    expect(t.names().slice(next)).toEqual(['GetItemCommand', 'PutItemCommand']);
  });

  it('moves every posting and the month when the date taken changes, and drops them all on delete', async () => {
    const item = await repo.create(ready({ title: 'kite', facts: { capturedAt: '2020-01-05T00:00:00.000Z' } }));
    await repo.update({ ...item, facts: { capturedAt: '2019-03-01T00:00:00.000Z' }, version: 2 }, 1);
    expect(await postings(['kite'])).toEqual([`kite#2019-03-01T00:00:00.000Z#${item.id}`]);
    expect(await search.timeline('alice')).toEqual([{ month: '2019-03', count: 1 }]);
    await repo.delete('alice', item.id);
    expect(await postings(['kite', 'f', 'png'])).toEqual([]);
    expect(await search.timeline('alice')).toEqual([]);
  });

  it('keeps an upload in flight out of the words and the timeline, and in the date index', async () => {
    const uploading = await repo.create(makeMediaItem({ title: 'pending', status: 'uploading' }));
    expect(await postings(['pending'])).toEqual([]);
    expect(await search.timeline('alice')).toEqual([]);
    expect(await ids({})).toEqual([uploading.id]);
    await repo.update({ ...uploading, status: 'uploaded', version: 2 }, 1);
    expect(await ids({ q: 'pending' })).toEqual([uploading.id]);
    expect(await search.timeline('alice')).toEqual([{ month: uploading.createdAt.slice(0, 7), count: 1 }]);
  });

  it('indexes at most MAX_INDEXED_WORDS words, the heaviest fields first', async () => {
    const description = Array.from({ length: 60 }, (_, i) => `filler${i}`).join(' ');
    const item = await repo.create(ready({ title: 'lighthouse', description, tags: [userTag('coast')] }));
    const footprint = footprintOf((await rowOf(item)) as never);
    expect(footprint?.postings.size).toBe(MAX_INDEXED_WORDS);
    expect(await ids({ q: 'lighthouse ' })).toEqual([item.id]);
    expect(await ids({ q: 'coast ' })).toEqual([item.id]);
    expect(await ids({ q: 'filler0 ' })).toEqual([item.id]);
    expect(await ids({ q: 'filler59 ' })).toEqual([]);
  });

  it('spills what does not fit the item\u2019s transaction into steps after it, and a delete clears them first', async () => {
    // 96 tags fill the item's transaction (row, claim-less, 96 tag entries, one counter): the
    // postings follow in a transaction of their own.
    const tags = Array.from({ length: 96 }, (_, i) => userTag(`tag${i}`));
    const before = t.sent.length;
    const item = await repo.create(ready({ title: 'crowded', tags }));
    expect(transactionSizes(before)).toEqual([1 + 96 + 1 + 2, 1 + MAX_INDEXED_WORDS - 2]);
    const row = await rowOf(item);
    expect(row[PENDING_ATTRIBUTE]).toBeUndefined();
    expect(footprintOf(row as never)?.postings.size).toBe(MAX_INDEXED_WORDS);
    expect(await ids({ q: 'crowded ' })).toEqual([item.id]);
    // Title, file name (2 words), then the first 37 tags' words make the 40.
    expect(await ids({ q: 'tag36 ' })).toEqual([item.id]);
    expect(await ids({ q: 'tag37 ' })).toEqual([]);
    const deleting = t.sent.length;
    await repo.delete('alice', item.id);
    // Postings first (recorded on the row as they go), then the row with the rest.
    expect(transactionSizes(deleting)).toEqual([1 + MAX_INDEXED_WORDS - 2, 1 + 96 + 1 + 2]);
    expect(await ids({ q: 'crowded ' })).toEqual([]);
    expect(await postings(['crowded', 'tag0', 'f', 'png'])).toEqual([]);
    expect(await search.timeline('alice')).toEqual([]);
  });

  it('counts a month in shards and adds them up', async () => {
    const made: MediaItem[] = [];
    for (let i = 0; i < 20; i += 1) made.push(await repo.create(ready({ facts: { capturedAt: `2022-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` } })));
    const page = await t.raw.send(
      new QueryCommand({ TableName: t.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: mediaKeys.monthsPk('alice') } } }),
    );
    const shards = (page.Items ?? []).map((row) => row['SK']?.S ?? '?');
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.length).toBeLessThanOrEqual(MONTH_SHARDS);
    expect(shards.every((sk) => sk.startsWith('MONTH#2022-05#'))).toBe(true);
    expect(await search.timeline('alice')).toEqual([{ month: '2022-05', count: 20 }]);
  });

  it('sends a transaction again when DynamoDB cancels it for another on the same counter', async () => {
    let refused = 0;
    t.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && refused < 2) {
          refused += 1;
          const actions = (args.input as TransactWriteItemsCommandInput).TransactItems ?? [];
          // As DynamoDB reports it: the counter's update met another transaction.
          throw new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: actions.map((a) => ({ Code: a.Update === undefined ? 'None' : 'TransactionConflict' })),
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'conflictTwice', priority: 'high' },
    );
    const item = await repo.create(ready({ title: 'busy month' }));
    expect(refused).toBe(2);
    expect(t.names().filter((n) => n === 'TransactWriteItemsCommand')).toHaveLength(3);
    expect(await ids({ q: 'busy' })).toEqual([item.id]);
    expect(await search.timeline('alice')).toEqual([{ month: item.createdAt.slice(0, 7), count: 1 }]);
  });

  it('pages a common word in date order with a Limit, stopping when the page is full', async () => {
    for (let i = 0; i < 12; i += 1) await repo.create(ready({ title: `tide ${i}`, facts: { capturedAt: `2023-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` } }));
    const before = t.sent.length;
    const page = await search.search('alice', SearchQuerySchema.parse({ q: 'tide ', order: 'taken-desc', limit: 5 }));
    expect(page.items.map((i) => i.facts.capturedAt?.slice(0, 10))).toEqual(['2023-01-12', '2023-01-11', '2023-01-10', '2023-01-09', '2023-01-08']);
    expect(t.names().slice(before)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    expect(t.sent[before]?.input).toMatchObject({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :word)', ScanIndexForward: false, Limit: 6 });
    const rest = await search.search('alice', SearchQuerySchema.parse({ q: 'tide ', order: 'taken-desc', limit: 10, cursor: page.nextCursor }));
    expect(rest.items).toHaveLength(7);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('reads a filtered date-index page from the index entries, and only the matches\u2019 items', async () => {
    const video = await repo.create(ready({ kind: 'video' }));
    for (let i = 0; i < 5; i += 1) await repo.create(ready({ kind: 'image' }));
    const before = t.sent.length;
    expect(await ids({ kind: 'video' })).toEqual([video.id]);
    const [query, batch] = t.sent.slice(before);
    expect(query?.input).toMatchObject({ IndexName: SEARCH_INDEX, KeyConditionExpression: 'GSI3PK = :pk', FilterExpression: '#kind = :kind', ScanIndexForward: false });
    expect(Object.values((batch?.input as { RequestItems: Record<string, { Keys: unknown[] }> }).RequestItems)[0]?.Keys).toHaveLength(1);
  });

  it('returns a short page with a cursor when item filters exhaust the query budget, and goes on from there', async () => {
    const budgeted = new DynamoMediaSearch({ tableName: t.tableName, maxQueriesPerSearch: 1 } satisfies DynamoMediaSearchConfigInput, { client: t.client });
    const tagged = await repo.create(ready({ tags: [userTag('rare')], facts: { capturedAt: '2001-01-01T00:00:00.000Z' } }));
    for (let i = 0; i < 120; i += 1) await repo.create(ready({}));
    const first = await budgeted.search('alice', SearchQuerySchema.parse({ tags: 'rare', limit: 1 }));
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toBeDefined();
    const second = await budgeted.search('alice', SearchQuerySchema.parse({ tags: 'rare', limit: 1, cursor: first.nextCursor }));
    expect(second.items.map((i) => i.id)).toEqual([tagged.id]);
  });

  it('finds an item once, under its current date, while an old posting of it is still there', async () => {
    const item = await repo.create(ready({ title: 'lantern', facts: { capturedAt: '2020-01-01T00:00:00.000Z' } }));
    // A posting left under an old date (as an interrupted step would leave it).
    await repo.update({ ...item, facts: { capturedAt: '2021-01-01T00:00:00.000Z' }, version: 2 }, 1);
    await t.raw.send(
      new PutItemCommand({
        TableName: t.tableName,
        Item: { PK: { S: mediaKeys.searchPk('alice', 'lantern') }, SK: { S: mediaKeys.postingSk('lantern', '2020-01-01T00:00:00.000Z', item.id) }, k: { S: 'image' }, f: { N: '1' } },
      }),
    );
    expect(await ids({ q: 'lantern' })).toEqual([item.id]);
    expect(await ids({ q: 'lantern ', order: 'taken-asc' })).toEqual([item.id]);
    expect(await ids({ q: 'lantern', to: '2020-12-31' })).toEqual([]);
  });

  it('indexes a row written before the index on its next write, and re-plans when the backfill indexes it meanwhile', async () => {
    const item = ready({ title: 'meadow' });
    // As a release before the index wrote it: no footprint, no postings, no count.
    await t.raw.send(new PutItemCommand({ TableName: t.tableName, Item: mediaRow(item) }));
    let raced = false;
    t.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && !raced) {
          raced = true;
          // The backfill indexes the row between the update's read and its write.
          expect(await backfillTable(t.anotherClient(), t.tableName, { totalSegments: 1 })).toMatchObject({ indexed: 1, conflicts: 0 });
        }
        return next(args);
      },
      { step: 'initialize', name: 'backfillMeanwhile', priority: 'high' },
    );
    await repo.update({ ...item, title: 'meadow grass', version: 2 }, 1);
    expect(raced).toBe(true);
    expect(await postings(['meadow', 'grass', 'f', 'png'])).toEqual(
      ['f', 'grass', 'meadow', 'png'].map((w) => `${w}#${item.createdAt}#${item.id}`),
    );
    expect(footprintOf((await rowOf(item)) as never)?.postings.size).toBe(4);
    // Counted once: by the backfill, and the update planned from the footprint it left.
    expect(await search.timeline('alice')).toEqual([{ month: item.createdAt.slice(0, 7), count: 1 }]);
    expect(await ids({ q: 'grass' })).toEqual([item.id]);
  });

  it('refuses a forged cursor that is no position, and never reads outside the caller\u2019s partitions', async () => {
    await repo.create(ready({ title: 'sunflower' }));
    const query = SearchQuerySchema.parse({ q: 'sunflower' });
    const forged = encodeCursor({ after: 'SEARCH#bob#su', extra: { t: 'x' } }, searchCursorBinding('alice', query));
    await expect(search.search('alice', { ...query, cursor: forged })).rejects.toBeInstanceOf(ValidationError);
    await expect(search.search('alice#x', query)).rejects.toBeInstanceOf(ValidationError);
    for (const command of t.sent.filter((c) => c.name === 'QueryCommand')) {
      const values = JSON.stringify(command.input['ExpressionAttributeValues']);
      expect(values).not.toContain('bob');
    }
  });
});
