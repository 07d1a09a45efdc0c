import {
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  ConflictError,
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  NotFoundError,
  OwnerIdSchema,
  UlidSchema,
  ValidationError,
  type CursorBinding,
  type ListQuery,
  type MediaItem,
  type MediaRepository,
  type Page,
  type ReviewQueue,
  type TagCount,
} from '@mediaflow/domain';
import { checkItem, checkOwner } from './checks.js';
import {
  createDynamoClient,
  DynamoMediaRepositoryConfigSchema,
  type DynamoMediaRepositoryConfig,
  type DynamoMediaRepositoryConfigInput,
} from './config.js';
import { countTags, readReviewPage, scanOwner, scanTag, type ListTarget } from './list-queries.js';
import { fromItem, indexedTags, mediaRow, num, str, stringAttr } from './media-row.js';
import { mediaKeys } from './table.js';
import { awsErrorName } from '../aws-errors.js';
import { cancellationCodes, claimDelete, claimPut, MAX_TRANSACTION_ACTIONS, mediaDelete, newClaimPut, tagChanges, tagDelete, tagPut } from './write-actions.js';

export { MAX_TRANSACTION_ACTIONS };

/** What review-queue cursors are bound to: the queue is one list across owners. */
const REVIEW_BINDING: CursorBinding = { ownerId: '', scope: 'review-queue' };

/** A review cursor's position, `{mediaId}#{ownerId}` (the index sort key), taken apart and checked. */
function reviewPosition(after: string): { mediaId: string; ownerId: string } {
  const [mediaId = '', ownerId = '', ...rest] = after.split('#');
  if (rest.length > 0 || !UlidSchema.safeParse(mediaId).success || !OwnerIdSchema.safeParse(ownerId).success) {
    throw new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);
  }
  return { mediaId, ownerId };
}

