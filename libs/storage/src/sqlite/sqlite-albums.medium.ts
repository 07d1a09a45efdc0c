import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AlbumItemsQuerySchema, TimeoutError } from '@mediaflow/domain';
import {
  albumRepositoryContract,
  makeAlbum,
  makeMediaItem,
  makeShareLink,
  reviewQueueContract,
  shareLinkRepositoryContract,
} from '@mediaflow/domain/testing';
import { SqliteMediaRepository } from './sqlite-media-repository.js';
import { sqliteOnFile, type SqliteOnFile } from './testing/sqlite-file.js';

/** A media repository on a fresh file in a fresh directory, removed again by `close`. */
const onFile = (): Promise<SqliteOnFile> => sqliteOnFile('mf-sqlite-albums-');

albumRepositoryContract('sqlite', async () => {
  const { repo, close } = await onFile();
  return { albums: repo.albums(), close };
});

shareLinkRepositoryContract('sqlite', async () => {
  const { repo, close } = await onFile();
  return { shares: repo.shares(), close };
});

reviewQueueContract('sqlite', async () => {
  const { repo, close } = await onFile();
  return { repo, queue: repo, close };
});

describe('SQLite albums beside the media they hold', () => {
  let dir: string;
  let filename: string;
  const open: SqliteMediaRepository[] = [];
  const repository = (options: { busyTimeoutMs?: number } = {}): SqliteMediaRepository => {
    const repo = new SqliteMediaRepository({ filename, ...options });
    open.push(repo);
    return repo;
  };
  const at = new Date('2026-03-01T00:00:00.000Z');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-sqlite-albums-'));
    filename = join(dir, 'media.db');
  });

  afterEach(async () => {
    for (const repo of open.splice(0)) repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands out one album and one share repository per media repository', () => {
    const repo = repository();
    expect(repo.albums()).toBe(repo.albums());
    expect(repo.shares()).toBe(repo.shares());
  });

  it('takes an item deleted for good out of its albums, fixing counts, dates and the cover', async () => {
    const repo = repository();
    const albums = repo.albums();
    const gone = await repo.create(makeMediaItem({ ownerId: 'alice' }));
    const kept = await repo.create(makeMediaItem({ ownerId: 'alice' }));
    const one = await albums.createAlbum(makeAlbum({ ownerId: 'alice' }));
    const two = await albums.createAlbum(makeAlbum({ ownerId: 'alice' }));
    await albums.addItems(
      'alice',
      one.id,
      [
        { mediaId: gone.id, takenAt: '2026-02-01T00:00:00.000Z' },
        { mediaId: kept.id, takenAt: '2026-01-01T00:00:00.000Z' },
      ],
      at,
    );
    await albums.addItems('alice', two.id, [{ mediaId: gone.id, takenAt: '2026-02-01T00:00:00.000Z' }], at);
    await albums.updateAlbum({ ...one, coverMediaId: gone.id, version: 2 }, 1);

    const before = Date.now();
    await repo.delete('alice', gone.id);

    const first = await albums.getAlbum('alice', one.id);
    expect(first).toMatchObject({ itemCount: 1, newestTakenAt: '2026-01-01T00:00:00.000Z', version: 3 });
    expect(first?.coverMediaId).toBeUndefined();
    // Dated by SQLite's clock (the trigger has no other), in toISOString() form.
    expect(first?.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(first?.updatedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(await albums.getAlbum('alice', two.id)).toMatchObject({ itemCount: 0 });
    expect((await albums.getAlbum('alice', two.id))?.newestTakenAt).toBeUndefined();
    expect(await albums.albumsOf('alice', gone.id)).toEqual([]);
    expect((await albums.listItems('alice', one.id, AlbumItemsQuerySchema.parse({}))).items.map((m) => m.mediaId)).toEqual([kept.id]);
  });

  it('sees albums and links written through another connection to the same file', async () => {
    const a = repository();
    const b = repository();
    const album = await a.albums().createAlbum(makeAlbum());
    await a.albums().addItems('alice', album.id, [{ mediaId: makeMediaItem().id, takenAt: '2026-01-01T00:00:00.000Z' }], at);
    expect(await b.albums().getAlbum('alice', album.id)).toMatchObject({ itemCount: 1 });
    // B renames; A, still holding version 1, loses.
    await b.albums().updateAlbum({ ...album, name: 'By B', version: 2 }, 1);
    await expect(a.albums().updateAlbum({ ...album, name: 'By A', version: 2 }, 1)).rejects.toMatchObject({ details: { currentVersion: 2 } });

    const link = await a.shares().createShare(makeShareLink());
    expect(await b.shares().getShareByTokenHash(link.tokenHash)).toEqual(link);
    await expect(b.shares().createShare(makeShareLink({ tokenHash: link.tokenHash }))).rejects.toMatchObject({ code: 'conflict' });
  });

  it('keeps albums and links across close and reopen', async () => {
    const first = repository();
    const album = await first.albums().createAlbum(makeAlbum({ description: 'Kept' }));
    const change = await first.albums().addItems('alice', album.id, [{ mediaId: makeMediaItem().id, takenAt: '2026-01-01T12:00:00+01:00' }], at);
    const link = await first.shares().createShare(makeShareLink({ target: { type: 'album', albumId: album.id } }));
    first.close();

    const second = repository();
    expect(await second.albums().getAlbum('alice', album.id)).toEqual(change.album);
    expect(change.album.newestTakenAt).toBe('2026-01-01T11:00:00.000Z');
    expect(await second.shares().getShare('alice', link.id)).toEqual(link);
  });

  it('gives up with a TimeoutError when another connection holds the write lock past the busy timeout', async () => {
    const repo = repository({ busyTimeoutMs: 50 });
    const album = await repo.albums().createAlbum(makeAlbum());
    const other = new Database(filename);
    try {
      other.exec('BEGIN IMMEDIATE');
      const member = { mediaId: makeMediaItem().id, takenAt: '2026-01-01T00:00:00.000Z' };
      await expect(repo.albums().addItems('alice', album.id, [member], at)).rejects.toBeInstanceOf(TimeoutError);
      await expect(repo.shares().createShare(makeShareLink())).rejects.toBeInstanceOf(TimeoutError);
      await expect(repo.shares().touchShare('alice', makeShareLink().id, at)).rejects.toBeInstanceOf(TimeoutError);
      other.exec('COMMIT');
    } finally {
      other.close();
    }
    expect(await repo.albums().getAlbum('alice', album.id)).toEqual(album);
  });
});
