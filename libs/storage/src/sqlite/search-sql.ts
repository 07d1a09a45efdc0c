import { SEARCH_FIELD_WEIGHTS, type SearchField, type SearchGroup } from '@mediaflow/domain';

/** The columns migration 4 created the `media_search` full-text table with (what its backfill writes). */
export const SEARCH_COLUMNS_V4 = ['title', 'description', 'filename', 'tag', 'label', 'audio', 'camera'] as const satisfies readonly SearchField[];

/**
 * The columns of the `media_search` full-text table, in the order migration 9 recreated them with
 * (migration 4's and `text`). A released migration never changes, so this list is written out
 * rather than taken from the domain's `SEARCH_FIELDS`; a test checks that the two agree, so a new
 * field fails it and asks for a migration.
 */
export const SEARCH_COLUMNS = [...SEARCH_COLUMNS_V4, 'text'] as const satisfies readonly SearchField[];

/** `bm25()`'s column weights, one per column in table order. Numbers only, so they are inlined. */
const BM25 = `bm25(media_search, ${SEARCH_COLUMNS.map((c) => SEARCH_FIELD_WEIGHTS[c]).join(', ')})`;

/**
 * One word as an FTS5 string. The domain's words are letters and digits only; doubling any `"`
 * still keeps a word a string (never query syntax) should that ever change.
 */
function quote(word: string): string {
  return `"${word.replaceAll('"', '""')}"`;
}

/**
 * The FTS5 MATCH expression of a search, built only from the parsed words (never from the text as
 * typed): each group is `("a" AND "b") OR "pre"*`, the groups are ANDed, and camera words must all
 * be in the `camera` column. Undefined when nothing narrows (a group without exact words matches
 * every item, as in the domain's `matchesText`).
 *
 * @example
 * matchExpression([{ exact: ['dog'] }, { exact: ['bea'], prefix: 'bea' }], ['canon'])
 * // '"dog" AND ("bea" OR "bea"*) AND camera : ("canon")'
 */
export function matchExpression(groups: readonly SearchGroup[], camera: readonly string[]): string | undefined {
  const terms: string[] = [];
  for (const group of groups) {
    if (group.exact.length === 0) continue;
    const exact = group.exact.map(quote).join(' AND ');
    const prefix = group.prefix === undefined || group.prefix === '' ? undefined : `${quote(group.prefix)}*`;
    if (prefix === undefined) terms.push(group.exact.length > 1 ? `(${exact})` : exact);
    else terms.push(`(${group.exact.length > 1 ? `(${exact})` : exact} OR ${prefix})`);
  }
  if (camera.length > 0) terms.push(`camera : (${camera.map(quote).join(' AND ')})`);
  return terms.length === 0 ? undefined : terms.join(' AND ');
}

/** The filters checked on a joined media row `m`, whichever way the rows are found. */
export interface FilterShape {
  kind: boolean;
  status: boolean;
  /** `m.taken_at >= @from` */
  from: boolean;
  /** `m.taken_at <= @to` */
  to: boolean;
  /** How many tags are checked one by one (`@tag0`, `@tag1`, ...), besides a tag that leads. */
  tags: number;
  /** Membership of the album `@album`, unless the album leads. */
  album: boolean;
  /** Only the owner's favourites (read from the item's JSON: no index, a filter of the rows read). */
  favourite?: boolean;
}

/**
 * A set of an owner's items that one filter allows, read off an index as rowids: the leading tag
 * (`@lead`), the album, the kind, the status, or the date-taken range (`@from`/`@to`, as the shape
 * has them).
 */
export type CandidateSet = 'tag' | 'album' | 'kind' | 'status' | 'taken';

/** A relevance page: one window of the matches, ranked. */
export interface RelevanceShape extends FilterShape {
  /** A later window: only matches whose index row is below `@bound`. */
  bound: boolean;
  /**
   * A filter that few items pass, checked as membership of its set before a match is joined to its
   * item: a word with a rare filter then costs a pass over the matches, not a join per match.
   */
  prefilter?: CandidateSet;
}

