import { BatchGetItemCommand, QueryCommand, type BatchGetItemCommandOutput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DAY_MS, isListed, type ListQuery, type MediaItem, type TagCount } from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { awaitsReview, fromItem, str, stringAttr, type Item } from './media-row.js';
import { mediaKeys, OWNER_TAGS_INDEX, REVIEW_INDEX, REVIEW_PARTITION, SEARCH_INDEX } from './table.js';

/** BatchGetItem's limit on keys per request. */
const BATCH_GET_KEYS = 100;

/** Where the listing queries run, and how many requests one `list` may make. */
export interface ListTarget {
  client: DynamoDBClient;
  table: string;
  maxQueriesPerList: number;
}

/** Matching items, and where to resume when the query budget ran out before the page was full. */
export interface ScanResult {
  items: MediaItem[];
  resumeAfter?: string;
}

/** Whether a listed item passes the kind and status filters. */
function matches(item: MediaItem, query: ListQuery): boolean {
  return isListed(item.status) && (query.kind === undefined || item.kind === query.kind) && (query.status === undefined || item.status === query.status);
}

/**
 * Up to `limit + 1` matching items of the owner's partition, newest first (one more than the page
 * tells whether another follows), or oldest first when asked. `resumeAfter` is set when the query
 * budget ran out first.
 */
export async function scanOwner(
  target: ListTarget,
  ownerId: string,
  query: Pick<ListQuery, 'kind' | 'status' | 'limit'>,
  after: string | undefined,
  order: 'newest-first' | 'oldest-first' = 'newest-first',
): Promise<ScanResult> {
  const want = query.limit + 1;
  const filtered = query.kind !== undefined || query.status !== undefined;
  const names: Record<string, string> = { '#status': 'status' };
  const values: Item = { ':pk': str(mediaKeys.ownerPk(ownerId)), ':media': str('MEDIA#'), ':deleted': str('deleted'), ':trashed': str('trashed') };
  const filters = ['NOT (#status IN (:deleted, :trashed))'];
  if (query.kind !== undefined) {
    names['#kind'] = 'kind';
    values[':kind'] = str(query.kind);
    filters.push('#kind = :kind');
  }
  if (query.status !== undefined) {
    values[':status'] = str(query.status);
    filters.push('#status = :status');
  }
  const items: MediaItem[] = [];
  let startKey: Item | undefined = after === undefined ? undefined : { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(after)) };
  for (let queries = 0; queries < target.maxQueriesPerList; queries += 1) {
    const need = want - items.length;
    // DynamoDB applies Limit before the filter: with kind/status filters, read ahead more per
    // request; without them too once a request came back short (items in the trash, say).
    const limit = filtered || queries > 0 ? Math.min(1000, Math.max(need * 4, 100)) : need;
    const page = await target.client.send(
      new QueryCommand({
        TableName: target.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :media)',
        FilterExpression: filters.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: order === 'oldest-first',
        Limit: limit,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const row of page.Items ?? []) {
      items.push(fromItem(row));
      if (items.length === want) return { items };
    }
    startKey = page.LastEvaluatedKey;
    if (startKey === undefined) return { items };
  }
  const resumeAfter = stringAttr(startKey, 'SK')?.slice('MEDIA#'.length);
  return resumeAfter === undefined ? { items } : { items, resumeAfter };
}

