import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { isListed, SEARCH_FIELD_WEIGHTS, SEARCH_FIELDS, searchDocument, takenAtOf, type MediaItem, type SearchField } from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { mediaRow, num, str, stringAttr, USAGE_ATTRIBUTE, type Item } from './media-row.js';
import { mediaKeys } from './table.js';
import { MAX_TRANSACTION_ACTIONS } from './write-actions.js';

/**
 * The most words one item is indexed under. A write's index changes go into the transaction that
 * writes the item, and a change of the date taken moves every posting (a delete and a put each):
 * 40 words make 80 actions, which leaves room within DynamoDB's 100 for the item, its hash claim
 * and the month counters. Words are chosen by the weight of the field they come from (title, file
 * name and own tags first, then labels and audio tags, then description, camera and the words read
 * from the picture), so what is left out of a long description or a page of print is what counts
 * least. A typical photo has 20 to 30 words; a photo of print gets the room the others leave.
 *
 * Words read from pictures (`text`, bit 7 of a posting's mask) came after the index: rows written
 * before have no text, so their footprints are what they should be and need no backfill; the text
 * step's update of an item writes its text postings like any edit.
 */
export const MAX_INDEXED_WORDS = 40;

/**
 * Counters per month. Every item of one month that enters or leaves the index moves its month's
 * counter in its own transaction, and DynamoDB cancels transactions that touch one item at the same
 * time (TransactionConflict): a bulk upload of one holiday would queue on a single counter. Each
 * item counts in one of these shards (chosen by its id), which the timeline adds up.
 */
export const MONTH_SHARDS = 8;

/** The media row attribute that records what of the search index exists for the row. */
export const FOOTPRINT_ATTRIBUTE = 'searchIndex';

/** Present on a media row while its index is short of what the item should have (see {@link planIndexSteps}). */
export const PENDING_ATTRIBUTE = 'searchPending';

/** One posting: a word of an item, the date taken and kind it was written with, and the fields the word is in. */
export interface Posting {
  word: string;
  takenAt: string;
  kind: string;
  /** Bit `i` set: the word is in field `SEARCH_FIELDS[i]`. */
  mask: number;
}

/**
 * What of the index belongs to one item: its postings, by `{word}#{takenAt}` (the posting's sort key
 * without the id), and the month it is counted in. The media row records the footprint that
 * exists, so every write removes exactly what is there, whatever rules wrote it: a change of the
 * domain's synonyms or of {@link MAX_INDEXED_WORDS} leaves no orphan behind.
 */
export interface SearchFootprint {
  postings: ReadonlyMap<string, Posting>;
  month?: string;
}

export const EMPTY_FOOTPRINT: SearchFootprint = { postings: new Map() };

const postingId = (p: Pick<Posting, 'word' | 'takenAt'>): string => `${p.word}#${p.takenAt}`;

/** The bit of a field in a posting's mask. */
export const fieldBit = (field: SearchField): number => 1 << SEARCH_FIELDS.indexOf(field);

/** The fields of a mask, in `SEARCH_FIELDS` order. */
export function fieldsOf(mask: number): SearchField[] {
  return SEARCH_FIELDS.filter((field) => (mask & fieldBit(field)) !== 0);
}

/** Relevance of a mask: the sum of the weights of its fields, as the domain's reference scores a match. */
export function scoreOf(mask: number): number {
  return fieldsOf(mask).reduce((sum, field) => sum + SEARCH_FIELD_WEIGHTS[field], 0);
}

/** Fields by weight, heaviest first (ties in `SEARCH_FIELDS` order): the order words are chosen in. */
const FIELDS_BY_WEIGHT: readonly SearchField[] = [...SEARCH_FIELDS].sort((a, b) => SEARCH_FIELD_WEIGHTS[b] - SEARCH_FIELD_WEIGHTS[a]);

/**
 * Whether an item is in the word index and the timeline. An item in the trash or `deleted` is in neither. Nor is an
 * upload in flight: DynamoDB's TTL removes an abandoned upload's row and nothing else, so its
 * postings and its month count would outlive it. It is in the date-taken index (`GSI3`), which
 * lives on the row, from the start.
 */
export function isIndexed(item: MediaItem): boolean {
  return isListed(item.status) && item.status !== 'uploading';
}

