import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveKeys, NotFoundError, renditionKey, ValidationError, type ArchiveJobQueue, type MediaItem } from '@mediaflow/domain';
import { collectBytes, makeMediaItem, rejection } from '@mediaflow/domain/testing';
import { addAlbumItems, createAlbum } from '../albums.js';
import { inMemoryDeps, type InMemoryDeps } from '../testing/index.js';
import {
  ARCHIVE_BUILD_LIMIT_SECONDS,
  ARCHIVE_RETENTION_SECONDS,
  archiveStatus,
  buildArchive,
  getArchiveRequest,
  prepareArchive,
  pruneArchives,
  requestDownload,
  requestExport,
  storeWriter,
} from './archives.js';

const READER = `
import base64, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    print(json.dumps({info.filename: base64.b64encode(archive.read(info)).decode() for info in archive.infolist()}))
`;

/** The entries of a zip as Python's `zipfile` reads them (checking each CRC-32), in archive order. */
function unzip(bytes: Uint8Array): Map<string, Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'mf-archive-'));
  try {
    const path = join(dir, 'a.zip');
    writeFileSync(path, bytes);
    const read = JSON.parse(execFileSync('python3', ['-c', READER, path], { encoding: 'utf8' })) as Record<string, string>;
    return new Map(Object.entries(read).map(([name, data]) => [name, Buffer.from(data, 'base64')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** An item of `owner` whose original (and a `large` JPEG, when asked) are in the store. */
async function seed(deps: InMemoryDeps, owner: string, overrides: Omit<Partial<MediaItem>, 'original'> & { original?: { filename: string } } = {}, options: { large?: boolean; stored?: boolean } = {}) {
  const id = deps.ids.next();
  const bytes = randomBytes(1000 + Math.floor(Math.random() * 1000));
  const large = randomBytes(300);
  const { original, ...rest } = overrides;
  const base = makeMediaItem({ id, ownerId: owner, status: 'ready', moderation: { verdict: 'safe', labels: [] }, ...rest });
  const item: MediaItem = {
    ...base,
    original: { ...base.original, size: bytes.length, ...original },
    renditions: options.large
      ? [{ name: 'large', format: 'jpeg', key: renditionKey(owner, id, 'large', 'jpg'), contentType: 'image/jpeg', bytes: large.length, width: 2048, height: 1536 }]
      : [],
  };
  await deps.repo.create(item);
  if (options.stored !== false) await deps.store.put(item.original.key, bytes);
  if (options.large) await deps.store.put(renditionKey(owner, id, 'large', 'jpg'), large, { contentType: 'image/jpeg' });
  deps.clock.advance(1000);
  return { item, bytes, large };
}

async function zipOf(deps: InMemoryDeps, owner: string, archiveId: string): Promise<{ entries: Map<string, Buffer>; bytes: number; length: number }> {
  const prepared = await prepareArchive(deps, await getArchiveRequest(deps, owner, archiveId));
  const zip = await collectBytes(prepared.body());
  return { entries: unzip(zip), bytes: prepared.bytes, length: zip.length };
}

const file = (filename: string) => ({ filename });

describe('requestDownload', () => {
  it('records the selection under the owner, ids once each, original by default', async () => {
    const deps = inMemoryDeps();
    const [a, b] = [deps.ids.next(), deps.ids.next()];
    const request = await requestDownload(deps, 'alice', { ids: [a, b, a] });
    expect(request).toMatchObject({ ownerId: 'alice', kind: 'selection', ids: [a, b], rendition: 'original' });
    expect(await getArchiveRequest(deps, 'alice', request.id)).toEqual(request);
    await expect(getArchiveRequest(deps, 'bob', request.id)).rejects.toThrow(NotFoundError);
  });

  it.each([
    ['no ids', { ids: [] }],
    ['too many ids', { ids: Array.from({ length: 2001 }, () => '01J00000000000000000000000') }],
    ['an id that is not one', { ids: ['../../etc'] }],
    ['a rendition name that is not one', { ids: ['01J00000000000000000000000'], rendition: '../original' }],
    ['an unknown field', { ids: ['01J00000000000000000000000'], zip: true }],
    ['no body', undefined],
  ])('refuses %s', async (_, body) => {
    const deps = inMemoryDeps();
    const error = await rejection(requestDownload(deps, 'alice', body));
    expect(error).toBeInstanceOf(ValidationError);
    const stored: string[] = [];
    for await (const head of deps.store.list('')) stored.push(head.key);
    expect(stored).toEqual([]);
  });

  it('hands the archive to the job queue where there is one', async () => {
    const sent: unknown[] = [];
    const archiveJobs: ArchiveJobQueue = { enqueue: async (job) => void sent.push(job) };
    const deps = inMemoryDeps({ archiveJobs });
    const request = await requestDownload(deps, 'alice', { ids: [deps.ids.next()] });
    const exported = await requestExport(deps, 'alice');
    expect(sent).toEqual([
      { ownerId: 'alice', archiveId: request.id },
      { ownerId: 'alice', archiveId: exported.id },
    ]);
  });
});

describe('prepareArchive of a selection', () => {
  it('zips the owner’s files in the order asked, under their names, with a manifest of what stayed out', async () => {
    const deps = inMemoryDeps();
    const first = await seed(deps, 'alice', { original: file('photo.jpg') });
    const second = await seed(deps, 'alice', { original: file('Photo.JPG') });
    const held = await seed(deps, 'alice', { status: 'flagged', original: file('../manifest.json') });
    const trashed = await seed(deps, 'alice', { status: 'trashed' });
    const uploading = await seed(deps, 'alice', { status: 'uploading' }, { stored: false });
    const gone = await seed(deps, 'alice', {}, { stored: false });
    const bobs = await seed(deps, 'bob');
    const unknown = deps.ids.next();
    const ids = [second.item.id, first.item.id, held.item.id, trashed.item.id, uploading.item.id, gone.item.id, bobs.item.id, unknown];
    const request = await requestDownload(deps, 'alice', { ids });

    const { entries, bytes, length } = await zipOf(deps, 'alice', request.id);
    expect([...entries.keys()]).toEqual(['Photo.JPG', 'photo (2).jpg', 'manifest (2).json', 'manifest.json']);
    expect(sha(entries.get('Photo.JPG') ?? Buffer.alloc(0))).toBe(sha(second.bytes));
    expect(sha(entries.get('photo (2).jpg') ?? Buffer.alloc(0))).toBe(sha(first.bytes));
    expect(sha(entries.get('manifest (2).json') ?? Buffer.alloc(0))).toBe(sha(held.bytes));
    expect(length).toBe(bytes);

    const manifest = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '{}') as Record<string, unknown>;
    expect(manifest).toMatchObject({
      format: 'mediaflow-download',
      rendition: 'original',
      files: [
        { file: 'Photo.JPG', id: second.item.id, rendition: 'original' },
        { file: 'photo (2).jpg', id: first.item.id, rendition: 'original' },
        { file: 'manifest (2).json', id: held.item.id, rendition: 'original' },
      ],
      skipped: [
        { id: trashed.item.id, reason: 'in_trash' },
        { id: uploading.item.id, reason: 'not_uploaded' },
        { id: gone.item.id, reason: 'file_missing' },
        // Another owner's item and an unknown id look the same.
        { id: bobs.item.id, reason: 'not_found' },
        { id: unknown, reason: 'not_found' },
      ],
    });
  });

  it('takes the rendition asked for, and the original of an item without it', async () => {
    const deps = inMemoryDeps();
    const photo = await seed(deps, 'alice', { original: file('IMG_1.HEIC') }, { large: true });
    const video = await seed(deps, 'alice', { kind: 'video', original: file('clip.mov') });
    const request = await requestDownload(deps, 'alice', { ids: [photo.item.id, video.item.id], rendition: 'large' });
    const { entries } = await zipOf(deps, 'alice', request.id);
    expect([...entries.keys()]).toEqual(['IMG_1.jpg', 'clip.mov', 'manifest.json']);
    expect(entries.get('IMG_1.jpg')).toEqual(photo.large);
    expect(JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '{}')).toMatchObject({
      rendition: 'large',
      files: [{ rendition: 'large' }, { rendition: 'original' }],
    });
  });

  it('refuses a selection of which nothing can go in', async () => {
    const deps = inMemoryDeps();
    const bobs = await seed(deps, 'bob');
    const request = await requestDownload(deps, 'alice', { ids: [bobs.item.id] });
    const error = await rejection(prepareArchive(deps, await getArchiveRequest(deps, 'alice', request.id)));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).details).toEqual({ skipped: [{ id: bobs.item.id, reason: 'not_found' }] });
  });

  it('fails part way when a file changed after it was planned', async () => {
    const deps = inMemoryDeps();
    const photo = await seed(deps, 'alice');
    const request = await requestDownload(deps, 'alice', { ids: [photo.item.id] });
    const prepared = await prepareArchive(deps, await getArchiveRequest(deps, 'alice', request.id));
    await deps.store.put(photo.item.original.key, randomBytes(photo.bytes.length + 1));
    await expect(collectBytes(prepared.body())).rejects.toThrow(ValidationError);
  });
});

