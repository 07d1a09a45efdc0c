import { GetItemCommand, QueryCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import {
  decodeCursor,
  encodeCursor,
  matchesFilters,
  matchesText,
  searchCursorBinding,
  searchDocument,
  takenAtOf,
  UlidSchema,
  ValidationError,
  type CursorBinding,
  type MediaItem,
  type MediaSearch,
  type Page,
  type SearchGroup,
  type SearchQuery,
  type TimelineMonth,
} from '@mediaflow/domain';
import { z } from 'zod';
import { checkOwner } from './checks.js';
import { createDynamoClient, DynamoMediaRepositoryConfigSchema } from './config.js';
import { batchGetRows } from './list-queries.js';
import { fromItem, str, stringAttr, type Item } from './media-row.js';
import { parsePostingSk, scoreOf } from './search-index.js';
import { mediaKeys, SEARCH_INDEX } from './table.js';

/**
 * Where the search reads (the media table) and how much one call may read.
 *
 * @example
 * const search = new DynamoMediaSearch(DynamoMediaSearchConfigSchema.parse({ tableName: env.MEDIA_TABLE }));
 */
export const DynamoMediaSearchConfigSchema = DynamoMediaRepositoryConfigSchema.pick({ tableName: true, region: true, endpoint: true, credentials: true }).extend({
  /**
   * The most Query requests one page in date-taken order makes while filters that need the item
   * (tags, camera, album, status) drop candidates. When it is reached the page comes back short
   * (even empty) with a cursor, as `list` does.
   */
  maxQueriesPerSearch: z.number().int().min(1).max(100).default(8),
  /**
   * The most postings one search with words reads (about 110 bytes each: 20,000 are about 2 MB,
   * 2 requests and 270 read units). A word more common than that is matched among its newest
   * postings; a two-letter prefix, among the first words in alphabetical order.
   */
  maxPostingsPerSearch: z.number().int().min(100).max(1_000_000).default(20_000),
  /**
   * An album of at most this many items is searched without words by reading its items (half a
   * read unit each); a larger one by walking the owner's date index with the album's members as a
   * filter, which reads small index entries but possibly many of them.
   */
  albumFetchLimit: z.number().int().min(0).max(10_000).default(200),
});
export type DynamoMediaSearchConfig = z.infer<typeof DynamoMediaSearchConfigSchema>;
export type DynamoMediaSearchConfigInput = z.input<typeof DynamoMediaSearchConfigSchema>;

/** Where a page ends: the last candidate it consumed, in the order's terms. */
interface Position {
  id: string;
  takenAt: string;
  /** Relevance of the candidate (relevance order only). */
  score: number;
}

/** A match found in the postings, before its item is read. */
interface Candidate extends Position {
  kind: string;
  /** The fields the query's words were found in, as a posting mask. */
  mask: number;
}

/** A date in the form `takenAtOf` gives, as stored in index keys. */
const TAKEN_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Sorts after every media id and date in a key: the inclusive end of a range. */
const KEY_END = '\uffff';

const malformedCursor = (): ValidationError => new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);

