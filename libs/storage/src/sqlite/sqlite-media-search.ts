import {
  decodeCursor,
  encodeCursor,
  searchCursorBinding,
  ValidationError,
  type CursorPosition,
  type MediaItem,
  type MediaSearch,
  type Page,
  type SearchQuery,
  type TimelineMonth,
} from '@mediaflow/domain';
import {
  candidateCountSql,
  matchExpression,
  relevanceSql,
  relevanceWindowSql,
  SEARCH_ITEM_SQL,
  takenSql,
  TIMELINE_SQL,
  type CandidateSet,
  type FilterShape,
  type RelevanceShape,
  type TakenDriver,
  type TakenShape,
} from './search-sql.js';
import type { SqliteSession } from './sqlite-session.js';

/** Tuning of {@link SqliteMediaSearch}. */
export interface SqliteMediaSearchOptions {
  /**
   * How many matches a relevance page ranks together (default 1000). Up to this many matches the
   * ranking is exact; beyond it the matches are ranked a window at a time, the most recently
   * added first, so a page costs the same however common the words are.
   */
  rankWindow?: number;
  /**
   * The largest set of candidates (the text's matches, a tag's or an album's items) that a
   * date-taken page sorts rather than walking the date-taken index (default 2000).
   */
  sortLimit?: number;
}

/** A row a page statement returns: where the item is, and its sort key. */
interface HitRow {
  doc: number;
  id: string;
  taken_at: string;
}

/** The size and end of a relevance window. */
interface WindowStats {
  window_rows: number;
  window_low: number | null;
}

/** Where a relevance page starts: a window (below `bound`, or the first) and an offset into it. */
interface WindowPosition {
  bound?: number;
  offset: number;
}

/** Filters of a query as a shape and the parameters that go with it. */
interface Filters {
  shape: FilterShape;
  params: Record<string, string | number>;
}

type Params = Record<string, string | number>;

const DEFAULT_RANK_WINDOW = 1000;
const DEFAULT_SORT_LIMIT = 2000;
/**
 * The largest filter set checked by membership before matches are joined to their items. Reading
 * a set costs about a tenth of joining a match, so a set pays off when it is smaller than the
 * matches, up to this size.
 */
const PREFILTER_LIMIT = 20_000;

function malformed(): ValidationError {
  return new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ValidationError(`${name} must be a positive integer`);
  return value;
}

/**
 * The options with their defaults, checked: what a repository checks before it opens its file.
 *
 * @example
 * searchSettings({ rankWindow: 500 }) // { rankWindow: 500, sortLimit: 2000 }
 */
export function searchSettings(options: SqliteMediaSearchOptions = {}): Required<SqliteMediaSearchOptions> {
  return {
    rankWindow: positiveInteger(options.rankWindow ?? DEFAULT_RANK_WINDOW, 'rankWindow'),
    sortLimit: positiveInteger(options.sortLimit ?? DEFAULT_SORT_LIMIT, 'sortLimit'),
  };
}

/** A non-negative integer written as digits only, as cursors carry them. */
function cursorNumber(text: string | undefined): number {
  if (text === undefined || !/^\d{1,15}$/.test(text)) throw malformed();
  return Number(text);
}

/** The filters of a query, checking `tags` one by one, and the album unless it leads. */
function filtersOf(ownerId: string, query: SearchQuery, tags: readonly string[], album: boolean): Filters {
  const params: Params = { owner: ownerId };
  if (query.kind !== undefined) params['kind'] = query.kind;
  if (query.status !== undefined) params['status'] = query.status;
  if (query.from !== undefined) params['from'] = query.from;
  if (query.to !== undefined) params['to'] = query.to;
  if (query.album !== undefined) params['album'] = query.album;
  tags.forEach((tag, i) => {
    params[`tag${i}`] = tag;
  });
  const shape: FilterShape = {
    kind: query.kind !== undefined,
    status: query.status !== undefined,
    from: query.from !== undefined,
    to: query.to !== undefined,
    tags: tags.length,
    album: album && query.album !== undefined,
    ...(query.favourite === true ? { favourite: true } : {}),
  };
  return { shape, params };
}

/**
 * The `MediaSearch` of the local stack, on the SQLite file (and connection) of a
 * {@link SqliteMediaRepository}: get one from its `search()`. The repository writes each listed
 * item's words (FTS5 table `media_search`) and date taken (`media.taken_at`) with the item, so
 * every search sees the items as stored. Same semantics as the in-memory reference, checked by the
 * shared contract suite.
 *
 * - The words are matched by FTS5 with an expression built from the parsed words only, each
 *   quoted; camera words must be in the camera column. Every statement is scoped by owner.
 * - `relevance`: FTS5's `bm25` with the domain's field weights, ties by date taken (newest first)
 *   then id. A page ranks one window of at most `rankWindow` matches (the most recently added
 *   first), so its cost does not grow with the number of matches; cursors carry the window and an
 *   offset into it. When a filter's set is smaller than the matches, membership of that set is
 *   checked before a match is joined to its item.
 * - `taken-desc` / `taken-asc`: keyset pages on (taken_at, id). A small candidate set (the
 *   text's matches, the rarest tag's or the album's items, up to `sortLimit`) is sorted; otherwise
 *   the date-taken index is walked in page order, every filter checked on the way.
 * - `timeline`: steps through the owner's months on the date-taken index.
 *
 * Reads run in one snapshot per call. Usable until the media repository that made it is closed.
 */
