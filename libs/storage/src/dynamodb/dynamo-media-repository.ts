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
  trashCursorBinding,
  UlidSchema,
  ValidationError,
  type CursorBinding,
  type ListQuery,
  type MediaItem,
  type MediaRepository,
  type OwnerRecords,
  type Page,
  type ReviewQueue,
  type StorageUsage,
  type TagCount,
  type TrashQuery,
} from '@mediaflow/domain';
import { checkItem, checkOwner } from './checks.js';
import {
  createDynamoClient,
  DynamoMediaRepositoryConfigSchema,
  type DynamoMediaRepositoryConfig,
  type DynamoMediaRepositoryConfigInput,
} from './config.js';
import { countTags, readReviewPage, readTrashedBefore, readTrashPage, scanOwner, scanTag, type ListTarget } from './list-queries.js';
import { fromItem, indexedTags, str, stringAttr, type Item } from './media-row.js';
import {
  EMPTY_FOOTPRINT,
  FOOTPRINT_ATTRIBUTE,
  footprintOf,
  indexChange,
  indexedRow,
  planIndexSteps,
  planRemoval,
  rowCondition,
  serializeFootprint,
  stepActions,
  wantedFootprint,
  type IndexStep,
  type SearchFootprint,
} from './search-index.js';
import { forgetOwnerRows, isOwnerDeleted, listOwnerMediaRows } from './owner-records.js';
import { mediaKeys } from './table.js';
import { countedBytes, countedOf, readUsage, usageChange } from './usage-counter.js';
import { awsErrorName } from '../aws-errors.js';
import { cancellationCodes, claimDelete, claimPut, MAX_TRANSACTION_ACTIONS, newClaimPut, tagChanges, tagDelete, tagPut } from './write-actions.js';

export { MAX_TRANSACTION_ACTIONS };

/** Attempts of one write whose transaction meets another on the same rows (a month counter, mostly). */
const MAX_WRITE_ATTEMPTS = 6;

const pause = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(400, 10 * 2 ** attempt) * (0.5 + Math.random())));

/** A media row as read: the item, and the footprint of its search index as the row records it. */
interface StoredRow {
  item: MediaItem;
  /** Absent on rows written before the search index existed: nothing of it is there for them. */
  footprint: SearchFootprint | undefined;
  /** The recorded footprint exactly as stored, which the next write of the row is conditioned on. */
  footprintText: string | undefined;
  /** The bytes the row counts in its owner's storage used; undefined on rows written before the counters. */
  counted: number | undefined;
}