/**
 * Where a date-taken page reads its rows from:
 * - `walk`: the `media_listed_by_taken` index, in page order, every filter checked on the way;
 * - `text`, `tag`, `album`: a small set (the text's matches, the rarest tag's items, the album's
 *   items), sorted; chosen only when the set is known to be small.
 */
export type TakenDriver = 'walk' | 'text' | 'tag' | 'album';

/** A date-taken page. */
export interface TakenShape extends FilterShape {
  order: 'taken-desc' | 'taken-asc';
  driver: TakenDriver;
  /** Words to match (`@match`); a membership test unless the text leads. */
  text: boolean;
  /** A keyset cursor: only rows past `(@afterTakenAt, @after)`. */
  after: boolean;
}

/** Scope and listed status first: every statement is scoped by owner, and items in the trash or deleted are never found. */
function filterTerms(shape: FilterShape): string[] {
  const terms = ['m.owner_id = @owner', "m.status NOT IN ('trashed', 'deleted')"];
  if (shape.kind) terms.push('m.kind = @kind');
  if (shape.status) terms.push('m.status = @status');
  if (shape.from) terms.push('m.taken_at >= @from');
  if (shape.to) terms.push('m.taken_at <= @to');
  for (let i = 0; i < shape.tags; i += 1) {
    terms.push(`EXISTS (SELECT 1 FROM media_tags t${i} WHERE t${i}.owner_id = @owner AND t${i}.tag = @tag${i} AND t${i}.media_id = m.id)`);
  }
  if (shape.favourite === true) terms.push("json_extract(m.json, '$.favourite') = 1");
  if (shape.album) terms.push('EXISTS (SELECT 1 FROM album_items a WHERE a.owner_id = @owner AND a.media_id = m.id AND a.album_id = @album)');
  return terms;
}

/** The rowids of a candidate set, each an index range (the tag's and album's through the item key). */
export function candidateSetSql(set: CandidateSet, shape: Pick<FilterShape, 'from' | 'to'>): string {
  switch (set) {
    case 'tag':
      return 'SELECT c.rowid FROM media_tags p CROSS JOIN media c ON c.owner_id = p.owner_id AND c.id = p.media_id WHERE p.owner_id = @owner AND p.tag = @lead';
    case 'album':
      return 'SELECT c.rowid FROM album_items p CROSS JOIN media c ON c.owner_id = p.owner_id AND c.id = p.media_id WHERE p.owner_id = @owner AND p.album_id = @album';
    case 'kind':
      return "SELECT c.rowid FROM media c INDEXED BY media_listed_by_kind WHERE c.owner_id = @owner AND c.kind = @kind AND c.status NOT IN ('trashed', 'deleted')";
    case 'status':
      return "SELECT c.rowid FROM media c INDEXED BY media_listed_by_status WHERE c.owner_id = @owner AND c.status = @status AND c.status NOT IN ('trashed', 'deleted')";
    case 'taken':
      return [
        "SELECT c.rowid FROM media c INDEXED BY media_listed_by_taken WHERE c.owner_id = @owner AND c.status NOT IN ('trashed', 'deleted')",
        shape.from ? 'AND c.taken_at >= @from' : '',
        shape.to ? 'AND c.taken_at <= @to' : '',
      ]
        .filter((part) => part !== '')
        .join(' ');
  }
}

/**
 * How many rows a candidate set (or the text's matches) has, counted no further than `@cap`: what
 * decides which set leads a page. The tag's and album's are counted on their own tables.
 */
export function candidateCountSql(set: CandidateSet | 'text', shape: Pick<FilterShape, 'from' | 'to'>): string {
  const inner =
    set === 'text'
      ? 'SELECT 1 FROM media_search WHERE media_search MATCH @match'
      : set === 'tag'
        ? 'SELECT 1 FROM media_tags WHERE owner_id = @owner AND tag = @lead'
        : set === 'album'
          ? 'SELECT 1 FROM album_items WHERE owner_id = @owner AND album_id = @album'
          : candidateSetSql(set, shape);
  return `SELECT count(*) AS n FROM (${inner} LIMIT @cap)`;
}

/**
 * The matches of one relevance window, up to `@windowRows` of them, newest index row first, each
 * joined to its item and filtered. Ranking a window rather than every match bounds the work of a
 * page however common the words are (a two-letter prefix can match half a library).
 */