/**
 * The `MediaRepository` on one DynamoDB table (the single-table design of DESIGN.md):
 *
 * | item            | PK                        | SK               | other attributes                            |
 * | --------------- | ------------------------- | ---------------- | ------------------------------------------- |
 * | media item      | `OWNER#{owner}`           | `MEDIA#{id}`     | `item` (the MediaItem as JSON), `kind`, `status`, `version`, `sha256`, `expiresAt` while `uploading` |
 * | hash claim      | `OWNER#{owner}`           | `SHA256#{hash}`  | `mediaId`                                   |
 * | tag index entry | `OWNER#{owner}#TAG#{tag}` | `MEDIA#{id}`     | `GSI1PK` `OWNER#{owner}#TAGS`, `GSI1SK` `TAG#{tag}#MEDIA#{id}` |
 *
 * A media row awaiting review (status and verdict `flagged`) also carries `GSI2PK` `REVIEW` and
 * `GSI2SK` `{id}#{owner}`: the sparse, keys-only review index. Every write replaces the whole row,
 * so the write that decides the item (or deletes it) takes it out of the queue by leaving them off.
 *
 * The item is one JSON string, with the fields that conditions and filters need copied beside it:
 * every write replaces the whole item under a version condition anyway, so attribute-level
 * updates would buy nothing, and the JSON round-trips a `MediaItem` exactly (optional fields,
 * nesting, numbers) while the schema evolves without touching the table.
 *
 * - `create` is one TransactWriteItems: the item (`attribute_not_exists`), the hash claim
 *   (`attribute_not_exists`) and the tag entries. A refused claim is reported with the holder's id.
 *   An item with neither hash nor tags is a single conditional PutItem (half the write cost).
 * - `update` reads the stored item (for its tags and hash), then writes conditionally on
 *   `version`: one PutItem when tags and hash are unchanged (most updates: status, progress,
 *   renditions), otherwise a transaction that also moves the hash claim and adds or removes only
 *   the tag entries that changed. Deleted items keep no tag entries.
 * - `list` queries the owner's partition newest first (`ScanIndexForward: false`; ULIDs sort by
 *   time) with a FilterExpression for kind and status, repeating until the page is full, the
 *   partition ends or `maxQueriesPerList` is reached. By tag it queries the tag's partition and
 *   fetches the items with BatchGetItem, keeping the index order.
 * - Cursors are the domain's `encodeCursor`, bound to the owner and filters, and carry only the
 *   last media id: the start key is rebuilt from the caller's owner and that id, never taken from
 *   the client.
 * - `tagCounts` reads the owner's entries of the keys-only `GSI1` index (eventually consistent:
 *   a count may trail a write by a moment).
 *
 * Cost per call in on-demand units, for an item of about 3 KB and tag entries of about 120 bytes
 * (a transaction bills each action twice; a tag entry also costs one GSI write):
 * - `get`: 1 read unit (strongly consistent). `findByHash`: 2.
 * - `create` without hash and tags: 3 write units; with a hash: about 8; each tag adds 3.
 * - `update`: 1 read unit, then 3 write units (one PutItem), or, when tags or hash change, about
 *   6 + 2 per hash claim moved + 3 per tag entry added or removed. Tagging an item with 10 labels
 *   is therefore about 36 write units: the tag index is most of the write bill.
 * - `list`: half a read unit per 4 KB read (eventually consistent), so about 20 for a page of 50.
 *   A kind/status filter is paid on every item read, matching or not, up to `maxQueriesPerList`
 *   requests per call; GSIs per filter would make every status change a second write instead.
 *   By tag: the index page (tiny) plus BatchGetItem, which rounds each item up to 4 KB: about 26.
 * - `tagCounts`: every entry of the owner's index, about 1 read unit per 40 tag assignments (an
 *   owner with 10,000 items of 10 tags: about 2,500 units and two dozen 1 MB requests). Cache it.
 * - `delete`: 1 read unit plus a transaction over the item, its claim and its tag entries.
 * - `listForReview`: one Query of the review index (keys only, a page of 50 fits in one read
 *   unit) and one BatchGetItem of the rows (strongly consistent, each rounded up to 4 KB: about
 *   50 units for 50 items). Putting an item into or out of the queue adds one index write (about
 *   1 unit) to the update that flags or decides it; other updates of a held item rewrite the entry
 *   only when its key changes, which it never does.
 *
 * There is no `revision`: keeping one would put a per-owner counter item into every write's
 * transaction. That turns the common single PutItem update into a transaction (twice the write
 * units) and makes every concurrent write of one owner (a bulk upload being processed) contend
 * for the same item, so transactions would be cancelled with TransactionConflict and retried.
 *
 * @example
 * const repo = new DynamoMediaRepository({ tableName: env.MEDIA_TABLE, region: env.AWS_REGION });
 * const page = await repo.list(ownerId, ListQuerySchema.parse(query));
 */
export class DynamoMediaRepository implements MediaRepository, ReviewQueue {
  readonly config: DynamoMediaRepositoryConfig;
  private readonly client: DynamoDBClient;

  constructor(config: DynamoMediaRepositoryConfigInput, dependencies: { client?: DynamoDBClient } = {}) {
    this.config = DynamoMediaRepositoryConfigSchema.parse(config);
    this.client = dependencies.client ?? createDynamoClient(this.config);
  }

  private get table(): string {
    return this.config.tableName;
  }

  private get listTarget(): ListTarget {
    return { client: this.client, table: this.table, maxQueriesPerList: this.config.maxQueriesPerList };
  }

  private async transact(actions: TransactWriteItem[]): Promise<void> {
    if (actions.length > MAX_TRANSACTION_ACTIONS) {
      throw new ValidationError(`one write may change at most ${MAX_TRANSACTION_ACTIONS - 3} tag index entries`, [
        { path: 'tags', message: 'too many tag changes at once' },
      ]);
    }
    await this.client.send(new TransactWriteItemsCommand({ TransactItems: actions }));
  }

