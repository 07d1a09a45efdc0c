import { z } from 'zod';
import { UlidSchema } from './ids.js';
import { MediaKindSchema, MediaStatusSchema, TagNameSchema, type MediaItem } from './media.js';
import { isListed } from './lifecycle.js';
import { CursorSchema, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type CursorBinding, type Page } from './query.js';
import { singular } from './singular.js';
import { synonymOf } from './synonyms.js';

/**
 * Where a word of an item can be found. Every search adapter indexes these, and a result says which
 * of them matched.
 */
export const SEARCH_FIELDS = ['title', 'description', 'filename', 'tag', 'label', 'audio', 'camera', 'text'] as const;
export const SearchFieldSchema = z.enum(SEARCH_FIELDS);
export type SearchField = z.infer<typeof SearchFieldSchema>;

/** The words of an item, field by field, as `searchDocument` folds them. */
export type SearchDocument = Record<SearchField, string[]>;

/** A word longer than this is cut: nobody types it, and index keys stay bounded. */
export const MAX_WORD_LENGTH = 40;
/** At most this many words of a query are searched for; the rest are ignored. */
export const MAX_QUERY_WORDS = 8;
/** The shortest last word that is also matched as a prefix (one letter would match half the library). */
export const MIN_PREFIX_LENGTH = 2;

/**
 * The words of a text as search compares them: accents and case folded (`Café` -> `cafe`, `ß` ->
 * `ss`), split at anything that is not a letter or a digit, each cut to {@link MAX_WORD_LENGTH}.
 *
 * @example
 * searchWords('Café_au-lait 2.JPG') // ['cafe', 'au', 'lait', '2', 'jpg']
 */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('en-US')
    .replace(/ß/gu, 'ss')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    // Cut by code points: a cut inside a surrogate pair would leave half a character in a key.
    .map((w) => (w.length > MAX_WORD_LENGTH ? Array.from(w).slice(0, MAX_WORD_LENGTH).join('') : w));
}

/** One word's canonical form as words: singular, then the tagger's synonyms (`puppies` -> `dog`). */
function canonicalWords(word: string): string[] {
  const one = singular(word);
  const synonym = synonymOf(one);
  return synonym === undefined ? [one] : searchWords(synonym);
}

/** A two-word phrase's synonym as words (`cell phones` -> `mobile phone`), if it has one. */
function phraseSynonym(first: string, second: string): string[] | undefined {
  const synonym = synonymOf(singular(`${first} ${second}`));
  return synonym === undefined ? undefined : searchWords(synonym);
}

/**
 * The words an index keeps for a text: each word as written (folded) and its canonical forms, so
 * both an exact search for a synonym or a singular and a prefix of the word as written find it.
 *
 * @example
 * indexWords('Two puppies') // ['two', 'puppies', 'dog']
 */
export function indexWords(text: string): string[] {
  const words = searchWords(text);
  const out = new Set<string>();
  words.forEach((word, i) => {
    out.add(word);
    for (const c of canonicalWords(word)) out.add(c);
    const next = words[i + 1];
    if (next !== undefined) for (const c of phraseSynonym(word, next) ?? []) out.add(c);
  });
  return [...out];
}

/** The latest instant whose `toISOString()` still has a four-digit year (later ones sort as text before year 0001). */
const LAST_FOUR_DIGIT_YEAR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An instant in UTC `toISOString()` form when its year has four digits, else undefined. */
function fourDigitYearIso(text: string): string | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) || ms < Date.UTC(0, 0, 1) || ms > LAST_FOUR_DIGIT_YEAR_MS ? undefined : new Date(ms).toISOString();
}

/**
 * When an item was taken, else uploaded, in UTC `toISOString()` form (text order is time order). A
 * capture date that cannot be written so (past year 9999 in UTC) is passed over for the upload date.
 */
export function takenAtOf(item: MediaItem): string {
  const captured = item.facts.capturedAt === undefined ? undefined : fourDigitYearIso(item.facts.capturedAt);
  return captured ?? fourDigitYearIso(item.createdAt) ?? item.createdAt;
}

/**
 * What search indexes of an item, field by field (each list without repeats). User and metadata
 * tags are `tag`; the tagger's labels and their parent categories are `label`; words read from the
 * picture (OCR, `item.text.content`) are `text`.
 */
