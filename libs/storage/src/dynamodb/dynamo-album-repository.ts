import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  type TransactWriteItem,
  type Update,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  albumItemsCursorBinding,
  albumListCursorBinding,
  albumMemberTakenAt,
  ConflictError,
  decodeCursor,
  encodeCursor,
  NotFoundError,
  UlidSchema,
  ValidationError,
  type Album,
  type AlbumChange,
  type AlbumItemsQuery,
  type AlbumListQuery,
  type AlbumMember,
  type AlbumRepository,
  type Page,
} from '@mediaflow/domain';
import type { z } from 'zod';
import { awsErrorName } from '../aws-errors.js';
import { StorageError } from '../errors.js';
import { checkOwner } from './checks.js';
import { createDynamoClient, DynamoMediaRepositoryConfigSchema } from './config.js';
import { batchGetRows } from './list-queries.js';
import { num, str, stringAttr, type Item } from './media-row.js';
import { mediaKeys } from './table.js';
import { cancellationCodes, MAX_TRANSACTION_ACTIONS, RETRYABLE_CANCELLATIONS } from './write-actions.js';

/**
 * Where the albums live: the media table (single-table design).
 *
 * @example
 * const albums = new DynamoAlbumRepository(DynamoAlbumRepositoryConfigSchema.parse({ tableName: env.MEDIA_TABLE }));
 */
export const DynamoAlbumRepositoryConfigSchema = DynamoMediaRepositoryConfigSchema.pick({ tableName: true, region: true, endpoint: true, credentials: true });
export type DynamoAlbumRepositoryConfig = z.infer<typeof DynamoAlbumRepositoryConfigSchema>;
export type DynamoAlbumRepositoryConfigInput = z.input<typeof DynamoAlbumRepositoryConfigSchema>;

/** Members per membership transaction: two rows each, plus the album row's update. */
export const ALBUM_MEMBERS_PER_TRANSACTION = Math.floor((MAX_TRANSACTION_ACTIONS - 1) / 2);

/** BatchWriteItem's limit on requests per call. */
const BATCH_WRITE_REQUESTS = 25;

/** Attempts of one membership transaction before the album is reported as too busy. */
const MAX_ATTEMPTS = 8;

/** A listing cursor's position in an album: the member row's sort key without its `AT#`. */
const MEMBER_POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

const malformedCursor = (): ValidationError => new ValidationError('malformed cursor', [{ path: 'cursor', message: 'malformed cursor' }]);

const pause = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(500, 10 * 2 ** attempt) * (0.5 + Math.random())));

/** The album's own state as read, with what membership writes condition on. */
interface AlbumState {
  album: Album;
  /** Sort key of the newest member row: what `newestTakenAt` was taken from. */
  newestKey: string | undefined;
  /** Membership revision: every membership write adds one. */
  rev: number;
}

/** One item's membership of one album, as its back-reference row records it. */
interface Membership {
  mediaId: string;
  albumId: string;
  takenAt: string;
  /** The sort key of the member row in the album's partition. */
  memberSk: string;
}

/** Attribute names and values of one update expression and its condition, built clause by clause. */
class UpdateBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Item = {};
  private readonly sets: string[] = [];
  private readonly adds: string[] = [];
  private readonly removes: string[] = [];
  private readonly conditions: string[] = [];

  /** The placeholder of an attribute name (every name is one: some are reserved words). */
  name(attribute: string): string {
    this.names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  }

  value(key: string, value: Item[string]): string {
    this.values[`:${key}`] = value;
    return `:${key}`;
  }

  set(attribute: string, value: Item[string]): this {
    this.sets.push(`${this.name(attribute)} = ${this.value(attribute, value)}`);
    return this;
  }

  add(attribute: string, by: number): this {
    this.adds.push(`${this.name(attribute)} ${this.value(`${attribute}Delta`, num(by))}`);
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    return this;
  }

  when(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  expression(): string {
    return [
      this.sets.length > 0 ? `SET ${this.sets.join(', ')}` : '',
      this.adds.length > 0 ? `ADD ${this.adds.join(', ')}` : '',
      this.removes.length > 0 ? `REMOVE ${this.removes.join(', ')}` : '',
    ]
      .filter((clause) => clause !== '')
      .join(' ');
  }

  condition(): string {
    return this.conditions.map((c) => `(${c})`).join(' AND ');
  }
}

