import { MEDIA_KINDS, MEDIA_STATUSES, type MediaKind, type SearchOrder, type SearchParams, type StatusFilter } from '../api/types';

/**
 * What the library shows: the words typed, the filters, the order, and where in time the list
 * starts. It lives in the URL (`?q=&kind=&…`), so a reload or Back shows the same thing.
 */
export interface LibraryView {
  /** The words as typed in the search box ('' for none). */
  q: string;
  kind?: MediaKind | undefined;
  status?: StatusFilter | undefined;
  /** Tags an item must all carry, as the API stores them (lower case, single spaces). */
  tags: readonly string[];
  /** An album's id: only that album's items. */
  album?: string | undefined;
  /** The first day taken, `YYYY-MM-DD`, or a whole month `YYYY-MM` (its first day). */
  from?: string | undefined;
  /** The last day taken, `YYYY-MM-DD`, or a whole month `YYYY-MM` (its last day). */
  to?: string | undefined;
  /** Words of the camera's make or model. */
  camera?: string | undefined;
  /** Only the items marked as favourites. */
  favourite?: true | undefined;
  /** The order chosen; unset is relevance when there are words, else newest taken first. */
  order?: SearchOrder | undefined;
  /** The timeline's month (`YYYY-MM`) the list starts from, in the order of the list. */
  at?: string | undefined;
}

export const EMPTY_VIEW: LibraryView = { q: '', tags: [] };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
// The shape of the ids the API hands out (ULIDs): anything else in a URL would only earn a 400.
const ULID = /^[0-9A-Z]{26}$/i;
const ORDERS: readonly SearchOrder[] = ['relevance', 'taken-desc', 'taken-asc'];
/** The longest words the API takes, in characters (code points). */
export const MAX_Q = 200;
/** The most tags the API takes in one search. */
export const MAX_TAGS = 10;
/** The longest tag name the API takes, in characters. */
export const MAX_TAG_LENGTH = 64;
const MAX_CAMERA = 128;

/**
 * A text made safe to put in a URL: a surrogate without its pair (from text cut in the middle of
 * an emoji) becomes U+FFFD, where `encodeURIComponent` would throw.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * At most `max` characters of a text, counted as the API counts them (code points), never
 * cutting an emoji in half.
 */
export function clip(text: string, max: number): string {
  const safe = wellFormed(text);
  // Each code point is at least one UTF-16 unit: a short text needs no counting.
  return safe.length <= max ? safe : Array.from(safe).slice(0, max).join('');
}

/** A URL query value: never throws, whatever the text. */
function encodeValue(value: string): string {
  return encodeURIComponent(wellFormed(value));
}

/** Whether a text has something to search for: the server ignores everything but letters and digits. */
export function hasWords(q: string): boolean {
  return /[\p{L}\p{N}]/u.test(q);
}

/** Tags as the API stores them: lower case, single spaces. */
export function normalizeTag(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** A real calendar month `YYYY-MM` (not `2021-13`). */
export function isMonth(value: string): boolean {
  const m = MONTH.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** A real calendar day `YYYY-MM-DD` (not `2021-02-30`). */
export function isDay(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** The first instant of a month, UTC: `2021-07` -> `2021-07-01T00:00:00.000Z`. */
export function monthStart(month: string): string {
  return `${month}-01T00:00:00.000Z`;
}

/** The last instant of a month, UTC: `2021-07` -> `2021-07-31T23:59:59.999Z`. */
export function monthEnd(month: string): string {
  const [year, index] = month.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, index ?? 1, 1) - 1).toISOString();
}

/** A `from` bound as the API takes it: a day (a month stands for its first day). */
export function fromDay(value: string): string {
  return isMonth(value) ? `${value}-01` : value;
}

/** A `to` bound as the API takes it: a day (a month stands for its last day). */
export function toDay(value: string): string {
  return isMonth(value) ? monthEnd(value).slice(0, 10) : value;
}

/** The order the list is in: the chosen one, except that relevance needs words. */
export function effectiveOrder(view: Pick<LibraryView, 'q' | 'order'>): SearchOrder {
  const words = hasWords(view.q);
  if (view.order && (view.order !== 'relevance' || words)) return view.order;
  return words ? 'relevance' : 'taken-desc';
}

/** Whether anything narrows the list besides the words. */
export function isFiltered(view: LibraryView): boolean {
  return Boolean(view.kind || view.status || view.tags.length > 0 || view.album || view.from || view.to || view.camera || view.favourite);
}

/**
 * The search a view asks the API for. A timeline jump bounds the date taken on the side the list
 * starts from (`to` = the month's last instant when newest first), never wider than the person's
 * own range, so the list starts at that month without paging through the newer ones.
 *
 * @example
 * searchParamsOf({ q: '', tags: [], at: '2021-07' }) // { order: 'taken-desc', to: '2021-07-31T23:59:59.999Z' }
 */
export function searchParamsOf(view: LibraryView): SearchParams {
  const order = effectiveOrder(view);
  let from = view.from ? fromDay(view.from) : undefined;
  let to = view.to ? toDay(view.to) : undefined;
  if (view.at && isMonth(view.at) && order !== 'relevance') {
    // Compared as instants: a day bound covers the whole day.
    const fromAt = from ? `${from}T00:00:00.000Z` : '';
    const toAt = to ? `${to}T23:59:59.999Z` : '\uffff';
    if (order === 'taken-desc' && monthEnd(view.at) < toAt && monthEnd(view.at) >= fromAt) to = monthEnd(view.at);
    if (order === 'taken-asc' && monthStart(view.at) > fromAt && monthStart(view.at) <= toAt) from = monthStart(view.at);
  }
  const params: SearchParams = { order };
  if (hasWords(view.q)) params.q = view.q;
  if (view.kind) params.kind = view.kind;
  if (view.status) params.status = view.status;
  if (view.tags.length > 0) params.tags = view.tags;
  if (from) params.from = from;
  if (to) params.to = to;
  if (view.camera) params.camera = view.camera;
  if (view.album) params.album = view.album;
  if (view.favourite) params.favourite = 'true';
  return params;
}

/** The URL query of a view, in a fixed order, leaving out what is unset. Commas stay readable. */
export function viewQuery(view: LibraryView): string {
  const pairs: [string, string | undefined][] = [
    ['q', view.q || undefined],
    ['kind', view.kind],
    ['status', view.status],
    ['tags', view.tags.length > 0 ? view.tags.join(',') : undefined],
    ['album', view.album],
    ['from', view.from],
    ['to', view.to],
    ['camera', view.camera],
    ['favourite', view.favourite ? 'true' : undefined],
    ['order', view.order],
    ['at', view.at],
  ];
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([name, value]) => `${name}=${encodeValue(value).replace(/%2C/g, ',')}`)
    .join('&');
}

