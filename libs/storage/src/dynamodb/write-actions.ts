import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { MediaItem } from '@mediaflow/domain';
import { awsErrorName } from '../aws-errors.js';
import { indexedTags, num, str } from './media-row.js';
import { mediaKeys } from './table.js';

/** DynamoDB's limit on the actions of one TransactWriteItems. */
export const MAX_TRANSACTION_ACTIONS = 100;

/**
 * Cancellation reasons worth another attempt after a pause: a condition that no longer holds (the
 * caller re-reads and re-plans), another transaction on the same items, throttling.
 */
export const RETRYABLE_CANCELLATIONS: ReadonlySet<string> = new Set(['ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** The reasons of a cancelled transaction, by action index (`None` for actions that were fine). */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (awsErrorName(error) !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

/** Deletes an item's media row, on condition that it is still at `version`. */
export function mediaDelete(table: string, ownerId: string, id: string, version: number): TransactWriteItem {
  return {
    Delete: {
      TableName: table,
      Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) },
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': num(version) },
    },
  };
}

/** The hash claim of a new item: refused while any item holds it. */
export function newClaimPut(table: string, item: MediaItem, sha256: string): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: { PK: str(mediaKeys.ownerPk(item.ownerId)), SK: str(mediaKeys.hashSk(sha256)), mediaId: str(item.id) },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export function claimPut(table: string, item: MediaItem, sha256: string): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: { PK: str(mediaKeys.ownerPk(item.ownerId)), SK: str(mediaKeys.hashSk(sha256)), mediaId: str(item.id) },
      // A claim this item already holds may be written again; anyone else's may not.
      ConditionExpression: 'attribute_not_exists(PK) OR mediaId = :id',
      ExpressionAttributeValues: { ':id': str(item.id) },
    },
  };
}

export function claimDelete(table: string, ownerId: string, id: string, sha256: string): TransactWriteItem {
  return {
    Delete: {
      TableName: table,
      Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.hashSk(sha256)) },
      // Only this item's own claim is released.
      ConditionExpression: 'attribute_not_exists(PK) OR mediaId = :id',
      ExpressionAttributeValues: { ':id': str(id) },
    },
  };
}

export function tagPut(table: string, ownerId: string, id: string, tag: string): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: {
        PK: str(mediaKeys.tagPk(ownerId, tag)),
        SK: str(mediaKeys.mediaSk(id)),
        GSI1PK: str(mediaKeys.ownerTagsPk(ownerId)),
        GSI1SK: str(mediaKeys.ownerTagSk(tag, id)),
      },
    },
  };
}

export function tagDelete(table: string, ownerId: string, id: string, tag: string): TransactWriteItem {
  return { Delete: { TableName: table, Key: { PK: str(mediaKeys.tagPk(ownerId, tag)), SK: str(mediaKeys.mediaSk(id)) } } };
}

/** The tag index entries an update removes and adds: only those that changed, removals first. */
export function tagChanges(table: string, current: MediaItem, next: MediaItem): TransactWriteItem[] {
  const before = new Set(indexedTags(current));
  const after = new Set(indexedTags(next));
  return [
    ...[...before].filter((t) => !after.has(t)).map((t) => tagDelete(table, next.ownerId, next.id, t)),
    ...[...after].filter((t) => !before.has(t)).map((t) => tagPut(table, next.ownerId, next.id, t)),
  ];
}
