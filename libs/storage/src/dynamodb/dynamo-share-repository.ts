import {
  DeleteItemCommand,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  ConflictError,
  NotFoundError,
  Sha256Schema,
  UlidSchema,
  ValidationError,
  type ShareLink,
  type ShareLinkRepository,
  type ShareTarget,
} from '@mediaflow/domain';
import type { z } from 'zod';
import { awsErrorName } from '../aws-errors.js';
import { StorageError } from '../errors.js';
import { checkOwner } from './checks.js';
import { createDynamoClient, DynamoMediaRepositoryConfigSchema } from './config.js';
import { batchGetRows } from './list-queries.js';
import { num, str, stringAttr, type Item } from './media-row.js';
import { mediaKeys, OWNER_TAGS_INDEX } from './table.js';
import { cancellationCodes } from './write-actions.js';

/**
 * Where the share links live: the media table (single-table design).
 *
 * @example
 * const shares = new DynamoShareLinkRepository(DynamoShareLinkRepositoryConfigSchema.parse({ tableName: env.MEDIA_TABLE }));
 */
export const DynamoShareLinkRepositoryConfigSchema = DynamoMediaRepositoryConfigSchema.pick({ tableName: true, region: true, endpoint: true, credentials: true });
export type DynamoShareLinkRepositoryConfig = z.infer<typeof DynamoShareLinkRepositoryConfigSchema>;
export type DynamoShareLinkRepositoryConfigInput = z.input<typeof DynamoShareLinkRepositoryConfigSchema>;

/**
 * The partition key looked up for a token hash that is no SHA-256: no link can be stored there (a
 * stored link's hash is checked), so a malformed token costs one read, as a wrong one does.
 */
const NO_LINK_HASH = 'none';

/**
 * Index entries read per request of a target's listing: one BatchGetItem (at most 100 keys)
 * fetches the rows of each page.
 */
const TARGET_PAGE = 100;

function targetId(target: ShareTarget): string {
  return target.type === 'media' ? target.mediaId : target.albumId;
}

function sameTarget(a: ShareTarget, b: ShareTarget): boolean {
  return a.type === b.type && targetId(a) === targetId(b);
}

/**
 * The owner's row's entry in {@link OWNER_TAGS_INDEX}, under its target: what a listing of one
 * target reads. Only the owner's row carries it (a lookup row would list the link twice). Links
 * are new in this release, so every owner's row has been written with these keys: there is no
 * older data without them to backfill.
 */
function ownerIndexKeys(link: ShareLink): Item {
  return {
    GSI1PK: str(mediaKeys.ownerSharesPk(link.ownerId, link.target.type, targetId(link.target))),
    GSI1SK: str(mediaKeys.ownerShareSk(link.id)),
  };
}

/**
 * What both rows of a link hold: the link as JSON, less `lastOpenedAt`, which visits write on
 * their own (`touchShare`), and beside it the fields that keys, conditions and filters need.
 */
function linkAttributes(link: ShareLink): Item {
  const { lastOpenedAt: _visit, ...fields } = link;
  return {
    link: str(JSON.stringify(fields)),
    version: num(link.version),
    id: str(link.id),
    ownerId: str(link.ownerId),
    tokenHash: str(link.tokenHash),
    targetType: str(link.target.type),
    targetId: str(targetId(link.target)),
  };
}

function fromRow(row: Item): ShareLink {
  const json = stringAttr(row, 'link');
  if (json === undefined) throw new StorageError(`share row ${stringAttr(row, 'SK') ?? '?'} has no link attribute`);
  // Written only by the repository from a typed ShareLink, so it is read back without re-validating.
  const link = JSON.parse(json) as ShareLink;
  const lastOpenedAt = stringAttr(row, 'lastOpenedAt');
  return lastOpenedAt === undefined ? link : { ...link, lastOpenedAt };
}

