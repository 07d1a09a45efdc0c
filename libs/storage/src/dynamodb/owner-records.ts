import { BatchWriteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, type BatchWriteItemCommandOutput, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { ConflictError, decodeCursor, encodeCursor, UlidSchema, ValidationError, type CursorBinding, type MediaItem, type Page } from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { fromItem, str, stringAttr, type Item } from './media-row.js';
import { mediaKeys, OWNER_TAGS_INDEX } from './table.js';

/** Cursors of {@link listOwnerMediaRows}: the owner's whole library, by id. */
const ownerMediaBinding = (ownerId: string): CursorBinding => ({ ownerId, scope: 'owner-media' });

/**
 * The sort key of an owner's tombstone, in the owner's own partition (`PK=OWNER#{owner}`): written
 * by {@link forgetOwnerRows} and kept for good (Cognito never gives a `sub` to another user), so
 * the API can refuse a token issued before the account was deleted ({@link isOwnerDeleted}).
 */
export const DELETED_OWNER_SK = 'ACCOUNT#DELETED';

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE = 25;

const pause = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(400, 10 * 2 ** attempt) * (0.5 + Math.random())));

/**
 * Up to `limit` of the owner's media rows in any status, in id order: one strongly consistent Query
 * of the `MEDIA#` rows of the owner's partition (so an item deleted just before is not seen again).
 */
export async function listOwnerMediaRows(client: DynamoDBClient, table: string, ownerId: string, cursor: string | undefined, limit: number): Promise<Page<MediaItem>> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError('limit must be 1 to 1000', [{ path: 'limit', message: 'out of range' }]);
  let after: string | undefined;
  if (cursor !== undefined) {
    after = decodeCursor(cursor, ownerMediaBinding(ownerId)).after;
    // A cursor becomes part of a key: only a ULID.
    if (!UlidSchema.safeParse(after).success) throw new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);
  }
  const items: MediaItem[] = [];
  let start: Item | undefined = after === undefined ? undefined : { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(after)) };
  // One row more than the page tells whether another page follows; a Query may stop short at 1 MB.
  do {
    const response = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :media)',
        ExpressionAttributeValues: { ':pk': str(mediaKeys.ownerPk(ownerId)), ':media': str('MEDIA#') },
        ConsistentRead: true,
        Limit: limit + 1 - items.length,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    for (const row of response.Items ?? []) items.push(fromItem(row));
    start = response.LastEvaluatedKey;
  } while (start !== undefined && items.length <= limit);
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  if (items.length > limit && last !== undefined) return { items: page, nextCursor: encodeCursor({ after: last.id }, ownerMediaBinding(ownerId)) };
  return { items: page };
}

/** Every key of one partition (or, with `index`, of one partition of that keys-only index: the base keys). */
async function keysOf(client: DynamoDBClient, table: string, pk: string, index?: string): Promise<Item[]> {
  const keys: Item[] = [];
  let start: Item | undefined;
  do {
    const response = await client.send(
      new QueryCommand({
        TableName: table,
        ...(index === undefined ? { ConsistentRead: true } : { IndexName: index }),
        KeyConditionExpression: index === undefined ? 'PK = :pk' : 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': str(pk) },
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    for (const row of response.Items ?? []) keys.push(row);
    start = response.LastEvaluatedKey;
  } while (start !== undefined);
  return keys;
}

async function deleteKeys(client: DynamoDBClient, table: string, keys: readonly Item[]): Promise<void> {
  for (let i = 0; i < keys.length; i += BATCH_WRITE) {
    let pending: WriteRequest[] | undefined = keys.slice(i, i + BATCH_WRITE).map((key) => ({ DeleteRequest: { Key: { PK: key['PK'] ?? str(''), SK: key['SK'] ?? str('') } } }));
    for (let attempt = 0; pending !== undefined && pending.length > 0; attempt += 1) {
      if (attempt > 8) throw new StorageError(`DynamoDB left ${pending.length} deletes unprocessed after ${attempt} attempts`);
      if (attempt > 0) await pause(attempt);
      const response: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = response.UnprocessedItems?.[table];
    }
  }
}

/**
 * Removes what is left of an owner once their items, albums and links are gone: the timeline's
 * month counters (`OWNER#{owner}#MONTHS`) and the storage-used counters (`OWNER#{owner}#USAGE`),
 * which deletes bring to zero but keep, and, as a safety
 * net, any row of the owner's partition an interrupted delete left (a hash claim, an album with its
 * members' partition, a membership back-reference, a share link with its token row) and any tag
 * entry of the owner's tag index. Search postings go with their items (each item's delete removes
 * its own), and rate counters expire by themselves. Leaves the owner's tombstone
 * ({@link DELETED_OWNER_SK}). Refuses while a media row is left.
 */
export async function forgetOwnerRows(client: DynamoDBClient, table: string, ownerId: string, now: Date = new Date()): Promise<void> {
  const all = await keysOf(client, table, mediaKeys.ownerPk(ownerId));
  const items = all.filter((row) => stringAttr(row, 'SK')?.startsWith('MEDIA#') === true);
  if (items.length > 0) throw new ConflictError(`the owner still has ${items.length} items: delete them first`);
  // The tombstone first: from here on the API refuses the owner's tokens, whatever is left to delete.
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(DELETED_OWNER_SK), deletedAt: str(now.toISOString()) },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  ).catch((error: unknown) => {
    // Written by an earlier call: kept as it was, with the first deletion's time.
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  });
  const owned = all.filter((row) => stringAttr(row, 'SK') !== DELETED_OWNER_SK);
  const extra: Item[] = [];
  for (const row of owned) {
    const sk = stringAttr(row, 'SK') ?? '';
    if (sk.startsWith('ALBUM#')) extra.push(...(await keysOf(client, table, mediaKeys.albumMembersPk(ownerId, sk.slice('ALBUM#'.length)))));
    const tokenHash = stringAttr(row, 'tokenHash');
    if (sk.startsWith('SHARELINK#') && tokenHash !== undefined) extra.push({ PK: str(mediaKeys.sharePk(tokenHash)), SK: str(mediaKeys.shareSk) });
  }
  const tags = await keysOf(client, table, mediaKeys.ownerTagsPk(ownerId), OWNER_TAGS_INDEX);
  const counters = [...(await keysOf(client, table, mediaKeys.monthsPk(ownerId))), ...(await keysOf(client, table, mediaKeys.usagePk(ownerId)))];
  await deleteKeys(client, table, [...extra, ...tags, ...owned, ...counters]);
}

/** Whether the owner's tombstone is there: one strongly consistent GetItem of its key. */
export async function isOwnerDeleted(client: DynamoDBClient, table: string, ownerId: string): Promise<boolean> {
  const response = await client.send(
    new GetItemCommand({
      TableName: table,
      Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(DELETED_OWNER_SK) },
      ConsistentRead: true,
      ProjectionExpression: 'PK',
    }),
  );
  return response.Item !== undefined;
}
