import { BatchGetItemCommand, QueryCommand, type BatchGetItemCommandOutput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ListQuery, MediaItem, TagCount } from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { fromItem, str, stringAttr, type Item } from './media-row.js';
import { mediaKeys, OWNER_TAGS_INDEX } from './table.js';

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
  return item.status !== 'deleted' && (query.kind === undefined || item.kind === query.kind) && (query.status === undefined || item.status === query.status);
}

/**
 * Up to `limit + 1` matching items of the owner's partition, newest first (one more than the page
 * tells whether another follows). `resumeAfter` is set when the query budget ran out first.
 */
export async function scanOwner(target: ListTarget, ownerId: string, query: ListQuery, after: string | undefined): Promise<ScanResult> {
  const want = query.limit + 1;
  const filtered = query.kind !== undefined || query.status !== undefined;
  const names: Record<string, string> = { '#status': 'status' };
  const values: Item = { ':pk': str(mediaKeys.ownerPk(ownerId)), ':media': str('MEDIA#'), ':deleted': str('deleted') };
  const filters = ['#status <> :deleted'];
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
    // DynamoDB applies Limit before the filter: with kind/status filters, read ahead more per request.
    const limit = filtered ? Math.min(1000, Math.max(need * 4, 100)) : need;
    const page = await target.client.send(
      new QueryCommand({
        TableName: target.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :media)',
        FilterExpression: filters.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
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
  const out = new Map<string, MediaItem>();
  if (ids.length === 0) return out;
  let keys: Item[] | undefined = ids.map((id) => ({ PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) }));
  for (let attempt = 0; keys !== undefined && keys.length > 0; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    if (attempt > 8) throw new StorageError(`DynamoDB left ${keys.length} keys unprocessed after ${attempt} attempts`);
    const response: BatchGetItemCommandOutput = await target.client.send(new BatchGetItemCommand({ RequestItems: { [target.table]: { Keys: keys } } }));
    for (const row of response.Responses?.[target.table] ?? []) {
      const item = fromItem(row);
      out.set(item.id, item);
    }
    keys = response.UnprocessedKeys?.[target.table]?.Keys;
  }
  return out;
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