/** The sort key a member is listed by (its `takenAt` is already in UTC, so string order is time order). */
function memberSk(member: AlbumMember): string {
  return mediaKeys.albumMemberSk(member.takenAt, member.mediaId);
}

/**
 * Members as given, each id once (the first wins), checked (an id that is no ULID is refused, and
 * so is a date {@link albumMemberTakenAt} refuses) and with `takenAt` in UTC `toISOString()` form,
 * as every adapter stores it: `2026-03-01T12:00:00+02:00` becomes `2026-03-01T10:00:00.000Z`.
 */
function checkMembers(members: readonly AlbumMember[]): AlbumMember[] {
  const seen = new Map<string, AlbumMember>();
  for (const [index, member] of members.entries()) {
    if (!UlidSchema.safeParse(member.mediaId).success) throw new ValidationError('invalid media id', [{ path: `members.${index}.mediaId`, message: 'must be a ULID' }]);
    const takenAt = albumMemberTakenAt(member.takenAt, `members.${index}.takenAt`);
    if (!seen.has(member.mediaId)) seen.set(member.mediaId, { mediaId: member.mediaId, takenAt });
  }
  return [...seen.values()];
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < values.length; start += size) out.push(values.slice(start, start + size));
  return out;
}

function numberAttr(row: Item, name: string): number {
  const value = row[name];
  return value !== undefined && 'N' in value && value.N !== undefined ? Number(value.N) : 0;
}

function albumRow(album: Album): Item {
  const row: Item = {
    PK: str(mediaKeys.ownerPk(album.ownerId)),
    SK: str(mediaKeys.albumSk(album.id)),
    id: str(album.id),
    ownerId: str(album.ownerId),
    name: str(album.name),
    createdAt: str(album.createdAt),
    updatedAt: str(album.updatedAt),
    version: num(1),
    itemCount: num(0),
    rev: num(0),
  };
  if (album.description !== undefined) row['description'] = str(album.description);
  return row;
}

function stateFromRow(row: Item): AlbumState {
  const id = stringAttr(row, 'id');
  const ownerId = stringAttr(row, 'ownerId');
  const name = stringAttr(row, 'name');
  const createdAt = stringAttr(row, 'createdAt');
  const updatedAt = stringAttr(row, 'updatedAt');
  if (id === undefined || ownerId === undefined || name === undefined || createdAt === undefined || updatedAt === undefined) {
    throw new StorageError(`album row ${stringAttr(row, 'SK') ?? '?'} is incomplete`);
  }
  const album: Album = { id, ownerId, name, itemCount: numberAttr(row, 'itemCount'), createdAt, updatedAt, version: numberAttr(row, 'version') };
  const description = stringAttr(row, 'description');
  const coverMediaId = stringAttr(row, 'coverMediaId');
  const newestTakenAt = stringAttr(row, 'newestTakenAt');
  if (description !== undefined) album.description = description;
  if (coverMediaId !== undefined) album.coverMediaId = coverMediaId;
  if (newestTakenAt !== undefined) album.newestTakenAt = newestTakenAt;
  return { album, newestKey: stringAttr(row, 'newestKey'), rev: numberAttr(row, 'rev') };
}

function membershipFromRow(row: Item): Membership | undefined {
  const mediaId = stringAttr(row, 'mediaId');
  const albumId = stringAttr(row, 'albumId');
  const takenAt = stringAttr(row, 'takenAt');
  const sk = stringAttr(row, 'memberSk');
  return mediaId === undefined || albumId === undefined || takenAt === undefined || sk === undefined ? undefined : { mediaId, albumId, takenAt, memberSk: sk };
}