  private async holderOf(ownerId: string, sha256: string): Promise<string | undefined> {
    const { Item: claim } = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.hashSk(sha256)) },
        ConsistentRead: true,
      }),
    );
    return stringAttr(claim, 'mediaId');
  }

  private async contentTaken(ownerId: string, sha256: string, cause: unknown): Promise<ConflictError> {
    const existingId = await this.holderOf(ownerId, sha256);
    // Without a holder the claim was released in between: still a conflict, worth a retry.
    return new ConflictError('the owner already has this content', existingId === undefined ? { cause } : { cause, details: { existingId } });
  }

  async create(item: MediaItem): Promise<MediaItem> {
    checkItem(item);
    if (item.version !== 1) throw new ValidationError('a new item starts at version 1');
    const sha256 = item.original.sha256;
    const tags = indexedTags(item);
    const put = {
      TableName: this.table,
      Item: mediaRow(item),
      ConditionExpression: 'attribute_not_exists(PK)',
    };
    if (sha256 === undefined && tags.length === 0) {
      try {
        await this.client.send(new PutItemCommand(put));
      } catch (error) {
        if (awsErrorName(error) === 'ConditionalCheckFailedException') throw new ConflictError(`item ${item.id} already exists`, { cause: error });
        throw error;
      }
      return structuredClone(item);
    }
    const actions: TransactWriteItem[] = [{ Put: put }];
    if (sha256 !== undefined) {
      actions.push(newClaimPut(this.table, item, sha256));
    }
    for (const tag of tags) actions.push(tagPut(this.table, item.ownerId, item.id, tag));
    try {
      await this.transact(actions);
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') throw new ConflictError(`item ${item.id} already exists`, { cause: error });
      if (codes?.[1] === 'ConditionalCheckFailed' && sha256 !== undefined) throw await this.contentTaken(item.ownerId, sha256, error);
      if (codes !== undefined) throw new ConflictError(`creating item ${item.id} was cancelled (${codes.join(', ')})`, { cause: error });
      throw error;
    }
    return structuredClone(item);
  }

  private async read(ownerId: string, id: string): Promise<MediaItem | undefined> {
    const { Item: row } = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) },
        // Strongly consistent: a worker reads, changes and writes back under the version check,
        // and a stale read would only buy a ConflictError and a retry.
        ConsistentRead: true,
      }),
    );
    return row === undefined ? undefined : fromItem(row);
  }

  async get(ownerId: string, id: string): Promise<MediaItem | undefined> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(id).success) return undefined;
    return this.read(ownerId, id);
  }

  private async refusedUpdate(next: MediaItem, expectedVersion: number, cause: unknown): Promise<Error> {
    const current = await this.read(next.ownerId, next.id);
    if (current === undefined) return new NotFoundError(`item ${next.id} not found`, { cause });
    return new ConflictError(`item ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
      cause,
      details: { currentVersion: current.version },
    });
  }

  async update(next: MediaItem, expectedVersion: number): Promise<MediaItem> {
    checkItem(next);
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    const current = await this.read(next.ownerId, next.id);
    if (current === undefined) throw new NotFoundError(`item ${next.id} not found`);
    if (current.version !== expectedVersion) {
      throw new ConflictError(`item ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
        details: { currentVersion: current.version },
      });
    }
    const put = {
      TableName: this.table,
      Item: mediaRow(next),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': num(expectedVersion) },
    };
    const oldSha = current.original.sha256;
    const newSha = next.original.sha256;
    const tagActions = tagChanges(this.table, current, next);
    if (tagActions.length === 0 && oldSha === newSha) {
      try {
        await this.client.send(new PutItemCommand(put));
      } catch (error) {
        if (awsErrorName(error) === 'ConditionalCheckFailedException') throw await this.refusedUpdate(next, expectedVersion, error);
        throw error;
      }
      return structuredClone(next);
    }
    const actions: TransactWriteItem[] = [{ Put: put }];
    let claimIndex: number | undefined;
    if (oldSha !== newSha) {
      if (newSha !== undefined) {
        claimIndex = actions.length;
        actions.push(claimPut(this.table, next, newSha));
      }
      if (oldSha !== undefined) actions.push(claimDelete(this.table, next.ownerId, next.id, oldSha));
    }
    actions.push(...tagActions);
    try {
      await this.transact(actions);
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') throw await this.refusedUpdate(next, expectedVersion, error);
      if (claimIndex !== undefined && newSha !== undefined && codes?.[claimIndex] === 'ConditionalCheckFailed') {
        throw await this.contentTaken(next.ownerId, newSha, error);
      }
      if (codes !== undefined) throw new ConflictError(`updating item ${next.id} was cancelled (${codes.join(', ')})`, { cause: error });
      throw error;
    }
    return structuredClone(next);
  }

  async list(ownerId: string, query: ListQuery): Promise<Page<MediaItem>> {
    checkOwner(ownerId);
    const binding: CursorBinding = { ownerId, kind: query.kind, status: query.status, tag: query.tag };
    let after: string | undefined;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor, binding).after;
      if (!UlidSchema.safeParse(after).success) throw new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);
    }
    const found = query.tag === undefined ? await scanOwner(this.listTarget, ownerId, query, after) : await scanTag(this.listTarget, ownerId, query.tag, query, after);
    const items = found.items.slice(0, query.limit);
    const last = items[items.length - 1];
    if (found.items.length > query.limit && last !== undefined) return { items, nextCursor: encodeCursor({ after: last.id }, binding) };
    // Stopped by the query budget: the next page starts after the last key DynamoDB evaluated.
    if (found.resumeAfter !== undefined) return { items, nextCursor: encodeCursor({ after: found.resumeAfter }, binding) };
    return { items };
  }

  async findByHash(ownerId: string, sha256: string): Promise<MediaItem | undefined> {
    checkOwner(ownerId);
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const id = await this.holderOf(ownerId, sha256);
    return id === undefined ? undefined : this.read(ownerId, id);
  }

  async tagCounts(ownerId: string): Promise<TagCount[]> {
    checkOwner(ownerId);
    return countTags(this.client, this.table, ownerId);
  }

  async delete(ownerId: string, id: string): Promise<void> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(id).success) return;
    // A concurrent update may change the tags between the read and the write; the version
    // condition catches that and the delete starts over with the new tags.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await this.read(ownerId, id);
      if (current === undefined) return;
      const actions: TransactWriteItem[] = [mediaDelete(this.table, ownerId, id, current.version)];
      if (current.original.sha256 !== undefined) actions.push(claimDelete(this.table, ownerId, id, current.original.sha256));
      for (const tag of indexedTags(current)) actions.push(tagDelete(this.table, ownerId, id, tag));
      try {
        await this.transact(actions);
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed' || codes?.includes('TransactionConflict') === true) continue;
        throw error;
      }
    }
    throw new ConflictError(`item ${id} kept changing while it was being deleted`);
  }

  /**
   * The moderators' queue, oldest first by media id, across owners: one Query of the review index
   * and one BatchGetItem. Items decided since the index was written are left out, so a page may be
   * short; `nextCursor` is there whenever more index entries follow.
   */
  async listForReview(query: { cursor?: string | undefined; limit: number }): Promise<Page<MediaItem>> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
      throw new ValidationError(`limit must be 1 to ${MAX_PAGE_SIZE}`, [{ path: 'limit', message: 'out of range' }]);
    }
    const after = query.cursor === undefined ? undefined : reviewPosition(decodeCursor(query.cursor, REVIEW_BINDING).after);
    const page = await readReviewPage(this.client, this.table, query.limit, after);
    return page.resumeAfter === undefined ? { items: page.items } : { items: page.items, nextCursor: encodeCursor({ after: page.resumeAfter }, REVIEW_BINDING) };
  }
}
