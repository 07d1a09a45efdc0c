import { ConflictError, renditionKey, type MediaItem, type MultipartUploads } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { deleteAccount, type AccountDeps } from './account.js';
import { addAlbumItems, createAlbum } from './albums.js';
import { buildArchive, requestExport, storeWriter } from './downloads/archives.js';
import { createShare } from './shares.js';
import { inMemoryDeps } from './testing/index.js';

/** Multipart uploads that only record what was aborted. */
function recordingMultipart(aborted: string[]): MultipartUploads {
  const refuse = async (): Promise<never> => {
    throw new Error('not used here');
  };
  return {
    start: refuse,
    presignParts: refuse,
    listParts: refuse,
    complete: refuse,
    abort: async (key, uploadId) => {
      aborted.push(`${key}:${uploadId}`);
    },
  };
}

function setUp(config: Record<string, unknown> = {}) {
  const aborted: string[] = [];
  const base = inMemoryDeps({ multipart: recordingMultipart(aborted) }, { config });
  const deps: AccountDeps = { ...base, records: base.repo };
  return { deps, base, aborted };
}

/** Stores an item with its original (and, when ready, a rendition) in the store. */
async function stored(deps: AccountDeps, overrides: Partial<MediaItem>): Promise<MediaItem> {
  const draft = makeMediaItem(overrides);
  const renditions =
    draft.status === 'ready' || draft.status === 'trashed'
      ? [{ name: 'thumb', format: 'webp' as const, key: renditionKey(draft.ownerId, draft.id, 'thumb', 'webp'), contentType: 'image/webp', width: 256, height: 192, bytes: 3 }]
      : [];
  const item = await deps.repo.create({ ...draft, renditions });
  await deps.store.put(item.original.key, new Uint8Array([1, 2, 3]));
  for (const r of item.renditions) await deps.store.put(r.key, new Uint8Array([4, 5, 6]));
  return item;
}

async function keysUnder(deps: AccountDeps, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const head of deps.store.list(prefix)) keys.push(head.key);
  return keys;
}

async function seedOwner(deps: AccountDeps, ownerId: string) {
  const ready = await stored(deps, { ownerId, status: 'ready' });
  const trashed = await stored(deps, { ownerId, status: 'trashed', trash: { at: '2026-05-01T00:00:00.000Z', from: 'ready' } });
  const uploading = await stored(deps, { ownerId, status: 'uploading', upload: { multipartId: `mp-${ownerId}`, partSize: 5 * 1024 ** 2, partCount: 2 } });
  const album = await createAlbum(deps, ownerId, { name: 'Summer' });
  await addAlbumItems(deps, ownerId, album.id, { mediaIds: [ready.id] });
  await createShare(deps, ownerId, { target: { type: 'album', albumId: album.id } });
  await createShare(deps, ownerId, { target: { type: 'media', mediaId: ready.id } });
  // Bytes no record names (the renditions of an item whose record went first) and an archive record.
  await deps.store.put(`renditions/${ownerId}/01JSTRAY000000000000000000/thumb.webp`, new Uint8Array([7]));
  await deps.store.put(`downloads/${ownerId}/01JARCHIVE0000000000000000/request.json`, new Uint8Array([8]));
  return { ready, trashed, uploading, album };
}

