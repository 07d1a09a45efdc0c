import {
  BatchWriteItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type ConsumedCapacity,
  type TransactWriteItem,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SearchQuerySchema, type MediaItem, type SearchQueryInput, type Tag } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { DynamoMediaRepository } from './dynamo-media-repository.js';
import { DynamoMediaSearch } from './dynamo-media-search.js';
import { indexedTags, mediaRow, type Item } from './media-row.js';
import { EMPTY_FOOTPRINT, FOOTPRINT_ATTRIBUTE, indexedRow, planIndexSteps, wantedFootprint } from './search-index.js';
import { SEARCH_INDEX } from './table.js';
import { tagPut } from './write-actions.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

// What each kind of search request sends and what it costs, on a library shaped like a real one:
// 600 photos over three years, each with a title, a camera file name, ten labels (with their
// parents), a camera and the renditions list (rows of about 2.5 KB); one in a hundred also carries
// the owner's own tag `wedding`. Read units are DynamoDB's
// own rule as dynalite applies it (`ReturnConsumedCapacity: 'TOTAL'`: half a unit per 4 KB read,
// eventually consistent, a Query summed over its rows, a BatchGetItem rounded up per item). Write
// units are computed from the sizes of the rows a write sends (one unit per 1 KB, twice in a
// transaction, plus one per index entry written), since dynalite has no transactions to report
// them. The figures are printed and written down in the storage README.

const dynamo = useDynalite();

const LIBRARY = 600;
/** The owner's own tag on one photo in a hundred: a rare tag. */
const RARE_TAG = 'wedding';