/** A view from a URL's query; anything malformed is left out rather than sent to the API. */
export function viewFromQuery(query: URLSearchParams): LibraryView {
  const view: LibraryView = { q: clip(query.get('q') ?? '', MAX_Q), tags: [] };
  const kind = query.get('kind');
  if (kind && (MEDIA_KINDS as readonly string[]).includes(kind)) view.kind = kind as MediaKind;
  const status = query.get('status');
  if (status && (MEDIA_STATUSES as readonly string[]).includes(status)) view.status = status as StatusFilter;
  const tags = (query.get('tags') ?? '').split(',').map(normalizeTag).filter((t) => t.length > 0 && Array.from(t).length <= MAX_TAG_LENGTH);
  view.tags = [...new Set(tags)].slice(0, MAX_TAGS);
  const album = query.get('album');
  if (album && ULID.test(album)) view.album = album;
  const bound = (name: string) => {
    const value = query.get(name);
    return value && (isDay(value) || isMonth(value)) ? value : undefined;
  };
  const from = bound('from');
  const to = bound('to');
  // A range that ends before it starts is refused by the API: keep the start only.
  if (from) view.from = from;
  if (to && !(from && toDay(to) < fromDay(from))) view.to = to;
  const camera = clip((query.get('camera') ?? '').trim(), MAX_CAMERA).trim();
  if (camera) view.camera = camera;
  if (query.get('favourite') === 'true') view.favourite = true;
  const order = query.get('order');
  if (order && (ORDERS as readonly string[]).includes(order)) view.order = order as SearchOrder;
  const at = query.get('at');
  if (at && isMonth(at)) view.at = at;
  return view;
}

/** The same view, whatever object holds it: for comparing views. */
export function viewKey(view: LibraryView): string {
  return viewQuery(view);
}

/**
 * The view after the words change (cut to what the API takes). A new search starts at the top in
 * relevance order; words cleared fall back from relevance to the date order.
 */
export function withWords(view: LibraryView, typed: string): LibraryView {
  const q = clip(typed, MAX_Q);
  const before = hasWords(view.q);
  const after = hasWords(q);
  const order = before !== after && (after || view.order === 'relevance') ? undefined : view.order;
  return { ...view, q, order, at: undefined };
}

/**
 * The view with one more tag (the list keeps items that carry every tag). At `MAX_TAGS` tags the
 * view stays as it is: the API would refuse the search.
 */
export function withTag(view: LibraryView, tag: string): LibraryView {
  const name = normalizeTag(tag);
  if (!name || view.tags.includes(name) || view.tags.length >= MAX_TAGS) return view;
  return { ...view, tags: [...view.tags, name], at: undefined };
}

/** The view without a tag. */
export function withoutTag(view: LibraryView, tag: string): LibraryView {
  return { ...view, tags: view.tags.filter((t) => t !== tag), at: undefined };
}