/**
 * The `AlbumRepository` on the media table (single-table design):
 *
 * | row            | PK                              | SK                           | other attributes |
 * | -------------- | ------------------------------- | ---------------------------- | ---------------- |
 * | album          | `OWNER#{owner}`                 | `ALBUM#{albumId}`            | `name`, `description`, `coverMediaId`, `createdAt`, `updatedAt`, `version`, `itemCount`, `newestTakenAt`, `newestKey`, `rev` |
 * | member         | `OWNER#{owner}#ALBUM#{albumId}` | `AT#{takenAt UTC}#{mediaId}` | `mediaId`, `takenAt` |
 * | back-reference | `OWNER#{owner}`                 | `MEMBER#{mediaId}#{albumId}` | `mediaId`, `albumId`, `takenAt`, `memberSk` |
 *
 * The album row keeps each field as its own attribute (not one JSON document, as media rows do):
 * membership writes change the count, the newest date, `updatedAt` and possibly the cover with
 * one UpdateItem action (`ADD itemCount`), and `updateAlbum` changes the own fields without
 * touching the count, so neither has to read and rewrite what the other owns.
 *
 * - Listing an album is one Query of its member partition, in date-taken order either way
 *   (`ScanIndexForward`), `limit + 1` rows to know whether a page follows, and beside it (sent
 *   together) one GetItem of the album row: a page of an album whose row is gone is a
 *   `NotFoundError`, even while members an interrupted `deleteAlbum` left are still there. Dates
 *   are keyed in UTC so that string order is time order; the member's `takenAt` is stored and
 *   returned in that UTC form.
 * - `listAlbums` is one Query of the owner's partition (`begins_with(SK, 'ALBUM#')`, newest first).
 * - `albumsOf` and `forgetMedia` Query the back-references (`begins_with(SK, 'MEMBER#{mediaId}#')`).
 * - Cursors are the domain's `encodeCursor`, bound to the owner (and the album and order), and
 *   carry only the last sort key; the start key is rebuilt from the caller's owner and album.
 * - Adding and removing reads the album and the back-references of the ids (BatchGetItem,
 *   strongly consistent), then writes only the memberships that change, in TransactWriteItems of
 *   up to {@link ALBUM_MEMBERS_PER_TRANSACTION} members: each member's two rows (conditioned on
 *   their absence, or presence for a removal, so nothing is counted twice) and the album row's
 *   update (`attribute_exists`, `ADD itemCount`, `rev`, `updatedAt`). A cancelled transaction is
 *   re-read and re-planned (up to 8 attempts, then `ConflictError`). A change of more members is
 *   several transactions, each complete in itself: a failure part-way leaves the album
 *   consistent, with part of the change made, and repeating the call finishes it.
 * - `newestTakenAt` stays exact under concurrent writers: an add sets it only under the condition
 *   that it is still older (or keeps it under the condition that it is still newer); a removal of
 *   other members requires that the newest is not among them; a removal of the newest reads the
 *   next one (one Query of `n + 1` rows from the top) and is conditioned on `rev`, which every
 *   membership write moves.
 * - Removing the cover clears it in the same update and bumps `version`, so an edit made from the
 *   album as read before cannot put it back. A new cover must be a member: `updateAlbum` with a
 *   cover is a transaction that also requires the cover's back-reference (`ValidationError` if absent).
 * - `deleteAlbum` deletes the album row first (so no add can succeed afterwards, and no listing
 *   shows the album), then every member and back-reference with BatchWriteItem. Interrupted, it
 *   leaves memberships of a missing album, which a repeated `deleteAlbum` removes (`forgetMedia`
 *   drops them as it meets them).
 *
 * Cost per call in on-demand units (album rows are about 300 bytes, member rows about 170 with
 * their keys):
 * - `getAlbum`: 1 read unit (strongly consistent). `createAlbum`, `updateAlbum`: 1 write unit;
 *   an update that sets a cover is a transaction with a check of the cover's membership (about 4
 *   write units) and reads the album back (1 read unit).
 * - `listAlbums`: about 2 read units for a page of 50. `listItems`: half a read unit per 4 KB of
 *   member rows (eventually consistent; a member row with its keys is about 170 bytes, so about
 *   1.5 units for a page of 50 and 4.5 for one of 200), plus 1 read unit for the album row
 *   (strongly consistent GetItem, sent with the Query, so it adds no wait). `albumsOf`: 1.
 * - `addItems` of n new members: 1 + n read units (each back-reference looked up rounds up to a
 *   unit), then per transaction 2 write units per row (4 per member, 2 for the album row), and 1
 *   read unit for the album afterwards. Adding 50 items: about 50 read and 210 write units; 500:
 *   about 500 and 2,000. Members already present cost only their lookup.
 * - `removeItems`: the same, plus 1 read unit when the newest member goes.
 * - `deleteAlbum` of n members: 1 + 2n write units (BatchWriteItem bills like single writes) and
 *   about n/24 read units (strongly consistent; a projection does not make the rows read
 *   smaller). `forgetMedia`: 1 read unit, plus per album holding the item 1 read unit and one
 *   3-row transaction (6 write units).
 *
 * @example
 * const albums = new DynamoAlbumRepository({ tableName: env.MEDIA_TABLE, region: env.AWS_REGION });
 * const { album, changed } = await albums.addItems(ownerId, albumId, members, clock.now());
 */