/** A small deterministic generator, so the library (and the figures) are the same every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const TITLES = ['Beach day', 'Mountain hike', 'City walk', 'Birthday party', 'Garden', 'Snow in the park', 'Dinner with friends', 'Harbour at dusk'];
const LABELS: [string, string][] = [
  ['dog', 'animal'],
  ['cat', 'animal'],
  ['tree', 'plant'],
  ['flower', 'plant'],
  ['car', 'vehicle'],
  ['boat', 'vehicle'],
  ['person', 'people'],
  ['child', 'people'],
  ['sky', 'nature'],
  ['sea', 'nature'],
  ['sand', 'nature'],
  ['building', 'architecture'],
  ['food', 'meal'],
  ['cake', 'meal'],
  ['snow', 'weather'],
];
const CAMERAS = [
  { make: 'Apple', model: 'iPhone 15 Pro' },
  { make: 'FUJIFILM', model: 'X-T30' },
  { make: 'Canon', model: 'EOS R6' },
];

function libraryItem(i: number, next: () => number): MediaItem {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const labels = new Map<string, Tag>();
  while (labels.size < 10) {
    const [name, parent] = pick(LABELS);
    labels.set(name, { name, confidence: 0.8, source: 'ai', parent });
  }
  const taken = new Date(Date.UTC(2022, 0, 1) + Math.floor(next() * 3 * 365 * 86_400_000));
  // Decided by position, not by the generator, so the rest of the library is the same with or without it.
  const own: Tag[] = i % 100 === 7 ? [{ name: RARE_TAG, confidence: 1, source: 'user' }] : [];
  const base = makeMediaItem({
    status: 'ready',
    title: pick(TITLES),
    tags: [...labels.values(), ...own],
    facts: { capturedAt: taken.toISOString(), width: 4032, height: 3024, format: 'jpeg', camera: pick(CAMERAS) },
  });
  const renditions = ['thumb', 'small', 'medium', 'large'].flatMap((name) =>
    (['webp', 'avif', 'jpeg'] as const).map((format) => ({
      name,
      format,
      key: `renditions/${base.ownerId}/${base.id}/${name}.${format}`,
      contentType: `image/${format}`,
      bytes: 10_000 + i,
      width: 256,
      height: 192,
    })),
  );
  return { ...base, renditions, original: { ...base.original, filename: `IMG_${4000 + i}.jpg`, mime: 'image/jpeg', size: 3_000_000 } };
}

/** DynamoDB's size of a row: attribute names and values in bytes (numbers about half their digits). */
function rowBytes(row: Item): number {
  return Object.entries(row).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

function valueBytes(value: AttributeValue): number {
  if ('S' in value && value.S !== undefined) return Buffer.byteLength(value.S);
  if ('N' in value && value.N !== undefined) return 1 + Math.ceil(value.N.replace(/[^0-9]/g, '').length / 2);
  return 1;
}

const writeUnits = (row: Item): number => Math.ceil(rowBytes(row) / 1024);

/** An item's rows (its tag index entries and search index included), planted directly (BatchWriteItem), as the repository would write them. */
async function plant(t: DynaliteTable, items: readonly MediaItem[]): Promise<void> {
  const puts: Item[] = [];
  for (const item of items) {
    const plan = planIndexSteps(t.tableName, item, EMPTY_FOOTPRINT, wantedFootprint(item), 99);
    puts.push(indexedRow(item, plan.main.footprint));
    for (const tag of indexedTags(item)) {
      const entry = tagPut(t.tableName, item.ownerId, item.id, tag).Put?.Item;
      if (entry !== undefined) puts.push(entry);
    }
    for (const action of plan.main.actions) {
      if (action.Put?.Item !== undefined) puts.push(action.Put.Item);
      if (action.Update !== undefined) await t.raw.send(new UpdateItemCommand({ ...action.Update, TableName: t.tableName }));
    }
  }
  for (let start = 0; start < puts.length; start += 25) {
    await t.raw.send(new BatchWriteItemCommand({ RequestItems: { [t.tableName]: puts.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

interface Measured {
  requests: { name: string; keyCondition?: string; index?: string; limit?: number; keys?: number; units: number }[];
  units: number;
  results: number;
}

describe('what search requests send and cost (dynalite, 600 photos)', () => {
  let t: DynaliteTable;
  let search: DynamoMediaSearch;
  let repo: DynamoMediaRepository;
  let library: MediaItem[];
  const capacity: ConsumedCapacity[] = [];
  const report: string[] = [];

  beforeAll(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    // Every read asks DynamoDB for its consumed capacity, and the answer is kept.
    t.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (['QueryCommand', 'BatchGetItemCommand', 'GetItemCommand'].includes(context.commandName ?? '')) {
          (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
        }
        const result = await next(args);
        const output = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
        const consumed = output.ConsumedCapacity;
        capacity.push(...(consumed === undefined ? [{ CapacityUnits: 0 }] : Array.isArray(consumed) ? consumed : [consumed]));
        return result;
      },
      { step: 'initialize', name: 'consumedCapacity', priority: 'low' },
    );
    search = new DynamoMediaSearch({ tableName: t.tableName }, { client: t.client });
    repo = new DynamoMediaRepository({ tableName: t.tableName }, { client: t.client });
    const next = random(7);
    library = Array.from({ length: LIBRARY }, (_, i) => libraryItem(i, next));
    await plant(t, library);
  }, 120_000);

  afterAll(() => {
    // The figures the README quotes.
    process.stdout.write(`\n${report.join('\n')}\n`);
    t.close();
  });

  async function measure(run: () => Promise<number>): Promise<Measured> {
    const before = t.sent.length;
    capacity.length = 0;
    const results = await run();
    const sent = t.sent.slice(before);
    const requests = sent.map((command, i) => {
      const input = command.input as { KeyConditionExpression?: string; IndexName?: string; Limit?: number; RequestItems?: Record<string, { Keys: unknown[] }> };
      return {
        name: command.name.replace(/Command$/, ''),
        ...(input.KeyConditionExpression === undefined ? {} : { keyCondition: input.KeyConditionExpression }),
        ...(input.IndexName === undefined ? {} : { index: input.IndexName }),
        ...(input.Limit === undefined ? {} : { limit: input.Limit }),
        ...(input.RequestItems === undefined ? {} : { keys: Object.values(input.RequestItems)[0]?.Keys.length ?? 0 }),
        units: capacity[i]?.CapacityUnits ?? 0,
      };
    });
    return { requests, units: requests.reduce((sum, r) => sum + r.units, 0), results };
  }

  const page = (input: SearchQueryInput) => async (): Promise<number> => (await search.search('alice', SearchQuerySchema.parse(input))).items.length;

  function describeRun(label: string, measured: Measured): void {
    const shapes = measured.requests.map((r) => `${r.name}${r.index === undefined ? '' : ` ${r.index}`}${r.keyCondition === undefined ? '' : ` [${r.keyCondition}]`}${r.limit === undefined ? '' : ` Limit ${r.limit}`}${r.keys === undefined ? '' : ` ${r.keys} keys`}: ${r.units}`);
    report.push(`${label}: ${measured.results} results, ${measured.requests.length} requests, ${measured.units} read units\n    ${shapes.join('\n    ')}`);
  }

  it('a one-word search, a page of 50 by relevance: the word\u2019s postings, then the page\u2019s items', async () => {
    const measured = await measure(page({ q: 'beach ', limit: 50 }));
    describeRun('one word ("beach ", relevance, 50)', measured);
    expect(measured.results).toBe(50);
    expect(measured.requests.map((r) => r.name)).toEqual(['Query', 'BatchGetItem']);
    expect(measured.requests[0]?.keyCondition).toBe('PK = :pk AND begins_with(SK, :word)');
    expect(measured.requests[1]?.keys).toBe(50);
    // The postings of about 80 items are one 4 KB read; 50 items of 2.5 KB are half a unit each.
    expect(measured.units).toBeLessThanOrEqual(30);
  });

  it('the same word in date-taken order: a Limit of 51 postings, then 50 items', async () => {
    const measured = await measure(page({ q: 'beach ', order: 'taken-desc', limit: 50 }));
    describeRun('one word ("beach ", taken-desc, 50)', measured);
    expect(measured.requests.map((r) => [r.name, r.limit ?? r.keys])).toEqual([
      ['Query', 51],
      ['BatchGetItem', 50],
    ]);
  });

  it('a prefix being typed: one range of the two-letter partition, in word order', async () => {
    const measured = await measure(page({ q: 'do', limit: 50 }));
    describeRun('prefix ("do", relevance, 50)', measured);
    expect(measured.results).toBe(50);
    expect(measured.requests.map((r) => [r.name, r.keyCondition ?? r.keys])).toEqual([
      ['Query', 'PK = :pk AND begins_with(SK, :prefix)'],
      ['BatchGetItem', 50],
    ]);
  });

  it('two words: each word\u2019s postings (the second between the dates the first leaves), intersected, then the page', async () => {
    const measured = await measure(page({ q: 'beach dog ', limit: 50 }));
    describeRun('two words ("beach dog ", relevance, 50)', measured);
    expect(measured.requests.map((r) => r.name)).toEqual(['Query', 'Query', 'BatchGetItem']);
    expect(measured.requests[1]?.keyCondition).toBe('PK = :pk AND SK BETWEEN :from AND :to');
    expect(measured.units).toBeLessThanOrEqual(40);
    // While the second word is typed it is a prefix: its range is read in word order, dates checked on the way.
    const typing = await measure(page({ q: 'beach do', limit: 50 }));
    describeRun('two words, the second typed ("beach do", relevance, 50)', typing);
    expect(typing.requests.map((r) => r.keyCondition ?? r.name)).toEqual(['PK = :pk AND begins_with(SK, :word)', 'PK = :pk AND begins_with(SK, :prefix)', 'BatchGetItem']);
  });

  it('a page in date-taken order without words: the date index, then the items', async () => {
    const measured = await measure(page({ order: 'taken-desc', limit: 50 }));
    describeRun('date taken, no words (taken-desc, 50)', measured);
    expect(measured.requests).toEqual([
      expect.objectContaining({ name: 'Query', index: SEARCH_INDEX, keyCondition: 'GSI3PK = :pk', limit: 51 }),
      expect.objectContaining({ name: 'BatchGetItem', keys: 50 }),
    ]);
    const filtered = await measure(page({ order: 'taken-asc', kind: 'image', from: '2023-01-01', to: '2023-06-30', limit: 50 }));
    describeRun('date taken, kind and dates (taken-asc, 50)', filtered);
    expect(filtered.requests).toEqual([
      expect.objectContaining({ name: 'Query', index: SEARCH_INDEX, keyCondition: 'GSI3PK = :pk AND GSI3SK BETWEEN :from AND :to' }),
      expect.objectContaining({ name: 'BatchGetItem', keys: 50 }),
    ]);
  });

  it('no words, a tag filter: the tag\u2019s entries in the tag index, then its items or a filtered walk of the date index', async () => {
    const rare = await measure(page({ tags: RARE_TAG, limit: 50 }));
    describeRun(`no words, a rare tag ("${RARE_TAG}", taken-desc, 50)`, rare);
    expect(rare.results).toBe(LIBRARY / 100);
    // Its few entries, then its items: nothing else of the library is read.
    expect(rare.requests).toEqual([
      expect.objectContaining({ name: 'Query', keyCondition: 'PK = :pk', limit: 201 }),
      expect.objectContaining({ name: 'BatchGetItem', keys: LIBRARY / 100 }),
    ]);
    expect(rare.units).toBeLessThanOrEqual(5);

    const common = await measure(page({ tags: 'dog', limit: 50 }));
    describeRun('no words, a common tag ("dog", taken-desc, 50)', common);
    expect(common.results).toBe(50);
    expect(common.requests.map((r) => [r.name, r.index ?? r.keyCondition])).toEqual([
      ['Query', 'PK = :pk'],
      ['Query', 'PK = :pk'],
      ['Query', SEARCH_INDEX],
      ['BatchGetItem', undefined],
    ]);
    // Only the tag's items are read: the page's 50 and none of the others the walk passes.
    expect(common.requests[3]?.keys).toBe(50);

    // What a rare tag cost when the walk checked tags on the items it read, as it still does for a
    // tag on more than `tagMembersLimit` items.
    const checking = new DynamoMediaSearch({ tableName: t.tableName, tagFetchLimit: 0, tagMembersLimit: 0 }, { client: t.client });
    const walked = await measure(async () => (await checking.search('alice', SearchQuerySchema.parse({ tags: RARE_TAG, limit: 50 }))).items.length);
    describeRun('no words, the rare tag checked on the items the date index walk reads (taken-desc, 50)', walked);
    expect(walked.results).toBe(LIBRARY / 100);
    expect(walked.units).toBeGreaterThan(20 * rare.units);
  });

  it('the timeline: one Query of the month counters', async () => {
    const months = { count: 0 };
    const measured = await measure(async () => {
      const timeline = await search.timeline('alice');
      months.count = timeline.length;
      return timeline.reduce((sum, m) => sum + m.count, 0);
    });
    describeRun(`timeline (${months.count} months)`, measured);
    expect(measured.results).toBe(LIBRARY);
    expect(measured.requests.map((r) => [r.name, r.keyCondition])).toEqual([['Query', 'PK = :pk']]);
    expect(measured.units).toBeLessThanOrEqual(3);
  });

  it('the write units the index adds to a create and to updates', async () => {
    /** The last media row each write sent, by key: whether the date index entry changes depends on it. */
    const lastRows = new Map<string, Item>();
    /** Units of one action (an index entry it changes included), and the share of them that is the search index's. */
    function actionCost(action: TransactWriteItem): { units: number; index: number } {
      const row = action.Put?.Item;
      const key = row ?? action.Delete?.Key ?? action.Update?.Key ?? {};
      const pk = key['PK']?.S ?? '';
      if (pk.startsWith('SEARCH#') || pk.endsWith('#MONTHS')) return { units: 1, index: 1 };
      if (pk.includes('#TAG#')) return { units: 1 + 1, index: 0 };
      if (row === undefined || row['item'] === undefined) return { units: row === undefined ? 1 : writeUnits(row), index: 0 };
      const id = `${pk}|${key['SK']?.S ?? ''}`;
      const previous = lastRows.get(id);
      lastRows.set(id, row);
      const entry = (r: Item | undefined): string | undefined => (r?.['GSI3SK'] === undefined ? undefined : `${r['GSI3SK'].S}|${r['kind']?.S}|${r['status']?.S}`);
      const [before, after] = [entry(previous), entry(row)];
      // A changed key is a delete and a put in the index; a changed kind or status, a put.
      const indexWrites = before === after ? 0 : before !== undefined && after !== undefined && previous?.['GSI3SK']?.S !== row['GSI3SK']?.S ? 2 : 1;
      const { [FOOTPRINT_ATTRIBUTE]: _footprint, GSI3PK: _pk, GSI3SK: _sk, ...old } = row;
      const units = writeUnits(row) + indexWrites;
      return { units, index: units - writeUnits(old) };
    }
    /** Units of the writes sent since `from`, and what they would be without the search index. */
    function units(from: number): { withIndex: number; without: number; actions: number } {
      let withIndex = 0;
      let without = 0;
      let actions = 0;
      for (const write of t.sent.slice(from)) {
        if (write.name !== 'TransactWriteItemsCommand' && write.name !== 'PutItemCommand') continue;
        const items: TransactWriteItem[] =
          write.name === 'PutItemCommand' ? [{ Put: write.input as never }] : ((write.input as Partial<TransactWriteItemsCommandInput>).TransactItems ?? []);
        const factor = write.name === 'TransactWriteItemsCommand' ? 2 : 1;
        actions += items.length;
        let plain = 0;
        let plainActions = 0;
        for (const action of items) {
          const cost = actionCost(action);
          withIndex += factor * cost.units;
          if (cost.index < cost.units) {
            plainActions += 1;
            plain += cost.units - cost.index;
          }
        }
        // Without the index, the row alone was one PutItem (transactions bill twice).
        without += (plainActions > 1 ? 2 : 1) * plain;
      }
      return { withIndex, without, actions };
    }
    const rows: string[] = [];
    const record = (label: string, u: { withIndex: number; without: number; actions: number }): void => {
      rows.push(`${label}: ${u.withIndex} write units (${u.without} without the index, +${u.withIndex - u.without}), ${u.actions} actions`);
    };

    const item = libraryItem(LIBRARY, random(11));
    const { title: _title, ...untitled } = item;
    const uploading: MediaItem = { ...untitled, status: 'uploading', tags: [], facts: {}, renditions: [] };
    let from = t.sent.length;
    await repo.create(uploading);
    const created = units(from);
    record('create (upload starts)', created);
    // Still one PutItem: the date index entry (and the footprint's few bytes) are all it adds.
    expect(created.actions).toBe(1);

    const arrived: MediaItem = { ...uploading, status: 'uploaded', version: 2 };
    from = t.sent.length;
    await repo.update(arrived, 1);
    const arrival = units(from);
    record('upload arrives (file name words, month)', arrival);

    const processed: MediaItem = { ...arrived, status: 'ready', facts: item.facts, renditions: item.renditions, version: 3 };
    from = t.sent.length;
    await repo.update(processed, 2);
    const dated = units(from);
    record('processed (date taken learned: every posting moves)', dated);

    const tagged: MediaItem = { ...processed, tags: item.tags, version: 4 };
    from = t.sent.length;
    await repo.update(tagged, 3);
    const tagging = units(from);
    record('tagged (10 labels)', tagging);

    // The text step's save: the words of a car park's sign (12 words, 11 of them new to the item).
    const read: MediaItem = { ...tagged, text: { content: 'Harbour Street car park: pay and display, camera 03, open 24 hours', readAt: '2026-12-07T10:00:00.000Z' }, version: 5 };
    from = t.sent.length;
    await repo.update(read, 4);
    const reading = units(from);
    record('text read (12 words)', reading);
    expect(reading.withIndex).toBeGreaterThan(reading.without);

    const renamed: MediaItem = { ...read, title: 'Beach day', version: 6 };
    from = t.sent.length;
    await repo.update(renamed, 5);
    record('title set (2 words)', units(from));

    from = t.sent.length;
    await repo.update({ ...renamed, status: 'failed', version: 7 }, 6);
    const statusOnly = units(from);
    record('status change only', statusOnly);
    expect(statusOnly.actions).toBe(1);

    const created2 = libraryItem(LIBRARY + 1, random(13));
    from = t.sent.length;
    await repo.create(created2);
    const whole = units(from);
    record('create of a finished, tagged photo (import)', whole);
    expect(whole.actions).toBeLessThanOrEqual(100);

    report.push(`write units (rows of about ${Math.round(rowBytes(mediaRow(created2)) / 100) / 10} KB):\n    ${rows.join('\n    ')}`);
  });
});