export function searchDocument(item: MediaItem): SearchDocument {
  const tags = item.tags.filter((t) => t.source !== 'ai').map((t) => t.name);
  const labels = item.tags.filter((t) => t.source === 'ai').flatMap((t) => (t.parent === undefined ? [t.name] : [t.name, t.parent]));
  const audio = item.facts.audio;
  const camera = item.facts.camera;
  const words = (parts: (string | undefined)[]): string[] => [...new Set(parts.flatMap((p) => (p === undefined ? [] : indexWords(p))))];
  return {
    title: words([item.title]),
    description: words([item.description]),
    filename: words([item.original.filename]),
    tag: words(tags),
    label: words(labels),
    audio: words([audio?.title, audio?.artist, audio?.album, audio?.genre]),
    camera: words([camera?.make, camera?.model]),
    text: words([item.text?.content]),
  };
}

/**
 * One word of a query: an item matches when it has every `exact` word, or (for the word being typed)
 * any word that starts with `prefix`.
 */
export interface SearchGroup {
  exact: string[];
  prefix?: string;
}

/**
 * A query text as groups that must all match. Words are folded and made canonical the way
 * {@link indexWords} does; the last word is also a prefix unless the text ends in a space or a
 * punctuation mark (the person has finished typing it).
 *
 * @example
 * parseSearchText('Puppies on the bea') // [{exact:['dog']}, {exact:['on']}, {exact:['the']}, {exact:['bea'], prefix:'bea'}]
 */
export function parseSearchText(text: string): SearchGroup[] {
  const words = searchWords(text).slice(0, MAX_QUERY_WORDS);
  const open = /[\p{L}\p{N}]$/u.test(text.normalize('NFKD').replace(/\p{M}/gu, ''));
  const groups: SearchGroup[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const next = words[i + 1];
    const phrase = next === undefined ? undefined : phraseSynonym(word, next);
    if (phrase !== undefined) {
      groups.push({ exact: phrase });
      i += 1;
      continue;
    }
    const last = i === words.length - 1;
    const group: SearchGroup = { exact: canonicalWords(word) };
    if (last && open && word.length >= MIN_PREFIX_LENGTH) group.prefix = word;
    groups.push(group);
  }
  return groups;
}

function groupMatches(words: readonly string[], group: SearchGroup): boolean {
  if (group.exact.every((w) => words.includes(w))) return true;
  const { prefix } = group;
  return prefix !== undefined && words.some((w) => w.startsWith(prefix));
}

/** Whether a document matches every group (anywhere in it). The reference every adapter follows. */
export function matchesText(document: SearchDocument, groups: readonly SearchGroup[]): boolean {
  const all = SEARCH_FIELDS.flatMap((f) => document[f]);
  return groups.every((g) => groupMatches(all, g));
}

/** The fields in which some group of the query matched: what a result shows as "matched in". */
export function matchedFields(document: SearchDocument, groups: readonly SearchGroup[]): SearchField[] {
  return SEARCH_FIELDS.filter((f) => groups.some((g) => groupMatches(document[f], g) || g.exact.some((w) => document[f].includes(w))));
}

/**
 * How much a match in each field counts towards relevance: what a person named or chose (title,
 * file name, own tags) counts most; words read from the picture count as little as the description
 * and the camera (OCR misreads, and a page of print has many words).
 */
export const SEARCH_FIELD_WEIGHTS: Readonly<Record<SearchField, number>> = {
  title: 4,
  filename: 3,
  tag: 3,
  label: 2,
  audio: 2,
  description: 1,
  camera: 1,
  text: 1,
};

export const SearchOrderSchema = z.enum(['relevance', 'taken-desc', 'taken-asc']);
export type SearchOrder = z.infer<typeof SearchOrderSchema>;

const DateOnly = z.iso.date();
const DateTime = z.iso.datetime({ offset: true });

/** A date alone bounds the whole day (UTC); a date-time is taken as it is. */
function bound(value: string, end: boolean): string {
  if (DateOnly.safeParse(value).success) return `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z`;
  return new Date(Date.parse(value)).toISOString();
}

/** Tag names separated by commas (a tag name has no comma), each as stored, at most ten. */
const TagListSchema = z
  .string()
  .max(700)
  .transform((value) => [...new Set(value.split(',').map((t) => t.trim()).filter((t) => t.length > 0))])
  .pipe(z.array(TagNameSchema).max(10));

/** An ISO date (`2021-07-14`) or date-time with an offset, whose UTC year has four digits. */
const DateBoundSchema = z
  .string()
  .max(40)
  .refine((v) => DateOnly.safeParse(v).success || DateTime.safeParse(v).success, 'must be an ISO date or a date-time with an offset')
  .refine((v) => !DateTime.safeParse(v).success || fourDigitYearIso(v) !== undefined, 'must fall between the years 0000 and 9999 in UTC');

/**
 * `GET /api/v1/search?q=&kind=&status=&tags=&from=&to=&camera=&album=&order=&cursor=&limit=`.
 * Every filter narrows (AND): `tags` is a comma-separated list the item must all carry, `from`/`to`
 * bound the date taken (upload date when unknown; a date alone covers its whole UTC day), `camera`
 * words must all be in the camera's make or model, `album` keeps that album's items, `favourite=true`
 * the owner's favourites. `order` is
 * `relevance` by default when `q` has words, else `taken-desc`.
 */