describe('prepareArchive of an export', () => {
  it('zips every original with a library.json of titles, descriptions, tags, favourites and albums', async () => {
    const deps = inMemoryDeps();
    const beach = await seed(deps, 'alice', {
      original: file('beach.jpg'),
      title: 'At the beach',
      description: 'Low tide',
      tags: [
        { name: 'sea', confidence: 1, source: 'user' },
        { name: 'sand', confidence: 0.8, source: 'ai' },
      ],
      favourite: true,
    });
    const copy = await seed(deps, 'alice', { original: file('beach.jpg') });
    const loose = await seed(deps, 'alice', { kind: 'document', original: file('notes.pdf') });
    await seed(deps, 'alice', { status: 'trashed', original: file('trashed.jpg') });
    await seed(deps, 'bob', { original: file('bobs.jpg') });
    const summer = await createAlbum(deps, 'alice', { name: 'Summer', description: 'July' });
    const best = await createAlbum(deps, 'alice', { name: 'Best' });
    await addAlbumItems(deps, 'alice', summer.id, { mediaIds: [beach.item.id, copy.item.id] });
    await addAlbumItems(deps, 'alice', best.id, { mediaIds: [beach.item.id] });

    const request = await requestExport(deps, 'alice');
    const { entries, bytes, length } = await zipOf(deps, 'alice', request.id);
    expect(length).toBe(bytes);
    expect([...entries.keys()].sort()).toEqual(['library.json', 'originals/beach (2).jpg', 'originals/beach.jpg', 'originals/notes.pdf']);

    const library = JSON.parse(entries.get('library.json')?.toString('utf8') ?? '{}') as {
      items: { id: string; file: string; title: string | null; albums: string[] }[];
      albums: { id: string; name: string; description: string | null; items: string[] }[];
    };
    expect(library).toMatchObject({ format: 'mediaflow-library', version: 1, ownerId: 'alice', exportedAt: request.createdAt });
    const byId = new Map(library.items.map((i) => [i.id, i]));
    expect([...byId.keys()].sort()).toEqual([beach.item.id, copy.item.id, loose.item.id].sort());
    const beachEntry = byId.get(beach.item.id);
    expect(beachEntry).toMatchObject({
      title: 'At the beach',
      description: 'Low tide',
      favourite: true,
      filename: 'beach.jpg',
      tags: [
        { name: 'sea', source: 'user', confidence: 1 },
        { name: 'sand', source: 'ai', confidence: 0.8 },
      ],
    });
    expect(beachEntry?.albums.sort()).toEqual([summer.id, best.id].sort());
    expect(byId.get(loose.item.id)).toMatchObject({ title: null, favourite: false, albums: [], file: 'originals/notes.pdf' });
    // Each item's file is its original, byte for byte.
    for (const seeded of [beach, copy, loose]) expect(entries.get(byId.get(seeded.item.id)?.file ?? '')).toEqual(seeded.bytes);
    expect(library.albums.map((a) => [a.name, a.description, a.items.length]).sort()).toEqual([
      ['Best', null, 1],
      ['Summer', 'July', 2],
    ]);
  });

  it('exports an empty library as its document alone', async () => {
    const deps = inMemoryDeps();
    const request = await requestExport(deps, 'alice');
    const { entries } = await zipOf(deps, 'alice', request.id);
    expect([...entries.keys()]).toEqual(['library.json']);
    expect(JSON.parse(entries.get('library.json')?.toString('utf8') ?? '{}')).toMatchObject({ items: [], albums: [] });
  });
});