export class SqliteMediaSearch implements MediaSearch {
  private readonly rankWindow: number;
  private readonly sortLimit: number;
  private readonly relevanceTx: (ownerId: string, query: SearchQuery, match: string, start: WindowPosition) => Page<MediaItem>;
  private readonly takenTx: (ownerId: string, query: SearchQuery, match: string | undefined, after: CursorPosition | undefined) => Page<MediaItem>;

  /** Bound to the session of a media repository; see {@link SqliteMediaRepository.search}. */
  constructor(
    private readonly session: SqliteSession,
    options: SqliteMediaSearchOptions = {},
  ) {
    const settings = searchSettings(options);
    this.rankWindow = settings.rankWindow;
    this.sortLimit = settings.sortLimit;
    this.relevanceTx = session.snapshot((ownerId: string, query: SearchQuery, match: string, start: WindowPosition) =>
      this.relevanceNow(ownerId, query, match, start),
    );
    this.takenTx = session.snapshot((ownerId: string, query: SearchQuery, match: string | undefined, after: CursorPosition | undefined) =>
      this.takenNow(ownerId, query, match, after),
    );
  }

  /**
   * A page of the owner's items that match `query`, in its order; see {@link MediaSearch}. A cursor
   * made for another owner or another search is refused with a `ValidationError`.
   */
  async search(ownerId: string, query: SearchQuery): Promise<Page<MediaItem>> {
    const binding = searchCursorBinding(ownerId, query);
    const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, binding);
    const match = matchExpression(query.groups, query.camera);
    if (query.order === 'relevance' && match !== undefined) {
      const start: WindowPosition = { offset: 0 };
      if (position !== undefined) {
        start.offset = cursorNumber(position.after);
        const bound = position.extra?.['w'];
        if (bound !== undefined) start.bound = cursorNumber(bound);
      }
      return this.session.guard('search', () => this.relevanceTx(ownerId, query, match, start));
    }
    if (position !== undefined && position.extra?.['t'] === undefined) throw malformed();
    return this.session.guard('search', () => this.takenTx(ownerId, query, match, position));
  }

  /** The owner's listed items by month taken (`YYYY-MM`, UTC), newest month first. */
  async timeline(ownerId: string): Promise<TimelineMonth[]> {
    return this.session.guard('timeline', () => this.session.statement(TIMELINE_SQL).all({ owner: ownerId })) as TimelineMonth[];
  }

  /** The items of a page's rows, in the rows' order. */
  private items(ownerId: string, rows: readonly HitRow[]): MediaItem[] {
    const read = this.session.statement(SEARCH_ITEM_SQL);
    const items: MediaItem[] = [];
    for (const row of rows) {
      const found = read.get({ doc: row.doc, owner: ownerId }) as { json: string } | undefined;
      // Written only by the repository from a typed MediaItem, so it is read back without re-validating.
      if (found !== undefined) items.push(JSON.parse(found.json) as MediaItem);
    }
    return items;
  }

  /**
   * Ranks window after window until the page and one row more are found, or the matches end; a
   * window smaller than `rankWindow` is the last. The extra row says where the next page starts.
   */
  private relevanceNow(ownerId: string, query: SearchQuery, match: string, start: WindowPosition): Page<MediaItem> {
    const want = query.limit + 1;
    const { shape: filters, params } = filtersOf(ownerId, query, query.tags, true);
    const { prefilter, lead } = this.prefilterOf(query, match, filters, params);
    const hits: { row: HitRow; at: WindowPosition }[] = [];
    let position = start;
    for (;;) {
      const shape: RelevanceShape = { ...filters, bound: position.bound !== undefined, ...(prefilter === undefined ? {} : { prefilter }) };
      const windowParams: Params = { ...params, match, windowRows: this.rankWindow, ...(lead === undefined ? {} : { lead }) };
      if (position.bound !== undefined) windowParams['bound'] = position.bound;
      const rows = this.session
        .statement(relevanceSql(shape))
        .all({ ...windowParams, offset: position.offset, take: want - hits.length }) as (HitRow & WindowStats)[];
      const from = position;
      rows.forEach((row, i) => hits.push({ row, at: { ...from, offset: from.offset + i } }));
      if (hits.length >= want) break;
      // A page that starts past the window's last row gets no row to read the window's size from.
      const stats = rows[0] ?? (this.session.statement(relevanceWindowSql(shape)).get(windowParams) as WindowStats);
      if (stats.window_rows < this.rankWindow || stats.window_low === null) break;
      position = { bound: stats.window_low, offset: 0 };
    }
    const page = hits.slice(0, query.limit);
    const next = hits[query.limit];
    const items = this.items(ownerId, page.map((h) => h.row));
    if (next === undefined) return { items };
    const extra = next.at.bound === undefined ? {} : { extra: { w: String(next.at.bound) } };
    return { items, nextCursor: encodeCursor({ after: String(next.at.offset), ...extra }, searchCursorBinding(ownerId, query)) };
  }

  /** How many rows a candidate set (or the text's matches) has, counted up to `cap`. */
  private count(set: CandidateSet | 'text', filters: FilterShape, params: Params, cap: number): number {
    return (this.session.statement(candidateCountSql(set, filters)).get({ ...params, cap }) as { n: number }).n;
  }

  /**
   * The smallest filter set, as a prefilter of the matches, when it is no larger than
   * PREFILTER_LIMIT and smaller than the matches (with few matches, joining each is cheaper).
   */
  private prefilterOf(query: SearchQuery, match: string, filters: FilterShape, params: Params): { prefilter?: CandidateSet; lead?: string } {
    let best: { set: CandidateSet; n: number; lead?: string } | undefined;
    const consider = (set: CandidateSet, lead?: string): void => {
      const n = this.count(set, filters, lead === undefined ? params : { ...params, lead }, PREFILTER_LIMIT + 1);
      if (n <= PREFILTER_LIMIT && (best === undefined || n < best.n)) best = { set, n, ...(lead === undefined ? {} : { lead }) };
    };
    if (query.kind !== undefined) consider('kind');
    if (query.status !== undefined) consider('status');
    if (query.from !== undefined || query.to !== undefined) consider('taken');
    for (const tag of query.tags) consider('tag', tag);
    if (query.album !== undefined) consider('album');
    if (best === undefined || this.count('text', filters, { match }, best.n + 1) <= best.n) return {};
    return best.lead === undefined ? { prefilter: best.set } : { prefilter: best.set, lead: best.lead };
  }

  /** The smallest candidate set, if it is small enough to sort; else the date-taken index is walked. */
  private driverOf(ownerId: string, query: SearchQuery, match: string | undefined, filters: FilterShape): { driver: TakenDriver; lead?: string } {
    const cap = this.sortLimit + 1;
    let best: { driver: TakenDriver; lead?: string; n: number } = { driver: 'walk', n: cap };
    const consider = (driver: TakenDriver, n: number, lead?: string): void => {
      if (n < best.n) best = { driver, n, ...(lead === undefined ? {} : { lead }) };
    };
    if (match !== undefined) consider('text', this.count('text', filters, { match }, cap));
    for (const tag of query.tags) consider('tag', this.count('tag', filters, { owner: ownerId, lead: tag }, cap), tag);
    if (query.album !== undefined) consider('album', this.count('album', filters, { owner: ownerId, album: query.album }, cap));
    return best.lead === undefined ? { driver: best.driver } : { driver: best.driver, lead: best.lead };
  }

  private takenNow(ownerId: string, query: SearchQuery, match: string | undefined, after: CursorPosition | undefined): Page<MediaItem> {
    const { driver, lead } = this.driverOf(ownerId, query, match, filtersOf(ownerId, query, query.tags, true).shape);
    const checked = lead === undefined ? query.tags : query.tags.filter((t) => t !== lead);
    const { shape: filters, params } = filtersOf(ownerId, query, checked, driver !== 'album');
    const order = query.order === 'taken-asc' ? 'taken-asc' : 'taken-desc';
    const shape: TakenShape = { ...filters, order, driver, text: match !== undefined, after: after !== undefined };
    const all: Params = { ...params, limit: query.limit + 1 };
    if (match !== undefined) all['match'] = match;
    if (lead !== undefined) all['lead'] = lead;
    if (after !== undefined) {
      all['after'] = after.after;
      all['afterTakenAt'] = after.extra?.['t'] ?? '';
    }
    // One row more than the page tells whether another page follows.
    const rows = this.session.statement(takenSql(shape)).all(all) as HitRow[];
    const page = rows.slice(0, query.limit);
    const items = this.items(ownerId, page);
    const last = page[page.length - 1];
    if (rows.length > query.limit && last !== undefined) {
      return { items, nextCursor: encodeCursor({ after: last.id, extra: { t: last.taken_at } }, searchCursorBinding(ownerId, query)) };
    }
    return { items };
  }
}