function windowSql(shape: RelevanceShape, columns: string): string {
  const terms = ['media_search MATCH @match'];
  // `+` keeps the set out of the full-text index's constraints: it is read once into a lookup
  // table and checked for each match, instead of driving one full-text lookup per member.
  if (shape.prefilter !== undefined) terms.push(`+f.rowid IN (${candidateSetSql(shape.prefilter, shape)})`);
  terms.push(...filterTerms(shape));
  if (shape.bound) terms.push('f.rowid < @bound');
  return [
    `SELECT ${columns} FROM media_search f CROSS JOIN media m ON m.rowid = f.rowid`,
    `WHERE ${terms.join(' AND ')}`,
    'ORDER BY f.rowid DESC LIMIT @windowRows',
  ].join(' ');
}

/**
 * A relevance page: the window ranked by `bm25` with the domain's field weights (lower is better),
 * ties by date taken, newest first, then id; `@offset`/`@take` cut the page. Each row also says how
 * many rows the window has and its lowest index row, which is where the next window starts.
 * Parameters: `@owner`, `@match`, `@windowRows`, `@offset`, `@take`, `@bound`, `@lead` (a
 * prefilter's tag) and the filters'.
 */
export function relevanceSql(shape: RelevanceShape): string {
  const window = windowSql(shape, `f.rowid AS doc, m.id AS id, m.taken_at AS taken_at, ${BM25} AS score`);
  return [
    'SELECT doc, id, taken_at, count(*) OVER () AS window_rows, min(doc) OVER () AS window_low',
    `FROM (${window})`,
    'ORDER BY score, taken_at DESC, id DESC LIMIT @take OFFSET @offset',
  ].join(' ');
}

/** The size and lowest index row of a window, for a page that starts past the window's end. */
export function relevanceWindowSql(shape: RelevanceShape): string {
  return `SELECT count(*) AS window_rows, min(doc) AS window_low FROM (${windowSql(shape, 'f.rowid AS doc')})`;
}

/**
 * A date-taken page, `(taken_at, id)` descending or ascending, as a keyset after the cursor.
 * `walk` reads the partial index `media_listed_by_taken` in page order (`INDEXED BY`, and the
 * literal `status NOT IN ('trashed', 'deleted')` the index needs), so a page costs about `@limit` index entries
 * divided by the share of items that pass; the text, when it does not lead, is one pass over its
 * matches into a set. The small-set drivers join each member to its item and sort (`CROSS JOIN`
 * keeps that loop order). Parameters: `@owner`, `@limit`, `@match`, `@lead` (the leading tag),
 * `@afterTakenAt`, `@after` and the filters'.
 */
export function takenSql(shape: TakenShape): string {
  const desc = shape.order === 'taken-desc';
  const terms = filterTerms(shape);
  let from: string;
  switch (shape.driver) {
    case 'walk':
      from = 'FROM media m INDEXED BY media_listed_by_taken';
      break;
    case 'text':
      from = 'FROM media_search f CROSS JOIN media m ON m.rowid = f.rowid';
      terms.unshift('media_search MATCH @match');
      break;
    case 'tag':
      from = 'FROM media_tags d CROSS JOIN media m ON m.owner_id = d.owner_id AND m.id = d.media_id';
      terms.unshift('d.owner_id = @owner', 'd.tag = @lead');
      break;
    case 'album':
      from = 'FROM album_items d CROSS JOIN media m ON m.owner_id = d.owner_id AND m.id = d.media_id';
      terms.unshift('d.owner_id = @owner', 'd.album_id = @album');
      break;
  }
  // `+`: a membership test of the matches read once into a lookup table, never a key of the item
  // lookup (which would seek every match for every candidate).
  if (shape.text && shape.driver !== 'text') terms.push('+m.rowid IN (SELECT rowid FROM media_search WHERE media_search MATCH @match)');
  if (shape.after) terms.push(`(m.taken_at, m.id) ${desc ? '<' : '>'} (@afterTakenAt, @after)`);
  const dir = desc ? 'DESC' : 'ASC';
  return [
    `SELECT m.rowid AS doc, m.id AS id, m.taken_at AS taken_at ${from}`,
    `WHERE ${terms.join(' AND ')}`,
    `ORDER BY m.taken_at ${dir}, m.id ${dir} LIMIT @limit`,
  ].join(' ');
}

