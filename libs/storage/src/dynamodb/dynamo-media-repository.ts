import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  ConflictError,
  decodeCursor,
  encodeCursor,
  NotFoundError,
  OwnerIdSchema,
  UlidSchema,
  ValidationError,
  type CursorBinding,
  type ListQuery,
  type MediaItem,
  type MediaRepository,
  type Page,
  type TagCount,
} from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import {
  createDynamoClient,
  DynamoMediaRepositoryConfigSchema,
  type DynamoMediaRepositoryConfig,
  type DynamoMediaRepositoryConfigInput,
} from './config.js';
import { ABANDONED_UPLOAD_TTL_SECONDS, MEDIA_TTL_ATTRIBUTE, mediaKeys, OWNER_TAGS_INDEX } from './table.js';

/** DynamoDB's limit on the actions of one TransactWriteItems. */
export const MAX_TRANSACTION_ACTIONS = 100;

/** BatchGetItem's limit on keys per request. */
const BATCH_GET_KEYS = 100;

type Item = Record<string, AttributeValue>;

/** The error name (DynamoDB error code) of an SDK failure. */
function awsErrorName(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

const str = (value: string): AttributeValue => ({ S: value });
const num = (value: number): AttributeValue => ({ N: String(value) });

function stringAttr(item: Item | undefined, name: string): string | undefined {
  const value = item?.[name];
  return value !== undefined && 'S' in value ? value.S : undefined;
}

/** Tag names an item is indexed under: each once, and none while the item is deleted (never listed). */
function indexedTags(item: MediaItem): string[] {
  return item.status === 'deleted' ? [] : [...new Set(item.tags.map((t) => t.name))];
}

function fromItem(item: Item): MediaItem {
  const json = stringAttr(item, 'item');
  if (json === undefined) throw new StorageError(`media row ${stringAttr(item, 'SK') ?? '?'} has no item attribute`);
  // Written only by this class from a typed MediaItem, so it is read back without re-validating.
  return JSON.parse(json) as MediaItem;
}

/** The reasons of a cancelled transaction, by action index (`None` for actions that were fine). */
function cancellationCodes(error: unknown): string[] | undefined {
  if (awsErrorName(error) !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

function checkOwner(ownerId: string): void {
  // The owner becomes part of partition keys: a `#` in it could reach another owner's keys.
  if (!OwnerIdSchema.safeParse(ownerId).success) throw new ValidationError('invalid owner id', [{ path: 'ownerId', message: 'invalid' }]);
}

function checkItem(item: MediaItem): void {
  checkOwner(item.ownerId);
  if (!UlidSchema.safeParse(item.id).success) throw new ValidationError('invalid media id', [{ path: 'id', message: 'must be a ULID' }]);
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
export class DynamoMediaRepository implements MediaRepository {
  readonly config: DynamoMediaRepositoryConfig;
  private readonly client: DynamoDBClient;

  constructor(config: DynamoMediaRepositoryConfigInput, dependencies: { client?: DynamoDBClient } = {}) {
    this.config = DynamoMediaRepositoryConfigSchema.parse(config);
    this.client = dependencies.client ?? createDynamoClient(this.config);
  }

  private get table(): string {
    return this.config.tableName;
  }

  private mediaRow(item: MediaItem): Item {
    const row: Item = {
      PK: str(mediaKeys.ownerPk(item.ownerId)),
      SK: str(mediaKeys.mediaSk(item.id)),
      item: str(JSON.stringify(item)),
      kind: str(item.kind),
      status: str(item.status),
      version: num(item.version),
    };
    if (item.original.sha256 !== undefined) row['sha256'] = str(item.original.sha256);
    // An upload that never completes is left to the table's TTL. Every write replaces the whole
    // row, so the write that moves the item on leaves the attribute out and the item stays.
    if (item.status === 'uploading') row[MEDIA_TTL_ATTRIBUTE] = num(Math.floor(Date.parse(item.createdAt) / 1000) + ABANDONED_UPLOAD_TTL_SECONDS);
    return row;
  }

  private claimPut(item: MediaItem, sha256: string): TransactWriteItem {
    return {
      Put: {
        TableName: this.table,
        Item: { PK: str(mediaKeys.ownerPk(item.ownerId)), SK: str(mediaKeys.hashSk(sha256)), mediaId: str(item.id) },
        // A claim this item already holds may be written again; anyone else's may not.
        ConditionExpression: 'attribute_not_exists(PK) OR mediaId = :id',
        ExpressionAttributeValues: { ':id': str(item.id) },
      },
    };
  }

  private claimDelete(ownerId: string, id: string, sha256: string): TransactWriteItem {
    return {
      Delete: {
        TableName: this.table,
        Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.hashSk(sha256)) },
        // Only this item's own claim is released.
        ConditionExpression: 'attribute_not_exists(PK) OR mediaId = :id',
        ExpressionAttributeValues: { ':id': str(id) },
      },
    };
  }

  private tagPut(ownerId: string, id: string, tag: string): TransactWriteItem {
    return {
      Put: {
        TableName: this.table,
        Item: {
          PK: str(mediaKeys.tagPk(ownerId, tag)),
          SK: str(mediaKeys.mediaSk(id)),
          GSI1PK: str(mediaKeys.ownerTagsPk(ownerId)),
          GSI1SK: str(mediaKeys.ownerTagSk(tag, id)),
        },
      },
    };
  }

  private tagDelete(ownerId: string, id: string, tag: string): TransactWriteItem {
    return { Delete: { TableName: this.table, Key: { PK: str(mediaKeys.tagPk(ownerId, tag)), SK: str(mediaKeys.mediaSk(id)) } } };
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
      Item: this.mediaRow(item),
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
      actions.push({
        Put: {
          TableName: this.table,
          Item: { PK: str(mediaKeys.ownerPk(item.ownerId)), SK: str(mediaKeys.hashSk(sha256)), mediaId: str(item.id) },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    for (const tag of tags) actions.push(this.tagPut(item.ownerId, item.id, tag));
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
      Item: this.mediaRow(next),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': num(expectedVersion) },
    };
    const before = new Set(indexedTags(current));
    const after = new Set(indexedTags(next));
    const oldSha = current.original.sha256;
    const newSha = next.original.sha256;
    const tagActions = [
      ...[...before].filter((t) => !after.has(t)).map((t) => this.tagDelete(next.ownerId, next.id, t)),
      ...[...after].filter((t) => !before.has(t)).map((t) => this.tagPut(next.ownerId, next.id, t)),
    ];
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
        actions.push(this.claimPut(next, newSha));
      }
      if (oldSha !== undefined) actions.push(this.claimDelete(next.ownerId, next.id, oldSha));
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
    const found = query.tag === undefined ? await this.scanOwner(ownerId, query, after) : await this.scanTag(ownerId, query.tag, query, after);
    const items = found.items.slice(0, query.limit);
    const last = items[items.length - 1];
    if (found.items.length > query.limit && last !== undefined) return { items, nextCursor: encodeCursor({ after: last.id }, binding) };
    // Stopped by the query budget: the next page starts after the last key DynamoDB evaluated.
    if (found.resumeAfter !== undefined) return { items, nextCursor: encodeCursor({ after: found.resumeAfter }, binding) };
    return { items };
  }

  /** Whether a listed item passes the kind and status filters. */
  private static matches(item: MediaItem, query: ListQuery): boolean {
    return item.status !== 'deleted' && (query.kind === undefined || item.kind === query.kind) && (query.status === undefined || item.status === query.status);
  }

  /**
   * Up to `limit + 1` matching items of the owner's partition, newest first (one more than the page
   * tells whether another follows). `resumeAfter` is set when the query budget ran out first.
   */
  private async scanOwner(ownerId: string, query: ListQuery, after: string | undefined): Promise<{ items: MediaItem[]; resumeAfter?: string }> {
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
    for (let queries = 0; queries < this.config.maxQueriesPerList; queries += 1) {
      const need = want - items.length;
      // DynamoDB applies Limit before the filter: with kind/status filters, read ahead more per request.
      const limit = filtered ? Math.min(1000, Math.max(need * 4, 100)) : need;
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
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
  private async scanTag(
    ownerId: string,
    tag: string,
    query: ListQuery,
    after: string | undefined,
  ): Promise<{ items: MediaItem[]; resumeAfter?: string }> {
    const want = query.limit + 1;
    const filtered = query.kind !== undefined || query.status !== undefined;
    const pk = mediaKeys.tagPk(ownerId, tag);
    const items: MediaItem[] = [];
    let startKey: Item | undefined = after === undefined ? undefined : { PK: str(pk), SK: str(mediaKeys.mediaSk(after)) };
    for (let queries = 0; queries < this.config.maxQueriesPerList; queries += 1) {
      const need = want - items.length;
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
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
      const byId = await this.batchGet(ownerId, ids);
      for (const id of ids) {
        const item = byId.get(id);
        // Missing: deleted since the index was read.
        if (item === undefined || !DynamoMediaRepository.matches(item, query)) continue;
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
  private async batchGet(ownerId: string, ids: string[]): Promise<Map<string, MediaItem>> {
    const out = new Map<string, MediaItem>();
    if (ids.length === 0) return out;
    let keys: Item[] | undefined = ids.map((id) => ({ PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) }));
    for (let attempt = 0; keys !== undefined && keys.length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 8) throw new StorageError(`DynamoDB left ${keys.length} keys unprocessed after ${attempt} attempts`);
      const response: BatchGetItemCommandOutput = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: keys } } }));
      for (const row of response.Responses?.[this.table] ?? []) {
        const item = fromItem(row);
        out.set(item.id, item);
      }
      keys = response.UnprocessedKeys?.[this.table]?.Keys;
    }
    return out;
  }

  async findByHash(ownerId: string, sha256: string): Promise<MediaItem | undefined> {
    checkOwner(ownerId);
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const id = await this.holderOf(ownerId, sha256);
    return id === undefined ? undefined : this.read(ownerId, id);
  }

  async tagCounts(ownerId: string): Promise<TagCount[]> {
    checkOwner(ownerId);
    const counts = new Map<string, number>();
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
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

  async delete(ownerId: string, id: string): Promise<void> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(id).success) return;
    // A concurrent update may change the tags between the read and the write; the version
    // condition catches that and the delete starts over with the new tags.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await this.read(ownerId, id);
      if (current === undefined) return;
      const actions: TransactWriteItem[] = [
        {
          Delete: {
            TableName: this.table,
            Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) },
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': num(current.version) },
          },
        },
      ];
      if (current.original.sha256 !== undefined) actions.push(this.claimDelete(ownerId, id, current.original.sha256));
      for (const tag of indexedTags(current)) actions.push(this.tagDelete(ownerId, id, tag));
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
}
