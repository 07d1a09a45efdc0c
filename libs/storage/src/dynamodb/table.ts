import {
  CreateTableCommand,
  DescribeTableCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { StorageError } from '../errors.js';

/**
 * Name of the sparse index keyed by owner: tag index items (what `tagCounts` reads, partition
 * `OWNER#{owner}#TAGS`) and share links' owner rows (what `listShares` of one target reads,
 * partition `OWNER#{owner}#SHARES#{type}#{targetId}`). The partitions never meet, so neither read
 * sees the other's entries.
 */
export const OWNER_TAGS_INDEX = 'GSI1';

/**
 * Name of the sparse index of items held for review, across owners: what `listForReview` reads.
 * Only media rows of items `flagged` with a `flagged` verdict carry its key attributes.
 */
export const REVIEW_INDEX = 'GSI2';

/** The one partition key of {@link REVIEW_INDEX}. */
export const REVIEW_PARTITION = 'REVIEW';

/**
 * Name of the sparse index of an owner's listed items by date taken: what a search without words
 * pages through, either way. Only media rows of items not `deleted` carry its key attributes
 * (`GSI3PK` `OWNER#{owner}`, `GSI3SK` `{takenAt}#{mediaId}`), and it carries `kind` and `status` so
 * that those filters are applied to its small entries instead of to whole items.
 */
export const SEARCH_INDEX = 'GSI3';

/**
 * The media table's indexes in the order releases added them. CloudFormation adds (or removes)
 * one global secondary index per stack update, so a table deployed before several of them gains
 * them in this order, one deployment each (`MediaData`'s `indexesUpTo`).
 */
export const INDEX_RELEASE_ORDER: readonly string[] = [OWNER_TAGS_INDEX, REVIEW_INDEX, SEARCH_INDEX];

/**
 * The `dynamodb:LeadingKeys` pattern of the timeline's month counters and of nothing else: owner
 * ids, tag names and album ids cannot end a partition key in `#MONTHS` (owner ids have no `#`, tags
 * are lower case, album ids are ULIDs), so a role may be allowed to update these counters only.
 */
export const MONTH_COUNTERS_LEADING_KEY = 'OWNER#*#MONTHS';

/**
 * The same for an owner's storage-used counters (`usage-counter.ts`): no partition key of anything
 * else ends in `#USAGE` (tags are lower case; album and share target ids are ULIDs, which have no `U`).
 */
export const USAGE_COUNTERS_LEADING_KEY = 'OWNER#*#USAGE';

/**
 * The media table's time-to-live attribute (epoch seconds). Only items still `uploading` carry it:
 * an upload nobody finished is removed by DynamoDB, and the first write after its object arrives
 * (status `uploaded`) drops the attribute, so a live item never expires.
 */
export const MEDIA_TTL_ATTRIBUTE = 'expiresAt';

/**
 * How long an `uploading` item lives before DynamoDB may remove it: presigned URLs live at most
 * seven days (SigV4's limit), and one more day covers an upload that finished at the last moment
 * and is still queued for ingest.
 */
export const ABANDONED_UPLOAD_TTL_SECONDS = 8 * 24 * 3600;

/** The parts of CreateTable's input that define the media table. */
export interface MediaTableDefinition {
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: AttributeDefinition[];
  GlobalSecondaryIndexes: GlobalSecondaryIndex[];
  BillingMode: 'PAY_PER_REQUEST';
}

/**
 * The media table as data, shaped like CreateTable's input, so tests create it with
 * {@link createMediaTable} and infrastructure (CDK) declares the same keys and index from here.
 *
 * - `PK`/`SK` (strings): the single-table keys (see {@link mediaKeys}).
 * - `GSI1` (`GSI1PK`/`GSI1SK`, keys only): only tag index items and share links' owner rows
 *   carry these attributes, so the index holds one small entry per (item, tag) of listed items
 *   (under `OWNER#{owner}#TAGS`) and one per share link (under its target's
 *   `OWNER#{owner}#SHARES#{type}#{targetId}`, sorted by `SHARELINK#{id}`), and nothing else.
 * - `GSI2` (`GSI2PK`/`GSI2SK`, keys only): only media rows awaiting a moderator carry these
 *   attributes (`REVIEW`, `{mediaId}#{ownerId}`), so the index is the review queue in id order.
 *   One partition: flagged items are a trickle (a GSI partition takes 1,000 writes a second), and
 *   one partition is what lets the queue be read oldest first across owners. Keys only because
 *   the page's rows are fetched from the table anyway, strongly consistent and in their latest
 *   state; the base keys are all a BatchGetItem needs.
 * - `GSI3` (`GSI3PK`/`GSI3SK`, keys plus `kind` and `status`): only media rows of items not
 *   `deleted` carry these attributes (`OWNER#{owner}`, `{takenAt}#{mediaId}`), so the index is each
 *   owner's library in date-taken order. `kind` and `status` ride along so that a filtered page
 *   reads small index entries (about 120 bytes) rather than whole items; the price is an index
 *   write (about 1 unit) whenever an item's status changes, besides the one its date or deletion
 *   causes.
 *
 * On demand (PAY_PER_REQUEST); point-in-time recovery and deletion protection are the
 * infrastructure's to switch on.
 */
export const MEDIA_TABLE: MediaTableDefinition = {
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
    { AttributeName: 'GSI1PK', AttributeType: 'S' },
    { AttributeName: 'GSI1SK', AttributeType: 'S' },
    { AttributeName: 'GSI2PK', AttributeType: 'S' },
    { AttributeName: 'GSI2SK', AttributeType: 'S' },
    { AttributeName: 'GSI3PK', AttributeType: 'S' },
    { AttributeName: 'GSI3SK', AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: OWNER_TAGS_INDEX,
      KeySchema: [
        { AttributeName: 'GSI1PK', KeyType: 'HASH' },
        { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: REVIEW_INDEX,
      KeySchema: [
        { AttributeName: 'GSI2PK', KeyType: 'HASH' },
        { AttributeName: 'GSI2SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: SEARCH_INDEX,
      KeySchema: [
        { AttributeName: 'GSI3PK', KeyType: 'HASH' },
        { AttributeName: 'GSI3SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['kind', 'status'] },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

/**
 * The partition keys of rate-limit counters start with this, and no other key does: a role may be
 * allowed to update these items only (`dynamodb:LeadingKeys`).
 */
export const RATE_KEY_PREFIX = 'RATE#';

/**
 * The keys of the single-table design (DESIGN.md, "Keys and data"). Owner ids, tag names, ULIDs
 * and hashes cannot contain `#` (their schemas forbid it), so no two kinds of key can collide.
 * The owner's partition (`OWNER#{owner}`) holds media rows (`MEDIA#`), hash claims (`SHA256#`),
 * albums (`ALBUM#`), membership back-references (`MEMBER#`) and share links (`SHARELINK#`); every
 * read of it names its prefix.
 */
export const mediaKeys = {
  ownerPk: (ownerId: string): string => `OWNER#${ownerId}`,
  mediaSk: (id: string): string => `MEDIA#${id}`,
  hashSk: (sha256: string): string => `SHA256#${sha256}`,
  tagPk: (ownerId: string, tag: string): string => `OWNER#${ownerId}#TAG#${tag}`,
  ownerTagsPk: (ownerId: string): string => `OWNER#${ownerId}#TAGS`,
  ownerTagSk: (tag: string, id: string): string => `TAG#${tag}#MEDIA#${id}`,
  /** One caller's request count in one window of time (`DynamoRateLimiter`); the window is a number, last. */
  ratePk: (caller: string, window: number): string => `${RATE_KEY_PREFIX}${caller}#${window}`,
  rateSk: 'RATE',
  /** The review queue's index key of an item held for review ({@link REVIEW_INDEX}). */
  reviewSk: (id: string, ownerId: string): string => `${id}#${ownerId}`,
  /** An album row, in its owner's partition: `listAlbums` reads these newest first. */
  albumSk: (albumId: string): string => `ALBUM#${albumId}`,
  /** The partition of one album's member rows, sorted by date taken. */
  albumMembersPk: (ownerId: string, albumId: string): string => `OWNER#${ownerId}#ALBUM#${albumId}`,
  /** A member row: `takenKey` is the date taken as UTC `toISOString()`, so the keys sort by time. */
  albumMemberSk: (takenKey: string, mediaId: string): string => `AT#${takenKey}#${mediaId}`,
  /** The back-reference from an item to one album that holds it (`albumsOf`, `forgetMedia`). */
  memberOfSk: (mediaId: string, albumId: string): string => `MEMBER#${mediaId}#${albumId}`,
  /** The row a visitor's token opens, by the token's SHA-256. */
  sharePk: (tokenHash: string): string => `SHARE#${tokenHash}`,
  shareSk: 'SHARE',
  /** A share link in its owner's partition, for listing and managing (ids are ULIDs: newest last). */
  ownerShareSk: (shareId: string): string => `SHARELINK#${shareId}`,
  /**
   * The {@link OWNER_TAGS_INDEX} partition of an owner's links to one target (type `media` or
   * `album`, and the target's id); their sort key there is {@link mediaKeys.ownerShareSk}.
   */
  ownerSharesPk: (ownerId: string, targetType: string, targetId: string): string => `OWNER#${ownerId}#SHARES#${targetType}#${targetId}`,
  /** The {@link SEARCH_INDEX} partition of an owner's trash (a trashed item is in no listing). */
  trashPk: (ownerId: string): string => `TRASH#${ownerId}`,
  /** The {@link SEARCH_INDEX} sort key of a trashed item: when it went to the trash (`updatedAt`), then its id. */
  trashSk: (trashedAt: string, mediaId: string): string => `${trashedAt}#${mediaId}`,
  /**
   * The {@link REVIEW_INDEX} partition of the items that went to the trash on one UTC day, across
   * owners: what the scheduled purge reads, a day at a time, once their retention is over.
   */
  purgePk: (trashedAt: string): string => `PURGE#${trashedAt.slice(0, 10)}`,
  purgeSk: (trashedAt: string, mediaId: string, ownerId: string): string => `${trashedAt}#${mediaId}#${ownerId}`,
  /** The {@link SEARCH_INDEX} partition of an owner's listed items. */
  takenPk: (ownerId: string): string => `OWNER#${ownerId}`,
  /** The {@link SEARCH_INDEX} sort key of an item: its date taken in UTC `toISOString()` form, then its id. */
  takenSk: (takenAt: string, mediaId: string): string => `${takenAt}#${mediaId}`,
  /**
   * The partition of an owner's search postings for words starting with the same two characters
   * (a shorter word is its own partition): a typed prefix of two or more characters lies in one.
   * Characters are code points, never UTF-16 units: a cut inside a surrogate pair (`a𠀀`) would
   * leave half a character in the key.
   */
  searchPk: (ownerId: string, word: string): string => `SEARCH#${ownerId}#${leadingCharacters(word, 2)}`,
  /**
   * A posting: one word of one item. Words are letters and digits only, so `{word}#` begins
   * exactly that word's postings, which then run in date-taken order.
   */
  postingSk: (word: string, takenAt: string, mediaId: string): string => `${word}#${takenAt}#${mediaId}`,
  /** The partition of an owner's month counters (the timeline); see {@link MONTH_COUNTERS_LEADING_KEY}. */
  monthsPk: (ownerId: string): string => `OWNER#${ownerId}#MONTHS`,
  /** One shard of one month's counter (`YYYY-MM`); an item always counts in the same shard. */
  monthSk: (month: string, shard: number): string => `MONTH#${month}#${shard}`,
  /** The partition of an owner's storage-used counters (quotas); see `usage-counter.ts`. */
  usagePk: (ownerId: string): string => `OWNER#${ownerId}#USAGE`,
  /** One shard of the owner's storage-used counter; an item always counts in the same shard. */
  usageSk: (shard: number): string => `SHARD#${shard}`,
} as const;

/** The first `count` characters (code points) of a word. */
function leadingCharacters(word: string, count: number): string {
  return Array.from(word).slice(0, count).join('');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The media table's definition with its indexes up to `upTo` in {@link INDEX_RELEASE_ORDER} (all
 * when absent), and only the attribute definitions those keys use, as the infrastructure declares
 * a table part way through a rollout (`-c tableIndexesUpTo`).
 */
function mediaTableUpTo(upTo: string | undefined): MediaTableDefinition {
  if (upTo === undefined) return MEDIA_TABLE;
  const last = INDEX_RELEASE_ORDER.indexOf(upTo);
  if (last < 0) throw new StorageError(`the media table has no index ${upTo}`);
  const indexes = MEDIA_TABLE.GlobalSecondaryIndexes.filter((index) => {
    const position = INDEX_RELEASE_ORDER.indexOf(index.IndexName ?? '');
    return position >= 0 && position <= last;
  });
  // DynamoDB refuses attribute definitions that no key uses.
  const keys = new Set([...MEDIA_TABLE.KeySchema, ...indexes.flatMap((index) => index.KeySchema ?? [])].map((key) => key.AttributeName));
  return { ...MEDIA_TABLE, GlobalSecondaryIndexes: indexes, AttributeDefinitions: MEDIA_TABLE.AttributeDefinitions.filter((a) => keys.has(a.AttributeName)) };
}

/**
 * Creates the media table (on demand, with its indexes) and resolves when it is ACTIVE. For tests
 * and local tooling; deployed tables come from the infrastructure. `indexesUpTo` leaves out the
 * indexes released after the one it names, as on a table part way through a rollout.
 *
 * @example
 * await createMediaTable(client, `media-test-${randomUUID()}`);
 * await createMediaTable(client, 'before-search', { indexesUpTo: REVIEW_INDEX });
 */
export async function createMediaTable(
  client: DynamoDBClient,
  tableName: string,
  options: { pollMs?: number; maxWaitMs?: number; indexesUpTo?: string } = {},
): Promise<void> {
  const pollMs = options.pollMs ?? 20;
  const deadline = Date.now() + (options.maxWaitMs ?? 120_000);
  const table = mediaTableUpTo(options.indexesUpTo);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: table.KeySchema,
      AttributeDefinitions: table.AttributeDefinitions,
      GlobalSecondaryIndexes: table.GlobalSecondaryIndexes,
      BillingMode: table.BillingMode,
    }),
  );
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesReady) return;
    if (Date.now() > deadline) throw new StorageError(`table ${tableName} did not become active`);
    await sleep(pollMs);
  }
}
