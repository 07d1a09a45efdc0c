import { GetItemCommand, PutItemCommand, QueryCommand, TransactionCanceledException, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { encodeCursor, searchCursorBinding, SearchQuerySchema, ValidationError, type MediaItem, type Page, type SearchQueryInput, type Tag } from '@mediaflow/domain';
import { makeAlbum, makeMediaItem, mediaSearchContract } from '@mediaflow/domain/testing';
import { backfillTable } from './backfill.js';
import { DynamoAlbumRepository } from './dynamo-album-repository.js';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { DynamoMediaSearch, type DynamoMediaSearchConfigInput } from './dynamo-media-search.js';
import { mediaRow } from './media-row.js';
import { footprintOf, MAX_INDEXED_WORDS, MONTH_SHARDS, PENDING_ATTRIBUTE } from './search-index.js';
import { mediaKeys, REVIEW_INDEX, SEARCH_INDEX } from './table.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();
// Cases write up to a hundred items through dynalite's transactions: seconds on a busy machine.
jest.setTimeout(30_000);

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
    // 96 tags fill the item's transaction (row, claim-less, 96 tag entries, the storage-used
    // counter, the month counter, one posting): the other postings follow in a transaction of their own.
    const tags = Array.from({ length: 96 }, (_, i) => userTag(`tag${i}`));
    const before = t.sent.length;
    const item = await repo.create(ready({ title: 'crowded', tags }));
    expect(transactionSizes(before)).toEqual([1 + 96 + 1 + 1 + 1, 1 + MAX_INDEXED_WORDS - 1]);
    const row = await rowOf(item);
    expect(row[PENDING_ATTRIBUTE]).toBeUndefined();
    expect(footprintOf(row as never)?.postings.size).toBe(MAX_INDEXED_WORDS);
    expect(await ids({ q: 'crowded ' })).toEqual([item.id]);
    // Title, file name (2 words), then the first 37 tags' words make the 40.
    expect(await ids({ q: 'tag36 ' })).toEqual([item.id]);
    expect(await ids({ q: 'tag37 ' })).toEqual([]);
    const deleting = t.sent.length;
    await repo.delete('alice', item.id);
    // Postings first (recorded on the row as they go), then the row with the rest (and the storage-used counter).
    expect(transactionSizes(deleting)).toEqual([1 + MAX_INDEXED_WORDS - 1, 1 + 96 + 1 + 1 + 1]);
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
    const leica = await repo.create(ready({ facts: { capturedAt: '2001-01-01T00:00:00.000Z', camera: { make: 'Leica', model: 'M6' } } }));
    for (let i = 0; i < 120; i += 1) await repo.create(ready({}));
    const first = await budgeted.search('alice', SearchQuerySchema.parse({ camera: 'leica', limit: 1 }));
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toBeDefined();
    const second = await budgeted.search('alice', SearchQuerySchema.parse({ camera: 'leica', limit: 1, cursor: first.nextCursor }));
    expect(second.items.map((i) => i.id)).toEqual([leica.id]);
  });

  /** The keys of the BatchGetItem requests sent since `from`, as media ids. */
  function itemsRead(from: number): string[] {
    return t.sent.slice(from).flatMap((c) => {
      if (c.name !== 'BatchGetItemCommand') return [];
      const requests = (c.input as { RequestItems: Record<string, { Keys: Record<string, { S?: string }>[] }> }).RequestItems;
      return Object.values(requests).flatMap((r) => r.Keys.map((k) => (k['SK']?.S ?? '').replace(/^MEDIA#/, '')));
    });
  }

  const usesDateIndex = (from: number): boolean => t.sent.slice(from).some((c) => c.name === 'QueryCommand' && c.input['IndexName'] === SEARCH_INDEX);

  it('reads a rare tag\u2019s items from the tag index, in date-taken order either way, and nothing of the date index', async () => {
    const taken = ['2021-03-01', '2019-07-04', '2023-11-30', '2020-01-01'];
    const tagged: MediaItem[] = [];
    for (const [i, day] of taken.entries()) {
      await repo.create(ready({ facts: { capturedAt: `${day}T12:00:00.000Z` } }));
      tagged.push(await repo.create(ready({ tags: [userTag('rare'), ...(i === 0 ? [userTag('other')] : [])], facts: { capturedAt: `${day}T10:00:00.000Z` } })));
    }
    for (let i = 0; i < 30; i += 1) await repo.create(ready({ tags: [userTag('other')] }));
    const newestFirst = [...tagged].sort((a, b) => (a.facts.capturedAt ?? '') < (b.facts.capturedAt ?? '') ? 1 : -1).map((i) => i.id);

    const before = t.sent.length;
    const first = await search.search('alice', SearchQuerySchema.parse({ tags: 'rare', limit: 3 }));
    expect(first.items.map((i) => i.id)).toEqual(newestFirst.slice(0, 3));
    // One Query of the tag's partition, one BatchGetItem of its items: none of the 38 others is read.
    expect(t.names().slice(before)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    expect(t.sent[before]?.input).toMatchObject({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: mediaKeys.tagPk('alice', 'rare') } } });
    expect(itemsRead(before).sort()).toEqual(tagged.map((i) => i.id).sort());
    const rest = await search.search('alice', SearchQuerySchema.parse({ tags: 'rare', limit: 3, cursor: first.nextCursor }));
    expect(rest.items.map((i) => i.id)).toEqual(newestFirst.slice(3));
    expect(rest.nextCursor).toBeUndefined();

    expect(await ids({ tags: 'rare', order: 'taken-asc' })).toEqual([...newestFirst].reverse());
    expect(await ids({ tags: 'rare', from: '2020-01-01', to: '2021-12-31' })).toEqual([tagged[0]?.id, tagged[3]?.id]);
    // Every tag must be carried: the rarer one bounds the items read, the other narrows them.
    const both = t.sent.length;
    expect(await ids({ tags: 'other,rare' })).toEqual([tagged[0]?.id]);
    expect(itemsRead(both)).toEqual([tagged[0]?.id]);
    expect(usesDateIndex(before)).toBe(false);
    expect(await ids({ tags: 'nowhere' })).toEqual([]);
  });

  it('walks the date index with a tag\u2019s items as a filter when the tag is on more than tagFetchLimit items', async () => {
    const few = new DynamoMediaSearch({ tableName: t.tableName, tagFetchLimit: 2 }, { client: t.client });
    const tagged: MediaItem[] = [];
    for (let i = 0; i < 30; i += 1) {
      const item = await repo.create(ready({ ...(i % 6 === 0 ? { tags: [userTag('kite')] } : {}), facts: { capturedAt: `2022-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` } }));
      if (i % 6 === 0) tagged.push(item);
    }
    const before = t.sent.length;
    expect(await ids({ tags: 'kite', limit: 3 }, few)).toEqual(tagged.slice(-3).reverse().map((i) => i.id));
    expect(usesDateIndex(before)).toBe(true);
    // Only the tag's items are read; the walk passes the others' entries over.
    expect(itemsRead(before).every((id) => tagged.some((i) => i.id === id))).toBe(true);
    // Past tagMembersLimit the tag is checked on the items the walk reads, with the same results.
    const walking = new DynamoMediaSearch({ tableName: t.tableName, tagFetchLimit: 1, tagMembersLimit: 2 }, { client: t.client });
    const checked = t.sent.length;
    expect(await ids({ tags: 'kite', limit: 3 }, walking)).toEqual(tagged.slice(-3).reverse().map((i) => i.id));
    expect(itemsRead(checked).some((id) => !tagged.some((i) => i.id === id))).toBe(true);
    expect(await ids({ tags: 'kite', order: 'taken-asc', limit: 10 }, walking)).toEqual(tagged.map((i) => i.id));
  });

  it('refuses every forged position with ValidationError, and never lets one reach a key', async () => {
    const kite = await repo.create(ready({ title: 'kite', facts: { capturedAt: '2021-06-01T00:00:00.000Z' } }));
    const inputs: SearchQueryInput[] = [
      { order: 'taken-desc', from: '2021-01-01', to: '2021-12-31' },
      { order: 'taken-asc', from: '2021-01-01' },
      { q: 'kite ', order: 'taken-desc', from: '2021-01-01', to: '2021-12-31' },
      { q: 'kite', from: '2021-01-01', to: '2021-12-31' },
      { tags: 'holiday', to: '2021-12-31' },
    ];
    const outside = ['2020-12-31T23:59:59.999Z', '2022-01-01T00:00:00.000Z'];
    for (const input of inputs) {
      const query = SearchQuerySchema.parse(input);
      const binding = searchCursorBinding('alice', query);
      const score = query.order === 'relevance' ? { s: '4' } : {};
      const forged = [
        ...outside.filter((at) => (query.from !== undefined && at < query.from) || (query.to !== undefined && at > query.to)).map((at) => ({ after: kite.id, extra: { t: at, ...score } })),
        { after: 'MEDIA#x', extra: { t: '2021-06-01T00:00:00.000Z', ...score } },
        { after: kite.id.toLowerCase(), extra: { t: '2021-06-01T00:00:00.000Z', ...score } },
        { after: kite.id, extra: { t: '2021-02-30T00:00:00.000Z', ...score } },
        { after: kite.id, extra: { t: '2021-06-01', ...score } },
        { after: kite.id, extra: { t: '2021-06-01T00:00:00.000Z#\uffff', ...score } },
        { after: kite.id, extra: { t: '2021-06-01T00:00:00.000Z', ...score, w: 'kite' } },
        { after: kite.id, extra: { ...score } },
        // The upload-order listing's mark: only a search without words can have handed one out.
        ...(query.groups.length > 0 ? [{ after: kite.id, extra: { l: 'upload' } }] : []),
        { after: kite.id, extra: { l: 'upload', t: '2021-06-01T00:00:00.000Z' } },
        { after: kite.id, extra: { l: 'date' } },
        { after: kite.id, extra: { t: '2021-06-01T00:00:00.000Z', s: query.order === 'relevance' ? '99' : '4' } },
      ];
      for (const position of forged) {
        const cursor = encodeCursor(position, binding);
        const error = await search.search('alice', { ...query, cursor }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect([input, position, error instanceof ValidationError ? 'ValidationError' : error]).toEqual([input, position, 'ValidationError']);
      }
    }
    // A position the query could hand out still works, at the very edge of its dates.
    const query = SearchQuerySchema.parse(inputs[0]);
    const edge = encodeCursor({ after: kite.id, extra: { t: '2021-12-31T23:59:59.999Z' } }, searchCursorBinding('alice', query));
    expect((await search.search('alice', { ...query, cursor: edge })).items.map((i) => i.id)).toEqual([kite.id]);
  });

  it('keys a word by whole characters, so a character outside the BMP is never cut in half', async () => {
    const mixed = await repo.create(ready({ title: 'a\u{20001}b' }));
    const astral = await repo.create(ready({ title: '\u{20000}\u{20001}\u{20002}' }));
    // The partitions are the first two code points, whole.
    expect(await postings(['a\u{20001}b'])).toEqual([`a\u{20001}b#${mixed.createdAt}#${mixed.id}`]);
    expect(mediaKeys.searchPk('alice', 'a\u{20001}b')).toBe('SEARCH#alice#a\u{20001}');
    expect(mediaKeys.searchPk('alice', '\u{20000}\u{20001}\u{20002}')).toBe('SEARCH#alice#\u{20000}\u{20001}');
    expect(await postings(['\u{20000}\u{20001}'])).toEqual([`\u{20000}\u{20001}\u{20002}#${astral.createdAt}#${astral.id}`]);
    for (const row of await postings(['a\u{20001}', '\u{20000}\u{20001}'])) expect(/\p{Cs}/u.test(row)).toBe(false);
    expect(await ids({ q: 'a\u{20001}b' })).toEqual([mixed.id]);
    expect(await ids({ q: 'a\u{20001}' })).toEqual([mixed.id]);
    expect(await ids({ q: '\u{20000}\u{20001}\u{20002} ', order: 'taken-desc' })).toEqual([astral.id]);
    expect(await ids({ q: '\u{20000}\u{20001}' })).toEqual([astral.id]);
    // One such character is a prefix to the domain (two UTF-16 units) but no partition holds every
    // word it starts: it finds that one-character word only.
    expect(await ids({ q: '\u{20000}' })).toEqual([]);
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
  /** Every page of a search, following its cursors (at most 40 pages). */
  async function pagesOf(s: DynamoMediaSearch, input: SearchQueryInput): Promise<{ pages: string[][]; batchGets: number[] }> {
    const pages: string[][] = [];
    const batchGets: number[] = [];
    let cursor: string | undefined;
    do {
      const before = t.sent.length;
      const page: Page<MediaItem> = await s.search('alice', SearchQuerySchema.parse(cursor === undefined ? input : { ...input, cursor }));
      batchGets.push(t.sent.slice(before).filter((c) => c.name === 'BatchGetItemCommand').length);
      pages.push(page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 40);
    expect(cursor).toBeUndefined();
    return { pages, batchGets };
  }

  describe('with a posting budget smaller than a common word', () => {
    const day = (i: number): string => new Date(Date.UTC(2020, 0, 1 + i)).toISOString();
    let mountains: MediaItem[];
    let both: MediaItem[];
    let budgeted: DynamoMediaSearch;

    beforeEach(async () => {
      budgeted = new DynamoMediaSearch({ tableName: t.tableName, maxPostingsPerSearch: 20 } satisfies DynamoMediaSearchConfigInput, { client: t.client });
      mountains = [];
      for (let i = 0; i < 32; i += 1) {
        const dog = i === 0 || i === 15 || i === 31;
        mountains.push(await repo.create(ready({ title: dog ? 'mountain sky dog' : 'mountain sky', facts: { capturedAt: day(i) } })));
      }
      both = [0, 15, 31].flatMap((i) => mountains[i] ?? []);
      await repo.create(ready({ title: 'dog', facts: { capturedAt: day(7) } }));
      await repo.create(ready({ title: 'dog', facts: { capturedAt: day(22) } }));
    });

    const sorted = (ids: readonly string[]): string[] => [...ids].sort();

    it('finds the items with both words when the longer, common word is read first, in parts with cursors', async () => {
      for (const order of ['relevance', 'taken-desc', 'taken-asc'] as const) {
        const { pages } = await pagesOf(budgeted, { q: 'mountain dog ', order });
        const found = pages.flat();
        expect(sorted(found)).toEqual(sorted(both.map((i) => i.id)));
        expect(new Set(found).size).toBe(found.length);
        expect(pages.length).toBeGreaterThan(1);
        if (order === 'taken-desc') expect(found).toEqual([...both].reverse().map((i) => i.id));
        if (order === 'taken-asc') expect(found).toEqual(both.map((i) => i.id));
      }
    });

    it('leaves a common word whose postings do not fit to the item check instead of intersecting with part of them', async () => {
      const { pages } = await pagesOf(budgeted, { q: 'dog sky ' });
      expect(sorted(pages.flat())).toEqual(sorted(both.map((i) => i.id)));
    });

    it('pages through every match of one word more common than the budget, none twice', async () => {
      for (const limit of [7, 50]) {
        const { pages } = await pagesOf(budgeted, { q: 'mountain ', limit });
        const found = pages.flat();
        expect(sorted(found)).toEqual(sorted(mountains.map((i) => i.id)));
        expect(new Set(found).size).toBe(found.length);
      }
    });

    it('refuses a reading position outside the query\u2019s dates or for a prefix being typed', async () => {
      const query = SearchQuerySchema.parse({ q: 'mountain dog ', from: day(10) });
      const outside = encodeCursor({ after: mountains[0]?.id ?? '', extra: { p: `${day(0)}#${mountains[0]?.id ?? ''}` } }, searchCursorBinding('alice', query));
      await expect(budgeted.search('alice', { ...query, cursor: outside })).rejects.toBeInstanceOf(ValidationError);
      const typing = SearchQuerySchema.parse({ q: 'mountai' });
      const prefix = encodeCursor({ after: mountains[0]?.id ?? '', extra: { p: `${day(0)}#${mountains[0]?.id ?? ''}` } }, searchCursorBinding('alice', typing));
      await expect(budgeted.search('alice', { ...typing, cursor: prefix })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  it('stops a page of word candidates after maxQueriesPerSearch item reads, short with a cursor, and goes on to every match once', async () => {
    const budgeted = new DynamoMediaSearch({ tableName: t.tableName, maxQueriesPerSearch: 1 } satisfies DynamoMediaSearchConfigInput, { client: t.client });
    const leicas: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      const leica = i === 2 || i === 20 || i === 40;
      const item = await repo.create(
        ready({ title: 'holiday', facts: { capturedAt: new Date(Date.UTC(2019, 0, 1 + i)).toISOString(), ...(leica ? { camera: { make: 'Leica', model: 'M6' } } : {}) } }),
      );
      if (leica) leicas.push(item.id);
    }
    const { pages, batchGets } = await pagesOf(budgeted, { q: 'holiday ', camera: 'leica', limit: 10 });
    expect(pages[0]?.length ?? 0).toBeLessThan(3);
    expect(pages.length).toBeGreaterThan(1);
    expect(Math.max(...batchGets)).toBe(1);
    const found = pages.flat();
    expect([...found].sort()).toEqual([...leicas].sort());
    expect(new Set(found).size).toBe(3);
  });
});

describe('DynamoMediaSearch on a table part way through its rollout (deployed up to GSI2, no GSI3 yet)', () => {
  let t: DynaliteTable;
  let repo: DynamoMediaRepository;
  let search: DynamoMediaSearch;
  let warnings: Record<string, unknown>[];

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint(), { indexesUpTo: REVIEW_INDEX });
    repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
    warnings = [];
    search = new DynamoMediaSearch({ tableName: t.tableName }, { client: t.client, log: (entry) => warnings.push(entry) });
  });

  afterEach(() => t.close());

  const page = (input: SearchQueryInput): Promise<Page<MediaItem>> => search.search('alice', SearchQuerySchema.parse(input));

  it('lists a search without words in upload order instead of failing, and warns without a word of the request', async () => {
    // Taken in the reverse of the order they were uploaded in.
    const made: MediaItem[] = [];
    for (let i = 0; i < 5; i += 1) {
      made.push(await repo.create(ready({ title: `kite ${i}`, kind: i === 2 ? 'video' : 'image', facts: { capturedAt: `202${5 - i}-01-01T00:00:00.000Z` } })));
    }
    const newestUpload = [...made].reverse().map((i) => i.id);
    const first = await page({ limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual(newestUpload.slice(0, 2));
    // Later pages go on in upload order from the listing's own cursor, without trying the index again.
    const from = t.sent.length;
    const seen = first.items.map((i) => i.id);
    for (let cursor = first.nextCursor; cursor !== undefined; ) {
      const next = await page({ limit: 2, cursor });
      seen.push(...next.items.map((i) => i.id));
      cursor = next.nextCursor;
    }
    expect(seen).toEqual(newestUpload);
    expect(t.sent.slice(from).every((c) => c.name === 'QueryCommand' && c.input['IndexName'] === undefined)).toBe(true);

    expect((await page({ order: 'taken-asc' })).items.map((i) => i.id)).toEqual(made.map((i) => i.id));
    expect((await page({ kind: 'video' })).items.map((i) => i.id)).toEqual([made[2]?.id]);
    expect((await page({ from: '2023-01-01', to: '2024-12-31' })).items.map((i) => i.id)).toEqual([made[2]?.id, made[1]?.id]);
    // Words and rare tags need no date index: they work as ever.
    expect((await page({ q: 'kite 3 ' })).items.map((i) => i.id)).toEqual([made[3]?.id]);

    // One warning for many degraded searches, naming the index and nothing of the owner or query.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', index: SEARCH_INDEX, error: 'ValidationException' });
    expect(JSON.stringify(warnings)).not.toMatch(/alice|kite|video|2023/);
  });

  it('keeps album and tag filters while it lists in upload order', async () => {
    const albums = new DynamoAlbumRepository({ tableName: t.tableName }, { client: t.client });
    const few = new DynamoMediaSearch({ tableName: t.tableName, albumFetchLimit: 0, tagFetchLimit: 0 }, { client: t.client, log: () => undefined });
    const tagged = await repo.create(ready({ tags: [userTag('holiday')] }));
    const other = await repo.create(ready({ tags: [userTag('holiday')] }));
    await repo.create(ready({}));
    const album = await albums.createAlbum(makeAlbum());
    await albums.addItems('alice', album.id, [{ mediaId: tagged.id, takenAt: tagged.createdAt }], new Date());
    expect((await few.search('alice', SearchQuerySchema.parse({ tags: 'holiday' }))).items.map((i) => i.id)).toEqual([other.id, tagged.id]);
    expect((await few.search('alice', SearchQuerySchema.parse({ album: album.id }))).items.map((i) => i.id)).toEqual([tagged.id]);
    // A rare tag is read from the tag index, which the table has had all along.
    expect((await page({ tags: 'holiday' })).items.map((i) => i.id)).toEqual([other.id, tagged.id]);
  });

  it('lists in upload order too while DynamoDB is still filling the index', async () => {
    const filled = await freshMediaTable(dynamo.endpoint());
    try {
      const made = [await new DynamoMediaRepository({ tableName: filled.tableName }, { client: filled.client }).create(ready({}))];
      filled.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'QueryCommand' && (args.input as { IndexName?: string }).IndexName === SEARCH_INDEX) {
            // As DynamoDB answers a Query of an index it is backfilling.
            throw Object.assign(new Error('Cannot read from backfilling global secondary index'), { name: 'ValidationException' });
          }
          return next(args);
        },
        { step: 'initialize', name: 'backfilling', priority: 'high' },
      );
      const filling = new DynamoMediaSearch({ tableName: filled.tableName }, { client: filled.client, log: (entry) => warnings.push(entry) });
      expect((await filling.search('alice', SearchQuerySchema.parse({}))).items.map((i) => i.id)).toEqual(made.map((i) => i.id));
      expect(warnings).toEqual([expect.objectContaining({ index: SEARCH_INDEX, error: 'ValidationException' })]);
    } finally {
      filled.close();
    }
  });

  it('still fails on any other error', async () => {
    t.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') throw Object.assign(new Error('Throughput exceeds the current capacity of your table or index.'), { name: 'ThrottlingException' });
        return next(args);
      },
      { step: 'initialize', name: 'throttle', priority: 'high' },
    );
    await expect(page({})).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(warnings).toEqual([]);
  });
});