describe('deleteAccount', () => {
  it('removes every item in any status, albums, links, objects and archives of the owner, and nothing of another', async () => {
    const { deps, aborted } = setUp();
    const alice = await seedOwner(deps, 'alice');
    await seedOwner(deps, 'bob');

    const result = await deleteAccount(deps, 'alice', { budgetMs: 60_000 });

    expect(result).toEqual({ done: true, removed: { items: 3, albums: 1, shares: 2, objects: 2 } });
    expect((await deps.records.listOwnerMedia('alice', undefined, 100)).items).toEqual([]);
    expect((await deps.albums.listAlbums('alice', { limit: 50 })).items).toEqual([]);
    expect(await deps.shares.listShares('alice', { limit: 100 })).toEqual([]);
    for (const prefix of ['originals/alice/', 'renditions/alice/', 'downloads/alice/']) expect(await keysUnder(deps, prefix)).toEqual([]);
    // The upload in flight had its multipart upload aborted, and only that one.
    expect(aborted).toEqual([`${alice.uploading.original.key}:mp-alice`]);
    // Bob's library is as it was.
    expect((await deps.records.listOwnerMedia('bob', undefined, 100)).items).toHaveLength(3);
    expect((await deps.albums.listAlbums('bob', { limit: 50 })).items).toHaveLength(1);
    expect(await deps.shares.listShares('bob', { limit: 100 })).toHaveLength(2);
    expect(await keysUnder(deps, 'originals/bob/')).toHaveLength(3);
    expect(await keysUnder(deps, 'downloads/bob/')).toHaveLength(1);
  });

  it('stops when its budget runs out and finishes over further calls, then answers done with nothing removed', async () => {
    const { deps } = setUp();
    for (let i = 0; i < 120; i += 1) await stored(deps, { ownerId: 'alice', status: 'ready' });
    // Each reading of the time moves it on: the budget lasts a page and a dozen items.
    let t = 0;
    const now = (): number => (t += 10);
    const calls: boolean[] = [];
    let total = 0;
    for (let call = 0; call < 40; call += 1) {
      const result = await deleteAccount(deps, 'alice', { budgetMs: 150, now });
      calls.push(result.done);
      total += result.removed.items;
      if (result.done) break;
    }
    expect(calls[0]).toBe(false);
    expect(calls[calls.length - 1]).toBe(true);
    expect(total).toBe(120);
    expect(await deleteAccount(deps, 'alice', { budgetMs: 1000 })).toEqual({ done: true, removed: { items: 0, albums: 0, shares: 0, objects: 0 } });
  });

  it('finishes a delete a crash cut short: an item left deleted with its bytes, an album emptied but not removed', async () => {
    const { deps } = setUp();
    const item = await stored(deps, { ownerId: 'alice', status: 'ready' });
    await deps.repo.update({ ...item, status: 'deleted', version: 2 }, 1);
    await createAlbum(deps, 'alice', { name: 'Half gone' });
    const result = await deleteAccount(deps, 'alice', { budgetMs: 60_000 });
    expect(result.done).toBe(true);
    expect(result.removed).toMatchObject({ items: 1, albums: 1 });
    expect(await keysUnder(deps, 'originals/alice/')).toEqual([]);
    expect(await keysUnder(deps, 'renditions/alice/')).toEqual([]);
  });

  it('is not done while an item arrives during the passes, and takes it on the next call', async () => {
    const { deps } = setUp();
    await stored(deps, { ownerId: 'alice', status: 'ready' });
    const forget = deps.records.forgetOwner.bind(deps.records);
    let late = true;
    const records = {
      listOwnerMedia: deps.records.listOwnerMedia.bind(deps.records),
      isDeleted: deps.records.isDeleted.bind(deps.records),
      forgetOwner: async (ownerId: string) => {
        if (late) {
          late = false;
          // An upload started in another tab while the items were being deleted.
          await stored(deps, { ownerId, status: 'uploading' });
          throw new ConflictError('the owner still has 1 items: delete them first');
        }
        return forget(ownerId);
      },
    };
    const first = await deleteAccount({ ...deps, records }, 'alice', { budgetMs: 60_000 });
    expect(first.done).toBe(false);
    const second = await deleteAccount({ ...deps, records }, 'alice', { budgetMs: 60_000 });
    expect(second).toMatchObject({ done: true, removed: { items: 1 } });
  });

  it('removes every version of the owner\u2019s objects where the service purges versions', async () => {
    const { deps } = setUp({ purgeObjectVersions: true });
    const versioned: string[] = [];
    const store = Object.assign(deps.store, {
      deleteAllVersions: async (prefix: string) => {
        versioned.push(prefix);
        return deps.store.deleteByPrefix(prefix);
      },
    });
    const item = await stored(deps, { ownerId: 'alice', status: 'ready' });
    expect((await deleteAccount({ ...deps, store }, 'alice', { budgetMs: 60_000 })).done).toBe(true);
    expect(versioned).toEqual([item.original.key, `renditions/alice/${item.id}/`, 'originals/alice/', 'renditions/alice/']);
  });

  /** A clock for `now` that moves on by one at each reading: a budget of n lasts n - 1 readings after the start. */
  const ticking = (): (() => number) => {
    let t = 0;
    return () => (t += 1);
  };

  it('looks at the time before each item, not only each page of items', async () => {
    const { deps } = setUp();
    for (let i = 0; i < 30; i += 1) await stored(deps, { ownerId: 'alice', status: 'ready' });
    // The start, the first page's reading, then three items in time.
    const first = await deleteAccount(deps, 'alice', { budgetMs: 5, now: ticking() });
    expect(first.done).toBe(false);
    expect(first.removed.items).toBe(3);
    expect((await deps.records.listOwnerMedia('alice', undefined, 100)).items).toHaveLength(27);
  });

  it('deletes leftover objects a listing page at a time, looking at the time before each', async () => {
    const { deps } = setUp();
    for (let i = 0; i < 250; i += 1) await deps.store.put(`renditions/alice/01JSTRAY${String(i).padStart(18, '0')}/thumb.webp`, new Uint8Array([1]));
    // Start, items, albums, links, originals' listing, one page of renditions: then out of time.
    const first = await deleteAccount(deps, 'alice', { budgetMs: 6, now: ticking() });
    expect(first).toEqual({ done: false, removed: { items: 0, albums: 0, shares: 0, objects: 100 } });
    expect(await keysUnder(deps, 'renditions/alice/')).toHaveLength(150);
    const rest = await deleteAccount(deps, 'alice', { budgetMs: 60_000 });
    expect(rest).toEqual({ done: true, removed: { items: 0, albums: 0, shares: 0, objects: 150 } });
  });

  it('counts an album or a link once, however often a listing that lags shows it again', async () => {
    const { deps } = setUp();
    for (const name of ['A', 'B']) {
      const album = await createAlbum(deps, 'alice', { name });
      await createShare(deps, 'alice', { target: { type: 'album', albumId: album.id } });
    }
    // Listings that answer what they answered the first time, twice, as an eventually consistent read may.
    const stale = <A extends unknown[], R>(read: (...args: A) => Promise<R>): ((...args: A) => Promise<R>) => {
      let first: R | undefined;
      let repeats = 0;
      return async (...args) => {
        if (first !== undefined && repeats < 2) {
          repeats += 1;
          return first;
        }
        const fresh = await read(...args);
        first ??= fresh;
        return fresh;
      };
    };
    const albums = { ...deps.albums, listAlbums: stale(deps.albums.listAlbums.bind(deps.albums)), deleteAlbum: deps.albums.deleteAlbum.bind(deps.albums) };
    const shares = { ...deps.shares, listShares: stale(deps.shares.listShares.bind(deps.shares)), deleteShare: deps.shares.deleteShare.bind(deps.shares) };
    const result = await deleteAccount({ ...deps, albums, shares }, 'alice', { budgetMs: 60_000 });
    expect(result).toEqual({ done: true, removed: { items: 0, albums: 2, shares: 2, objects: 0 } });
  });

  it('does not wait for an export being built: the request goes, and the job that ends later writes nothing back', async () => {
    const queued: unknown[] = [];
    const { deps } = setUp();
    const withJobs: AccountDeps = { ...deps, archiveJobs: { enqueue: async (job) => void queued.push(job) } };
    await stored(withJobs, { ownerId: 'alice', status: 'ready' });
    await requestExport(withJobs, 'alice');
    // Its job may have died: waiting for it would hold the deletion up for as long as a build may take.
    expect(await deleteAccount(withJobs, 'alice', { budgetMs: 60_000 })).toEqual({ done: true, removed: { items: 1, albums: 0, shares: 0, objects: 1 } });
    expect(await withJobs.records.isDeleted('alice')).toBe(true);
    // The job runs after all: it finds its request gone and leaves nothing.
    await buildArchive({ ...withJobs, log: () => undefined, writer: storeWriter(withJobs.store) }, queued[0]);
    expect(await keysUnder(withJobs, 'downloads/alice/')).toEqual([]);
  });

  it('an archive job that ends after its account was deleted removes what it wrote', async () => {
    const queued: unknown[] = [];
    const { deps } = setUp();
    const withJobs: AccountDeps = { ...deps, archiveJobs: { enqueue: async (job) => void queued.push(job) } };
    await requestExport(withJobs, 'alice');
    // The account goes while the zip is being written (the request with it).
    const writer = storeWriter(withJobs.store);
    const racing = {
      write: async (...args: Parameters<typeof writer.write>) => {
        const head = await writer.write(...args);
        await withJobs.store.deleteByPrefix('downloads/alice/');
        return head;
      },
    };
    const logged: Record<string, unknown>[] = [];
    expect(await buildArchive({ ...withJobs, log: (entry) => void logged.push(entry), writer: racing }, queued[0])).toBeUndefined();
    expect(logged).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringContaining('request gone') })]);
    expect(await keysUnder(withJobs, 'downloads/alice/')).toEqual([]);
  });
});