/** The listed rows of `media_listed_by_taken` for one owner: what the timeline walks. */
const LISTED = "FROM media INDEXED BY media_listed_by_taken WHERE owner_id = @owner AND status NOT IN ('trashed', 'deleted')";

/**
 * The owner's months, newest first, with their counts. Rather than group every item (which sorts
 * them all), it steps from month to month down the date-taken index: each step is one seek for the
 * newest date before the month, and each count one range of the index. `'~'` sorts after every
 * character of a date, so `[month, month || '~')` is the whole month.
 */
export const TIMELINE_SQL = `WITH RECURSIVE months(month) AS (
    SELECT (SELECT substr(max(taken_at), 1, 7) ${LISTED})
    UNION ALL
    SELECT (SELECT substr(max(taken_at), 1, 7) ${LISTED} AND taken_at < months.month) FROM months WHERE months.month IS NOT NULL
  )
  SELECT month, (SELECT count(*) ${LISTED} AND taken_at >= month AND taken_at < month || '~') AS count
  FROM months WHERE month IS NOT NULL`;

/** Finds a page's items by the index rows the page statements return, still scoped by owner. */
export const SEARCH_ITEM_SQL = 'SELECT json FROM media WHERE rowid = @doc AND owner_id = @owner';

/** A full-text row's insert for a table with these columns (a migration's backfill names its own). */
export function searchInsertSql(columns: readonly SearchField[]): string {
  return `INSERT INTO media_search (rowid, ${columns.join(', ')}) VALUES (@doc, ${columns.map((c) => `@${c}`).join(', ')})`;
}

/** Keeping the full-text index in step with the items: one row per listed item, its rowid the item's. */
export const SEARCH_INDEX_SQL = {
  insert: searchInsertSql(SEARCH_COLUMNS),
  delete: 'DELETE FROM media_search WHERE rowid = @doc',
} as const;

/** Every relevance shape with up to `maxTags` tags, for tests that check each one's query plan. */
export function allRelevanceShapes(maxTags = 2): RelevanceShape[] {
  const shapes: RelevanceShape[] = [];
  for (let bits = 0; bits < 64; bits += 1) {
    for (let tags = 0; tags <= maxTags; tags += 1) {
      const shape: RelevanceShape = {
        kind: (bits & 1) !== 0,
        status: (bits & 2) !== 0,
        from: (bits & 4) !== 0,
        to: (bits & 8) !== 0,
        album: (bits & 16) !== 0,
        bound: (bits & 32) !== 0,
        tags,
      };
      shapes.push(shape);
      // Each set the shape's filters offer may lead (a tag leads as `@lead`, besides those checked).
      const sets: CandidateSet[] = ['tag'];
      if (shape.kind) sets.push('kind');
      if (shape.status) sets.push('status');
      if (shape.from || shape.to) sets.push('taken');
      if (shape.album) sets.push('album');
      for (const prefilter of sets) shapes.push({ ...shape, prefilter });
    }
  }
  return shapes;
}

/** Every date-taken shape with up to `maxTags` checked tags, for tests that check each one's query plan. */
export function allTakenShapes(maxTags = 2): TakenShape[] {
  const shapes = new Map<string, TakenShape>();
  for (const driver of ['walk', 'text', 'tag', 'album'] as const) {
    for (const order of ['taken-desc', 'taken-asc'] as const) {
      for (let bits = 0; bits < 128; bits += 1) {
        for (let tags = 0; tags <= maxTags; tags += 1) {
          const shape: TakenShape = {
            driver,
            order,
            kind: (bits & 1) !== 0,
            status: (bits & 2) !== 0,
            from: (bits & 4) !== 0,
            to: (bits & 8) !== 0,
            album: driver !== 'album' && (bits & 16) !== 0,
            text: driver === 'text' || (bits & 32) !== 0,
            after: (bits & 64) !== 0,
            tags,
          };
          shapes.set(JSON.stringify(shape), shape);
        }
      }
    }
  }
  return [...shapes.values()];
}