/** The refusal of a write that would need more than one transaction's actions for the item's own rows. */
function tooManyChanges(): ValidationError {
  return new ValidationError(`one write may change at most ${MAX_TRANSACTION_ACTIONS - 5} tag index entries`, [{ path: 'tags', message: 'too many tag changes at once' }]);
}

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
 * | search posting  | `SEARCH#{owner}#{2 letters}` | `{word}#{takenAt}#{id}` | `k` (kind), `f` (mask of the fields the word is in) |
 * | month counter   | `OWNER#{owner}#MONTHS`    | `MONTH#{YYYY-MM}#{shard}` | `count`                               |
 *
 * A media row of an item not deleted carries `GSI3PK` `OWNER#{owner}` and `GSI3SK`
 * `{takenAt}#{id}`: the date index search pages through. It also records `searchIndex`, the
 * footprint of the search index that exists for it (its postings and the month it is counted in,
 * `search-index.ts`), and `searchPending` while that is short of what the item should have. Each
 * write diffs the footprint it reads against the one the item should have and writes only the
 * postings that change and the counters that move, in the item's own transaction, conditioned on
 * the footprint it read as well as the version (so a backfill that indexes the row meanwhile makes
 * it plan again rather than leave postings behind). What does not fit the 100 actions of one
 * transaction follows in index-only transactions (a delete removes postings first). Items still
 * `uploading` are in the date index only: TTL would remove their row and leave the rest behind.
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
 *   (`attribute_not_exists`), the tag entries, the postings and the month count. A refused claim
 *   is reported with the holder's id. An upload in flight with neither hash nor tags (most
 *   creates) is a single conditional PutItem (half the write cost).
 * - `update` reads the stored row (for its tags, hash and index footprint), then writes
 *   conditionally on `version` and footprint: one PutItem when tags, hash, words and date taken
 *   are unchanged (most updates: status, progress, renditions), otherwise a transaction that also
 *   moves the hash claim and adds or removes only the tag entries, postings and counters that
 *   change. Deleted items keep no tag entries, postings or count.
 * - A transaction cancelled only for TransactionConflict (two writes of one month's counter shard
 *   at once, in a bulk upload) is sent again after a short random pause, up to 6 times.
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
 * - The search index adds 2 write units per posting written or deleted and per counter moved
 *   (about 100 bytes each, billed twice in a transaction), and 1 per change of the date index
 *   entry (the date taken, kind or status): about 11 when an upload arrives (a file name's words
 *   and the month), about 34 for 10 labels, about 1 for a status change, about 75 over a photo's
 *   life (`search-capacity.medium.ts` measures them; the storage README has the table).
 * - Storage used (`usage-counter.ts`): a write that changes the bytes an item counts (its bytes
 *   arriving, renditions added, a delete) also moves one counter shard, 2 write units in the
 *   transaction; when that is all the write would have in a transaction, its single PutItem
 *   becomes one (about 3 more units). That is two or three writes over a photo's life. `usage`
 *   reads the owner's eight shards: one strongly consistent Query, 1 read unit.
 * - `list`: half a read unit per 4 KB read (eventually consistent), so about 20 for a page of 50.
 *   A kind/status filter is paid on every item read, matching or not, up to `maxQueriesPerList`
 *   requests per call; GSIs per filter would make every status change a second write instead.
 *   By tag: the index page (tiny) plus BatchGetItem, which rounds each item up to 4 KB: about 26.
 * - `tagCounts`: every entry of the owner's index, about 1 read unit per 40 tag assignments (an
 *   owner with 10,000 items of 10 tags: about 2,500 units and two dozen 1 MB requests). Cache it.
 * - `delete`: 1 read unit plus a transaction over the item, its claim, its tag entries, its
 *   postings and its month count.
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
export class DynamoMediaRepository implements MediaRepository, ReviewQueue, OwnerRecords {
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

