import { ConflictError, NotFoundError, ValidationError, type Album, type MediaItem, type MediaStatus } from '@mediaflow/domain';
import { makeMediaItem, rejection } from '@mediaflow/domain/testing';
import { addAlbumItems, albumCover, createAlbum, deleteAlbum, listAlbumItems, listMediaAlbums, removeAlbumItems, takenAt, updateAlbum } from './albums.js';
import { deleteMedia } from './commands.js';
import { createShare, openShare, ShareUnlocks } from './shares.js';
import { sweepOrphans } from './sweeper.js';
import { inMemoryDeps } from './testing/index.js';

function setup() {
  const deps = inMemoryDeps();
  const seed = async (overrides: Partial<MediaItem> = {}) => {
    const at = deps.clock.now().toISOString();
    const item = await deps.repo.create(makeMediaItem({ id: deps.ids.next(), ownerId: 'alice', status: 'ready', createdAt: at, updatedAt: at, ...overrides }));
    deps.clock.advance(1000);
    return item;
  };
  return { deps, seed };
}

describe('takenAt', () => {
  it('is the date the item was taken, else the time it was uploaded, in UTC as search and the timeline have it', () => {
    expect(takenAt(makeMediaItem({ createdAt: '2026-01-01T00:00:00.000Z', facts: { capturedAt: '2020-01-01T12:00:00+01:00' } }))).toBe('2020-01-01T11:00:00.000Z');
    expect(takenAt(makeMediaItem({ createdAt: '2026-01-01T00:00:00.000Z' }))).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('album use cases', () => {
  it('add only the owner’s live items, once each, and publish the ids that went in', async () => {
    const { deps, seed } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const [a, b] = [await seed(), await seed({ status: 'processing' })];
    const gone = await seed({ status: 'deleted' });
    // Still uploading: its record may expire with the abandoned upload, which no delete follows.
    const uploading = await seed({ status: 'uploading' });
    const result = await addAlbumItems(deps, 'alice', album.id, { mediaIds: [a.id, b.id, gone.id, uploading.id, a.id] });
    expect(result.results).toEqual([
      { id: a.id, outcome: 'added' },
      { id: b.id, outcome: 'added' },
      { id: gone.id, outcome: 'not_found' },
      { id: uploading.id, outcome: 'not_found' },
    ]);
    expect(await deps.albums.albumsOf('alice', uploading.id)).toEqual([]);
    const nothing = await addAlbumItems(deps, 'alice', album.id, { mediaIds: [gone.id] });
    expect([nothing.results, nothing.album.itemCount]).toEqual([[{ id: gone.id, outcome: 'not_found' }], 2]);
    expect(deps.bus.published.map((e) => e.type)).toEqual(['album.created', 'album.items_added']);
    expect(await rejection(addAlbumItems(deps, 'bob', album.id, { mediaIds: [a.id] }))).toBeInstanceOf(NotFoundError);
    expect(await rejection(addAlbumItems(deps, 'alice', album.id, { mediaIds: ['nope'] }))).toBeInstanceOf(ValidationError);
  });

  it('take out again an item deleted for good between its check and the write, as not_found', async () => {
    const { deps, seed } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const [kept, raced, marked] = [await seed(), await seed(), await seed()];
    const addItems = deps.albums.addItems.bind(deps.albums);
    deps.albums.addItems = async (...args) => {
      // After the items were checked, before they are written: one deleted for good (marked,
      // forgotten by every album, its record gone), another only marked so far.
      await deleteMedia(deps, 'alice', raced.id);
      const current = (await deps.repo.get('alice', marked.id)) as MediaItem;
      await deps.repo.update({ ...current, status: 'deleted', version: current.version + 1 }, current.version);
      return addItems(...args);
    };
    deps.bus.published.length = 0;
    const result = await addAlbumItems(deps, 'alice', album.id, { mediaIds: [kept.id, raced.id, marked.id] });
    expect(result.results).toEqual([
      { id: kept.id, outcome: 'added' },
      { id: raced.id, outcome: 'not_found' },
      { id: marked.id, outcome: 'not_found' },
    ]);
    expect(result.album.itemCount).toBe(1);
    expect(await deps.albums.getAlbum('alice', album.id)).toMatchObject({ itemCount: 1 });
    expect(await deps.albums.albumsOf('alice', raced.id)).toEqual([]);
    expect(await deps.albums.albumsOf('alice', marked.id)).toEqual([]);
    const added = deps.bus.published.filter((e) => e.type === 'album.items_added');
    expect(added.map((e) => e.data)).toEqual([{ mediaIds: [kept.id], itemCount: 1 }]);

    // Every item gone by the write: nothing added, nothing published.
    const late = await seed();
    deps.albums.addItems = async (...args) => {
      await deleteMedia(deps, 'alice', late.id);
      return addItems(...args);
    };
    deps.bus.published.length = 0;
    const none = await addAlbumItems(deps, 'alice', album.id, { mediaIds: [late.id] });
    expect([none.results, none.album.itemCount]).toEqual([[{ id: late.id, outcome: 'not_found' }], 1]);
    expect(deps.bus.published.filter((e) => e.type.startsWith('album.'))).toEqual([]);
  });

  it('retry an edit that lost a race, and keep what the other writer did', async () => {
    const { deps, seed } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const item = await seed();
    await addAlbumItems(deps, 'alice', album.id, { mediaIds: [item.id] });
    const update = deps.albums.updateAlbum.bind(deps.albums);
    let raced = false;
    deps.albums.updateAlbum = async (next, expected) => {
      if (!raced) {
        raced = true;
        const current = (await deps.albums.getAlbum('alice', album.id)) as Album;
        await update({ ...current, description: 'by the other writer', version: current.version + 1 }, current.version);
      }
      return update(next, expected);
    };
    const updated = await updateAlbum(deps, 'alice', album.id, { coverMediaId: item.id });
    expect(updated).toMatchObject({ coverMediaId: item.id, description: 'by the other writer', name: 'Trip' });
    deps.albums.updateAlbum = async () => {
      throw new ConflictError('always someone else');
    };
    expect(await rejection(updateAlbum(deps, 'alice', album.id, { name: 'x' }))).toBeInstanceOf(ConflictError);
  });

  it('revoke an album’s links before the album goes', async () => {
    const { deps } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const { token } = await createShare(deps, 'alice', { target: { type: 'album', albumId: album.id } });
    const order: string[] = [];
    const removeAlbum = deps.albums.deleteAlbum.bind(deps.albums);
    deps.albums.deleteAlbum = async (ownerId, albumId) => {
      order.push(`album deleted; link ${(await deps.shares.listShares('alice', { limit: 10 }))[0]?.revokedAt === undefined ? 'live' : 'revoked'}`);
      await removeAlbum(ownerId, albumId);
    };
    await deleteAlbum(deps, 'alice', album.id);
    expect(order).toEqual(['album deleted; link revoked']);
    expect(await rejection(openShare({ ...deps, unlocks: new ShareUnlocks(Buffer.alloc(32)) }, { token }, {}))).toMatchObject({ reason: 'link_revoked' });
    expect(deps.bus.published.at(-1)?.type).toBe('album.deleted');
    expect(await rejection(deleteAlbum(deps, 'alice', album.id))).toBeInstanceOf(NotFoundError);
  });

  it('sweep up what an interrupted delete left when the album’s row is already gone, then answer not found', async () => {
    const { deps, seed } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const item = await seed();
    await addAlbumItems(deps, 'alice', album.id, { mediaIds: [item.id] });
    const { token } = await createShare(deps, 'alice', { target: { type: 'album', albumId: album.id } });
    // The first delete went as far as the album's row: its memberships and its link are left over.
    const getAlbum = deps.albums.getAlbum.bind(deps.albums);
    deps.albums.getAlbum = async (ownerId, albumId) => (albumId === album.id ? undefined : getAlbum(ownerId, albumId));
    const deleted: string[] = [];
    const removeAlbum = deps.albums.deleteAlbum.bind(deps.albums);
    deps.albums.deleteAlbum = async (ownerId, albumId) => {
      deleted.push(`${ownerId}/${albumId}`);
      await removeAlbum(ownerId, albumId);
    };
    deps.bus.published.length = 0;
    expect(await rejection(deleteAlbum(deps, 'alice', album.id))).toBeInstanceOf(NotFoundError);
    expect(deleted).toEqual([`alice/${album.id}`]);
    expect(await deps.albums.albumsOf('alice', item.id)).toEqual([]);
    expect(await rejection(openShare({ ...deps, unlocks: new ShareUnlocks(Buffer.alloc(32)) }, { token }, {}))).toMatchObject({ reason: 'link_revoked' });
    expect((await deps.shares.listShares('alice', { limit: 10 })).map((l) => l.revokedAt)).toEqual([deps.clock.now().toISOString()]);
    expect(deps.bus.published).toEqual([]);
  });

  it('pass over a cover or member whose record is gone', async () => {
    const { deps, seed } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const [older, newer] = [await seed({ facts: { capturedAt: '2019-01-01T00:00:00Z' } }), await seed()];
    await addAlbumItems(deps, 'alice', album.id, { mediaIds: [older.id, newer.id] });
    const chosen = await updateAlbum(deps, 'alice', album.id, { coverMediaId: older.id });
    expect((await albumCover(deps, chosen))?.id).toBe(older.id);
    // Records removed behind the album's back (a delete under way).
    await deps.repo.delete('alice', older.id);
    expect((await albumCover(deps, chosen))?.id).toBe(newer.id);
    await deps.repo.delete('alice', newer.id);
    expect(await albumCover(deps, chosen)).toBeUndefined();
    expect((await listAlbumItems(deps, 'alice', album.id, {})).items).toEqual([]);
  });

  it('forget an item deleted for good, also when the sweeper finishes the delete', async () => {
    const { deps, seed } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const [a, b] = [await seed(), await seed()];
    await addAlbumItems(deps, 'alice', album.id, { mediaIds: [a.id, b.id] });
    await deleteMedia(deps, 'alice', a.id);
    expect((await listMediaAlbums(deps, 'alice', b.id)).map((x) => x.itemCount)).toEqual([1]);

    // A delete cut short after the mark: the sweeper finishes it and the album lets go too.
    const current = (await deps.repo.get('alice', b.id)) as MediaItem;
    await deps.repo.update({ ...current, status: 'deleted', version: current.version + 1 }, current.version);
    const listStale = async (status: MediaStatus): Promise<MediaItem[]> => (status === 'deleted' ? [(await deps.repo.get('alice', b.id)) as MediaItem] : []);
    // The same items, with the housekeeping view the in-memory repository leaves out.
    const repo = Object.assign(Object.create(deps.repo) as typeof deps.repo, { listStale });
    expect((await sweepOrphans({ ...deps, repo }, { olderThanSeconds: 0 })).finishedDeletes).toBe(1);
    expect(await deps.albums.getAlbum('alice', album.id)).toMatchObject({ itemCount: 0 });
  });

  it('remove from an album only what is in it, and refuse another owner', async () => {
    const { deps, seed } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const item = await seed();
    await addAlbumItems(deps, 'alice', album.id, { mediaIds: [item.id] });
    expect(await rejection(removeAlbumItems(deps, 'bob', album.id, { mediaIds: [item.id] }))).toBeInstanceOf(NotFoundError);
    const result = await removeAlbumItems(deps, 'alice', album.id, { mediaIds: [item.id] });
    expect([result.results, result.album.itemCount]).toEqual([[{ id: item.id, outcome: 'removed' }], 0]);
  });
});