/**
 * The `ShareLinkRepository` on the media table (single-table design). Each link is two rows with
 * the same content, written together in one transaction:
 *
 * | row     | PK                 | SK                | other attributes |
 * | ------- | ------------------ | ----------------- | ---------------- |
 * | lookup  | `SHARE#{tokenHash}`| `SHARE`           | `link` (JSON), `version`, `id`, `ownerId`, `tokenHash`, `targetType`, `targetId`, `lastOpenedAt` |
 * | owner's | `OWNER#{owner}`    | `SHARELINK#{id}`  | the same, and `GSI1PK` `OWNER#{owner}#SHARES#{targetType}#{targetId}`, `GSI1SK` `SHARELINK#{id}` |
 *
 * - A visitor's request is one GetItem of the lookup row (strongly consistent, so a revoked link
 *   stops working at once), whether the hash exists or not; a malformed hash reads a key no link
 *   can have. Nothing a visitor sends is a prefix or a range: there is nothing to enumerate.
 * - The owner's rows list newest first (`begins_with(SK, 'SHARELINK#')`, ULIDs, `Limit`). The
 *   links of one target list from their own partition of the keys-only index `GSI1` (newest
 *   first, `Limit`), whose entries name the owner's rows, fetched by one BatchGetItem (strongly
 *   consistent) per page of up to 100: the listing reads that target's links and no other. The
 *   index trails the table by a moment, so a link deleted (or moved to another target) since is
 *   left out, and the listing reads on until `limit` links or the end of the partition.
 * - `createShare` puts both rows with `attribute_not_exists` (a taken hash or id is a
 *   `ConflictError`). `updateShare` reads the owner's row (for the stored token hash and visit),
 *   then updates both rows in one transaction on condition of `version`, writing the owner's row's
 *   index keys again (the target is part of the link). A new token hash moves the lookup: the old
 *   row is deleted and the new one put with `attribute_not_exists`, so a hash another link holds
 *   is a `ConflictError`. The update leaves `lastOpenedAt` alone.
 * - A refused update whose owner's row is still at the expected version but whose lookup row is
 *   gone meets a `deleteShare` that stopped between its two deletes: the link opens no more, and
 *   no update can succeed (each is conditioned on the lookup row). The update finishes that
 *   delete (removes the owner's row, on condition of the version it saw) and throws
 *   `NotFoundError`, as after a completed delete, so revoking the link (and with it deleting its
 *   item or album) goes on.
 * - `touchShare` sets `lastOpenedAt` on the owner's row (one UpdateItem, which returns the token
 *   hash) and then on the lookup row (a second one), each only forward (`lastOpenedAt < :at`) and
 *   only on a link still there: no version check or bump, and no transaction, because a visit is
 *   a counter and not an edit. Both rows are written because a visitor's request reads the lookup
 *   row, and the service decides from it whether a minute has passed since the last write.
 * - `deleteShare` reads the owner's row for the hash, deletes the lookup row first (the link stops
 *   opening) and then the owner's row, so an interruption leaves a link the owner still sees and
 *   can delete again, never one that opens without its owner knowing. `getShare` and `listShares`
 *   still return such a link (not revoked, but no longer opening): leaving it out would need its
 *   lookup row beside every owner's row read, a second GetItem per `getShare` and a second
 *   BatchGetItem per listing page, on every call, for a state only an interrupted delete leaves
 *   and which the owner's next delete or revocation clears.
 *
 * Cost per call in on-demand units (a link is under 1 KB):
 * - `getShareByTokenHash`, `getShare`: 1 read unit (strongly consistent), whether found or not.
 * - `listShares`: half a read unit per 4 KB read, so about 1 unit for 10 links. Of one target:
 *   the index page (keys only, about 150 bytes an entry: half a read unit for up to 25 links),
 *   plus 1 read unit per link fetched (a strongly consistent BatchGetItem rounds each row up to
 *   4 KB), so about 11 units for 10 links, whatever the owner's other links.
 * - `createShare`: 5 write units (two rows in a transaction, billed twice, and the owner's row's
 *   index entry). `updateShare`: 1 read unit and 4 write units (6 when the token changes: three
 *   rows; 2 more for the index when the target changes). Finishing an interrupted delete adds 1
 *   read unit (the lookup row) and 2 write units (the owner's row and its index entry).
 * - `touchShare`: 2 write units (1 when a later visit is already recorded); the index entry is
 *   not written. `deleteShare`: 1 read unit and 3 write units (the owner's row's index entry goes
 *   with it).
 *
 * @example
 * const shares = new DynamoShareLinkRepository({ tableName: env.MEDIA_TABLE, region: env.AWS_REGION });
 * const link = await shares.getShareByTokenHash(sha256Hex(token));
 */