/** Like {@link scanOwner}, through the tag's index partition and BatchGetItem. */
export async function scanTag(target: ListTarget, ownerId: string, tag: string, query: ListQuery, after: string | undefined): Promise<ScanResult> {
  const want = query.limit + 1;
  const filtered = query.kind !== undefined || query.status !== undefined;
  const pk = mediaKeys.tagPk(ownerId, tag);
  const items: MediaItem[] = [];
  let startKey: Item | undefined = after === undefined ? undefined : { PK: str(pk), SK: str(mediaKeys.mediaSk(after)) };
  for (let queries = 0; queries < target.maxQueriesPerList; queries += 1) {
    const need = want - items.length;
    const page = await target.client.send(
      new QueryCommand({
        TableName: target.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': str(pk) },
        ProjectionExpression: 'SK',
        ScanIndexForward: false,
        Limit: filtered ? Math.min(BATCH_GET_KEYS, Math.max(need * 4, 25)) : Math.min(BATCH_GET_KEYS, need),
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    const ids = (page.Items ?? []).flatMap((row) => {
      const sk = stringAttr(row, 'SK');
      return sk === undefined ? [] : [sk.slice('MEDIA#'.length)];
    });
    const byId = await batchGet(target, ownerId, ids);
    for (const id of ids) {
      const item = byId.get(id);
      // Missing: deleted since the index was read.
      if (item === undefined || !matches(item, query)) continue;
      items.push(item);
      if (items.length === want) return { items };
    }
    startKey = page.LastEvaluatedKey;
    if (startKey === undefined) return { items };
  }
  const resumeAfter = stringAttr(startKey, 'SK')?.slice('MEDIA#'.length);
  return resumeAfter === undefined ? { items } : { items, resumeAfter };
}

/** The owner's items with these ids (up to 100), by id; retries what DynamoDB leaves unprocessed. */
async function batchGet(target: ListTarget, ownerId: string, ids: string[]): Promise<Map<string, MediaItem>> {
  const rows = await batchGetRows(target.client, target.table, ids.map((id) => ({ PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) })));
  return new Map(rows.map((row) => {
    const item = fromItem(row);
    return [item.id, item];
  }));
}

/**
 * The rows with these keys (any number, 100 per request; eventually consistent unless asked), in
 * no particular order; missing ones are left out. Keys DynamoDB leaves unprocessed are asked for
 * again after a growing pause.
 */
export async function batchGetRows(client: DynamoDBClient, table: string, keys: readonly Item[], options: { consistent?: boolean } = {}): Promise<Item[]> {
  const out: Item[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
    let pending: Item[] | undefined = keys.slice(start, start + BATCH_GET_KEYS);
    for (let attempt = 0; pending !== undefined && pending.length > 0; attempt += 1) {
      if (attempt > 8) throw new StorageError(`DynamoDB left ${pending.length} keys unprocessed after ${attempt} attempts`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const response: BatchGetItemCommandOutput = await client.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ...(options.consistent === true ? { ConsistentRead: true } : {}) } } }));
      out.push(...(response.Responses?.[table] ?? []));
      pending = response.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return out;
}

/** One page of the review queue: the items in index order, and the index key to resume after. */
export interface ReviewPage {
  items: MediaItem[];
  /** The last index sort key this page consumed, when more entries follow. */
  resumeAfter?: string;
}

/**
 * Up to `limit` items awaiting review, oldest first, from one Query of the keys-only review index
 * (`limit + 1` entries, to know whether more follow) and one strongly consistent BatchGetItem of
 * their rows (1 read unit per row of up to 4 KB). The index is eventually consistent, so an entry
 * whose item was decided (or deleted) a moment ago is left out, since its row is read in its
 * latest state: the page may be short, never wrong.
 */
export async function readReviewPage(client: DynamoDBClient, table: string, limit: number, after: { mediaId: string; ownerId: string } | undefined): Promise<ReviewPage> {
  const startKey: Item | undefined =
    after === undefined
      ? undefined
      : {
          GSI2PK: str(REVIEW_PARTITION),
          GSI2SK: str(mediaKeys.reviewSk(after.mediaId, after.ownerId)),
          PK: str(mediaKeys.ownerPk(after.ownerId)),
          SK: str(mediaKeys.mediaSk(after.mediaId)),
        };
  const page = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: REVIEW_INDEX,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': str(REVIEW_PARTITION) },
      ScanIndexForward: true,
      Limit: limit + 1,
      ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
    }),
  );
  const entries = (page.Items ?? []).slice(0, limit);
  const items = await rowsOf(client, table, entries, awaitsReview);
  const last = stringAttr(entries[entries.length - 1], 'GSI2SK');
  return (page.Items ?? []).length > limit && last !== undefined ? { items, resumeAfter: last } : { items };
}