/** Whether `a` comes before `b` in the query's order (negative), after it (positive), or is it. */
function compare(order: SearchQuery['order'], a: Position, b: Position): number {
  if (order === 'relevance' && a.score !== b.score) return b.score - a.score;
  const newestFirst = a.takenAt !== b.takenAt ? (a.takenAt < b.takenAt ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  return order === 'taken-asc' ? -newestFirst : newestFirst;
}

function positionOf(cursor: string, binding: CursorBinding, order: SearchQuery['order']): Position {
  const position = decodeCursor(cursor, binding);
  const takenAt = position.extra?.['t'];
  const score = order === 'relevance' ? position.extra?.['s'] : '0';
  if (!UlidSchema.safeParse(position.after).success || takenAt === undefined || !TAKEN_AT.test(takenAt) || score === undefined || !/^\d{1,4}$/.test(score)) {
    throw malformedCursor();
  }
  return { id: position.after, takenAt, score: Number(score) };
}

function cursorOf(position: Position, binding: CursorBinding, order: SearchQuery['order']): string {
  return encodeCursor({ after: position.id, extra: { t: position.takenAt, ...(order === 'relevance' ? { s: String(position.score) } : {}) } }, binding);
}

/** Whether a fetched item is a result: found where its index entry said, and passing the words and filters. */
function isResult(item: MediaItem | undefined, at: Pick<Position, 'takenAt'>, query: SearchQuery, members: ReadonlySet<string> | undefined): item is MediaItem {
  // An entry under another date is one its item has left (an index write still on its way, or a
  // posting not yet cleaned up): the item is found under its current date, never twice.
  if (item === undefined || takenAtOf(item) !== at.takenAt) return false;
  if (members !== undefined && !members.has(item.id)) return false;
  const document = searchDocument(item);
  return matchesFilters(item, document, query) && matchesText(document, query.groups);
}

/** One Query that pages through entries in date-taken order (the date index, or one word's postings). */
interface DateOrderedSource {
  input: QueryCommandInput;
  /** The entry a returned row or a LastEvaluatedKey stands for. */
  entryOf(row: Item): { id: string; takenAt: string } | undefined;
  /** The key to start after an entry. */
  startAfter(entry: { id: string; takenAt: string }): Item;
}

/**
 * The `MediaSearch` port on the media table's own index rows (see `search-index.ts` and the
 * storage README), written with every item in the repository's transactions: no search cluster,
 * nothing that costs money while nobody searches.
 *
 * - Words: each group's postings are read from `SEARCH#{owner}#{first two letters}` (an exact
 *   word is `begins_with(SK, word#)` or, with dates, `SK BETWEEN word#from AND word#to#~`, a
 *   prefix is `begins_with(SK, prefix)`), intersected across groups in memory (rarest-looking word
 *   first, each next group's range narrowed to the dates still possible), then sorted, and only
 *   the page's items are read (BatchGetItem) and checked with the domain's `matchesText` and
 *   `matchesFilters`. Relevance is the domain's own score (the weights of the fields matched,
 *   which postings carry as a mask), then the newest date taken.
 * - One word, no prefix, date-taken order: that word's postings are already in that order, so the
 *   page walks them with a Limit and stops when it is full.
 * - No words: the date index (`GSI3`) in either direction, its key condition bounding the dates,
 *   a FilterExpression for kind and status on its projected attributes.
 * - An album: its member rows (one Query) become a filter on the candidates; without words, a
 *   small album's items are read outright.
 * - Cursors are the domain's, bound by `searchCursorBinding`, and carry the last position (date
 *   taken, id, and in relevance order the score): start keys are rebuilt from the caller's owner
 *   and the query's own word, never taken from the client.
 *
 * Reads are eventually consistent (as `list` is; the date index can only be): an edit is found by
 * a search a moment later, typically well under a second.
 *
 * @example
 * const search = new DynamoMediaSearch({ tableName: env.MEDIA_TABLE, region: env.AWS_REGION });
 * const page = await search.search(ownerId, SearchQuerySchema.parse(query));
 */
export class DynamoMediaSearch implements MediaSearch {
  readonly config: DynamoMediaSearchConfig;
  private readonly client: DynamoDBClient;

  constructor(config: DynamoMediaSearchConfigInput, dependencies: { client?: DynamoDBClient } = {}) {
    this.config = DynamoMediaSearchConfigSchema.parse(config);
    this.client = dependencies.client ?? createDynamoClient(this.config);
  }

  private get table(): string {
    return this.config.tableName;
  }

  async search(ownerId: string, query: SearchQuery): Promise<Page<MediaItem>> {
    checkOwner(ownerId);
    const binding = searchCursorBinding(ownerId, query);
    const after = query.cursor === undefined ? undefined : positionOf(query.cursor, binding, query.order);
    const members = query.album === undefined ? undefined : await this.albumMembers(ownerId, query.album);
    if (members !== undefined && members.size === 0) return { items: [] };
    const [only] = query.groups;
    let page: { items: MediaItem[]; next?: Position | undefined };
    if (query.groups.length === 0) {
      page =
        members !== undefined && members.size <= this.config.albumFetchLimit
          ? await this.pageOfItems(ownerId, query, [...members], after)
          : await this.walk(ownerId, query, this.dateIndex(ownerId, query), after, members);
    } else if (query.order !== 'relevance' && query.groups.length === 1 && only !== undefined && only.prefix === undefined) {
      page = await this.walk(ownerId, query, this.postingsOf(ownerId, longest(only.exact), query), after, members);
    } else {
      page = await this.pageOfCandidates(ownerId, query, await this.candidates(ownerId, query, members), after, members);
    }
    return page.next === undefined ? { items: page.items } : { items: page.items, nextCursor: cursorOf(page.next, binding, query.order) };
  }

  async timeline(ownerId: string): Promise<TimelineMonth[]> {
    checkOwner(ownerId);
    const counts = new Map<string, number>();
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': str(mediaKeys.monthsPk(ownerId)) },
          ScanIndexForward: false,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const row of page.Items ?? []) {
        const month = /^MONTH#(\d{4}-\d{2})#\d+$/.exec(stringAttr(row, 'SK') ?? '')?.[1];
        const count = row['count'];
        if (month !== undefined && count !== undefined && 'N' in count) counts.set(month, (counts.get(month) ?? 0) + Number(count.N));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    // A month whose items all left keeps counters at zero: they are read (a few bytes each), not shown.
    return [...counts]
      .filter(([, count]) => count > 0)
      .sort((a, b) => (a[0] < b[0] ? 1 : -1))
      .map(([month, count]) => ({ month, count }));
  }

  /** The ids of an album's members, none when the owner has no such album (one GetItem and one Query beside it). */
  private async albumMembers(ownerId: string, albumId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const readMembers = async (): Promise<void> => {
      let startKey: Item | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :at)',
            ExpressionAttributeValues: { ':pk': str(mediaKeys.albumMembersPk(ownerId, albumId)), ':at': str('AT#') },
            ProjectionExpression: 'mediaId',
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        );
        for (const row of page.Items ?? []) {
          const id = stringAttr(row, 'mediaId');
          if (id !== undefined) ids.add(id);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    };
    // Members outlive their album while a delete sweeps them: the album row decides.
    const [{ Item: album }] = await Promise.all([
      this.client.send(new GetItemCommand({ TableName: this.table, Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.albumSk(albumId)) }, ProjectionExpression: 'PK' })),
      readMembers(),
    ]);
    return album === undefined ? new Set() : ids;
  }

  /** The owner's date index, bounded by the query's dates, filtered by kind and status. */
  private dateIndex(ownerId: string, query: SearchQuery): DateOrderedSource {
    const names: Record<string, string> = {};
    const values: Item = { ':pk': str(mediaKeys.takenPk(ownerId)) };
    let condition = 'GSI3PK = :pk';
    if (query.from !== undefined && query.to !== undefined) {
      condition += ' AND GSI3SK BETWEEN :from AND :to';
      values[':from'] = str(query.from);
      values[':to'] = str(`${query.to}#${KEY_END}`);
    } else if (query.from !== undefined) {
      condition += ' AND GSI3SK >= :from';
      values[':from'] = str(query.from);
    } else if (query.to !== undefined) {
      condition += ' AND GSI3SK <= :to';
      values[':to'] = str(`${query.to}#${KEY_END}`);
    }
    const filters: string[] = [];
    if (query.kind !== undefined) {
      names['#kind'] = 'kind';
      values[':kind'] = str(query.kind);
      filters.push('#kind = :kind');
    }
    if (query.status !== undefined) {
      names['#status'] = 'status';
      values[':status'] = str(query.status);
      filters.push('#status = :status');
    }
    const pk = mediaKeys.takenPk(ownerId);
    return {
      input: {
        TableName: this.table,
        IndexName: SEARCH_INDEX,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }),
        ScanIndexForward: query.order === 'taken-asc',
      },
      entryOf: (row) => {
        const sk = stringAttr(row, 'GSI3SK') ?? '';
        const at = sk.lastIndexOf('#');
        return at < 0 ? undefined : { takenAt: sk.slice(0, at), id: sk.slice(at + 1) };
      },
      startAfter: (entry) => ({ GSI3PK: str(pk), GSI3SK: str(mediaKeys.takenSk(entry.takenAt, entry.id)), PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(entry.id)) }),
    };
  }

  /** One word's postings in date-taken order, bounded by the query's dates, filtered by kind. */
  private postingsOf(ownerId: string, word: string, query: { from?: string | undefined; to?: string | undefined; kind?: string | undefined; order: SearchQuery['order'] }): DateOrderedSource {
    const pk = mediaKeys.searchPk(ownerId, word);
    const values: Item = { ':pk': str(pk) };
    let condition: string;
    if (query.from === undefined && query.to === undefined) {
      condition = 'PK = :pk AND begins_with(SK, :word)';
      values[':word'] = str(`${word}#`);
    } else {
      condition = 'PK = :pk AND SK BETWEEN :from AND :to';
      values[':from'] = str(`${word}#${query.from ?? ''}`);
      values[':to'] = str(`${word}#${query.to === undefined ? KEY_END : `${query.to}#${KEY_END}`}`);
    }
    if (query.kind !== undefined) values[':kind'] = str(query.kind);
    return {
      input: {
        TableName: this.table,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ...(query.kind === undefined ? {} : { FilterExpression: '#k = :kind', ExpressionAttributeNames: { '#k': 'k' } }),
        ScanIndexForward: query.order === 'taken-asc',
      },
      entryOf: (row) => {
        const parsed = parsePostingSk(stringAttr(row, 'SK') ?? '');
        return parsed === undefined ? undefined : { id: parsed.mediaId, takenAt: parsed.takenAt };
      },
      startAfter: (entry) => ({ PK: str(pk), SK: str(mediaKeys.postingSk(word, entry.takenAt, entry.id)) }),
    };
  }

  /** The owner's items with these ids, by id (eventually consistent BatchGetItem, 100 keys a request). */
  private async items(ownerId: string, ids: readonly string[]): Promise<Map<string, MediaItem>> {
    if (ids.length === 0) return new Map();
    // An item may stand behind two entries (a posting left under its old date): ask for it once.
    const rows = await batchGetRows(this.client, this.table, [...new Set(ids)].map((id) => ({ PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) })));
    return new Map(
      rows.map((row) => {
        const item = fromItem(row);
        return [item.id, item];
      }),
    );
  }

  /**
   * A page walked from a date-ordered source: entries in order, their items read as many at a time
   * as the page still needs, until the page is full, the source ends or `maxQueriesPerSearch`
   * requests were made (then the page may be short, with a cursor).
   */
  private async walk(
    ownerId: string,
    query: SearchQuery,
    source: DateOrderedSource,
    after: Position | undefined,
    members: ReadonlySet<string> | undefined,
  ): Promise<{ items: MediaItem[]; next?: Position }> {
    const items: MediaItem[] = [];
    // A FilterExpression drops entries after DynamoDB counted them against the Limit: ask for more.
    const filteredByQuery = source.input.FilterExpression !== undefined;
    // Filters that only the item can answer drop candidates after their items are read: read more at once.
    const dropsAfterReading =
      members !== undefined ||
      query.tags.length > 0 ||
      query.camera.length > 0 ||
      // Postings carry no status; the date index filters it itself.
      (query.status !== undefined && source.input.IndexName === undefined) ||
      query.groups.some((g) => g.exact.length > 1);
    let startKey: Item | undefined = after === undefined ? undefined : source.startAfter(after);
    let last: Position | undefined;
    for (let queries = 0; queries < this.config.maxQueriesPerSearch; queries += 1) {
      const need = query.limit - items.length;
      // One more entry than the page needs says whether another page follows, without reading its item.
      const limit = filteredByQuery || dropsAfterReading ? Math.min(1000, Math.max(need * 4, 100)) : need + 1;
      const page = await this.client.send(new QueryCommand({ ...source.input, Limit: limit, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }));
      const entries = (page.Items ?? []).flatMap((row) => source.entryOf(row) ?? []);
      let index = 0;
      while (index < entries.length && items.length < query.limit) {
        const chunk = entries.slice(index, index + chunkSize(query.limit - items.length, dropsAfterReading));
        const byId = await this.items(
          ownerId,
          chunk.filter((entry) => members === undefined || members.has(entry.id)).map((entry) => entry.id),
        );
        for (const entry of chunk) {
          if (items.length === query.limit) break;
          last = { ...entry, score: 0 };
          index += 1;
          const item = byId.get(entry.id);
          if (isResult(item, entry, query, members)) items.push(item);
        }
      }
      // Entries of this page left over: another page follows (they are read again then).
      if (index < entries.length && last !== undefined) return { items, next: last };
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) return { items };
      if (items.length === query.limit && last !== undefined) return { items, next: last };
    }
    // The budget ran out first: the next page starts after the last key DynamoDB evaluated.
    const resume = startKey === undefined ? undefined : source.entryOf(startKey);
    return resume === undefined ? { items } : { items, next: { ...resume, score: 0 } };
  }

  /**
   * A page of candidates already known in full (so already sorted): their items are read in order,
   * as many at a time as the page still needs, and checked; `preloaded` items are not read again.
   */
  private async pageOfCandidates(
    ownerId: string,
    query: SearchQuery,
    candidates: readonly Position[],
    after: Position | undefined,
    members: ReadonlySet<string> | undefined,
    preloaded?: ReadonlyMap<string, MediaItem>,
  ): Promise<{ items: MediaItem[]; next?: Position }> {
    const sorted = [...candidates].sort((a, b) => compare(query.order, a, b));
    let index = after === undefined ? 0 : sorted.findIndex((c) => compare(query.order, c, after) > 0);
    if (index < 0) index = sorted.length;
    const items: MediaItem[] = [];
    let last: Position | undefined;
    const drops = query.tags.length > 0 || query.camera.length > 0 || query.status !== undefined;
    while (index < sorted.length && items.length < query.limit) {
      const chunk = sorted.slice(index, index + chunkSize(query.limit - items.length, drops));
      const byId = preloaded ?? (await this.items(ownerId, chunk.map((c) => c.id)));
      for (const candidate of chunk) {
        if (items.length === query.limit) break;
        last = candidate;
        index += 1;
        const item = byId.get(candidate.id);
        if (isResult(item, candidate, query, members)) items.push(item);
      }
    }
    return index < sorted.length && last !== undefined ? { items, next: last } : { items };
  }

  /** Without words, a small album: its items read outright (BatchGetItem), ordered and paged here. */
  private async pageOfItems(ownerId: string, query: SearchQuery, ids: readonly string[], after: Position | undefined): Promise<{ items: MediaItem[]; next?: Position }> {
    const byId = await this.items(ownerId, ids);
    const candidates = [...byId.values()].map((item) => ({ id: item.id, takenAt: takenAtOf(item), score: 0 }));
    return this.pageOfCandidates(ownerId, query, candidates, after, new Set(ids), byId);
  }

  /**
   * Every item whose postings match all groups (within the posting budget), with its relevance.
   * Groups are read one after another, the one with the longest word first (long words are rare),
   * and each next group only between the oldest and newest dates still possible; none is read once
   * nothing is left.
   */
  private async candidates(ownerId: string, query: SearchQuery, members: ReadonlySet<string> | undefined): Promise<Candidate[]> {
    const budget = { left: this.config.maxPostingsPerSearch };
    const groups = [...query.groups].sort((a, b) => Number(a.prefix !== undefined) - Number(b.prefix !== undefined) || longest(b.exact).length - longest(a.exact).length);
    let found: Map<string, Candidate> | undefined;
    let from = query.from;
    let to = query.to;
    for (const group of groups) {
      const part = await this.groupPostings(ownerId, group, { from, to, kind: query.kind }, budget);
      const next = new Map<string, Candidate>();
      for (const [key, candidate] of part) {
        if (members !== undefined && !members.has(candidate.id)) continue;
        const before = found === undefined ? candidate : found.get(key);
        if (before !== undefined) next.set(key, { ...candidate, mask: candidate.mask | before.mask });
      }
      found = next;
      if (found.size === 0) return [];
      const dates = [...found.values()].map((c) => c.takenAt).sort();
      from = dates[0];
      to = dates[dates.length - 1];
    }
    return [...(found?.values() ?? [])].map((c) => ({ ...c, score: scoreOf(c.mask) }));
  }

  /**
   * The postings of one group, by `{takenAt}#{id}`: the items that have all its exact words, and
   * (for the word being typed) those with a word starting with its prefix, each with the fields any
   * of the group's words are in.
   */
  private async groupPostings(
    ownerId: string,
    group: SearchGroup,
    bounds: { from: string | undefined; to: string | undefined; kind: string | undefined },
    budget: { left: number },
  ): Promise<Map<string, Candidate>> {
    const { prefix } = group;
    // A prefix that an exact word starts with covers that word's postings, and so every item with
    // all the exact words: its one range decides membership, and that word is not read again.
    const covered = prefix !== undefined && group.exact.some((w) => w.startsWith(prefix));
    const exactParts: Map<string, Candidate>[] = [];
    for (const word of group.exact) {
      if (prefix !== undefined && word.startsWith(prefix)) continue;
      exactParts.push(await this.readPostings(this.postingsOf(ownerId, word, { ...bounds, order: 'taken-desc' }).input, bounds, budget));
    }
    const out = new Map<string, Candidate>();
    const [firstExact, ...otherExact] = exactParts;
    if (!covered) {
      for (const [key, candidate] of firstExact ?? []) {
        if (otherExact.every((part) => part.has(key))) out.set(key, candidate);
      }
    }
    if (prefix !== undefined) {
      const input: QueryCommandInput = {
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': str(mediaKeys.searchPk(ownerId, prefix)), ':prefix': str(prefix), ...(bounds.kind === undefined ? {} : { ':kind': str(bounds.kind) }) },
        ...(bounds.kind === undefined ? {} : { FilterExpression: '#k = :kind', ExpressionAttributeNames: { '#k': 'k' } }),
      };
      for (const [key, candidate] of await this.readPostings(input, bounds, budget)) {
        const before = out.get(key);
        out.set(key, before === undefined ? candidate : { ...candidate, mask: candidate.mask | before.mask });
      }
    }
    // A field counts for relevance when any exact word of the group is in it, however the group matched.
    for (const part of exactParts) {
      for (const [key, candidate] of part) {
        const found = out.get(key);
        if (found !== undefined) out.set(key, { ...found, mask: found.mask | candidate.mask });
      }
    }
    return out;
  }

  /** Postings of one range (paged), by `{takenAt}#{id}` with their masks OR-ed, within dates and budget. */
  private async readPostings(input: QueryCommandInput, bounds: { from: string | undefined; to: string | undefined }, budget: { left: number }): Promise<Map<string, Candidate>> {
    const out = new Map<string, Candidate>();
    let startKey: Item | undefined;
    do {
      if (budget.left <= 0) break;
      const page = await this.client.send(new QueryCommand({ ...input, Limit: Math.min(budget.left, 10_000), ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }));
      budget.left -= page.ScannedCount ?? page.Items?.length ?? 0;
      for (const row of page.Items ?? []) {
        const parsed = parsePostingSk(stringAttr(row, 'SK') ?? '');
        const mask = row['f'];
        if (parsed === undefined || mask === undefined || !('N' in mask)) continue;
        // A prefix's range is in word order: its dates are checked here.
        if ((bounds.from !== undefined && parsed.takenAt < bounds.from) || (bounds.to !== undefined && parsed.takenAt > bounds.to)) continue;
        const key = `${parsed.takenAt}#${parsed.mediaId}`;
        const before = out.get(key);
        out.set(key, { id: parsed.mediaId, takenAt: parsed.takenAt, kind: stringAttr(row, 'k') ?? '', mask: Number(mask.N) | (before?.mask ?? 0), score: 0 });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return out;
  }
}

/**
 * How many candidates' items to read at once when `need` more results are wanted: that many when
 * nearly every candidate is a result, more when filters only the item can answer drop some (fewer
 * requests, at the price of items read past the page's end, which the next page reads again).
 */
function chunkSize(need: number, drops: boolean): number {
  return Math.min(100, drops ? Math.max(need * 2, 25) : need);
}

/** The longest of a group's words: likely the rarest, so the cheapest to start from. */
function longest(words: readonly string[]): string {
  return words.reduce((a, b) => (b.length > a.length ? b : a), '');
}