/** The footprint an item should have: up to {@link MAX_INDEXED_WORDS} words, heaviest fields first, and its month. */
export function wantedFootprint(item: MediaItem): SearchFootprint {
  if (!isIndexed(item)) return EMPTY_FOOTPRINT;
  const document = searchDocument(item);
  const masks = new Map<string, number>();
  for (const field of FIELDS_BY_WEIGHT) {
    for (const word of document[field]) masks.set(word, (masks.get(word) ?? 0) | fieldBit(field));
  }
  const takenAt = takenAtOf(item);
  const postings = new Map<string, Posting>();
  for (const [word, mask] of [...masks].slice(0, MAX_INDEXED_WORDS)) postings.set(postingId({ word, takenAt }), { word, takenAt, kind: item.kind, mask });
  return { postings, month: takenAt.slice(0, 7) };
}

/**
 * The media row of an item as this release writes it: {@link mediaRow} with the footprint of the
 * index that exists for it, and the pending mark while that is short of what the item should have.
 */
export function indexedRow(item: MediaItem, footprint: SearchFootprint, pending = false, counted?: number): Item {
  const row = mediaRow(item, counted);
  row[FOOTPRINT_ATTRIBUTE] = str(serializeFootprint(footprint));
  if (pending) row[PENDING_ATTRIBUTE] = num(1);
  return row;
}

/** A footprint as the row stores it: `{"m":month,"p":[[takenAt, kind, {word: mask}], ...]}`. */
export function serializeFootprint(footprint: SearchFootprint): string {
  const groups = new Map<string, [string, string, Record<string, number>]>();
  for (const p of footprint.postings.values()) {
    const key = `${p.takenAt}|${p.kind}`;
    const group = groups.get(key) ?? [p.takenAt, p.kind, {}];
    group[2][p.word] = p.mask;
    groups.set(key, group);
  }
  return JSON.stringify({ ...(footprint.month === undefined ? {} : { m: footprint.month }), p: [...groups.values()] });
}

/** The footprint a row records; a row without one was written before the index existed, and has none. */
export function footprintOf(row: Item): SearchFootprint | undefined {
  const text = stringAttr(row, FOOTPRINT_ATTRIBUTE);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { m?: unknown; p?: unknown };
    const postings = new Map<string, Posting>();
    if (!Array.isArray(parsed.p)) throw new Error('no postings list');
    for (const group of parsed.p as unknown[]) {
      if (!Array.isArray(group) || typeof group[0] !== 'string' || typeof group[1] !== 'string' || typeof group[2] !== 'object' || group[2] === null) {
        throw new Error('malformed group');
      }
      const [takenAt, kind, words] = group as [string, string, Record<string, unknown>];
      for (const [word, mask] of Object.entries(words)) {
        if (typeof mask !== 'number') throw new Error('malformed mask');
        postings.set(postingId({ word, takenAt }), { word, takenAt, kind, mask });
      }
    }
    return typeof parsed.m === 'string' ? { postings, month: parsed.m } : { postings };
  } catch (cause) {
    throw new StorageError(`media row ${stringAttr(row, 'SK') ?? '?'} has a malformed search footprint`, { cause });
  }
}

/** What it takes to go from one footprint to another. */
export interface IndexChange {
  /** Month counter moves (at most two: out of the old month, into the new). */
  counters: { month: string; delta: number }[];
  /** Postings that exist and are not wanted (another word, date or item state). */
  deletes: Posting[];
  /** Postings wanted and missing or written with other attributes, most important first. */
  puts: Posting[];
}

/** The change from the footprint that exists to the one wanted; unchanged postings are not written again. */
export function indexChange(from: SearchFootprint, to: SearchFootprint): IndexChange {
  const counters: IndexChange['counters'] = [];
  if (from.month !== to.month) {
    if (from.month !== undefined) counters.push({ month: from.month, delta: -1 });
    if (to.month !== undefined) counters.push({ month: to.month, delta: 1 });
  }
  const deletes = [...from.postings].filter(([id]) => !to.postings.has(id)).map(([, p]) => p);
  const puts = [...to.postings].filter(([id, p]) => {
    const existing = from.postings.get(id);
    return existing === undefined || existing.kind !== p.kind || existing.mask !== p.mask;
  });
  return { counters, deletes, puts: puts.map(([, p]) => p) };
}

