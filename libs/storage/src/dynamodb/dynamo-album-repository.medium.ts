import { DeleteItemCommand, QueryCommand, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import {
  AlbumItemsQuerySchema,
  AlbumListQuerySchema,
  encodeCursor,
  NotFoundError,
  ValidationError,
  type Album,
  type AlbumMember,
} from '@mediaflow/domain';
import { albumRepositoryContract, makeAlbum, makeMediaItem } from '@mediaflow/domain/testing';
import { ALBUM_MEMBERS_PER_TRANSACTION, DynamoAlbumRepository } from './dynamo-album-repository.js';
import { mediaKeys } from './table.js';
import { useDynalite } from './testing/dynalite-server.js';
import { freshMediaTable, type DynaliteTable } from './testing/dynalite-table.js';

const dynamo = useDynalite();

albumRepositoryContract('dynamodb (dynalite)', async () => {
  const t = await freshMediaTable(dynamo.endpoint());
  return {
    albums: new DynamoAlbumRepository({ tableName: t.tableName }, { client: t.client }),
    close: async () => {
      // Every read the contract makes is a key read or a Query: none scans the table.
      expect(t.names()).not.toContain('ScanCommand');
      t.close();
    },
  };
});

const T1 = new Date('2026-03-01T10:00:00.000Z');
const T2 = new Date('2026-03-02T10:00:00.000Z');
const itemsQ = (input: Parameters<typeof AlbumItemsQuerySchema.parse>[0] = {}) => AlbumItemsQuerySchema.parse(input);
const albumsQ = (input: Parameters<typeof AlbumListQuerySchema.parse>[0] = {}) => AlbumListQuerySchema.parse(input);

/** A new media id (the albums need no stored item). */
const mediaId = (): string => makeMediaItem().id;
/** `n` members taken a day apart from 2026-01-01 on, the last one newest. */
const members = (n: number): AlbumMember[] =>
  Array.from({ length: n }, (_, i) => ({ mediaId: mediaId(), takenAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString() }));

describe('DynamoAlbumRepository on dynalite', () => {
  let t: DynaliteTable;
  let albums: DynamoAlbumRepository;

  beforeEach(async () => {
    t = await freshMediaTable(dynamo.endpoint());
    albums = new DynamoAlbumRepository({ tableName: t.tableName }, { client: t.client });
  });

  afterEach(() => {
    expect(t.names()).not.toContain('ScanCommand');
    t.close();
  });

  async function partition(pk: string): Promise<string[]> {
    const out = await t.raw.send(new QueryCommand({ TableName: t.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }));
    return (out.Items ?? []).map((row) => row['SK']?.S ?? '?');
  }

  /** The names of the commands sent while `run` ran. */
  async function commandsOf(run: () => Promise<unknown>): Promise<string[]> {
    const before = t.sent.length;
    await run();
    return t.names().slice(before);
  }

  async function create(overrides: Partial<Album> = {}): Promise<Album> {
    return albums.createAlbum(makeAlbum(overrides));
  }

  it('lays out the album, its member rows and their back-references as the single-table design says', async () => {
    const album = await create();
    const [a, b] = [mediaId(), mediaId()];
    await albums.addItems('alice', album.id, [{ mediaId: a, takenAt: '2026-01-02T12:00:00+02:00' }, { mediaId: b, takenAt: '2026-01-01T00:00:00Z' }], T1);
    expect((await partition('OWNER#alice')).sort()).toEqual([`ALBUM#${album.id}`, `MEMBER#${a}#${album.id}`, `MEMBER#${b}#${album.id}`].sort());
    expect(await partition(`OWNER#alice#ALBUM#${album.id}`)).toEqual([`AT#2026-01-01T00:00:00.000Z#${b}`, `AT#2026-01-02T10:00:00.000Z#${a}`]);
  });

  it('reads a page of an album with one Query beside one GetItem of the album, and an album list with one Query', async () => {
    const album = await create();
    await albums.addItems('alice', album.id, members(30), T1);
    // The two requests of a page are sent together, so their order is not fixed.
    const pageRequests = ['GetItemCommand', 'QueryCommand'];
    let cursor: string | undefined;
    for (const order of ['asc', 'desc'] as const) {
      const sent = await commandsOf(async () => {
        cursor = (await albums.listItems('alice', album.id, itemsQ({ order, limit: 10 }))).nextCursor;
      });
      expect(sent.sort()).toEqual(pageRequests);
      expect((await commandsOf(() => albums.listItems('alice', album.id, itemsQ({ order, limit: 10, cursor })))).sort()).toEqual(pageRequests);
    }
    const read = t.sent.filter((c) => c.name === 'GetItemCommand').pop();
    expect(read?.input).toMatchObject({ Key: { SK: { S: mediaKeys.albumSk(album.id) } }, ConsistentRead: true });
    expect(await commandsOf(() => albums.listAlbums('alice', albumsQ({ limit: 10 })))).toEqual(['QueryCommand']);
    expect(await commandsOf(() => albums.albumsOf('alice', mediaId()))).toEqual(['QueryCommand']);
    const empty = await create();
    expect((await commandsOf(() => albums.listItems('alice', empty.id, itemsQ()))).sort()).toEqual(pageRequests);
  });

  it('refuses to list an album whose row is gone, even while members of it are left', async () => {
    const album = await create();
    await albums.addItems('alice', album.id, members(3), T1);
    // As if a delete stopped right after removing the album row.
    await t.raw.send(new DeleteItemCommand({ TableName: t.tableName, Key: { PK: { S: 'OWNER#alice' }, SK: { S: mediaKeys.albumSk(album.id) } } }));
    expect(await partition(`OWNER#alice#ALBUM#${album.id}`)).toHaveLength(3);
    for (const order of ['asc', 'desc'] as const) {
      await expect(albums.listItems('alice', album.id, itemsQ({ order }))).rejects.toBeInstanceOf(NotFoundError);
      await expect(albums.listItems('alice', album.id, itemsQ({ order, limit: 1 }))).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it('rebuilds the start key from the caller\u2019s owner and album: a cursor position is never a key', async () => {
    const album = await create();
    await albums.addItems('alice', album.id, members(3), T1);
    const binding = { ownerId: 'alice', scope: `album-items:${album.id}:asc` };
    for (const after of [`OWNER#bob#ALBUM#${album.id}`, `2026-01-01T00:00:00.000Z#${mediaId()}#x`, '2026-01-01#x']) {
      await expect(albums.listItems('alice', album.id, itemsQ({ cursor: encodeCursor({ after }, binding) }))).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(albums.listAlbums('alice', albumsQ({ cursor: encodeCursor({ after: 'OWNER#bob' }, { ownerId: 'alice', scope: 'albums' }) }))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('adds and removes more members than one transaction holds, a transaction per chunk, in step throughout', async () => {
    const album = await create();
    const many = members(2 * ALBUM_MEMBERS_PER_TRANSACTION + 5);
    const last = many[many.length - 1];
    const sent: number[] = [];
    t.sent.length = 0;
    const added = await albums.addItems('alice', album.id, many, T1);
    for (const command of t.sent) {
      if (command.name === 'TransactWriteItemsCommand') sent.push((command.input as Partial<TransactWriteItemsCommandInput>).TransactItems?.length ?? 0);
    }
    expect(sent).toEqual([2 * ALBUM_MEMBERS_PER_TRANSACTION + 1, 2 * ALBUM_MEMBERS_PER_TRANSACTION + 1, 11]);
    expect(Math.max(...sent)).toBeLessThanOrEqual(100);
    expect(added.changed).toEqual(many.map((m) => m.mediaId));
    expect(added.album).toMatchObject({ itemCount: many.length, newestTakenAt: last?.takenAt });

    // Removing the newest 60 (two chunks) walks the newest date down, chunk by chunk.
    const removed = await albums.removeItems('alice', album.id, many.slice(-60).map((m) => m.mediaId), T2);
    expect(removed.changed).toHaveLength(60);
    expect(removed.album).toMatchObject({ itemCount: many.length - 60, newestTakenAt: many[many.length - 61]?.takenAt });
    const listed = await albums.listItems('alice', album.id, itemsQ({ order: 'desc', limit: 1 }));
    expect(listed.items[0]?.takenAt).toBe(removed.album.newestTakenAt);
  });

  it('counts a member once when two writers add it at the same moment', async () => {
    const album = await create();
    const other = new DynamoAlbumRepository({ tableName: t.tableName }, { client: t.anotherClient() });
    const batch = members(5);
    const [one, two] = await Promise.all([albums.addItems('alice', album.id, batch, T1), other.addItems('alice', album.id, [...batch].reverse(), T1)]);
    expect([...one.changed, ...two.changed].sort()).toEqual(batch.map((m) => m.mediaId).sort());
    expect(await albums.getAlbum('alice', album.id)).toMatchObject({ itemCount: 5, newestTakenAt: batch[4]?.takenAt });
    expect(await partition(`OWNER#alice#ALBUM#${album.id}`)).toHaveLength(5);
  });

  it('keeps the newest date exact while one writer removes the newest and another adds', async () => {
    const album = await create();
    const other = new DynamoAlbumRepository({ tableName: t.tableName }, { client: t.anotherClient() });
    const base = members(4);
    await albums.addItems('alice', album.id, base, T1);
    const newest = base[3];
    if (newest === undefined) throw new Error('no members');
    // Older than the newest, newer than what is left once it goes.
    const between = { mediaId: mediaId(), takenAt: '2026-01-03T12:00:00.000Z' };
    for (let round = 0; round < 5; round += 1) {
      await Promise.all([albums.removeItems('alice', album.id, [newest.mediaId], T2), other.addItems('alice', album.id, [between], T2)]);
      const stored = await albums.getAlbum('alice', album.id);
      expect(stored).toMatchObject({ itemCount: 4, newestTakenAt: between.takenAt });
      await Promise.all([albums.removeItems('alice', album.id, [between.mediaId], T2), other.addItems('alice', album.id, [newest], T2)]);
      expect(await albums.getAlbum('alice', album.id)).toMatchObject({ itemCount: 4, newestTakenAt: newest.takenAt });
    }
  });

  it('refuses a cover that another writer removes at the same moment, or clears it: never a cover outside the album', async () => {
    const album = await create();
    const other = new DynamoAlbumRepository({ tableName: t.tableName }, { client: t.anotherClient() });
    const [a, b] = members(2);
    if (a === undefined || b === undefined) throw new Error('no members');
    await albums.addItems('alice', album.id, [a, b], T1);
    const read = await albums.getAlbum('alice', album.id);
    if (read === undefined) throw new Error('no album');
    const [update, removal] = await Promise.allSettled([
      albums.updateAlbum({ ...read, coverMediaId: a.mediaId, version: read.version + 1 }, read.version),
      other.removeItems('alice', album.id, [a.mediaId], T2),
    ]);
    expect(removal.status).toBe('fulfilled');
    const stored = await albums.getAlbum('alice', album.id);
    expect(stored?.coverMediaId).toBeUndefined();
    if (update.status === 'rejected') expect(update.reason).toBeInstanceOf(ValidationError);
    expect(stored?.itemCount).toBe(1);
  });

  it('finishes the sweep of an interrupted delete when asked again, and forgetMedia drops what it left', async () => {
    const album = await create();
    const kept = await create();
    const batch = members(3);
    const first = batch[0];
    if (first === undefined) throw new Error('no members');
    await albums.addItems('alice', album.id, batch, T1);
    await albums.addItems('alice', kept.id, [first], T1);
    // As if a delete stopped right after removing the album row.
    await t.raw.send(new DeleteItemCommand({ TableName: t.tableName, Key: { PK: { S: 'OWNER#alice' }, SK: { S: mediaKeys.albumSk(album.id) } } }));
    expect((await albums.albumsOf('alice', first.mediaId)).sort()).toEqual([album.id, kept.id].sort());
    await expect(albums.addItems('alice', album.id, members(1), T2)).rejects.toBeInstanceOf(NotFoundError);

    // forgetMedia meets a membership of the missing album: it drops the rows, counting nothing.
    await albums.forgetMedia('alice', first.mediaId, T2);
    expect(await albums.albumsOf('alice', first.mediaId)).toEqual([]);
    expect(await albums.getAlbum('alice', kept.id)).toMatchObject({ itemCount: 0 });
    expect(await partition(`OWNER#alice#ALBUM#${album.id}`)).toHaveLength(2);

    // Deleting again sweeps the rest.
    await albums.deleteAlbum('alice', album.id);
    expect(await partition(`OWNER#alice#ALBUM#${album.id}`)).toEqual([]);
    expect((await partition('OWNER#alice')).filter((sk) => sk.startsWith('MEMBER#'))).toEqual([]);
  });
});
