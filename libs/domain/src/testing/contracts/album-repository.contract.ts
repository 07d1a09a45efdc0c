import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ulid } from 'ulid';
import type { z } from 'zod';
import {
  AlbumItemsQuerySchema,
  AlbumListQuerySchema,
  type Album,
  type AlbumMember,
  type AlbumRepository,
} from '../../albums.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { decodeCursor, encodeCursor, type CursorBinding } from '../../query.js';
import { rejection } from '../fixtures.js';

export interface AlbumRepositoryHarness {
  albums: AlbumRepository;
  close?: () => Promise<void>;
}

let albumCounter = 0;

/**
 * A new, empty album with sensible defaults, for tests. Ids increase with each call, so "newest
 * first" is predictable.
 */
export function makeAlbum(overrides: Partial<Album> = {}): Album {
  albumCounter += 1;
  const ms = Date.UTC(2026, 1, 1) + albumCounter;
  const at = new Date(ms).toISOString();
  return {
    id: ulid(ms),
    ownerId: 'alice',
    name: `Album ${albumCounter}`,
    itemCount: 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

let mediaCounter = 0;
/** A media id later than every one made before (the album contract needs no stored item). */
const mediaId = (): string => {
  mediaCounter += 1;
  return ulid(Date.UTC(2026, 0, 1) + mediaCounter);
};
const member = (id: string, takenAt: string): AlbumMember => ({ mediaId: id, takenAt });
const itemsQ = (input: z.input<typeof AlbumItemsQuerySchema> = {}) => AlbumItemsQuerySchema.parse(input);
const albumsQ = (input: z.input<typeof AlbumListQuerySchema> = {}) => AlbumListQuerySchema.parse(input);
const T1 = new Date('2026-03-01T10:00:00.000Z');
const T2 = new Date('2026-03-02T10:00:00.000Z');
const T3 = new Date('2026-03-03T10:00:00.000Z');

/**
 * The behaviour every AlbumRepository adapter must have (in memory, SQLite, DynamoDB): owner
 * scoping, conditional edits, membership changes that keep the album's count, newest date and cover
 * in step, and date-taken listings paged by cursors bound to the owner, the album and the order.
 */
export function albumRepositoryContract(name: string, create: () => Promise<AlbumRepositoryHarness>): void {
  describe(`AlbumRepository contract: ${name}`, () => {
    let harness: AlbumRepositoryHarness;
    let albums: AlbumRepository;

    beforeEach(async () => {
      harness = await create();
      albums = harness.albums;
    });

    afterEach(async () => {
      await harness.close?.();
    });

    async function stored(ownerId: string, albumId: string): Promise<Album> {
      const album = await albums.getAlbum(ownerId, albumId);
      if (album === undefined) throw new Error(`album ${albumId} is missing`);
      return album;
    }

    async function allItems(ownerId: string, albumId: string, order: 'asc' | 'desc', limit: number): Promise<AlbumMember[]> {
      const out: AlbumMember[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const result = await albums.listItems(ownerId, albumId, itemsQ({ order, limit, ...(cursor === undefined ? {} : { cursor }) }));
        expect(result.items.length).toBeLessThanOrEqual(limit);
        out.push(...result.items);
        if (result.nextCursor === undefined) return out;
        cursor = result.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    async function allAlbums(ownerId: string, limit: number): Promise<Album[]> {
      const out: Album[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const result = await albums.listAlbums(ownerId, albumsQ({ limit, ...(cursor === undefined ? {} : { cursor }) }));
        out.push(...result.items);
        if (result.nextCursor === undefined) return out;
        cursor = result.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    it('creates an album and reads it back unchanged', async () => {
      const album = makeAlbum({ name: 'Summer', description: 'By the sea' });
      expect(await albums.createAlbum(album)).toEqual(album);
      expect(await albums.getAlbum('alice', album.id)).toEqual(album);
      expect(await albums.getAlbum('alice', makeAlbum().id)).toBeUndefined();
    });

    it('refuses the same id twice, and a new album that is not empty at version 1', async () => {
      const album = await albums.createAlbum(makeAlbum());
      await expect(albums.createAlbum({ ...album, name: 'Again' })).rejects.toBeInstanceOf(ConflictError);
      expect((await stored('alice', album.id)).name).toBe(album.name);
      await expect(albums.createAlbum(makeAlbum({ version: 2 }))).rejects.toBeInstanceOf(ValidationError);
      await expect(albums.createAlbum(makeAlbum({ itemCount: 3 }))).rejects.toBeInstanceOf(ValidationError);
      await expect(albums.createAlbum(makeAlbum({ coverMediaId: mediaId() }))).rejects.toBeInstanceOf(ValidationError);
    });

    it('updates the album\u2019s own fields conditionally on the version, never its counts', async () => {
      const album = await albums.createAlbum(makeAlbum({ description: 'Old' }));
      await albums.addItems('alice', album.id, [member(mediaId(), '2026-01-05T00:00:00.000Z')], T1);
      const current = await stored('alice', album.id);
      const { description: _dropped, ...withoutDescription } = current;
      const next: Album = {
        ...withoutDescription,
        name: 'Renamed',
        updatedAt: T2.toISOString(),
        version: current.version + 1,
        itemCount: 99,
        newestTakenAt: '1999-01-01T00:00:00.000Z',
        createdAt: '1999-01-01T00:00:00.000Z',
      };
      const expected: Album = { ...withoutDescription, name: 'Renamed', updatedAt: T2.toISOString(), version: current.version + 1 };
      expect(await albums.updateAlbum(next, current.version)).toEqual(expected);
      expect(await albums.getAlbum('alice', album.id)).toEqual(expected);

      // A stale writer (still at the old version) loses, and changes nothing.
      const stale = await rejection(albums.updateAlbum({ ...current, name: 'Stale', version: current.version + 1 }, current.version));
      expect(stale).toBeInstanceOf(ConflictError);
      expect((stale as ConflictError).details).toEqual({ currentVersion: expected.version });
      expect(await albums.getAlbum('alice', album.id)).toEqual(expected);

      await expect(albums.updateAlbum({ ...expected, version: expected.version + 2 }, expected.version)).rejects.toBeInstanceOf(ValidationError);
      const ghost = makeAlbum();
      await expect(albums.updateAlbum({ ...ghost, version: 2 }, 1)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('takes a cover only from the album\u2019s own items', async () => {
      const album = await albums.createAlbum(makeAlbum());
      const inside = mediaId();
      await albums.addItems('alice', album.id, [member(inside, '2026-01-05T00:00:00.000Z')], T1);
      const covered = await albums.updateAlbum({ ...album, coverMediaId: inside, version: 2, updatedAt: T2.toISOString() }, 1);
      expect(covered.coverMediaId).toBe(inside);
      expect((await stored('alice', album.id)).coverMediaId).toBe(inside);

      const outsider = await rejection(albums.updateAlbum({ ...covered, coverMediaId: mediaId(), version: 3 }, 2));
      expect(outsider).toBeInstanceOf(ValidationError);
      expect((await stored('alice', album.id)).coverMediaId).toBe(inside);

      // Leaving the cover out clears it.
      const { coverMediaId: _cleared, ...uncovered } = covered;
      const cleared = await albums.updateAlbum({ ...uncovered, version: 3 }, 2);
      expect(cleared.coverMediaId).toBeUndefined();
      expect((await stored('alice', album.id)).coverMediaId).toBeUndefined();
    });

    it('hides an album from every other owner', async () => {
      const album = await albums.createAlbum(makeAlbum({ ownerId: 'alice' }));
      const item = mediaId();
      await albums.addItems('alice', album.id, [member(item, '2026-01-05T00:00:00.000Z')], T1);

      expect(await albums.getAlbum('bob', album.id)).toBeUndefined();
      expect((await albums.listAlbums('bob', albumsQ())).items).toEqual([]);
      await expect(albums.updateAlbum({ ...album, ownerId: 'bob', name: 'Mine', version: 2 }, 1)).rejects.toBeInstanceOf(NotFoundError);
      await expect(albums.addItems('bob', album.id, [member(mediaId(), '2026-01-05T00:00:00.000Z')], T2)).rejects.toBeInstanceOf(NotFoundError);
      await expect(albums.removeItems('bob', album.id, [item], T2)).rejects.toBeInstanceOf(NotFoundError);
      await expect(albums.listItems('bob', album.id, itemsQ())).rejects.toBeInstanceOf(NotFoundError);
      expect(await albums.albumsOf('bob', item)).toEqual([]);
      await albums.forgetMedia('bob', item, T2);
      await albums.deleteAlbum('bob', album.id);

      const after = await stored('alice', album.id);
      expect(after).toMatchObject({ name: album.name, itemCount: 1, version: 1, updatedAt: T1.toISOString() });
      expect((await albums.listItems('alice', album.id, itemsQ())).items).toEqual([member(item, '2026-01-05T00:00:00.000Z')]);
    });

    it('lists albums newest first, page by page, with cursors bound to the owner', async () => {
      const created: Album[] = [];
      for (let i = 0; i < 7; i += 1) created.push(await albums.createAlbum(makeAlbum()));
      await albums.createAlbum(makeAlbum({ ownerId: 'bob' }));
      const first = await albums.listAlbums('alice', albumsQ({ limit: 3 }));
      expect(first.items.map((a) => a.id)).toEqual(created.slice(4).reverse().map((a) => a.id));
      expect(first.nextCursor).toBeDefined();
      expect((await allAlbums('alice', 3)).map((a) => a.id)).toEqual([...created].reverse().map((a) => a.id));
      expect((await albums.listAlbums('alice', albumsQ({ limit: 7 }))).nextCursor).toBeUndefined();

      const cursor = first.nextCursor as string;
      await expect(albums.listAlbums('bob', albumsQ({ cursor }))).rejects.toBeInstanceOf(ValidationError);
      await expect(albums.listAlbums('alice', albumsQ({ cursor: 'bm90LWEtY3Vyc29y' }))).rejects.toBeInstanceOf(ValidationError);
    });

    it('adds items idempotently, counting each once and keeping the newest date', async () => {
      const album = await albums.createAlbum(makeAlbum());
      const [a, b, c] = [mediaId(), mediaId(), mediaId()] as const;

      const first = await albums.addItems('alice', album.id, [member(a, '2026-01-05T00:00:00.000Z'), member(b, '2026-01-03T00:00:00.000Z')], T1);
      expect(first.changed).toEqual([a, b]);
      expect(first.album).toEqual({ ...album, itemCount: 2, newestTakenAt: '2026-01-05T00:00:00.000Z', updatedAt: T1.toISOString() });

      // b is already in (its date is not replaced); c is new, and given twice.
      const second = await albums.addItems(
        'alice',
        album.id,
        [member(b, '2030-01-01T00:00:00.000Z'), member(c, '2026-02-01T00:00:00.000Z'), member(c, '2026-02-01T00:00:00.000Z')],
        T2,
      );
      expect(second.changed).toEqual([c]);
      expect(second.album).toMatchObject({ itemCount: 3, newestTakenAt: '2026-02-01T00:00:00.000Z', updatedAt: T2.toISOString(), version: 1 });

      // Nothing new: nothing moves, not even the time of the last change.
      const third = await albums.addItems('alice', album.id, [member(a, '2026-01-05T00:00:00.000Z')], T3);
      expect(third.changed).toEqual([]);
      expect(third.album).toEqual(second.album);
      expect(await albums.getAlbum('alice', album.id)).toEqual(second.album);
      expect((await albums.listItems('alice', album.id, itemsQ())).items.find((m) => m.mediaId === b)?.takenAt).toBe('2026-01-03T00:00:00.000Z');
    });

    it('removes items, recounting and recomputing the newest date', async () => {
      const album = await albums.createAlbum(makeAlbum());
      const [a, b, c] = [mediaId(), mediaId(), mediaId()] as const;
      await albums.addItems(
        'alice',
        album.id,
        [member(a, '2026-01-05T00:00:00.000Z'), member(b, '2026-01-03T00:00:00.000Z'), member(c, '2026-02-01T00:00:00.000Z')],
        T1,
      );

      const first = await albums.removeItems('alice', album.id, [c, mediaId()], T2);
      expect(first.changed).toEqual([c]);
      expect(first.album).toEqual({ ...album, itemCount: 2, newestTakenAt: '2026-01-05T00:00:00.000Z', updatedAt: T2.toISOString() });
      expect(await albums.getAlbum('alice', album.id)).toEqual(first.album);

      const second = await albums.removeItems('alice', album.id, [a, b], T3);
      expect(second.changed).toEqual([a, b]);
      expect(second.album).toEqual({ ...album, itemCount: 0, updatedAt: T3.toISOString() });
      expect(await albums.getAlbum('alice', album.id)).toEqual(second.album);

      const again = await albums.removeItems('alice', album.id, [a], new Date('2027-01-01T00:00:00.000Z'));
      expect(again).toEqual({ album: second.album, changed: [] });
      expect((await albums.listItems('alice', album.id, itemsQ())).items).toEqual([]);
    });

    it('clears a removed cover as an edit, so a stale writer cannot put it back', async () => {
      const album = await albums.createAlbum(makeAlbum());
      const [a, b] = [mediaId(), mediaId()] as const;
      await albums.addItems('alice', album.id, [member(a, '2026-01-05T00:00:00.000Z'), member(b, '2026-01-03T00:00:00.000Z')], T1);
      const covered = await albums.updateAlbum({ ...(await stored('alice', album.id)), coverMediaId: a, version: 2 }, 1);

      const removed = await albums.removeItems('alice', album.id, [a], T2);
      expect(removed.album.coverMediaId).toBeUndefined();
      expect(removed.album.version).toBe(3);
      expect(await albums.getAlbum('alice', album.id)).toEqual(removed.album);
      await expect(albums.updateAlbum({ ...covered, name: 'Stale', version: 3 }, 2)).rejects.toBeInstanceOf(ConflictError);

      // Removing an item that is not the cover is no edit of the album's own fields.
      await albums.addItems('alice', album.id, [member(a, '2026-01-05T00:00:00.000Z')], T3);
      await albums.updateAlbum({ ...(await stored('alice', album.id)), coverMediaId: a, version: 4 }, 3);
      expect((await albums.removeItems('alice', album.id, [b], T3)).album).toMatchObject({ coverMediaId: a, version: 4 });
    });

    it('lists items by date taken, then by id, both ways, across pages', async () => {
      const album = await albums.createAlbum(makeAlbum());
      const ids = Array.from({ length: 7 }, () => mediaId());
      const [m0, m1, m2, m3, m4, m5, m6] = ids as [string, string, string, string, string, string, string];
      // Ties on the date and a date with an offset: the order is the instants', then the ids'.
      const dates: Record<string, string> = {
        [m0]: '2026-01-03T00:00:00Z',
        [m1]: '2025-12-31T23:00:00-02:00',
        [m2]: '2026-01-02T00:00:00.000Z',
        [m3]: '2026-01-02T00:00:00.000Z',
        [m4]: '2026-01-01T00:00:00.000Z',
        [m5]: '2026-01-02T00:00:00.000Z',
        [m6]: '2026-01-03T00:00:00.000Z',
      };
      // Added in an order unrelated to either sort.
      for (const batch of [[m5, m0], [m3], [m6, m1, m4, m2]]) {
        await albums.addItems('alice', album.id, batch.map((id) => member(id, dates[id] ?? '')), T1);
      }
      const utc = (id: string): AlbumMember => member(id, new Date(dates[id] ?? '').toISOString());
      const ascending = [m4, m1, m2, m3, m5, m0, m6].map(utc);

      expect(await allItems('alice', album.id, 'asc', 2)).toEqual(ascending);
      expect(await allItems('alice', album.id, 'desc', 3)).toEqual([...ascending].reverse());
      expect(await allItems('alice', album.id, 'asc', 7)).toEqual(ascending);
      expect((await albums.listItems('alice', album.id, itemsQ({ limit: 7 }))).nextCursor).toBeUndefined();
      expect((await albums.listItems('alice', album.id, itemsQ({}))).items).toEqual(ascending);
      expect((await stored('alice', album.id)).newestTakenAt).toBe('2026-01-03T00:00:00.000Z');
    });

    it('refuses a cursor of another album, another order, another owner or another listing', async () => {
      const one = await albums.createAlbum(makeAlbum());
      const two = await albums.createAlbum(makeAlbum());
      const bobs = await albums.createAlbum(makeAlbum({ ownerId: 'bob' }));
      const members = ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'].map((d) => member(mediaId(), d));
      for (const album of [one, two, bobs]) await albums.addItems(album.ownerId, album.id, members, T1);
      const cursor = (await albums.listItems('alice', one.id, itemsQ({ limit: 1 }))).nextCursor as string;
      expect(cursor).toBeDefined();
      expect((await albums.listItems('alice', one.id, itemsQ({ limit: 1, cursor }))).items).toEqual([members[1]]);

      await expect(albums.listItems('alice', two.id, itemsQ({ cursor }))).rejects.toBeInstanceOf(ValidationError);
      await expect(albums.listItems('alice', one.id, itemsQ({ order: 'desc', cursor }))).rejects.toBeInstanceOf(ValidationError);
      await expect(albums.listItems('bob', bobs.id, itemsQ({ cursor }))).rejects.toBeInstanceOf(ValidationError);
      await expect(albums.listAlbums('alice', albumsQ({ cursor }))).rejects.toBeInstanceOf(ValidationError);
      const albumCursor = (await albums.listAlbums('alice', albumsQ({ limit: 1 }))).nextCursor as string;
      await expect(albums.listItems('alice', one.id, itemsQ({ cursor: albumCursor }))).rejects.toBeInstanceOf(ValidationError);
      await expect(albums.listItems('alice', one.id, itemsQ({ cursor: 'bm90LWEtY3Vyc29y' }))).rejects.toBeInstanceOf(ValidationError);
    });

    it('takes a member date only as an ISO date-time with an offset, adding none of a batch with another', async () => {
      const album = await albums.createAlbum(makeAlbum());
      // `Date.parse` reads all but the first; none is an ISO date-time with an offset (`Z` or `±hh:mm`).
      const refused = ['yesterday', '2026-01-01', '2026-01-01T00:00:00', '2026-01-01 00:00:00Z', '2026-01-01T00:00Z', 'March 1, 2026', '2026-02-30T00:00:00Z'];
      for (const bad of refused) {
        const batch = [member(mediaId(), '2026-01-01T00:00:00.000Z'), member(mediaId(), bad)];
        expect([bad, await rejection(albums.addItems('alice', album.id, batch, T1))]).toEqual([bad, expect.any(ValidationError)]);
      }
      expect(await albums.getAlbum('alice', album.id)).toEqual(album);
      expect((await albums.listItems('alice', album.id, itemsQ())).items).toEqual([]);

      // `Z` or an offset, with or without fractions of a second: kept in UTC `toISOString()` form.
      const [a, b, c] = [mediaId(), mediaId(), mediaId()] as const;
      await albums.addItems('alice', album.id, [member(a, '2026-01-01T00:00:00Z'), member(b, '2026-01-01T03:00:00.5+02:00'), member(c, '2026-01-01T00:00:00.123456-01:00')], T1);
      expect((await albums.listItems('alice', album.id, itemsQ())).items).toEqual([
        member(a, '2026-01-01T00:00:00.000Z'),
        member(c, '2026-01-01T01:00:00.123Z'),
        member(b, '2026-01-01T01:00:00.500Z'),
      ]);
    });

    it('binds its cursors as they always were, so cursors already handed out keep working', async () => {
      // The bindings written out in the shape the first cursors were issued with: any change of it
      // would change every cursor's fingerprint.
      const one = await albums.createAlbum(makeAlbum());
      await albums.createAlbum(makeAlbum());
      const members = [member(mediaId(), '2026-01-01T00:00:00.000Z'), member(mediaId(), '2026-01-02T00:00:00.000Z')];
      await albums.addItems('alice', one.id, members, T1);

      const listBinding: CursorBinding = { ownerId: 'alice', scope: 'albums' };
      const albumCursor = (await albums.listAlbums('alice', albumsQ({ limit: 1 }))).nextCursor as string;
      expect(encodeCursor(decodeCursor(albumCursor, listBinding), listBinding)).toBe(albumCursor);

      for (const order of ['asc', 'desc'] as const) {
        const binding: CursorBinding = { ownerId: 'alice', scope: `album-items:${one.id}:${order}` };
        const cursor = (await albums.listItems('alice', one.id, itemsQ({ order, limit: 1 }))).nextCursor as string;
        const reissued = encodeCursor(decodeCursor(cursor, binding), binding);
        expect(reissued).toBe(cursor);
        const next = (await albums.listItems('alice', one.id, itemsQ({ order, limit: 1, cursor: reissued }))).items;
        expect(next).toEqual([order === 'asc' ? members[1] : members[0]]);
      }
    });

    it('says which of the owner\u2019s albums hold an item', async () => {
      const [one, two, three] = [await albums.createAlbum(makeAlbum()), await albums.createAlbum(makeAlbum()), await albums.createAlbum(makeAlbum())];
      const bobs = await albums.createAlbum(makeAlbum({ ownerId: 'bob' }));
      const item = mediaId();
      const other = mediaId();
      for (const album of [one, three, bobs]) await albums.addItems(album.ownerId, album.id, [member(item, '2026-01-01T00:00:00.000Z')], T1);
      await albums.addItems('alice', two.id, [member(other, '2026-01-01T00:00:00.000Z')], T1);
      expect((await albums.albumsOf('alice', item)).sort()).toEqual([one.id, three.id].sort());
      expect(await albums.albumsOf('alice', other)).toEqual([two.id]);
      expect(await albums.albumsOf('bob', item)).toEqual([bobs.id]);
      expect(await albums.albumsOf('alice', mediaId())).toEqual([]);
    });

    it('forgets an item in every album, fixing counts, dates and covers, idempotently', async () => {
      const one = await albums.createAlbum(makeAlbum());
      const two = await albums.createAlbum(makeAlbum());
      const bobs = await albums.createAlbum(makeAlbum({ ownerId: 'bob' }));
      const [gone, kept] = [mediaId(), mediaId()] as const;
      await albums.addItems('alice', one.id, [member(gone, '2026-02-01T00:00:00.000Z'), member(kept, '2026-01-01T00:00:00.000Z')], T1);
      await albums.addItems('alice', two.id, [member(gone, '2026-02-01T00:00:00.000Z')], T1);
      await albums.addItems('bob', bobs.id, [member(gone, '2026-02-01T00:00:00.000Z')], T1);
      await albums.updateAlbum({ ...(await stored('alice', one.id)), coverMediaId: gone, version: 2 }, 1);

      await albums.forgetMedia('alice', gone, T2);
      expect(await albums.getAlbum('alice', one.id)).toEqual({
        ...one,
        itemCount: 1,
        newestTakenAt: '2026-01-01T00:00:00.000Z',
        updatedAt: T2.toISOString(),
        version: 3,
      });
      expect(await albums.getAlbum('alice', two.id)).toEqual({ ...two, itemCount: 0, updatedAt: T2.toISOString() });
      expect((await albums.listItems('alice', one.id, itemsQ())).items).toEqual([member(kept, '2026-01-01T00:00:00.000Z')]);
      expect(await albums.albumsOf('alice', gone)).toEqual([]);
      // Another owner's album holding the same id is not touched.
      expect(await albums.getAlbum('bob', bobs.id)).toMatchObject({ itemCount: 1 });

      await albums.forgetMedia('alice', gone, T3);
      expect((await stored('alice', one.id)).updatedAt).toBe(T2.toISOString());
    });

    it('deletes an album with its memberships, idempotently', async () => {
      const one = await albums.createAlbum(makeAlbum());
      const two = await albums.createAlbum(makeAlbum());
      const item = mediaId();
      for (const album of [one, two]) await albums.addItems('alice', album.id, [member(item, '2026-01-01T00:00:00.000Z')], T1);

      await albums.deleteAlbum('alice', one.id);
      await albums.deleteAlbum('alice', one.id);
      expect(await albums.getAlbum('alice', one.id)).toBeUndefined();
      expect(await albums.albumsOf('alice', item)).toEqual([two.id]);
      expect((await albums.listAlbums('alice', albumsQ())).items.map((a) => a.id)).toEqual([two.id]);
      await expect(albums.listItems('alice', one.id, itemsQ())).rejects.toBeInstanceOf(NotFoundError);
      await expect(albums.addItems('alice', one.id, [member(item, '2026-01-01T00:00:00.000Z')], T2)).rejects.toBeInstanceOf(NotFoundError);

      // The same id made again starts empty: no membership outlived the album.
      expect(await albums.createAlbum(one)).toEqual(one);
      expect((await albums.listItems('alice', one.id, itemsQ())).items).toEqual([]);
      expect((await albums.addItems('alice', one.id, [member(item, '2026-01-01T00:00:00.000Z')], T2)).changed).toEqual([item]);
    });
  });
}