/** The footprint after some of a change's postings were written (counters go with the first step). */
function afterPostings(from: SearchFootprint, deletes: readonly Posting[], puts: readonly Posting[], month: string | undefined): SearchFootprint {
  const postings = new Map(from.postings);
  for (const p of deletes) postings.delete(postingId(p));
  for (const p of puts) postings.set(postingId(p), p);
  return month === undefined ? { postings } : { postings, month };
}

/** The counter shard of an item: the same for every write of it, so its +1 and its -1 meet. */
export function monthShard(mediaId: string): number {
  let hash = 0;
  for (const char of mediaId) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003;
  return hash % MONTH_SHARDS;
}

/** The posting rows' write actions. */
function postingPut(table: string, ownerId: string, mediaId: string, p: Posting): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: { PK: str(mediaKeys.searchPk(ownerId, p.word)), SK: str(mediaKeys.postingSk(p.word, p.takenAt, mediaId)), k: str(p.kind), f: num(p.mask) },
    },
  };
}

function postingDelete(table: string, ownerId: string, mediaId: string, p: Posting): TransactWriteItem {
  return { Delete: { TableName: table, Key: { PK: str(mediaKeys.searchPk(ownerId, p.word)), SK: str(mediaKeys.postingSk(p.word, p.takenAt, mediaId)) } } };
}

function counterUpdate(table: string, ownerId: string, mediaId: string, month: string, delta: number): TransactWriteItem {
  return {
    Update: {
      TableName: table,
      Key: { PK: str(mediaKeys.monthsPk(ownerId)), SK: str(mediaKeys.monthSk(month, monthShard(mediaId))) },
      UpdateExpression: 'ADD #count :delta',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':delta': num(delta) },
    },
  };
}

/** One transaction's share of an index change: its actions and the footprint the row records with them. */
export interface IndexStep {
  actions: TransactWriteItem[];
  /** What exists once this step is written. */
  footprint: SearchFootprint;
  /** Whether the footprint is still short of the wanted one after this step. */
  pending: boolean;
}

/**
 * Splits an index change into the write of the item itself (which has `room` actions left beside
 * the item's own) and, when that is not enough, index-only steps of up to 99 postings each that
 * follow it (each rewrites the row with its footprint, under the same conditions). The counters
 * always go with the item's write: the month an item counts in moves atomically with its row.
 * Deletes come before puts: a posting left over is only a candidate the search checks against the
 * item and drops, a missing one hides the item from that word.
 */
export function planIndexSteps(
  table: string,
  item: Pick<MediaItem, 'ownerId' | 'id'>,
  from: SearchFootprint,
  to: SearchFootprint,
  room: number,
): { main: IndexStep; after: IndexStep[] } {
  const change = indexChange(from, to);
  const counters = change.counters.map((c) => counterUpdate(table, item.ownerId, item.id, c.month, c.delta));
  if (counters.length > room) {
    throw new StorageError(`a write needs ${counters.length} counter actions and has room for ${room}`);
  }
  const postings: { kind: 'delete' | 'put'; posting: Posting }[] = [
    ...change.deletes.map((posting) => ({ kind: 'delete' as const, posting })),
    ...change.puts.map((posting) => ({ kind: 'put' as const, posting })),
  ];
  const stepOf = (start: SearchFootprint, slice: typeof postings, month: string | undefined): { actions: TransactWriteItem[]; footprint: SearchFootprint } => {
    const deletes = slice.filter((s) => s.kind === 'delete').map((s) => s.posting);
    const puts = slice.filter((s) => s.kind === 'put').map((s) => s.posting);
    return {
      actions: [...deletes.map((p) => postingDelete(table, item.ownerId, item.id, p)), ...puts.map((p) => postingPut(table, item.ownerId, item.id, p))],
      footprint: afterPostings(start, deletes, puts, month),
    };
  };
  const firstCount = Math.min(postings.length, room - counters.length);
  const first = stepOf(from, postings.slice(0, firstCount), to.month);
  const main: IndexStep = { actions: [...counters, ...first.actions], footprint: first.footprint, pending: firstCount < postings.length };
  const after: IndexStep[] = [];
  let footprint = first.footprint;
  const perStep = MAX_TRANSACTION_ACTIONS - 1;
  for (let start = firstCount; start < postings.length; start += perStep) {
    const step = stepOf(footprint, postings.slice(start, start + perStep), to.month);
    footprint = step.footprint;
    after.push({ actions: step.actions, footprint, pending: start + perStep < postings.length });
  }
  return { main, after };
}