export const SearchQuerySchema = z
  .object({
    q: z.string().max(200).optional(),
    kind: MediaKindSchema.optional(),
    status: MediaStatusSchema.exclude(['trashed', 'deleted']).optional(),
    /** `true`: only the owner's favourites. */
    favourite: z.enum(['true']).optional(),
    tags: TagListSchema.optional(),
    from: DateBoundSchema.optional(),
    to: DateBoundSchema.optional(),
    camera: z.string().max(128).optional(),
    album: UlidSchema.optional(),
    order: SearchOrderSchema.optional(),
    cursor: CursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  })
  .transform((input, ctx) => {
    const groups = parseSearchText(input.q ?? '');
    if (input.order === 'relevance' && groups.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['order'], message: 'relevance order needs words to search for' });
      return z.NEVER;
    }
    const from = input.from === undefined ? undefined : bound(input.from, false);
    const to = input.to === undefined ? undefined : bound(input.to, true);
    if (from !== undefined && to !== undefined && from > to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: '"to" is before "from"' });
      return z.NEVER;
    }
    const camera = searchWords(input.camera ?? '').slice(0, MAX_QUERY_WORDS);
    return {
      groups,
      order: input.order ?? (groups.length > 0 ? 'relevance' : 'taken-desc'),
      tags: input.tags ?? [],
      camera,
      limit: input.limit,
      ...(input.kind === undefined ? {} : { kind: input.kind }),
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(input.album === undefined ? {} : { album: input.album }),
      ...(input.favourite === undefined ? {} : { favourite: true as const }),
      ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
    };
  });
export type SearchQueryInput = z.input<typeof SearchQuerySchema>;
/** A parsed search: the text as groups, filters normalised (dates in UTC `toISOString()` form). */
export type SearchQuery = z.output<typeof SearchQuerySchema>;

/**
 * Whether an item passes a search's filters other than the album (which needs the album's members):
 * listed status, kind, status, every tag, the date-taken range and the camera words.
 */
export function matchesFilters(item: MediaItem, document: SearchDocument, query: SearchQuery): boolean {
  if (!isListed(item.status)) return false;
  if (query.favourite === true && item.favourite !== true) return false;
  if (query.kind !== undefined && item.kind !== query.kind) return false;
  if (query.status !== undefined && item.status !== query.status) return false;
  if (query.tags.length > 0) {
    const names = new Set(item.tags.map((t) => t.name));
    if (!query.tags.every((t) => names.has(t))) return false;
  }
  const taken = takenAtOf(item);
  if (query.from !== undefined && taken < query.from) return false;
  if (query.to !== undefined && taken > query.to) return false;
  return query.camera.every((w) => document.camera.includes(w));
}

/**
 * What a search cursor is bound to: the owner and everything that decides the result's order and
 * membership, so a cursor of another search is refused. The shape must not change, or cursors
 * already handed out stop working.
 */
export function searchCursorBinding(ownerId: string, query: SearchQuery): CursorBinding {
  const { groups, order, tags, camera, kind, status, from, to, album, favourite } = query;
  // `favourite` joins only when set, so cursors handed out before it existed stay valid.
  const scope = [groups, order, tags, camera, kind, status, from, to, album, ...(favourite === undefined ? [] : [favourite])];
  return { ownerId, scope: `search:${JSON.stringify(scope)}` };
}

/** One month of the timeline: `YYYY-MM` of the date taken (upload date when unknown), UTC. */
export interface TimelineMonth {
  month: string;
  count: number;
}

/**
 * Port: finding an owner's items. Owner-scoped in every method; `deleted` items are never found.
 *
 * - `relevance` puts the best matches first (adapters may weigh fields differently; titles, file
 *   names and tags should count most), then the newest date taken;
 * - `taken-desc`/`taken-asc` order by date taken (upload date when unknown), then media id, the same
 *   way in every adapter, so a page boundary never skips or repeats an item;
 * - an edit or a delete is reflected by the next search (the index is written with the item);
 * - an item still `uploading` is listed by the date-taken orders, but an adapter may leave it out
 *   of word searches and the timeline until its upload arrives (DynamoDB does: the row of an
 *   abandoned upload expires by TTL, which would leave its index entries behind).
 */
export interface MediaSearch {
  search(ownerId: string, query: SearchQuery): Promise<Page<MediaItem>>;
  /** The owner's listed items by month taken, newest month first; months without items are absent. */
  timeline(ownerId: string): Promise<TimelineMonth[]>;
}