export class DynamoAlbumRepository implements AlbumRepository {
  readonly config: DynamoAlbumRepositoryConfig;
  private readonly client: DynamoDBClient;

  constructor(config: DynamoAlbumRepositoryConfigInput, dependencies: { client?: DynamoDBClient } = {}) {
    this.config = DynamoAlbumRepositoryConfigSchema.parse(config);
    this.client = dependencies.client ?? createDynamoClient(this.config);
  }

  private get table(): string {
    return this.config.tableName;
  }

  private albumKey(ownerId: string, albumId: string): Item {
    return { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.albumSk(albumId)) };
  }

  /** The conditional update of the album's own row that `update` describes. */
  private albumUpdate(ownerId: string, albumId: string, update: UpdateBuilder): Update {
    return {
      TableName: this.table,
      Key: this.albumKey(ownerId, albumId),
      UpdateExpression: update.expression(),
      ConditionExpression: update.condition(),
      ExpressionAttributeNames: update.names,
      ExpressionAttributeValues: update.values,
    };
  }

  private async readState(ownerId: string, albumId: string): Promise<AlbumState | undefined> {
    if (!UlidSchema.safeParse(albumId).success) return undefined;
    const { Item: row } = await this.client.send(new GetItemCommand({ TableName: this.table, Key: this.albumKey(ownerId, albumId), ConsistentRead: true }));
    return row === undefined ? undefined : stateFromRow(row);
  }

  private async requireState(ownerId: string, albumId: string): Promise<AlbumState> {
    const state = await this.readState(ownerId, albumId);
    if (state === undefined) throw new NotFoundError(`album ${albumId} not found`);
    return state;
  }

  async createAlbum(album: Album): Promise<Album> {
    checkOwner(album.ownerId);
    if (!UlidSchema.safeParse(album.id).success) throw new ValidationError('invalid album id', [{ path: 'id', message: 'must be a ULID' }]);
    if (album.version !== 1) throw new ValidationError('a new album starts at version 1');
    if (album.itemCount !== 0 || album.newestTakenAt !== undefined || album.coverMediaId !== undefined) {
      throw new ValidationError('a new album starts empty, without a cover');
    }
    try {
      await this.client.send(new PutItemCommand({ TableName: this.table, Item: albumRow(album), ConditionExpression: 'attribute_not_exists(PK)' }));
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') throw new ConflictError(`album ${album.id} already exists`, { cause: error });
      throw error;
    }
    return structuredClone(album);
  }

  async getAlbum(ownerId: string, albumId: string): Promise<Album | undefined> {
    checkOwner(ownerId);
    return (await this.readState(ownerId, albumId))?.album;
  }

  async listAlbums(ownerId: string, query: AlbumListQuery): Promise<Page<Album>> {
    checkOwner(ownerId);
    const binding = albumListCursorBinding(ownerId);
    let startKey: Item | undefined;
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor, binding).after;
      if (!UlidSchema.safeParse(after).success) throw malformedCursor();
      startKey = this.albumKey(ownerId, after);
    }
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :album)',
        ExpressionAttributeValues: { ':pk': str(mediaKeys.ownerPk(ownerId)), ':album': str('ALBUM#') },
        ScanIndexForward: false,
        Limit: query.limit + 1,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    const albums = (page.Items ?? []).map((row) => stateFromRow(row).album);
    const items = albums.slice(0, query.limit);
    const last = items[items.length - 1];
    return albums.length > query.limit && last !== undefined ? { items, nextCursor: encodeCursor({ after: last.id }, binding) } : { items };
  }

  async updateAlbum(next: Album, expectedVersion: number): Promise<Album> {
    checkOwner(next.ownerId);
    if (next.version !== expectedVersion + 1) throw new ValidationError('next.version must be expectedVersion + 1');
    if (!UlidSchema.safeParse(next.id).success) throw new NotFoundError(`album ${next.id} not found`);
    const update = new UpdateBuilder().set('name', str(next.name)).set('updatedAt', str(next.updatedAt)).set('version', num(next.version));
    if (next.description === undefined) update.remove('description');
    else update.set('description', str(next.description));
    if (next.coverMediaId === undefined) update.remove('coverMediaId');
    else update.set('coverMediaId', str(next.coverMediaId));
    update.when(`${update.name('version')} = ${update.value('expected', num(expectedVersion))}`);
    const write = this.albumUpdate(next.ownerId, next.id, update);
    const cover = next.coverMediaId;
    if (cover === undefined) {
      try {
        const { Attributes } = await this.client.send(new UpdateItemCommand({ ...write, ReturnValues: 'ALL_NEW' }));
        if (Attributes === undefined) throw new StorageError(`updating album ${next.id} returned no attributes`);
        return stateFromRow(Attributes).album;
      } catch (error) {
        if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
        throw await this.refusedUpdate(next, expectedVersion, error);
      }
    }
    // The cover must be one of the album's items when this commits: the same transaction requires
    // its back-reference, which a removal deletes in its own transaction. (A cover that stays is
    // one still: removing it clears it and moves the version.)
    if (!UlidSchema.safeParse(cover).success) throw new ValidationError('invalid cover id', [{ path: 'coverMediaId', message: 'must be a ULID' }]);
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.table,
                Key: { PK: str(mediaKeys.ownerPk(next.ownerId)), SK: str(mediaKeys.memberOfSk(cover, next.id)) },
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
            { Update: write },
          ],
        }),
      );
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (codes.some((code) => code !== 'None' && code !== 'ConditionalCheckFailed')) {
        throw new ConflictError(`updating album ${next.id} was cancelled (${codes.join(', ')})`, { cause: error });
      }
      throw await this.refusedUpdate(next, expectedVersion, error);
    }
    return (await this.requireState(next.ownerId, next.id)).album;
  }

  /** Why a conditional update of the album's own fields was refused, read back from the album. */
  private async refusedUpdate(next: Album, expectedVersion: number, cause: unknown): Promise<Error> {
    const current = await this.readState(next.ownerId, next.id);
    if (current === undefined) return new NotFoundError(`album ${next.id} not found`, { cause });
    if (current.album.version !== expectedVersion) {
      return new ConflictError(`album ${next.id} changed (version ${current.album.version}, expected ${expectedVersion})`, {
        cause,
        details: { currentVersion: current.album.version },
      });
    }
    return new ValidationError('the cover must be one of the album\u2019s items', [{ path: 'coverMediaId', message: 'not in this album' }], { cause });
  }

  async deleteAlbum(ownerId: string, albumId: string): Promise<void> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(albumId).success) return;
    // The album row goes first: every add is conditioned on it, so none can land after the sweep.
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: this.albumKey(ownerId, albumId) }));
    const pk = mediaKeys.albumMembersPk(ownerId, albumId);
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': str(pk) },
          ProjectionExpression: 'SK, mediaId',
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const deletes: WriteRequest[] = (page.Items ?? []).flatMap((row) => {
        const sk = stringAttr(row, 'SK');
        const mediaId = stringAttr(row, 'mediaId');
        if (sk === undefined || mediaId === undefined) return [];
        return [
          { DeleteRequest: { Key: { PK: str(pk), SK: str(sk) } } },
          { DeleteRequest: { Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.memberOfSk(mediaId, albumId)) } } },
        ];
      });
      for (const batch of chunks(deletes, BATCH_WRITE_REQUESTS)) await this.batchWrite(batch);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /** One BatchWriteItem, asking again for what DynamoDB leaves unprocessed. */
  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    let pending: WriteRequest[] | undefined = requests;
    for (let attempt = 0; pending !== undefined && pending.length > 0; attempt += 1) {
      if (attempt > 8) throw new StorageError(`DynamoDB left ${pending.length} writes unprocessed after ${attempt} attempts`);
      if (attempt > 0) await pause(attempt);
      const response: BatchWriteItemCommandOutput = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } }));
      pending = response.UnprocessedItems?.[this.table];
    }
  }

  /** The back-references of these items to one album (BatchGetItem, strongly consistent), by media id. */
  private async memberships(ownerId: string, albumId: string, mediaIds: readonly string[]): Promise<Map<string, Membership>> {
    const rows = await batchGetRows(
      this.client,
      this.table,
      mediaIds.map((mediaId) => ({ PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.memberOfSk(mediaId, albumId)) })),
      { consistent: true },
    );
    const out = new Map<string, Membership>();
    for (const row of rows) {
      const membership = membershipFromRow(row);
      if (membership !== undefined) out.set(membership.mediaId, membership);
    }
    return out;
  }

  /** Runs a membership transaction: `true` when it went through, `false` when it is worth re-reading and trying again. */
  private async tryTransaction(actions: TransactWriteItem[], albumId: string): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: actions }));
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      if (codes.some((code) => RETRYABLE_CANCELLATIONS.has(code))) return false;
      throw new ConflictError(`changing the members of album ${albumId} was cancelled (${codes.join(', ')})`, { cause: error });
    }
  }

  async addItems(ownerId: string, albumId: string, members: readonly AlbumMember[], at: Date): Promise<AlbumChange> {
    checkOwner(ownerId);
    const wanted = checkMembers(members);
    let state = await this.requireState(ownerId, albumId);
    const present = wanted.length === 0 ? new Map<string, Membership>() : await this.memberships(ownerId, albumId, wanted.map((m) => m.mediaId));
    const changed: string[] = [];
    for (const chunk of chunks(
      wanted.filter((m) => !present.has(m.mediaId)),
      ALBUM_MEMBERS_PER_TRANSACTION,
    )) {
      let todo = chunk;
      for (let attempt = 1; todo.length > 0; attempt += 1) {
        const newestKey = todo.map(memberSk).reduce((a, b) => (a > b ? a : b));
        if (await this.tryTransaction(this.addActions(state, todo, newestKey, at), albumId)) {
          changed.push(...todo.map((m) => m.mediaId));
          if (state.newestKey === undefined || newestKey > state.newestKey) state = { ...state, newestKey };
          break;
        }
        if (attempt >= MAX_ATTEMPTS) throw new ConflictError(`album ${albumId} kept changing while items were added`);
        await pause(attempt);
        state = await this.requireState(ownerId, albumId);
        const nowPresent = await this.memberships(ownerId, albumId, todo.map((m) => m.mediaId));
        todo = todo.filter((m) => !nowPresent.has(m.mediaId));
      }
    }
    return { album: changed.length === 0 ? state.album : (await this.requireState(ownerId, albumId)).album, changed };
  }

  /** The album row's update and the members' rows of one add transaction; `newestKey` is the chunk's newest. */
  private addActions(state: AlbumState, todo: readonly AlbumMember[], newestKey: string, at: Date): TransactWriteItem[] {
    const { ownerId, id: albumId } = state.album;
    const update = new UpdateBuilder().set('updatedAt', str(at.toISOString())).add('itemCount', todo.length).add('rev', 1).when('attribute_exists(PK)');
    const stored = update.name('newestKey');
    const ours = update.value('ours', str(newestKey));
    if (state.newestKey === undefined || newestKey > state.newestKey) {
      // Ours becomes the newest, on condition that the stored one is still older (or unset).
      const newest = todo.find((m) => memberSk(m) === newestKey);
      update.set('newestKey', str(newestKey)).when(`attribute_not_exists(${stored}) OR ${stored} < ${ours}`);
      if (newest !== undefined) update.set('newestTakenAt', str(newest.takenAt));
    } else {
      // Kept as it is, on condition that no removal has moved it below ours meanwhile.
      update.when(`${stored} > ${ours}`);
    }
    const actions: TransactWriteItem[] = [{ Update: this.albumUpdate(ownerId, albumId, update) }];
    for (const member of todo) {
      const sk = memberSk(member);
      actions.push(
        {
          Put: {
            TableName: this.table,
            Item: { PK: str(mediaKeys.albumMembersPk(ownerId, albumId)), SK: str(sk), mediaId: str(member.mediaId), takenAt: str(member.takenAt) },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: {
              PK: str(mediaKeys.ownerPk(ownerId)),
              SK: str(mediaKeys.memberOfSk(member.mediaId, albumId)),
              mediaId: str(member.mediaId),
              albumId: str(albumId),
              takenAt: str(member.takenAt),
              memberSk: str(sk),
            },
            // The back-reference's key does not depend on the date: it is what makes a member unique.
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      );
    }
    return actions;
  }

  async removeItems(ownerId: string, albumId: string, mediaIds: readonly string[], at: Date): Promise<AlbumChange> {
    checkOwner(ownerId);
    const ids = [...new Set(mediaIds)].filter((id) => UlidSchema.safeParse(id).success);
    const state = await this.requireState(ownerId, albumId);
    const found = ids.length === 0 ? new Map<string, Membership>() : await this.memberships(ownerId, albumId, ids);
    return this.removeMemberships(state, ids.flatMap((id) => found.get(id) ?? []), at);
  }

  private async removeMemberships(initial: AlbumState, memberships: readonly Membership[], at: Date): Promise<AlbumChange> {
    const { ownerId, id: albumId } = initial.album;
    let state = initial;
    const changed: string[] = [];
    for (const chunk of chunks(memberships, ALBUM_MEMBERS_PER_TRANSACTION)) {
      let todo = chunk;
      for (let attempt = 1; todo.length > 0; attempt += 1) {
        const { actions, newestKey } = await this.removeActions(state, todo, at);
        if (await this.tryTransaction(actions, albumId)) {
          changed.push(...todo.map((m) => m.mediaId));
          state = { ...state, newestKey, rev: state.rev + 1 };
          break;
        }
        if (attempt >= MAX_ATTEMPTS) throw new ConflictError(`album ${albumId} kept changing while items were removed`);
        await pause(attempt);
        state = await this.requireState(ownerId, albumId);
        const still = await this.memberships(ownerId, albumId, todo.map((m) => m.mediaId));
        todo = todo.flatMap((m) => still.get(m.mediaId) ?? []);
      }
    }
    return { album: changed.length === 0 ? state.album : (await this.requireState(ownerId, albumId)).album, changed };
  }

  /** The album row's update and the members' deletions of one removal, and the newest key it leaves. */
  private async removeActions(state: AlbumState, todo: readonly Membership[], at: Date): Promise<{ actions: TransactWriteItem[]; newestKey: string | undefined }> {
    const { ownerId, id: albumId, coverMediaId } = state.album;
    const keys = new Set(todo.map((m) => m.memberSk));
    const update = new UpdateBuilder().set('updatedAt', str(at.toISOString())).add('itemCount', -todo.length).add('rev', 1).when('attribute_exists(PK)');
    let newestKey = state.newestKey;
    if (newestKey === undefined || keys.has(newestKey)) {
      // The newest goes: the next one is read now, and `rev` makes sure no membership changed since.
      const next = await this.newestOutside(ownerId, albumId, keys);
      newestKey = next?.memberSk;
      if (next === undefined) update.remove('newestKey').remove('newestTakenAt');
      else update.set('newestKey', str(next.memberSk)).set('newestTakenAt', str(next.takenAt));
      update.when(`${update.name('rev')} = ${update.value('seenRev', num(state.rev))}`);
    } else {
      const highest = [...keys].reduce((a, b) => (a > b ? a : b));
      update.when(`${update.name('newestKey')} > ${update.value('highestRemoved', str(highest))}`);
    }
    const cover = update.name('coverMediaId');
    if (coverMediaId !== undefined && todo.some((m) => m.mediaId === coverMediaId)) {
      update.remove('coverMediaId').add('version', 1).when(`${cover} = ${update.value('cover', str(coverMediaId))}`);
    } else {
      // Also refused when the cover was set to one of these since the album was read.
      const ids = todo.map((m, i) => update.value(`m${i}`, str(m.mediaId)));
      update.when(`attribute_not_exists(${cover}) OR NOT (${cover} IN (${ids.join(', ')}))`);
    }
    const actions: TransactWriteItem[] = [{ Update: this.albumUpdate(ownerId, albumId, update) }];
    for (const member of todo) {
      actions.push(
        { Delete: { TableName: this.table, Key: { PK: str(mediaKeys.albumMembersPk(ownerId, albumId)), SK: str(member.memberSk) }, ConditionExpression: 'attribute_exists(PK)' } },
        {
          Delete: {
            TableName: this.table,
            Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.memberOfSk(member.mediaId, albumId)) },
            ConditionExpression: 'attribute_exists(PK)',
          },
        },
      );
    }
    return { actions, newestKey };
  }

  /** The newest member not among `leaving`: one Query of the top `leaving.size + 1` rows. */
  private async newestOutside(ownerId: string, albumId: string, leaving: ReadonlySet<string>): Promise<{ memberSk: string; takenAt: string } | undefined> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': str(mediaKeys.albumMembersPk(ownerId, albumId)) },
        ProjectionExpression: 'SK, takenAt',
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: leaving.size + 1,
      }),
    );
    for (const row of page.Items ?? []) {
      const sk = stringAttr(row, 'SK');
      const takenAt = stringAttr(row, 'takenAt');
      if (sk !== undefined && takenAt !== undefined && !leaving.has(sk)) return { memberSk: sk, takenAt };
    }
    return undefined;
  }

  async listItems(ownerId: string, albumId: string, query: AlbumItemsQuery): Promise<Page<AlbumMember>> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(albumId).success) throw new NotFoundError(`album ${albumId} not found`);
    const binding = albumItemsCursorBinding(ownerId, albumId, query.order);
    const pk = mediaKeys.albumMembersPk(ownerId, albumId);
    let startKey: Item | undefined;
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor, binding).after;
      if (!MEMBER_POSITION.test(after)) throw malformedCursor();
      startKey = { PK: str(pk), SK: str(`AT#${after}`) };
    }
    // The album row is read beside every page: members outlive their album for as long as a
    // `deleteAlbum` sweeps them (or an interrupted one leaves them), and an album whose row is gone
    // is not there, whatever rows of it are left.
    const [page, state] = await Promise.all([
      this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :at)',
          ExpressionAttributeValues: { ':pk': str(pk), ':at': str('AT#') },
          ScanIndexForward: query.order === 'asc',
          Limit: query.limit + 1,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      ),
      this.readState(ownerId, albumId),
    ]);
    if (state === undefined) throw new NotFoundError(`album ${albumId} not found`);
    const rows = page.Items ?? [];
    const members = rows.flatMap((row) => {
      const mediaId = stringAttr(row, 'mediaId');
      const takenAt = stringAttr(row, 'takenAt');
      const sk = stringAttr(row, 'SK');
      return mediaId === undefined || takenAt === undefined || sk === undefined ? [] : [{ member: { mediaId, takenAt }, position: sk.slice('AT#'.length) }];
    });
    const items = members.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((m) => m.member),
      ...(members.length > query.limit && last !== undefined ? { nextCursor: encodeCursor({ after: last.position }, binding) } : {}),
    };
  }

  /** The back-reference rows of one item, strongly consistent. */
  private async backReferences(ownerId: string, mediaId: string): Promise<Membership[]> {
    const out: Membership[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :member)',
          ExpressionAttributeValues: { ':pk': str(mediaKeys.ownerPk(ownerId)), ':member': str(`MEMBER#${mediaId}#`) },
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const row of page.Items ?? []) {
        const membership = membershipFromRow(row);
        if (membership !== undefined) out.push(membership);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return out;
  }

  async albumsOf(ownerId: string, mediaId: string): Promise<string[]> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(mediaId).success) return [];
    return (await this.backReferences(ownerId, mediaId)).map((m) => m.albumId);
  }

  async forgetMedia(ownerId: string, mediaId: string, at: Date): Promise<void> {
    checkOwner(ownerId);
    if (!UlidSchema.safeParse(mediaId).success) return;
    for (const membership of await this.backReferences(ownerId, mediaId)) {
      const state = await this.readState(ownerId, membership.albumId);
      if (state !== undefined) {
        try {
          await this.removeMemberships(state, [membership], at);
          continue;
        } catch (error) {
          // The album was deleted meanwhile; its sweep may not have reached this item yet.
          if (!(error instanceof NotFoundError)) throw error;
        }
      }
      // Left behind by an interrupted (or running) deleteAlbum: nothing to count, only rows to drop.
      await this.batchWrite([
        { DeleteRequest: { Key: { PK: str(mediaKeys.albumMembersPk(ownerId, membership.albumId)), SK: str(membership.memberSk) } } },
        { DeleteRequest: { Key: { PK: str(mediaKeys.ownerPk(ownerId)), SK: str(mediaKeys.memberOfSk(mediaId, membership.albumId)) } } },
      ]);
    }
  }
}