export class DynamoShareLinkRepository implements ShareLinkRepository {
  readonly config: DynamoShareLinkRepositoryConfig;
  private readonly client: DynamoDBClient;

  constructor(config: DynamoShareLinkRepositoryConfigInput, dependencies: { client?: DynamoDBClient } = {}) {
    this.config = DynamoShareLinkRepositoryConfigSchema.parse(config);
    this.client = dependencies.client ?? createDynamoClient(this.config);
  }

  private get table(): string {
    return this.config.tableName;
  }

  private lookupKey(tokenHash: string): Item {
    return { PK: str(mediaKeys.sharePk(tokenHash)), SK: str(mediaKeys.shareSk) };
  }

  private ownerKey(ownerId: string, shareId: string): Item {
    return { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.ownerShareSk(shareId)) };
  }

  private check(link: ShareLink): void {
    checkOwner(link.ownerId);
    if (!UlidSchema.safeParse(link.id).success) throw new ValidationError('invalid share id', [{ path: 'id', message: 'must be a ULID' }]);
    if (!Sha256Schema.safeParse(link.tokenHash).success) throw new ValidationError('invalid token hash', [{ path: 'tokenHash', message: 'must be a SHA-256' }]);
  }

  async createShare(link: ShareLink): Promise<ShareLink> {
    this.check(link);
    if (link.version !== 1) throw new ValidationError('a new link starts at version 1');
    const attributes = linkAttributes(link);
    if (link.lastOpenedAt !== undefined) attributes['lastOpenedAt'] = str(link.lastOpenedAt);
    const actions: TransactWriteItem[] = [
      { Put: { TableName: this.table, Item: { ...this.lookupKey(link.tokenHash), ...attributes }, ConditionExpression: 'attribute_not_exists(PK)' } },
      { Put: { TableName: this.table, Item: { ...this.ownerKey(link.ownerId, link.id), ...attributes, ...ownerIndexKeys(link) }, ConditionExpression: 'attribute_not_exists(PK)' } },
    ];
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: actions }));
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') throw new ConflictError('a link with this token already exists', { cause: error });
      if (codes?.[1] === 'ConditionalCheckFailed') throw new ConflictError(`link ${link.id} already exists`, { cause: error });
      if (codes !== undefined) throw new ConflictError(`creating link ${link.id} was cancelled (${codes.join(', ')})`, { cause: error });
      throw error;
    }
    return structuredClone(link);
  }

  async getShareByTokenHash(tokenHash: string): Promise<ShareLink | undefined> {
    return this.readLookupRow(Sha256Schema.safeParse(tokenHash).success ? tokenHash : NO_LINK_HASH);
  }

  private async readLookupRow(tokenHash: string): Promise<ShareLink | undefined> {
    const { Item: row } = await this.client.send(new GetItemCommand({ TableName: this.table, Key: this.lookupKey(tokenHash), ConsistentRead: true }));
    return row === undefined ? undefined : fromRow(row);
  }

  private async readOwnerRow(ownerId: string, shareId: string): Promise<ShareLink | undefined> {
    const { Item: row } = await this.client.send(new GetItemCommand({ TableName: this.table, Key: this.ownerKey(ownerId, shareId), ConsistentRead: true }));
    return row === undefined ? undefined : fromRow(row);
  }

  async getShare(ownerId: string, shareId: string): Promise<ShareLink | undefined> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(shareId).success) return undefined;
    return this.readOwnerRow(ownerId, shareId);
  }

  async listShares(ownerId: string, options: { target?: ShareTarget; limit: number }): Promise<ShareLink[]> {
    checkOwner(ownerId);
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new ValidationError('limit must be a positive integer', [{ path: 'limit', message: 'invalid' }]);
    if (options.target !== undefined) return this.listTarget(ownerId, options.target, options.limit);
    const links: ShareLink[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :link)',
          ExpressionAttributeValues: { ':pk': str(mediaKeys.ownerPk(ownerId)), ':link': str('SHARELINK#') },
          // A link just deleted is never listed again (deleting an account reads the first page
          // after each page of deletes), nor one just created left out: a few links, a few RCUs.
          ConsistentRead: true,
          ScanIndexForward: false,
          // Every row read is returned: read no more than the page (a second request only when
          // the page is more than a 1 MB response holds).
          Limit: options.limit - links.length,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      links.push(...(page.Items ?? []).map(fromRow));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && links.length < options.limit);
    return links;
  }

  /** The owner's links to one target, newest first: their partition of the index, and their rows. */
  private async listTarget(ownerId: string, target: ShareTarget, limit: number): Promise<ShareLink[]> {
    const pk = str(mediaKeys.ownerSharesPk(ownerId, target.type, targetId(target)));
    const links: ShareLink[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: OWNER_TAGS_INDEX,
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ScanIndexForward: false,
          Limit: Math.min(TARGET_PAGE, limit - links.length),
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const keys = (page.Items ?? []).flatMap(({ PK, SK }) => (PK === undefined || SK === undefined ? [] : [{ PK, SK }]));
      const rows = keys.length === 0 ? [] : await batchGetRows(this.client, this.table, keys, { consistent: true });
      const bySk = new Map(rows.map((row) => [stringAttr(row, 'SK'), fromRow(row)]));
      for (const key of keys) {
        const link = bySk.get(stringAttr(key, 'SK'));
        // Missing or elsewhere: deleted, or moved to another target, since the index was written.
        if (link !== undefined && sameTarget(link.target, target)) links.push(link);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && links.length < limit);
    return links;
  }

  async updateShare(next: ShareLink, expectedVersion: number): Promise<ShareLink> {
    this.check(next);
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    // Read first: the stored token hash names the lookup row, and the stored visit is kept.
    const current = await this.readOwnerRow(next.ownerId, next.id);
    if (current === undefined) throw new NotFoundError(`link ${next.id} not found`);
    if (current.version !== expectedVersion) throw this.changed(next, current.version, expectedVersion);
    const stored: ShareLink = structuredClone(next);
    if (current.lastOpenedAt === undefined) delete stored.lastOpenedAt;
    else stored.lastOpenedAt = current.lastOpenedAt;

    const attributes = linkAttributes(stored);
    // `lastOpenedAt` is left as it is: a visit recorded since the read is not undone.
    const update = (key: Item, extra: Item = {}): TransactWriteItem => {
      const names: Record<string, string> = {};
      const values: Item = { ':expected': num(expectedVersion), ':storedHash': str(current.tokenHash) };
      const sets: string[] = [];
      for (const [name, value] of Object.entries({ ...attributes, ...extra })) {
        names[`#${name}`] = name;
        values[`:${name}`] = value;
        sets.push(`#${name} = :${name}`);
      }
      return {
        Update: {
          TableName: this.table,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#version = :expected AND #id = :id AND #tokenHash = :storedHash',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    };
    // Only the owner's row carries the index keys, written again in case the target changed.
    const actions: TransactWriteItem[] = [update(this.ownerKey(next.ownerId, next.id), ownerIndexKeys(stored))];
    const rekeyed = next.tokenHash !== current.tokenHash;
    if (!rekeyed) {
      actions.push(update(this.lookupKey(next.tokenHash)));
    } else {
      // A new token: the old lookup row goes, a new one (which no other link may hold) comes.
      actions.push(
        {
          Delete: {
            TableName: this.table,
            Key: this.lookupKey(current.tokenHash),
            ConditionExpression: '#version = :expected AND #id = :id',
            ExpressionAttributeNames: { '#version': 'version', '#id': 'id' },
            ExpressionAttributeValues: { ':expected': num(expectedVersion), ':id': str(next.id) },
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: { ...this.lookupKey(next.tokenHash), ...attributes, ...(stored.lastOpenedAt === undefined ? {} : { lastOpenedAt: str(stored.lastOpenedAt) }) },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      );
    }
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: actions }));
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (rekeyed && codes[2] === 'ConditionalCheckFailed') throw new ConflictError('another link has this token', { cause: error });
      const [now, lookup] = await Promise.all([
        this.readOwnerRow(next.ownerId, next.id),
        // Action 1 is the (old) lookup row's: refused, it may be gone.
        codes[1] === 'ConditionalCheckFailed' ? this.readLookupRow(current.tokenHash) : Promise.resolve(current),
      ]);
      if (now === undefined) throw new NotFoundError(`link ${next.id} not found`, { cause: error });
      if (now.version === expectedVersion && now.tokenHash === current.tokenHash && (lookup === undefined || lookup.id !== next.id)) {
        await this.finishDelete(now, error);
        throw new NotFoundError(`link ${next.id} not found`, { cause: error });
      }
      throw this.changed(next, now.version, expectedVersion, error);
    }
    return stored;
  }

  /**
   * Removes the owner's row of a link whose lookup row is gone (a `deleteShare` that stopped
   * between its deletes), on condition that it is still the row as read. A row changed or gone
   * meanwhile is reported as such.
   */
  private async finishDelete(seen: ShareLink, cause: unknown): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: this.ownerKey(seen.ownerId, seen.id),
          ConditionExpression: '#version = :seen AND #tokenHash = :hash',
          ExpressionAttributeNames: { '#version': 'version', '#tokenHash': 'tokenHash' },
          ExpressionAttributeValues: { ':seen': num(seen.version), ':hash': str(seen.tokenHash) },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
      const now = await this.readOwnerRow(seen.ownerId, seen.id);
      if (now !== undefined) throw this.changed(seen, now.version, seen.version, cause);
    }
  }

  private changed(next: ShareLink, currentVersion: number, expectedVersion: number, cause?: unknown): ConflictError {
    return new ConflictError(`link ${next.id} changed (version ${currentVersion}, expected ${expectedVersion})`, {
      ...(cause === undefined ? {} : { cause }),
      details: { currentVersion },
    });
  }

  async touchShare(ownerId: string, shareId: string, at: Date): Promise<void> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(shareId).success) return;
    const visit = str(at.toISOString());
    let tokenHash: string | undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: this.ownerKey(ownerId, shareId),
          UpdateExpression: 'SET lastOpenedAt = :at',
          // Only forward: a late request with an older visit changes nothing.
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(lastOpenedAt) OR lastOpenedAt < :at)',
          ExpressionAttributeValues: { ':at': visit },
          ReturnValues: 'ALL_NEW',
        }),
      );
      tokenHash = stringAttr(Attributes, 'tokenHash');
    } catch (error) {
      // A missing link has no visits to record, and a later visit is recorded already.
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return;
      throw error;
    }
    if (tokenHash === undefined) throw new StorageError(`share row ${shareId} has no token hash`);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: this.lookupKey(tokenHash),
          UpdateExpression: 'SET lastOpenedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND id = :id AND (attribute_not_exists(lastOpenedAt) OR lastOpenedAt < :at)',
          ExpressionAttributeValues: { ':at': visit, ':id': str(shareId) },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async deleteShare(ownerId: string, shareId: string): Promise<void> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(shareId).success) return;
    const current = await this.readOwnerRow(ownerId, shareId);
    if (current === undefined) return;
    await this.client.send(
      new DeleteItemCommand({
        TableName: this.table,
        Key: this.lookupKey(current.tokenHash),
        // Only this link's lookup row (hashes are unique, but a key is not a proof).
        ConditionExpression: 'attribute_not_exists(PK) OR id = :id',
        ExpressionAttributeValues: { ':id': str(shareId) },
      }),
    );
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: this.ownerKey(ownerId, shareId) }));
  }
}
