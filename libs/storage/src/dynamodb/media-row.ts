import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isListed, takenAtOf, type MediaItem } from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { ABANDONED_UPLOAD_TTL_SECONDS, MEDIA_TTL_ATTRIBUTE, mediaKeys, REVIEW_PARTITION } from './table.js';

/** One DynamoDB item (a row of the media table), as the SDK sends and returns it. */
export type Item = Record<string, AttributeValue>;

export const str = (value: string): AttributeValue => ({ S: value });
export const num = (value: number): AttributeValue => ({ N: String(value) });

export function stringAttr(item: Item | undefined, name: string): string | undefined {
  const value = item?.[name];
  return value !== undefined && 'S' in value ? value.S : undefined;
}

/** Tag names an item is indexed under: each once, and none while the item is in the trash or deleted (never listed). */
export function indexedTags(item: MediaItem): string[] {
  return isListed(item.status) ? [...new Set(item.tags.map((t) => t.name))] : [];
}

/**
 * Whether an item waits for a moderator: held (`flagged`) and not yet decided (a `rejected` item
 * stays held but leaves the queue). The review queue's index holds exactly these items.
 */
export function awaitsReview(item: MediaItem): boolean {
  return item.status === 'flagged' && item.moderation.verdict === 'flagged';
}

/** The media row's attribute holding the bytes the row counts in its owner's storage used (`usage-counter.ts`). */
export const USAGE_ATTRIBUTE = 'ub';

/**
 * The media row of an item: its JSON, with the fields that conditions and filters need beside it.
 * `counted` is what the row counts in its owner's storage used (`usage-counter.ts`); a rewrite
 * that does not move the counter passes on what the row had, and undefined leaves it out.
 */
export function mediaRow(item: MediaItem, counted?: number): Item {
  const row: Item = {
    PK: str(mediaKeys.ownerPk(item.ownerId)),
    SK: str(mediaKeys.mediaSk(item.id)),
    item: str(JSON.stringify(item)),
    kind: str(item.kind),
    status: str(item.status),
    version: num(item.version),
  };
  if (counted !== undefined) row[USAGE_ATTRIBUTE] = num(counted);
  if (item.original.sha256 !== undefined) row['sha256'] = str(item.original.sha256);
  // An upload that never completes is left to the table's TTL. Every write replaces the whole
  // row, so the write that moves the item on leaves the attribute out and the item stays.
  if (item.status === 'uploading') row[MEDIA_TTL_ATTRIBUTE] = num(Math.floor(Date.parse(item.createdAt) / 1000) + ABANDONED_UPLOAD_TTL_SECONDS);
  // The same way in and out of the review queue: the write that decides the item leaves these out.
  if (awaitsReview(item)) {
    row['GSI2PK'] = str(REVIEW_PARTITION);
    row['GSI2SK'] = str(mediaKeys.reviewSk(item.id, item.ownerId));
  }
  // Listed by date taken for as long as it is listed (an upload in flight too: the entry lives on
  // the row, so TTL takes both). In the trash, the same index lists the owner's trash instead,
  // and the review index's other partitions say when it went there, for the purge.
  if (isListed(item.status)) {
    row['GSI3PK'] = str(mediaKeys.takenPk(item.ownerId));
    row['GSI3SK'] = str(mediaKeys.takenSk(takenAtOf(item), item.id));
  } else if (item.status === 'trashed') {
    row['GSI3PK'] = str(mediaKeys.trashPk(item.ownerId));
    row['GSI3SK'] = str(mediaKeys.trashSk(item.updatedAt, item.id));
    row['GSI2PK'] = str(mediaKeys.purgePk(item.updatedAt));
    row['GSI2SK'] = str(mediaKeys.purgeSk(item.updatedAt, item.id, item.ownerId));
  }
  return row;
}

export function fromItem(item: Item): MediaItem {
  const json = stringAttr(item, 'item');
  if (json === undefined) throw new StorageError(`media row ${stringAttr(item, 'SK') ?? '?'} has no item attribute`);
  // Written only by the repository from a typed MediaItem, so it is read back without re-validating.
  return JSON.parse(json) as MediaItem;
}
