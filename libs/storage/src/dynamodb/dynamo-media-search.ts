import { GetItemCommand, QueryCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import {
  decodeCursor,
  encodeCursor,
  matchesFilters,
  matchesText,
  SEARCH_FIELDS,
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
import { awsErrorName } from '../aws-errors.js';
import { checkOwner } from './checks.js';
import { createDynamoClient, DynamoMediaRepositoryConfigSchema } from './config.js';
import { batchGetRows, scanOwner } from './list-queries.js';
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
   * (tags, camera, album, status) drop candidates, and the most BatchGetItem requests a page of
   * candidates found in the postings (relevance order, or several words) makes to check their
   * items. When either is reached the page comes back short (even empty) with a cursor, as `list`
   * does.
   */
  maxQueriesPerSearch: z.number().int().min(1).max(100).default(8),
  /**
   * The most postings one page of a search with words reads (about 110 bytes each: 20,000 are about
   * 2 MB, 2 requests and 270 read units). A finished word more common than that is read in parts of
   * this size (half of it when other words follow), newest first (oldest first for `taken-asc`):
   * each part's matches are paged through in the query's order, then the cursor goes on to the next
   * part. Words whose postings no longer fit are checked on the items instead. A prefix being typed
   * that is more common is matched among its first postings in alphabetical order only.
   */
  maxPostingsPerSearch: z.number().int().min(10).max(1_000_000).default(20_000),
  /**
   * An album of at most this many items is searched without words by reading its items (half a
   * read unit each); a larger one by walking the owner's date index with the album's members as a
   * filter, which reads small index entries but possibly many of them.
   */
  albumFetchLimit: z.number().int().min(0).max(10_000).default(200),
  /**
   * A search without words filtered by tags first reads the tags' entries in the tag index (the
   * rows `list?tag=` pages through). When at most this many items carry the tags, those items are
   * read outright (half a read unit each, so up to about 100 read units a page) and ordered here:
   * tag entries carry no date taken, so a date-taken order needs the items.
   */
  tagFetchLimit: z.number().int().min(0).max(1_000).default(200),
  /**
   * The most tag index entries one search without words reads to learn which items carry its tags
   * (about 150 bytes each: 2,000 are about 40 read units). Tags on more items than
   * `tagFetchLimit` and at most this many become a filter on the walk of the date index, which
   * then reads only their items; tags on more items than this are checked on the items the walk
   * reads, like the other filters only an item can answer.
   */
  tagMembersLimit: z.number().int().min(0).max(20_000).default(2_000),
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

/** Where a page of the upload-order listing ends (see `listingPage`): the last media id it consumed. */
interface ListingPosition {
  listedAfter: string;
}

/** A posting of the driver word (see `candidates`) where a reading of postings stopped. */
interface Boundary {
  id: string;
  takenAt: string;
}

/**
 * Where a page of a search with words is once the budget cut the driver word's postings short:
 * its reading starts after `start`, and the page after `after` (at the reading's first candidate
 * when absent). A position without it is in the first reading.
 */
interface ReadingPosition {
  start: Boundary;
  after?: Position;
}

/** A page's results and, when more may follow, where the next page starts. */
interface PageResult {
  items: MediaItem[];
  next?: Position | ListingPosition | ReadingPosition;
}

/** One reading of postings (see `candidates`). */
interface Reading {
  candidates: Candidate[];
  /** Where the budget stopped the driver word's postings: the next reading starts after it. */
  end?: Boundary;
  /** Some groups were left to the item check (their postings did not fit the budget). */
  textUnchecked: boolean;
}

/** A range of postings as far as the budget let it be read. */
interface PostingsRead {
  postings: Map<string, Candidate>;
  complete: boolean;
  /** Where reading stopped when it is not complete (absent when the budget was spent before it began). */
  stoppedAt?: Item;
}

/** One tag's entries in the tag index as far as they were read, and where the rest start. */
interface TagRead {
  tag: string;
  ids: Set<string>;
  /** Absent once every entry was read. */
  startKey?: Item;
}

/** The structured log the composition passes (`{ level, msg, ...fields }`). */
export type SearchLog = (entry: Record<string, unknown>) => void;

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
/** The highest relevance a match can have: a word in every field. */
const MAX_SCORE = scoreOf((1 << SEARCH_FIELDS.length) - 1);
/** What a cursor of the upload-order listing carries (`l`) instead of a date taken. */
const LISTING_MARK = 'upload';
/** The least time between two warnings that the date index cannot be read (one per library load would flood the log). */
const UNREADABLE_INDEX_WARNING_MS = 60_000;

const malformedCursor = (): ValidationError => new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);

/** Whether a text is a date exactly as `takenAtOf` writes one (a real day and time, UTC). */
function isTakenAt(value: string): boolean {
  const ms = Date.parse(value);
  return TAKEN_AT.test(value) && !Number.isNaN(ms) && new Date(ms).toISOString() === value;
}

/**
 * Whether a Query of `index` failed because the index cannot be read yet: DynamoDB's
 * ValidationException for an index the table does not have ("The table does not have the specified
 * index: GSI3") or for one it is still filling ("Cannot read from backfilling global secondary
 * index", which need not name it: the Query names no other index).
 */
function isUnreadableIndex(error: unknown, index: string): boolean {
  if (awsErrorName(error) !== 'ValidationException' || !(error instanceof Error)) return false;
  return (error.message.includes('does not have the specified index') && error.message.includes(index)) || /backfilling global secondary index/i.test(error.message);
}

const consoleLog: SearchLog = (entry) => console.warn(JSON.stringify(entry));

/** Whether `a` comes before `b` in the query's order (negative), after it (positive), or is it. */
function compare(order: SearchQuery['order'], a: Position, b: Position): number {
  if (order === 'relevance' && a.score !== b.score) return b.score - a.score;
  const newestFirst = a.takenAt !== b.takenAt ? (a.takenAt < b.takenAt ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  return order === 'taken-asc' ? -newestFirst : newestFirst;
}

/**
 * Where a cursor says the page starts, checked against the query. Its id and date become part of
 * an ExclusiveStartKey (the word in it is the query's own, never the cursor's), and DynamoDB
 * refuses a start key outside the key condition with an error of its own: every field must be one
 * this query can hand out (a ULID, a real date within the query's dates, a score a match can have,
 * nothing else), so a forged or tampered cursor is the caller's mistake, not a failure here.
 */
function readCursor(cursor: string, binding: CursorBinding, query: SearchQuery): Position | ListingPosition | ReadingPosition {
  const { after, extra: all = {} } = decodeCursor(cursor, binding);
  if (!UlidSchema.safeParse(after).success) throw malformedCursor();
  const { p: reading, ...extra } = all;
  if (reading !== undefined) {
    const start = readBoundary(reading, query);
    if (Object.keys(extra).length === 0) {
      if (after !== start.id) throw malformedCursor();
      return { start };
    }
    return { start, after: readPosition(after, extra, query) };
  }
  const fields = Object.keys(extra).sort().join(',');
  if (extra['l'] !== undefined) {
    if (fields !== 'l' || extra['l'] !== LISTING_MARK || query.groups.length > 0) throw malformedCursor();
    return { listedAfter: after };
  }
  return readPosition(after, extra, query);
}

/** A position in the order of the query (`t`, and `s` in relevance order), checked as `readCursor` says. */
function readPosition(after: string, extra: Record<string, string>, query: SearchQuery): Position {
  const fields = Object.keys(extra).sort().join(',');
  const relevance = query.order === 'relevance';
  const takenAt = extra['t'];
  if (fields !== (relevance ? 's,t' : 't') || takenAt === undefined || !isTakenAt(takenAt)) throw malformedCursor();
  if ((query.from !== undefined && takenAt < query.from) || (query.to !== undefined && takenAt > query.to)) throw malformedCursor();
  if (!relevance) return { id: after, takenAt, score: 0 };
  const score = extra['s'];
  if (score === undefined || !/^\d{1,2}$/.test(score) || Number(score) > MAX_SCORE) throw malformedCursor();
  return { id: after, takenAt, score: Number(score) };
}

/**
 * Where a reading of the driver word's postings starts (`{takenAt}#{id}`): it becomes an
 * ExclusiveStartKey of that word's range, so it must be a posting this query's reading could stop
 * at (a real date within the query's dates, a ULID), and the query must read postings that way.
 */
function readBoundary(value: string, query: SearchQuery): Boundary {
  const [driver] = readingOrder(query.groups);
  if (driver === undefined || driver.prefix !== undefined || walksOneWord(query)) throw malformedCursor();
  const at = value.lastIndexOf('#');
  const takenAt = value.slice(0, Math.max(at, 0));
  const id = value.slice(at + 1);
  if (at < 0 || !isTakenAt(takenAt) || !UlidSchema.safeParse(id).success) throw malformedCursor();
  if ((query.from !== undefined && takenAt < query.from) || (query.to !== undefined && takenAt > query.to)) throw malformedCursor();
  return { id, takenAt };
}

/** Groups in the order `candidates` reads them: finished words first, the longest (likely the rarest) first. */
function readingOrder(groups: readonly SearchGroup[]): SearchGroup[] {
  return [...groups].sort((a, b) => Number(a.prefix !== undefined) - Number(b.prefix !== undefined) || longest(b.exact).length - longest(a.exact).length);
}

/** Whether the query is one finished word in date-taken order: a walk of that word's postings. */
function walksOneWord(query: SearchQuery): boolean {
  const [only] = query.groups;
  return query.order !== 'relevance' && query.groups.length === 1 && only !== undefined && only.prefix === undefined;
}

function cursorOf(position: Position | ListingPosition | ReadingPosition, binding: CursorBinding, order: SearchQuery['order']): string {
  if ('listedAfter' in position) return encodeCursor({ after: position.listedAfter, extra: { l: LISTING_MARK } }, binding);
  if ('start' in position) {
    const p = `${position.start.takenAt}#${position.start.id}`;
    if (position.after === undefined) return encodeCursor({ after: position.start.id, extra: { p } }, binding);
    return encodeCursor({ after: position.after.id, extra: { p, t: position.after.takenAt, ...(order === 'relevance' ? { s: String(position.after.score) } : {}) } }, binding);
  }
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
 * - Words: each group's postings are read from `SEARCH#{owner}#{first two characters}` (code
 *   points; an exact word is `begins_with(SK, word#)` or, with dates, `SK BETWEEN word#from AND
 *   word#to#~`, a prefix is `begins_with(SK, prefix)`; a prefix of one character outside the BMP,
 *   which the domain counts as two, lies in no one partition and finds its exact word only),
 *   intersected across groups in memory (rarest-looking word
 *   first, each next group's range narrowed to the dates still possible), then sorted, and only
 *   the page's items are read (BatchGetItem, at most `maxQueriesPerSearch` requests a page) and
 *   checked with the domain's `matchesText` and `matchesFilters`. Within `maxPostingsPerSearch`:
 *   a driver word more common than that is read in parts the cursor moves through, and a later
 *   word that does not fit is left to `matchesText` (see `candidates`). Relevance is the domain's own score (the weights of the fields matched,
 *   which postings carry as a mask), then the newest date taken.
 * - One word, no prefix, date-taken order: that word's postings are already in that order, so the
 *   page walks them with a Limit and stops when it is full.
 * - No words: the date index (`GSI3`) in either direction, its key condition bounding the dates,
 *   a FilterExpression for kind and status on its projected attributes.
 * - No words, tags: the tags' partitions of the tag index (`OWNER#{owner}#TAG#{tag}`) say which
 *   items carry them. At most `tagFetchLimit` (200) such items are read outright and ordered here
 *   (tag entries carry no date taken); up to `tagMembersLimit` (2,000) they are a filter on the
 *   date index walk; beyond that the walk checks the tags on the items it reads.
 * - An album: its member rows (one Query) become a filter on the candidates; without words, a
 *   small album's items are read outright.
 * - While the date index cannot be read (a table deployed before it, part way through the
 *   rollout, or while DynamoDB fills it), a search without words degrades to the repository's own
 *   listing (the owner's partition in upload order, kind and status filtered by DynamoDB, the rest
 *   here), with a warning in the log, instead of failing.
 * - Cursors are the domain's, bound by `searchCursorBinding`, and carry the last position (date
 *   taken, id, and in relevance order the score; in the degraded listing the last id): start keys
 *   are rebuilt from the caller's owner and the query's own word, never taken from the client, and
 *   a position this query could not have handed out is refused as a malformed cursor.
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
  private readonly log: SearchLog;
  /** When the last warning that the date index cannot be read went out, and searches degraded since. */
  private unreadableIndex = { warnedAt: Number.NEGATIVE_INFINITY, since: 0 };

  /** `log` receives the warnings (the console's when absent). */
  constructor(config: DynamoMediaSearchConfigInput, dependencies: { client?: DynamoDBClient; log?: SearchLog } = {}) {
    this.config = DynamoMediaSearchConfigSchema.parse(config);
    this.client = dependencies.client ?? createDynamoClient(this.config);
    this.log = dependencies.log ?? consoleLog;
  }

  private get table(): string {
    return this.config.tableName;
  }

  async search(ownerId: string, query: SearchQuery): Promise<Page<MediaItem>> {
    checkOwner(ownerId);
    const binding = searchCursorBinding(ownerId, query);
    const after = query.cursor === undefined ? undefined : readCursor(query.cursor, binding, query);
    const members = query.album === undefined ? undefined : await this.albumMembers(ownerId, query.album);
    if (members !== undefined && members.size === 0) return { items: [] };
    const [only] = query.groups;
    let page: PageResult;
    if (after !== undefined && 'listedAfter' in after) {
      // A listing begun while the date index could not be read goes on in upload order, even once
      // the index can be read, so that its pages neither skip nor repeat an item.
      page = await this.listingPage(ownerId, query, after.listedAfter, members);
    } else if (after !== undefined && 'start' in after) {
      page = await this.pageOfWords(ownerId, query, after, members);
    } else if (query.groups.length === 0) {
      page = await this.withoutWords(ownerId, query, after, members);
    } else if (only !== undefined && walksOneWord(query)) {
      page = await this.walk(ownerId, query, this.postingsOf(ownerId, longest(only.exact), query), after, members);
    } else {
      page = await this.pageOfWords(ownerId, query, after, members);
    }
    return page.next === undefined ? { items: page.items } : { items: page.items, nextCursor: cursorOf(page.next, binding, query.order) };
  }

  /**
   * A page without words: a small album's items, or those of tags on few items, read outright;
   * otherwise a walk of the date index (with the tags' items as a filter when the tag index could
   * say which they are); and while the date index cannot be read, the upload-order listing.
   */
  private async withoutWords(ownerId: string, query: SearchQuery, after: Position | undefined, album: ReadonlySet<string> | undefined): Promise<PageResult> {
    if (album !== undefined && album.size <= this.config.albumFetchLimit) return this.pageOfItems(ownerId, query, [...album], after);
    let members = album;
    let tagsInMembers = false;
    if (query.tags.length > 0) {
      const tagged = await this.taggedItems(ownerId, query.tags);
      if (tagged !== undefined) {
        const ids = album === undefined ? [...tagged] : [...tagged].filter((id) => album.has(id));
        if (ids.length <= this.config.tagFetchLimit) return this.pageOfItems(ownerId, query, ids, after);
        members = new Set(ids);
        tagsInMembers = true;
      }
    }
    try {
      return await this.walk(ownerId, query, this.dateIndex(ownerId, query), after, members, tagsInMembers);
    } catch (error) {
      if (!isUnreadableIndex(error, SEARCH_INDEX)) throw error;
      this.warnUnreadableIndex(error);
      // From the top: a date taken says nothing about where a page would be in upload order. The
      // listing checks tags on the items, so it needs no tag entries, and goes on from its own cursors.
      return this.listingPage(ownerId, query, undefined, album);
    }
  }

  /**
   * A page of the repository's own listing (`list`'s requests and budget: the owner's partition in
   * upload order, newest first, or oldest first for `taken-asc`, kind and status filtered by
   * DynamoDB), the other filters checked here: what a search without words shows while the date
   * index cannot be read. A page may be short, with a cursor, when filters drop items.
   */
  private async listingPage(ownerId: string, query: SearchQuery, after: string | undefined, album: ReadonlySet<string> | undefined): Promise<PageResult> {
    const found = await scanOwner(
      { client: this.client, table: this.table, maxQueriesPerList: this.config.maxQueriesPerSearch },
      ownerId,
      { limit: query.limit, ...(query.kind === undefined ? {} : { kind: query.kind }), ...(query.status === undefined ? {} : { status: query.status }) },
      after,
      query.order === 'taken-asc' ? 'oldest-first' : 'newest-first',
    );
    const consumed = found.items.slice(0, query.limit);
    const items = consumed.filter((item) => (album === undefined || album.has(item.id)) && matchesFilters(item, searchDocument(item), query));
    const last = consumed[consumed.length - 1];
    if (found.items.length > query.limit && last !== undefined) return { items, next: { listedAfter: last.id } };
    return found.resumeAfter === undefined ? { items } : { items, next: { listedAfter: found.resumeAfter } };
  }

  /** Logs that the date index cannot be read: the index and the error's name, nothing of the request. */
  private warnUnreadableIndex(error: unknown): void {
    const now = Date.now();
    this.unreadableIndex.since += 1;
    if (now - this.unreadableIndex.warnedAt < UNREADABLE_INDEX_WARNING_MS) return;
    this.log({
      level: 'warn',
      msg: 'search index cannot be read yet: searches without words list in upload order (see the storage README, "Rolling out")',
      index: SEARCH_INDEX,
      error: awsErrorName(error) ?? 'unknown',
      searches: this.unreadableIndex.since,
    });
    this.unreadableIndex = { warnedAt: now, since: 0 };
  }

  /**
   * The ids of the items carrying every one of the query's tags, from the tag index, or `undefined`
   * when every tag is on more items than `tagMembersLimit` lets one search read. Each tag's first
   * `tagFetchLimit + 1` entries are read at once, so a rare tag is known after one small Query;
   * while none of them has ended, one tag after another is read further, all within
   * `tagMembersLimit` entries.
   */
  private async taggedItems(ownerId: string, tags: readonly string[]): Promise<Set<string> | undefined> {
    const reads = await Promise.all(tags.map((tag) => this.readTag(ownerId, tag, this.config.tagFetchLimit)));
    let complete = reads.filter((read) => read.startKey === undefined);
    let budget = this.config.tagMembersLimit - reads.reduce((sum, read) => sum + read.ids.size, 0);
    for (const read of reads) {
      if (complete.length > 0 || budget <= 0) break;
      const further = await this.readTag(ownerId, read.tag, read.ids.size + budget, read);
      budget -= further.ids.size - read.ids.size;
      if (further.startKey === undefined) complete = [further];
    }
    // An item carries every tag: the tag on the fewest items bounds them, the others narrow them.
    const [fewest, ...others] = complete.sort((a, b) => a.ids.size - b.ids.size);
    if (fewest === undefined) return undefined;
    return new Set([...fewest.ids].filter((id) => others.every((other) => other.ids.has(id))));
  }

  /**
   * One tag's entries (ids only, in id order) until they end or more than `max` ids are known, from
   * the start or on from an earlier read that has not ended.
   */
  private async readTag(ownerId: string, tag: string, max: number, from?: TagRead): Promise<TagRead> {
    const ids = new Set(from?.ids);
    let startKey = from?.startKey;
    while (ids.size <= max) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': str(mediaKeys.tagPk(ownerId, tag)) },
          ProjectionExpression: 'SK',
          // One entry past `max` says that the tag is on more items than that.
          Limit: max + 1 - ids.size,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const row of page.Items ?? []) {
        const id = /^MEDIA#([^#]+)$/.exec(stringAttr(row, 'SK') ?? '')?.[1];
        if (id !== undefined) ids.add(id);
      }
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) return { tag, ids };
    }
    return startKey === undefined ? { tag, ids } : { tag, ids, startKey };
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
   * A page walked from a date-ordered source: entries in order (of `members` only, when given),
   * their items read as many at a time as the page still needs, until the page is full, the source
   * ends or `maxQueriesPerSearch` requests were made (then the page may be short, with a cursor).
   * `tagsInMembers`: the members are the items carrying the query's tags.
   */
  private async walk(
    ownerId: string,
    query: SearchQuery,
    source: DateOrderedSource,
    after: Position | undefined,
    members: ReadonlySet<string> | undefined,
    tagsInMembers = false,
  ): Promise<PageResult> {
    const items: MediaItem[] = [];
    // A FilterExpression drops entries after DynamoDB counted them against the Limit, and members
    // drop entries before their items are read: ask for more.
    const filteredBeforeReading = source.input.FilterExpression !== undefined || members !== undefined;
    // Filters that only the item can answer drop candidates after their items are read: read more
    // at once. Members read from the tag index carry the tags already.
    const dropsAfterReading =
      (query.tags.length > 0 && !tagsInMembers) ||
      query.camera.length > 0 ||
      query.favourite === true ||
      // Postings carry no status; the date index filters it itself.
      (query.status !== undefined && source.input.IndexName === undefined) ||
      query.groups.some((g) => g.exact.length > 1);
    let startKey: Item | undefined = after === undefined ? undefined : source.startAfter(after);
    let last: Position | undefined;
    for (let queries = 0; queries < this.config.maxQueriesPerSearch; queries += 1) {
      const need = query.limit - items.length;
      // One more entry than the page needs says whether another page follows, without reading its item.
      const limit = filteredBeforeReading || dropsAfterReading ? Math.min(1000, Math.max(need * 4, 100)) : need + 1;
      const page = await this.client.send(new QueryCommand({ ...source.input, Limit: limit, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }));
      const entries = (page.Items ?? []).flatMap((row) => source.entryOf(row) ?? []);
      let index = 0;
      while (index < entries.length && items.length < query.limit) {
        // As many entries as it takes to have a chunk's worth of members: entries of other items
        // are passed over unread, so a sparse filter does not make a request per few members.
        const size = chunkSize(query.limit - items.length, dropsAfterReading);
        let end = index;
        for (let wanted = 0; end < entries.length && wanted < size; end += 1) {
          if (members === undefined || members.has(entries[end]?.id ?? '')) wanted += 1;
        }
        const chunk = entries.slice(index, end);
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
   * After `maxQueriesPerSearch` BatchGetItem requests the page ends, short, after the last
   * candidate checked. `textUnchecked`: some words are only checked on the items.
   */
  private async pageOfCandidates(
    ownerId: string,
    query: SearchQuery,
    candidates: readonly Position[],
    after: Position | undefined,
    members: ReadonlySet<string> | undefined,
    options: { preloaded?: ReadonlyMap<string, MediaItem>; textUnchecked?: boolean } = {},
  ): Promise<{ items: MediaItem[]; next?: Position }> {
    const { preloaded, textUnchecked = false } = options;
    const sorted = [...candidates].sort((a, b) => compare(query.order, a, b));
    let index = after === undefined ? 0 : sorted.findIndex((c) => compare(query.order, c, after) > 0);
    if (index < 0) index = sorted.length;
    const items: MediaItem[] = [];
    let last: Position | undefined;
    const drops = textUnchecked || query.tags.length > 0 || query.camera.length > 0 || query.status !== undefined || query.favourite === true;
    let reads = 0;
    while (index < sorted.length && items.length < query.limit) {
      // A filter few candidates pass would otherwise have one page read up to thousands of items.
      if (preloaded === undefined && reads === this.config.maxQueriesPerSearch) break;
      const chunk = sorted.slice(index, index + chunkSize(query.limit - items.length, drops));
      if (preloaded === undefined) reads += 1;
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

  /** Without words, a small album's items or a rare tag's: read outright (BatchGetItem), ordered and paged here. */
  private async pageOfItems(ownerId: string, query: SearchQuery, ids: readonly string[], after: Position | undefined): Promise<PageResult> {
    const byId = await this.items(ownerId, ids);
    const members = new Set(ids);
    // Every item is at hand, so only results become candidates: the last page ends at the last
    // result (no empty page after it), and a cursor's date is always within the query's dates.
    const candidates = [...byId.values()].flatMap((item) => {
      const takenAt = takenAtOf(item);
      return isResult(item, { takenAt }, query, members) ? [{ id: item.id, takenAt, score: 0 }] : [];
    });
    return this.pageOfCandidates(ownerId, query, candidates, after, members, { preloaded: byId });
  }

  /**
   * A page of a search with words from one reading of postings (see `candidates`). When the budget
   * cut the driver word's postings short, the page's cursor carries where that reading starts, and
   * once its candidates are all consumed the next page reads on after the last posting it read: the
   * results come in the query's order within each reading, the readings newest postings first
   * (oldest first for `taken-asc`, so that date order holds across them).
   */
  private async pageOfWords(ownerId: string, query: SearchQuery, at: Position | ReadingPosition | undefined, members: ReadonlySet<string> | undefined): Promise<PageResult> {
    const start = at !== undefined && 'start' in at ? at.start : undefined;
    const after = at !== undefined && 'start' in at ? at.after : at;
    const reading = await this.candidates(ownerId, query, members, start);
    const page = await this.pageOfCandidates(ownerId, query, reading.candidates, after, members, { textUnchecked: reading.textUnchecked });
    if (page.next !== undefined) return { items: page.items, next: start === undefined ? page.next : { start, after: page.next } };
    return reading.end === undefined ? { items: page.items } : { items: page.items, next: { start: reading.end } };
  }

  /**
   * The candidates of one reading of postings, with their relevance: every item whose postings match
   * all groups read. Groups are read one after another, the one with the longest word first (long
   * words are rare), and each next group only between the oldest and newest dates still possible;
   * none is read once nothing is left.
   *
   * The driver (the first group's longest word, when that group is not a prefix being typed) is
   * read after `start` in the query's date direction, with half the budget when other words follow
   * (so that they can still narrow its candidates): when the budget stops it, the reading covers
   * its postings up to `end` and the next reading starts there. A later group, or a word of one,
   * whose postings the budget cuts short is not intersected (that would drop the items not read
   * yet): it and the groups after it are left to the item check (`isResult`).
   */
  private async candidates(ownerId: string, query: SearchQuery, members: ReadonlySet<string> | undefined, start: Boundary | undefined): Promise<Reading> {
    const budget = { left: this.config.maxPostingsPerSearch };
    const [driver, ...rest] = readingOrder(query.groups);
    if (driver === undefined) return { candidates: [], textUnchecked: false };
    const bounds = { from: query.from, to: query.to, kind: query.kind };
    let read: Map<string, Candidate>;
    let end: Boundary | undefined;
    let others = rest;
    let textUnchecked = false;
    if (driver.prefix === undefined) {
      const word = longest(driver.exact);
      const share = { left: rest.length > 0 || driver.exact.length > 1 ? Math.ceil(budget.left / 2) : budget.left };
      const spendable = share.left;
      const source = this.postingsOf(ownerId, word, { ...bounds, order: query.order === 'taken-asc' ? 'taken-asc' : 'taken-desc' });
      const driverRead = await this.readPostings(source.input, bounds, share, start === undefined ? undefined : source.startAfter(start));
      budget.left -= spendable - share.left;
      read = driverRead.postings;
      end = driverRead.stoppedAt === undefined ? undefined : source.entryOf(driverRead.stoppedAt);
      const at = driver.exact.indexOf(word);
      const remaining = driver.exact.filter((_, i) => i !== at);
      if (remaining.length > 0) others = [{ exact: remaining }, ...rest];
    } else {
      const groupRead = await this.groupPostings(ownerId, driver, bounds, budget);
      read = groupRead.postings;
      if (!groupRead.complete && rest.length > 0) {
        others = [];
        textUnchecked = true;
      }
    }
    let found = new Map([...read].filter(([, candidate]) => members === undefined || members.has(candidate.id)));
    for (const group of others) {
      if (found.size === 0) break;
      const dates = [...found.values()].map((c) => c.takenAt).sort();
      const part = await this.groupPostings(ownerId, group, { from: dates[0], to: dates[dates.length - 1], kind: query.kind }, budget);
      if (!part.complete) {
        textUnchecked = true;
        break;
      }
      const next = new Map<string, Candidate>();
      for (const [key, candidate] of found) {
        const also = part.postings.get(key);
        if (also !== undefined) next.set(key, { ...candidate, mask: candidate.mask | also.mask });
      }
      found = next;
    }
    const candidates = [...found.values()].map((c) => ({ ...c, score: scoreOf(c.mask) }));
    return end === undefined ? { candidates, textUnchecked } : { candidates, end, textUnchecked };
  }

  /**
   * The postings of one group, by `{takenAt}#{id}`: the items that have all its exact words, and
   * (for the word being typed) those with a word starting with its prefix, each with the fields any
   * of the group's words are in. `complete`: every item of the group within the bounds is among
   * them (some may lack a word whose postings the budget cut short: the item check decides).
   */
  private async groupPostings(
    ownerId: string,
    group: SearchGroup,
    bounds: { from: string | undefined; to: string | undefined; kind: string | undefined },
    budget: { left: number },
  ): Promise<{ postings: Map<string, Candidate>; complete: boolean }> {
    const { prefix } = group;
    // A prefix that an exact word starts with covers that word's postings, and so every item with
    // all the exact words: its one range decides membership, and that word is not read again.
    const covered = prefix !== undefined && group.exact.some((w) => w.startsWith(prefix));
    const exactParts: Map<string, Candidate>[] = [];
    let exactComplete = true;
    for (const word of [...group.exact].sort((a, b) => b.length - a.length)) {
      if (prefix !== undefined && word.startsWith(prefix)) continue;
      const read = await this.readPostings(this.postingsOf(ownerId, word, { ...bounds, order: 'taken-desc' }).input, bounds, budget);
      if (read.complete) {
        exactParts.push(read.postings);
        continue;
      }
      // Cut short by the budget: every posting of the first word read is still a candidate (just
      // not all of them are there); a later word's would drop items it has but that were not read,
      // so it, and any word after it, is left to the item check.
      if (exactParts.length === 0) {
        exactParts.push(read.postings);
        exactComplete = false;
      }
      break;
    }
    const out = new Map<string, Candidate>();
    let prefixComplete = true;
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
      const read = await this.readPostings(input, bounds, budget);
      prefixComplete = read.complete;
      for (const [key, candidate] of read.postings) {
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
    return { postings: out, complete: (covered || exactComplete) && prefixComplete };
  }

  /**
   * Postings of one range (paged, after `from` when given), by `{takenAt}#{id}` with their masks
   * OR-ed, within dates and budget: incomplete when the budget ran out before the range did.
   */
  private async readPostings(input: QueryCommandInput, bounds: { from: string | undefined; to: string | undefined }, budget: { left: number }, from?: Item): Promise<PostingsRead> {
    const out = new Map<string, Candidate>();
    let startKey = from;
    do {
      if (budget.left <= 0) return { postings: out, complete: false, ...(startKey === undefined ? {} : { stoppedAt: startKey }) };
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
    return { postings: out, complete: true };
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