/**
 * For a delete: the index-only steps that remove postings until the rest (`room` actions beside
 * the row's delete and its other rows) fits the delete's own transaction, and that last share.
 */
export function planRemoval(
  table: string,
  item: Pick<MediaItem, 'ownerId' | 'id'>,
  from: SearchFootprint,
  room: number,
): { before: IndexStep[]; last: TransactWriteItem[] } {
  const change = indexChange(from, EMPTY_FOOTPRINT);
  const counters = change.counters.map((c) => counterUpdate(table, item.ownerId, item.id, c.month, c.delta));
  if (counters.length > room) throw new StorageError(`a delete needs ${counters.length} counter actions and has room for ${room}`);
  const lastShare = room - counters.length;
  const early = change.deletes.slice(0, Math.max(0, change.deletes.length - lastShare));
  const before: IndexStep[] = [];
  let footprint = from;
  const perStep = MAX_TRANSACTION_ACTIONS - 1;
  for (let start = 0; start < early.length; start += perStep) {
    const slice = early.slice(start, start + perStep);
    footprint = afterPostings(footprint, slice, [], from.month);
    before.push({ actions: slice.map((p) => postingDelete(table, item.ownerId, item.id, p)), footprint, pending: true });
  }
  const rest = change.deletes.slice(early.length);
  return { before, last: [...counters, ...rest.map((p) => postingDelete(table, item.ownerId, item.id, p))] };
}

/** A posting's sort key taken apart: `{word}#{takenAt}#{mediaId}`. */
export function parsePostingSk(sk: string): { word: string; takenAt: string; mediaId: string } | undefined {
  const idAt = sk.lastIndexOf('#');
  const takenAtAt = sk.lastIndexOf('#', idAt - 1);
  if (idAt < 0 || takenAtAt <= 0) return undefined;
  return { word: sk.slice(0, takenAtAt), takenAt: sk.slice(takenAtAt + 1, idAt), mediaId: sk.slice(idAt + 1) };
}

/**
 * The condition that a row is as it was read: at that version, with that index footprint and
 * counting those bytes in its owner's storage used. The footprint and the count are part of it
 * because the backfill indexes and counts old rows without changing their version: a write
 * planned from the footprint before it would leave its postings behind, and one planned from the
 * count before it would count the item twice (or, deleting it, not take it away).
 */
export function rowCondition(
  version: number,
  footprintText: string | undefined,
  counted: number | undefined,
): { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Item } {
  const names: Record<string, string> = { '#footprint': FOOTPRINT_ATTRIBUTE, '#counted': USAGE_ATTRIBUTE };
  const values: Item = { ':expected': num(version) };
  const footprint = footprintText === undefined ? 'attribute_not_exists(#footprint)' : '#footprint = :footprint';
  if (footprintText !== undefined) values[':footprint'] = str(footprintText);
  const count = counted === undefined ? 'attribute_not_exists(#counted)' : '#counted = :counted';
  if (counted !== undefined) values[':counted'] = num(counted);
  return { ConditionExpression: `version = :expected AND ${footprint} AND ${count}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/**
 * One index step's transaction: the row with the step's footprint, conditioned on being as the
 * previous step left it, and the step's postings. The row records `counted` (what it counts in
 * storage used) and is expected to have recorded `previousCounted` (the same unless this step is
 * the one that counts it).
 */
export function stepActions(
  table: string,
  item: MediaItem,
  step: IndexStep,
  previousFootprint: string | undefined,
  counted: number | undefined,
  previousCounted: number | undefined,
): TransactWriteItem[] {
  return [{ Put: { TableName: table, Item: indexedRow(item, step.footprint, step.pending, counted), ...rowCondition(item.version, previousFootprint, previousCounted) } }, ...step.actions];
}