/** How many listed items carry each of the owner's tags, most used first, from the keys-only tag index. */
export async function countTags(client: DynamoDBClient, table: string, ownerId: string): Promise<TagCount[]> {
  const counts = new Map<string, number>();
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: OWNER_TAGS_INDEX,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': str(mediaKeys.ownerTagsPk(ownerId)) },
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    for (const row of page.Items ?? []) {
      const match = /^TAG#(.+)#MEDIA#[^#]+$/.exec(stringAttr(row, 'GSI1SK') ?? '');
      const name = match?.[1];
      if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A page of an owner's trash: items still trashed when read, and the index position to resume after. */
export interface TrashPage {
  items: MediaItem[];
  resumeAfter?: { updatedAt: string; id: string };
}

/**
 * The rows of a sparse index's entries, read strongly consistent with BatchGetItem, in the
 * entries' order, keeping the items that still `belong` (the index may lag behind their rows).
 */
async function rowsOf(client: DynamoDBClient, table: string, entries: readonly Item[], belong: (item: MediaItem) => boolean): Promise<MediaItem[]> {
  const keys = entries.flatMap((entry) => {
    const { PK, SK } = entry;
    return PK === undefined || SK === undefined ? [] : [{ PK, SK }];
  });
  const rows = await batchGetRows(client, table, keys, { consistent: true });
  const byKey = new Map(rows.map((row) => [`${stringAttr(row, 'PK') ?? ''}|${stringAttr(row, 'SK') ?? ''}`, fromItem(row)]));
  return entries.flatMap((entry) => {
    const item = byKey.get(`${stringAttr(entry, 'PK') ?? ''}|${stringAttr(entry, 'SK') ?? ''}`);
    return item !== undefined && belong(item) ? [item] : [];
  });
}

const inTrash = (item: MediaItem): boolean => item.status === 'trashed';

/**
 * One page of the owner's trash, most recently trashed first: one Query of the trash's partition
 * of the date-taken index (`TRASH#{owner}`, sorted by when each item went there) and one
 * BatchGetItem. An item restored since the index was written is left out, so a page may be short;
 * `resumeAfter` is set whenever more entries follow.
 */
export async function readTrashPage(
  client: DynamoDBClient,
  table: string,
  ownerId: string,
  limit: number,
  after: { updatedAt: string; id: string } | undefined,
): Promise<TrashPage> {
  const startKey: Item | undefined =
    after === undefined
      ? undefined
      : {
          GSI3PK: str(mediaKeys.trashPk(ownerId)),
          GSI3SK: str(mediaKeys.trashSk(after.updatedAt, after.id)),
          PK: str(mediaKeys.ownerPk(ownerId)),
          SK: str(mediaKeys.mediaSk(after.id)),
        };
  const page = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: SEARCH_INDEX,
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': str(mediaKeys.trashPk(ownerId)) },
      ScanIndexForward: false,
      Limit: limit + 1,
      ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
    }),
  );
  const entries = (page.Items ?? []).slice(0, limit);
  const items = await rowsOf(client, table, entries, inTrash);
  const last = stringAttr(entries[entries.length - 1], 'GSI3SK');
  if ((page.Items ?? []).length <= limit || last === undefined) return { items };
  const cut = last.lastIndexOf('#');
  return { items, resumeAfter: { updatedAt: last.slice(0, cut), id: last.slice(cut + 1) } };
}

/**
 * How many days before the cut-off the purge looks for items trashed then: an empty day costs half
 * a read unit, so 90 of them an hour cost next to nothing and cover a purge that did not run (or
 * could not keep up) for three months; the purge does not find items trashed longer ago than that.
 */
export const PURGE_LOOKBACK_DAYS = 90;

/**
 * Up to `limit` items of any owner trashed before `before`, oldest first: the days of the review
 * index's `PURGE#{day}` partitions from {@link PURGE_LOOKBACK_DAYS} before `before` up to its own
 * day, one Query each (an empty day costs half a read unit), and their rows.
 */
export async function readTrashedBefore(client: DynamoDBClient, table: string, before: Date, limit: number): Promise<MediaItem[]> {
  const cutoff = before.toISOString();
  const found: MediaItem[] = [];
  for (let back = PURGE_LOOKBACK_DAYS; back >= 0 && found.length < limit; back -= 1) {
    const day = new Date(before.getTime() - back * DAY_MS).toISOString();
    let startKey: Item | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          IndexName: REVIEW_INDEX,
          KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK < :cutoff',
          ExpressionAttributeValues: { ':pk': str(mediaKeys.purgePk(day)), ':cutoff': str(cutoff) },
          ScanIndexForward: true,
          Limit: Math.min(100, limit - found.length),
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      found.push(...(await rowsOf(client, table, page.Items ?? [], inTrash)));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && found.length < limit);
  }
  return found.slice(0, limit);
}