  /**
   * Sends one transaction, again after a pause while DynamoDB cancels it for another transaction
   * on the same rows (TransactionConflict: concurrent writes of one month's counter shard, say).
   * A cancellation for any other reason is the caller's to explain.
   */
  private async transact(actions: TransactWriteItem[]): Promise<void> {
    if (actions.length > MAX_TRANSACTION_ACTIONS) throw tooManyChanges();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: actions }));
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        const conflictOnly = codes !== undefined && codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
        if (!conflictOnly || attempt >= MAX_WRITE_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }

  /**
   * Writes the index steps that did not fit the item's own transaction, each with the row under
   * the condition that it is still as the previous step left it. A row another write has changed
   * meanwhile is left to that write: it planned its index from the footprint it found. A row left
   * short (a crash in between) keeps its pending mark, which the next write or the backfill clears.
   */
  private async writeIndexSteps(item: MediaItem, start: SearchFootprint, steps: readonly IndexStep[]): Promise<void> {
    let previous = serializeFootprint(start);
    for (const step of steps) {
      try {
        // The item's own write recorded what it counts; every step keeps it.
        await this.transact(stepActions(this.table, item, step, previous, countedBytes(item), countedBytes(item)));
      } catch (error) {
        if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return;
        throw error;
      }
      previous = serializeFootprint(step.footprint);
    }
  }

  /**
   * Makes room in an item's own transaction (the row, `own`, and `counters` counter updates) by
   * removing tag index entries it would remove anyway beforehand, in transactions of their own: an
   * item with nearly 100 tags going to the trash or away has more entries to remove than one
   * transaction holds. Removing an entry early is safe: it is removed again (a no-op) if the
   * write is retried, and an entry missing for a moment only hides the item from that tag's list.
   * Entries to add cannot go early (they would list an item that is not written yet): too many of
   * them are refused. Returns the entries removed early, which {@link restoreTagEntries} puts back
   * when the write they made room for does not happen.
   */
  private async removeSurplusTagEntries(own: TransactWriteItem[], tagOps: readonly TransactWriteItem[], counters: number): Promise<TransactWriteItem[]> {
    const surplus = own.length - (MAX_TRANSACTION_ACTIONS - 1 - counters);
    if (surplus <= 0) return [];
    const removals = tagOps.filter((action) => action.Delete !== undefined);
    if (removals.length < surplus) throw tooManyChanges();
    const early = removals.slice(removals.length - surplus);
    for (let at = 0; at < early.length; at += MAX_TRANSACTION_ACTIONS) await this.transact(early.slice(at, at + MAX_TRANSACTION_ACTIONS));
    const gone = new Set(early);
    own.splice(0, own.length, ...own.filter((action) => !gone.has(action)));
    return early;
  }

  /**
   * Puts back the tag entries {@link removeSurplusTagEntries} removed for a write that then did not
   * happen (refused, cancelled, or to be planned again): the item still has those tags, and a later
   * write, seeing no change of tags, would not add their entries again.
   */
  private async restoreTagEntries(ownerId: string, id: string, removed: readonly TransactWriteItem[]): Promise<void> {
    const prefix = mediaKeys.tagPk(ownerId, '');
    const tags = removed.map((action) => action.Delete?.Key?.['PK']?.S?.slice(prefix.length)).filter((tag): tag is string => tag !== undefined && tag !== '');
    for (let at = 0; at < tags.length; at += MAX_TRANSACTION_ACTIONS) {
      await this.transact(tags.slice(at, at + MAX_TRANSACTION_ACTIONS).map((tag) => tagPut(this.table, ownerId, id, tag)));
    }
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
    const own: TransactWriteItem[] = [];
    if (sha256 !== undefined) own.push(newClaimPut(this.table, item, sha256));
    for (const tag of indexedTags(item)) own.push(tagPut(this.table, item.ownerId, item.id, tag));
    const counted = countedBytes(item);
    const usage = usageChange(this.table, item, undefined, counted);
    if (usage !== undefined) own.push(usage);
    const wanted = wantedFootprint(item);
    const room = MAX_TRANSACTION_ACTIONS - 1 - own.length;
    if (room < indexChange(EMPTY_FOOTPRINT, wanted).counters.length) throw tooManyChanges();
    const plan = planIndexSteps(this.table, item, EMPTY_FOOTPRINT, wanted, room);
    const put = {
      TableName: this.table,
      Item: indexedRow(item, plan.main.footprint, plan.main.pending, counted),
      ConditionExpression: 'attribute_not_exists(PK)',
    };
    if (own.length === 0 && plan.main.actions.length === 0) {
      // An upload in flight without hash or tags (most creates): one conditional PutItem.
      try {
        await this.client.send(new PutItemCommand(put));
      } catch (error) {
        if (awsErrorName(error) === 'ConditionalCheckFailedException') throw new ConflictError(`item ${item.id} already exists`, { cause: error });
        throw error;
      }
      return structuredClone(item);
    }
    try {
      await this.transact([{ Put: put }, ...own, ...plan.main.actions]);
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') throw new ConflictError(`item ${item.id} already exists`, { cause: error });
      if (codes?.[1] === 'ConditionalCheckFailed' && sha256 !== undefined) throw await this.contentTaken(item.ownerId, sha256, error);
      if (codes !== undefined) throw new ConflictError(`creating item ${item.id} was cancelled (${codes.join(', ')})`, { cause: error });
      throw error;
    }
    await this.writeIndexSteps(item, plan.main.footprint, plan.after);
    return structuredClone(item);
  }

  private async fetchRow(ownerId: string, id: string): Promise<Item | undefined> {
    const { Item: row } = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) },
        // Strongly consistent: a worker reads, changes and writes back under the version check,
        // and a stale read would only buy a ConflictError and a retry.
        ConsistentRead: true,
      }),
    );
    return row;
  }

  /** The row as a write needs it: the item and its index footprint (which only writes read). */
  private async readRow(ownerId: string, id: string): Promise<StoredRow | undefined> {
    const row = await this.fetchRow(ownerId, id);
    if (row === undefined) return undefined;
    return { item: fromItem(row), footprint: footprintOf(row), footprintText: stringAttr(row, FOOTPRINT_ATTRIBUTE), counted: countedOf(row) };
  }

  private async read(ownerId: string, id: string): Promise<MediaItem | undefined> {
    const row = await this.fetchRow(ownerId, id);
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

  /**
   * Why a write conditioned on the row as read was refused: `undefined` when the row is still at
   * the expected version (only its index footprint moved, under the backfill), which is worth
   * planning again; otherwise the error to report.
   */
  private async whyRefused(next: MediaItem, expectedVersion: number, cause: unknown): Promise<Error | undefined> {
    const current = await this.read(next.ownerId, next.id);
    if (current?.version === expectedVersion) return undefined;
    return this.refusedUpdate(next, expectedVersion, cause);
  }

  async update(next: MediaItem, expectedVersion: number): Promise<MediaItem> {
    checkItem(next);
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
      const stored = await this.readRow(next.ownerId, next.id);
      if (stored === undefined) throw new NotFoundError(`item ${next.id} not found`);
      const current = stored.item;
      if (current.version !== expectedVersion) {
        throw new ConflictError(`item ${next.id} changed (version ${current.version}, expected ${expectedVersion})`, {
          details: { currentVersion: current.version },
        });
      }
      const own: TransactWriteItem[] = [];
      const oldSha = current.original.sha256;
      const newSha = next.original.sha256;
      let claimIndex: number | undefined;
      if (oldSha !== newSha) {
        if (newSha !== undefined) {
          claimIndex = 1 + own.length;
          own.push(claimPut(this.table, next, newSha));
        }
        if (oldSha !== undefined) own.push(claimDelete(this.table, next.ownerId, next.id, oldSha));
      }
      const tagOps = tagChanges(this.table, current, next);
      own.push(...tagOps);
      const counted = countedBytes(next);
      const usage = usageChange(this.table, next, stored.counted, counted);
      if (usage !== undefined) own.push(usage);
      const from = stored.footprint ?? EMPTY_FOOTPRINT;
      const wanted = wantedFootprint(next);
      const early = await this.removeSurplusTagEntries(own, tagOps, indexChange(from, wanted).counters.length);
      const room = MAX_TRANSACTION_ACTIONS - 1 - own.length;
      const plan = planIndexSteps(this.table, next, from, wanted, room);
      const put = { TableName: this.table, Item: indexedRow(next, plan.main.footprint, plan.main.pending, counted), ...rowCondition(expectedVersion, stored.footprintText, stored.counted) };
      try {
        if (own.length === 0 && plan.main.actions.length === 0) {
          // Tags, hash, words, date, month and bytes counted unchanged (most updates: status, progress): one PutItem.
          await this.client.send(new PutItemCommand(put));
        } else {
          await this.transact([{ Put: put }, ...own, ...plan.main.actions]);
        }
      } catch (error) {
        await this.restoreTagEntries(next.ownerId, next.id, early);
        const codes = cancellationCodes(error);
        if (awsErrorName(error) === 'ConditionalCheckFailedException' || codes?.[0] === 'ConditionalCheckFailed') {
          const refusal = await this.whyRefused(next, expectedVersion, error);
          if (refusal !== undefined) throw refusal;
          continue;
        }
        if (claimIndex !== undefined && newSha !== undefined && codes?.[claimIndex] === 'ConditionalCheckFailed') {
          throw await this.contentTaken(next.ownerId, newSha, error);
        }
        if (codes !== undefined) throw new ConflictError(`updating item ${next.id} was cancelled (${codes.join(', ')})`, { cause: error });
        throw error;
      }
      await this.writeIndexSteps(next, plan.main.footprint, plan.after);
      return structuredClone(next);
    }
    throw new ConflictError(`item ${next.id} kept changing while it was being updated`);
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

  /** Storage used: the owner's counter shards added up (`usage-counter.ts`). */
  async usage(ownerId: string): Promise<StorageUsage> {
    checkOwner(ownerId);
    return readUsage(this.client, this.table, ownerId);
  }

  async delete(ownerId: string, id: string): Promise<void> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(id).success) return;
    // A concurrent update may change the tags or words between the read and the write; the row's
    // condition catches that and the delete starts over with what is there then.
    attempts: for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
      const stored = await this.readRow(ownerId, id);
      if (stored === undefined) return;
      const current = stored.item;
      const own: TransactWriteItem[] = [];
      if (current.original.sha256 !== undefined) own.push(claimDelete(this.table, ownerId, id, current.original.sha256));
      const tagOps = indexedTags(current).map((tag) => tagDelete(this.table, ownerId, id, tag));
      own.push(...tagOps);
      const usage = usageChange(this.table, current, stored.counted, 0);
      if (usage !== undefined) own.push(usage);
      const from = stored.footprint ?? EMPTY_FOOTPRINT;
      const early = await this.removeSurplusTagEntries(own, tagOps, indexChange(from, EMPTY_FOOTPRINT).counters.length);
      const room = MAX_TRANSACTION_ACTIONS - 1 - own.length;
      // Postings that do not fit the delete's own transaction go first, each step recorded on the
      // row: the row must outlive them, or nothing would say they are there.
      const removal = planRemoval(this.table, current, from, room);
      let footprintText = stored.footprintText;
      for (const step of removal.before) {
        try {
          await this.transact(stepActions(this.table, current, step, footprintText, stored.counted, stored.counted));
        } catch (error) {
          await this.restoreTagEntries(ownerId, id, early);
          if (cancellationCodes(error)?.[0] !== 'ConditionalCheckFailed') throw error;
          await pause(attempt);
          continue attempts;
        }
        footprintText = serializeFootprint(step.footprint);
      }
      const rowDelete: TransactWriteItem = {
        Delete: { TableName: this.table, Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.mediaSk(id)) }, ...rowCondition(current.version, footprintText, stored.counted) },
      };
      try {
        await this.transact([rowDelete, ...own, ...removal.last]);
        return;
      } catch (error) {
        await this.restoreTagEntries(ownerId, id, early);
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed' || codes?.includes('TransactionConflict') === true) {
          await pause(attempt);
          continue;
        }
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

  /**
   * The owner's trash, most recently trashed first: one Query of the trash's partition of the
   * date-taken index and one BatchGetItem. Items restored since the index was written are left
   * out, so a page may be short; `nextCursor` is there whenever more index entries follow.
   */
  async listTrash(ownerId: string, query: TrashQuery): Promise<Page<MediaItem>> {
    checkOwner(ownerId);
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
      throw new ValidationError(`limit must be 1 to ${MAX_PAGE_SIZE}`, [{ path: 'limit', message: 'out of range' }]);
    }
    const binding = trashCursorBinding(ownerId);
    let after: { updatedAt: string; id: string } | undefined;
    if (query.cursor !== undefined) {
      const position = decodeCursor(query.cursor, binding);
      const updatedAt = position.extra?.['t'] ?? '';
      // A cursor becomes part of a key: only a ULID and an instant of the repository's own form.
      if (!UlidSchema.safeParse(position.after).success || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(updatedAt)) {
        throw new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);
      }
      after = { updatedAt, id: position.after };
    }
    const page = await readTrashPage(this.client, this.table, ownerId, query.limit, after);
    if (page.resumeAfter === undefined) return { items: page.items };
    return { items: page.items, nextCursor: encodeCursor({ after: page.resumeAfter.id, extra: { t: page.resumeAfter.updatedAt } }, binding) };
  }

  async listTrashedBefore(before: Date, limit: number): Promise<MediaItem[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit must be a positive integer');
    return readTrashedBefore(this.client, this.table, before, limit);
  }

  /** {@link OwnerRecords.listOwnerMedia}: a strongly consistent Query of the owner's `MEDIA#` rows, by id. */
  async listOwnerMedia(ownerId: string, cursor: string | undefined, limit: number): Promise<Page<MediaItem>> {
    checkOwner(ownerId);
    return listOwnerMediaRows(this.client, this.table, ownerId, cursor, limit);
  }

  /** {@link OwnerRecords.forgetOwner}: the month counters and whatever an interrupted delete left (`owner-records.ts`). */
  async forgetOwner(ownerId: string): Promise<void> {
    checkOwner(ownerId);
    await forgetOwnerRows(this.client, this.table, ownerId);
  }

  /** {@link OwnerRecords.isDeleted}: the owner's tombstone (`owner-records.ts`). */
  async isDeleted(ownerId: string): Promise<boolean> {
    checkOwner(ownerId);
    return isOwnerDeleted(this.client, this.table, ownerId);
  }
}
