import { QueryCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { storedBytes, type MediaItem, type StorageUsage } from '@mediaflow/domain';
import { num, str, USAGE_ATTRIBUTE, type Item } from './media-row.js';

export { USAGE_ATTRIBUTE };
import { monthShard } from './search-index.js';
import { mediaKeys } from './table.js';

/**
 * Storage used per owner in DynamoDB, for quotas and `GET /me`: the owner's counter is split into
 * {@link USAGE_SHARDS} rows (`OWNER#{owner}#USAGE`, `SHARD#{n}`, attributes `bytes` and `items`)
 * so that a bulk upload's writes rarely meet on one row; an item always counts in the same shard.
 *
 * Each media row records in {@link USAGE_ATTRIBUTE} the bytes it counts in its shard. A write that
 * changes them adds the difference to the shard in the item's own transaction, conditioned on the
 * row's version like the rest of the write, so the counter moves exactly once per change. A row
 * without the attribute was written by a release before the counters and counts nothing yet: its
 * next write counts it whole, and `backfillTable` counts the rows no write reaches.
 *
 * Unlike SQLite's triggers, an upload under way counts nothing here: its row may end by TTL, which
 * no write follows, so it counts from the moment its bytes arrive. The quota check at
 * `POST /uploads` still adds the new upload's declared size.
 */
export const USAGE_SHARDS = 8;

/** The bytes an item counts for in its owner's usage: none while uploading (see above) or deleted. */
export function countedBytes(item: MediaItem): number {
  return item.status === 'uploading' ? 0 : storedBytes(item);
}

/** What a stored row counts (undefined: a row written before the counters, counting nothing yet). */
export function countedOf(row: Item): number | undefined {
  const value = row[USAGE_ATTRIBUTE];
  if (value === undefined || !('N' in value) || value.N === undefined) return undefined;
  const bytes = Number(value.N);
  return Number.isFinite(bytes) ? bytes : undefined;
}

/** The shard an item counts in: the same for every write of it, so additions and removals meet. */
function usageShard(mediaId: string): number {
  return monthShard(mediaId) % USAGE_SHARDS;
}

/**
 * The counter update moving an item from counting `before` bytes (undefined: nothing yet) to
 * `after`; undefined when nothing changes. An item counts as one item while it counts any bytes.
 */
export function usageChange(table: string, item: Pick<MediaItem, 'ownerId' | 'id'>, before: number | undefined, after: number): TransactWriteItem | undefined {
  const was = before ?? 0;
  const bytes = after - was;
  const items = (after > 0 ? 1 : 0) - (was > 0 ? 1 : 0);
  if (bytes === 0 && items === 0) return undefined;
  return {
    Update: {
      TableName: table,
      Key: { PK: str(mediaKeys.usagePk(item.ownerId)), SK: str(mediaKeys.usageSk(usageShard(item.id))) },
      UpdateExpression: 'ADD #bytes :bytes, #items :items',
      ExpressionAttributeNames: { '#bytes': 'bytes', '#items': 'items' },
      ExpressionAttributeValues: { ':bytes': num(bytes), ':items': num(items) },
    },
  };
}

/** The owner's usage: the shards added up (one strongly consistent Query of at most 8 small rows). */
export async function readUsage(client: DynamoDBClient, table: string, ownerId: string): Promise<StorageUsage> {
  const usage: StorageUsage = { bytes: 0, items: 0 };
  const page = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': str(mediaKeys.usagePk(ownerId)) },
      ConsistentRead: true,
    }),
  );
  for (const row of page.Items ?? []) {
    usage.bytes += Number(row['bytes']?.N ?? 0);
    usage.items += Number(row['items']?.N ?? 0);
  }
  return usage;
}