describe('buildArchive and archiveStatus', () => {
  const queue: ArchiveJobQueue = { enqueue: async () => undefined };
  const quiet = () => undefined;

  it('writes the zip to the store, records it ready, and links to it as an attachment', async () => {
    const deps = inMemoryDeps({ archiveJobs: queue, log: quiet });
    const photo = await seed(deps, 'alice', { original: file('photo.jpg') });
    const request = await requestDownload(deps, 'alice', { ids: [photo.item.id, deps.ids.next()] });
    expect(await archiveStatus(deps, 'alice', request.id)).toMatchObject({ status: 'pending' });

    const outcome = await buildArchive({ ...deps, writer: storeWriter(deps.store) }, { ownerId: 'alice', archiveId: request.id });
    expect(outcome).toMatchObject({ status: 'ready', files: 1, skipped: 1 });
    const keys = archiveKeys('alice', request.id);
    const stored = await deps.store.get(keys.archive);
    expect(stored.head.contentType).toBe('application/zip');
    expect(unzip(await collectBytes(stored.body)).get('photo.jpg')).toEqual(photo.bytes);

    const status = await archiveStatus(deps, 'alice', request.id);
    expect(status).toMatchObject({ status: 'ready', outcome: { bytes: stored.head.size } });
    expect(status.status === 'ready' && decodeURIComponent(status.url)).toContain(`${keys.archive}?op=get&download=mediaflow-2026-06-01.zip`);
    await expect(archiveStatus(deps, 'bob', request.id)).rejects.toThrow(NotFoundError);

    // A second delivery of the same message finds the archive built.
    const writes: string[] = [];
    const again = await buildArchive({ ...deps, writer: { write: async (key) => Promise.reject(new Error(`wrote ${writes.push(key)}`)) } }, { ownerId: 'alice', archiveId: request.id });
    expect(again).toEqual(outcome);
    expect(writes).toEqual([]);
  });

  it('records a selection with nothing to download as failed, with the reason', async () => {
    const deps = inMemoryDeps({ archiveJobs: queue, log: quiet });
    const request = await requestDownload(deps, 'alice', { ids: [deps.ids.next()] });
    const outcome = await buildArchive({ ...deps, writer: storeWriter(deps.store) }, { ownerId: 'alice', archiveId: request.id });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'none of the selected items can be downloaded' });
    expect(await archiveStatus(deps, 'alice', request.id)).toMatchObject({ status: 'failed', reason: 'none of the selected items can be downloaded' });
  });

  it('throws an unexpected failure for the queue to retry, and reports an archive never built as failed in the end', async () => {
    const deps = inMemoryDeps({ archiveJobs: queue, log: quiet });
    const photo = await seed(deps, 'alice');
    const request = await requestDownload(deps, 'alice', { ids: [photo.item.id] });
    const broken = { write: async () => Promise.reject(new Error('connection reset')) };
    await expect(buildArchive({ ...deps, writer: broken }, { ownerId: 'alice', archiveId: request.id })).rejects.toThrow('connection reset');
    expect(await archiveStatus(deps, 'alice', request.id)).toMatchObject({ status: 'pending' });
    deps.clock.advance(ARCHIVE_BUILD_LIMIT_SECONDS * 1000 + 1);
    expect(await archiveStatus(deps, 'alice', request.id)).toMatchObject({ status: 'failed', reason: expect.stringContaining('not made in time') });
  });

  it('refuses a message that is not an archive job, and does nothing for a request past its retention', async () => {
    const deps = inMemoryDeps();
    await expect(buildArchive({ ...deps, writer: storeWriter(deps.store) }, { ownerId: '../x', archiveId: 'nope' })).rejects.toThrow(ValidationError);
    const logged: unknown[] = [];
    const outcome = await buildArchive({ ...deps, log: (e) => void logged.push(e), writer: storeWriter(deps.store) }, { ownerId: 'alice', archiveId: deps.ids.next() });
    expect(outcome).toBeUndefined();
    expect(logged).toEqual([expect.objectContaining({ msg: 'archive request gone' })]);
  });
});

describe('pruneArchives', () => {
  it('removes the owner’s archives past their retention when a new one is asked for', async () => {
    const deps = inMemoryDeps();
    const old = await requestExport(deps, 'alice');
    const bobs = await requestExport(deps, 'bob');
    await deps.store.put(archiveKeys('alice', old.id).archive, new Uint8Array(10));
    deps.clock.advance(ARCHIVE_RETENTION_SECONDS * 1000 + 1);
    const recent = await requestExport(deps, 'alice');
    await expect(getArchiveRequest(deps, 'alice', old.id)).rejects.toThrow(NotFoundError);
    expect(await deps.store.head(archiveKeys('alice', old.id).archive)).toBeUndefined();
    expect(await getArchiveRequest(deps, 'alice', recent.id)).toEqual(recent);
    expect(await getArchiveRequest(deps, 'bob', bobs.id)).toEqual(bobs);
    expect(await pruneArchives(deps, 'alice')).toBe(0);
  });
});
