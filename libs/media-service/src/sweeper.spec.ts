import {
  applyAction,
  type ImageProcessor,
  type MediaItem,
  type MediaStatus,
  type ObjectHead,
} from '@mediaflow/domain';
import { InMemoryEdgeCache, InMemoryMediaRepository, InMemoryObjectStore } from '@mediaflow/domain/testing';
import type { ServiceDeps } from './context.js';
import { ingestObject } from './ingest.js';
import { processImage } from './steps/image.js';
import { inMemoryDeps } from './testing/index.js';
import { isReferenced, judgeObject, sweepOrphans, type SweeperDeps, type SweepCutoffs } from './sweeper.js';
import { startUpload } from './uploads.js';

const HOUR = 3600 * 1000;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);

const images: ImageProcessor = {
  async inspect() {
    return { facts: { format: 'png', width: 800, height: 600 }, mime: 'image/png' };
  },
  async render(input) {
    return {
      files: [
        { name: 'thumb', format: 'webp', contentType: 'image/webp', body: input.subarray(0, 4), width: 256, height: 192 },
        { name: 'medium', format: 'jpeg', contentType: 'image/jpeg', body: input.subarray(0, 8), width: 800, height: 600 },
      ],
      placeholder: { dominantColor: '#112233' },
    };
  },
};

/** The in-memory reference plus the housekeeping query, which it does not offer itself. */
class StaleAwareRepository extends InMemoryMediaRepository {
  private readonly known = new Map<string, { ownerId: string; id: string }>();

  override async create(item: MediaItem): Promise<MediaItem> {
    const created = await super.create(item);
    this.known.set(`${item.ownerId}/${item.id}`, { ownerId: item.ownerId, id: item.id });
    return created;
  }

  async listStale(status: MediaStatus, before: Date, limit: number): Promise<MediaItem[]> {
    const found: MediaItem[] = [];
    for (const { ownerId, id } of this.known.values()) {
      const item = await this.get(ownerId, id);
      if (item?.status === status && item.updatedAt < before.toISOString()) found.push(item);
    }
    return found.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : 1)).slice(0, limit);
  }
}

function setup() {
  const resumed: string[] = [];
  const temporarySweeps: number[] = [];
  const base = inMemoryDeps({ images }, { config: { uploadUrlTtlSeconds: 3600 } });
  const { clock, store } = base;
  const deps: SweeperDeps & ServiceDeps & { images: ImageProcessor } = {
    ...base,
    repo: new StaleAwareRepository(),
    resumeIngest: async (head) => {
      resumed.push(head.key);
    },
    sweepTemporaryFiles: async (seconds) => {
      temporarySweeps.push(seconds);
      return 2;
    },
  };
  return { deps, clock, store, resumed, temporarySweeps, bus: base.bus };
}

type Deps = ReturnType<typeof setup>['deps'];

async function started(deps: Deps, owner = 'alice', bytes: Uint8Array = PNG): Promise<string> {
  const result = await startUpload(deps, owner, { filename: 'a.png', size: bytes.length });
  if (result.duplicate) throw new Error('unexpected duplicate');
  return result.id;
}

async function ready(deps: Deps, owner = 'alice', bytes: Uint8Array = PNG): Promise<string> {
  const id = await started(deps, owner, bytes);
  await deps.store.put(`originals/${owner}/${id}`, bytes);
  await ingestObject(deps, { key: `originals/${owner}/${id}` });
  await processImage(deps, owner, id);
  return id;
}

async function keys(store: InMemoryObjectStore): Promise<string[]> {
  const out: string[] = [];
  for (const prefix of ['originals/', 'renditions/']) for await (const head of store.list(prefix)) out.push(head.key);
  return out;
}

describe('judgeObject', () => {
  const id = '01JAAAAAAAAAAAAAAAAAAAAAAA';
  const now = new Date('2026-06-01T12:00:00.000Z');
  const cutoffs: SweepCutoffs = { removeBefore: new Date(now.getTime() - HOUR), resumeBefore: new Date(now.getTime() - HOUR) };
  const old = new Date(now.getTime() - 2 * HOUR);
  const young = new Date(now.getTime() - 60_000);
  const head = (key: string, lastModified: Date, size = 13): ObjectHead => ({ key, size, contentType: 'image/png', etag: 'e', lastModified });
  const item = (status: MediaStatus, changes: Partial<MediaItem> = {}): MediaItem => ({
    id,
    ownerId: 'alice',
    kind: 'image',
    status,
    original: { key: `originals/alice/${id}`, size: 13, mime: 'image/png', filename: 'a.png' },
    facts: {},
    renditions: [],
    tags: [],
    moderation: { verdict: 'pending', labels: [] },
    createdAt: old.toISOString(),
    updatedAt: old.toISOString(),
    version: 3,
    ...changes,
  });
  const original = `originals/alice/${id}`;
  const thumb = `renditions/alice/${id}/thumb.webp`;

  it('removes old objects whose item is gone or deleted, and never a young one', () => {
    expect(judgeObject(undefined, head(original, old), cutoffs)).toBe('orphan');
    expect(judgeObject(undefined, head(thumb, old), cutoffs)).toBe('orphan');
    expect(judgeObject(item('deleted'), head(thumb, old), cutoffs)).toBe('orphan');
    expect(judgeObject(undefined, head(original, young), cutoffs)).toBe('keep');
    expect(judgeObject(item('deleted'), head(thumb, young), cutoffs)).toBe('keep');
  });

  it('leaves keys off the layout alone', () => {
    expect(judgeObject(undefined, head('originals/alice/not-a-ulid', old), cutoffs)).toBe('keep');
    expect(judgeObject(undefined, head('originals/alice', old), cutoffs)).toBe('keep');
  });

  it('resumes an arrived upload of the declared size once it waited long enough, and removes one of another size', () => {
    expect(judgeObject(item('uploading'), head(original, old), cutoffs)).toBe('resume');
    expect(judgeObject(item('uploading'), head(original, young), cutoffs)).toBe('keep');
    expect(judgeObject(item('uploading'), head(original, young), { ...cutoffs, resumeBefore: now })).toBe('resume');
    expect(judgeObject(item('uploading'), head(original, old, 99), cutoffs)).toBe('orphan');
    expect(judgeObject(item('uploading'), head(original, young, 99), cutoffs)).toBe('keep');
  });

  it('keeps the originals of live items, except bytes that ingest refused', () => {
    for (const status of ['uploaded', 'processing', 'ready', 'flagged'] as const) expect(judgeObject(item(status), head(original, old), cutoffs)).toBe('keep');
    expect(judgeObject(item('failed', { failure: { code: 'dead_lettered', reason: 'x', stage: 'image' } }), head(original, old), cutoffs)).toBe('keep');
    expect(judgeObject(item('failed', { failure: { code: 'duplicate', reason: 'x', stage: 'ingest' } }), head(original, old), cutoffs)).toBe('orphan');
  });

  it('removes renditions a settled item does not list, and none of an item on its way', () => {
    const listed = item('ready', { renditions: [{ name: 'thumb', format: 'webp', key: thumb, contentType: 'image/webp', bytes: 4 }] });
    const stray = `renditions/alice/${id}/thumb.r2.webp`;
    expect(judgeObject(listed, head(thumb, old), cutoffs)).toBe('keep');
    expect(judgeObject(listed, head(stray, old), cutoffs)).toBe('unreferenced');
    expect(judgeObject(listed, head(stray, young), cutoffs)).toBe('keep');
    expect(judgeObject({ ...listed, status: 'flagged' }, head(stray, old), cutoffs)).toBe('unreferenced');
    expect(judgeObject(item('failed'), head(thumb, old), cutoffs)).toBe('unreferenced');
    for (const status of ['uploading', 'uploaded', 'processing'] as const) expect(judgeObject(item(status), head(stray, old), cutoffs)).toBe('keep');
  });

  it('counts HLS segments and variant playlists beside a listed playlist as referenced', () => {
    const video = item('ready', {
      kind: 'video',
      renditions: [
        { name: 'hls/master', format: 'm3u8', key: `renditions/alice/${id}/hls/master.m3u8`, contentType: 'application/vnd.apple.mpegurl', bytes: 1 },
        { name: 'preview', format: 'mp4', key: `renditions/alice/${id}/preview.mp4`, contentType: 'video/mp4', bytes: 1 },
      ],
    });
    expect(isReferenced(video, `renditions/alice/${id}/hls/720p_00001.ts`)).toBe(true);
    expect(isReferenced(video, `renditions/alice/${id}/hls/720p.m3u8`)).toBe(true);
    expect(isReferenced(video, `renditions/alice/${id}/preview.mp4`)).toBe(true);
    expect(isReferenced(video, `renditions/alice/${id}/preview.r2.mp4`)).toBe(false);
  });
});

describe('sweepOrphans', () => {
  it('removes old orphans and unlisted renditions, keeps everything an item owns, and reports it', async () => {
    const { deps, clock, store, temporarySweeps } = setup();
    const kept = await ready(deps);
    const gone = await ready(deps, 'bob');
    await deps.repo.delete('bob', gone);
    // A re-render cut short left a rendition of its own beside the listed ones.
    await store.put(`renditions/alice/${kept}/thumb.r2.webp`, Buffer.from('stray'));
    clock.advance(2 * HOUR);
    // Young: an upload or job could still be recording it.
    const fresh = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
    await store.put(`originals/carol/${fresh}`, PNG);

    const report = await sweepOrphans(deps);
    expect(report).toEqual({
      dryRun: false,
      scannedObjects: 8,
      orphanObjects: 3,
      unreferencedRenditions: 1,
      bytes: PNG.length + 4 + 8 + 5,
      resumedUploads: 0,
      abandonedUploads: 0,
      finishedDeletes: 0,
      purgedFromTrash: 0,
      temporaryFiles: 2,
    });
    expect(await keys(store)).toEqual([
      `originals/alice/${kept}`,
      `originals/carol/${fresh}`,
      `renditions/alice/${kept}/medium.jpg`,
      `renditions/alice/${kept}/thumb.webp`,
    ]);
    // Temp files stay as long as a multipart upload may still use them: the window (a day) and the
    // last part URL's lifetime (15 min).
    expect(temporarySweeps).toEqual([24 * 3600 + 900]);
  });

  it('changes nothing on a dry run, and reports the same', async () => {
    const { deps, clock, store, resumed, temporarySweeps } = setup();
    const gone = await ready(deps);
    await deps.repo.delete('alice', gone);
    const arrived = await started(deps);
    await store.put(`originals/alice/${arrived}`, PNG);
    const abandoned = await started(deps, 'bob');
    clock.advance(3 * HOUR);
    const before = await keys(store);

    const report = await sweepOrphans(deps, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, orphanObjects: 3, resumedUploads: 1, abandonedUploads: 1, temporaryFiles: undefined });
    expect(await keys(store)).toEqual(before);
    expect((await deps.repo.get('bob', abandoned))?.status).toBe('uploading');
    expect(resumed).toEqual([]);
    expect(temporarySweeps).toEqual([]);
  });

  it('sends an upload whose bytes arrived to ingest again: at once after a crash, after the grace period otherwise', async () => {
    const { deps, clock, store, resumed } = setup();
    const id = await started(deps);
    await store.put(`originals/alice/${id}`, PNG);
    clock.advance(60_000);
    expect((await sweepOrphans(deps)).resumedUploads).toBe(0);
    expect(await sweepOrphans(deps, { resumeAfterSeconds: 0 })).toMatchObject({ resumedUploads: 1, orphanObjects: 0 });
    expect(resumed).toEqual([`originals/alice/${id}`]);
    // Nothing else happens to it, however long it waits: it is not abandoned while its bytes are here.
    clock.advance(10 * HOUR);
    expect(await sweepOrphans(deps)).toMatchObject({ resumedUploads: 1, abandonedUploads: 0, orphanObjects: 0 });
    expect(await store.head(`originals/alice/${id}`)).toBeDefined();
  });

  it('removes an upload whose bytes never came once its URL expired and the grace period passed', async () => {
    const { deps, clock, bus } = setup();
    const id = await started(deps);
    clock.advance(HOUR + HOUR - 1000);
    expect((await sweepOrphans(deps)).abandonedUploads).toBe(0);
    expect((await deps.repo.get('alice', id))?.status).toBe('uploading');
    clock.advance(2000);
    expect((await sweepOrphans(deps)).abandonedUploads).toBe(1);
    expect(await deps.repo.get('alice', id)).toBeUndefined();
    expect(bus.published.at(-1)).toMatchObject({ type: 'media.deleted', ownerId: 'alice', mediaId: id });
    expect((await sweepOrphans(deps)).abandonedUploads).toBe(0);
  });

  it('finishes a delete a crash cut short, and the bytes it left', async () => {
    const { deps, clock, store } = setup();
    const id = await ready(deps);
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    await deps.repo.update(applyAction(item, 'deleted', clock.now()), item.version);
    await store.delete(`originals/alice/${id}`);
    clock.advance(2 * HOUR);
    expect(await sweepOrphans(deps)).toMatchObject({ finishedDeletes: 1, orphanObjects: 2 });
    expect(await deps.repo.get('alice', id)).toBeUndefined();
    expect(await keys(store)).toEqual([]);
  });

  it('asks the edge cache again to drop the copies of a delete it finishes, and of nothing else', async () => {
    const { deps: base, clock, store } = setup();
    const edgeCache = new InMemoryEdgeCache();
    const deps = { ...base, edgeCache };
    const id = await ready(deps);
    await ready(deps);
    const abandoned = await started(deps, 'bob');
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    await deps.repo.update(applyAction(item, 'deleted', clock.now()), item.version);
    await store.delete(`originals/alice/${id}`);
    clock.advance(3 * HOUR);
    expect(await sweepOrphans(deps, { dryRun: true })).toMatchObject({ finishedDeletes: 1, abandonedUploads: 1 });
    expect(edgeCache.invalidations).toEqual([]);
    // An abandoned upload never had renditions, so nothing of it is at the edge.
    expect(await sweepOrphans(deps)).toMatchObject({ finishedDeletes: 1, abandonedUploads: 1 });
    expect(edgeCache.invalidations).toEqual([{ ownerId: 'alice', itemId: id }]);
    expect(await deps.repo.get('bob', abandoned)).toBeUndefined();
  });

  it('finishes a delete even when the edge cache refuses, with a warning naming the item', async () => {
    const { deps: base, clock, store } = setup();
    const edgeCache = new InMemoryEdgeCache();
    edgeCache.failWith(new Error('Throttling: Rate exceeded'));
    const warnings: Record<string, unknown>[] = [];
    const deps = { ...base, edgeCache, log: (entry: Record<string, unknown>) => warnings.push(entry) };
    const id = await ready(deps);
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    await deps.repo.update(applyAction(item, 'deleted', clock.now()), item.version);
    await store.delete(`originals/alice/${id}`);
    clock.advance(2 * HOUR);
    expect(await sweepOrphans(deps)).toMatchObject({ finishedDeletes: 1 });
    expect(await deps.repo.get('alice', id)).toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ level: 'warn', ownerId: 'alice', mediaId: id, reason: 'deleted', error: 'Error: Throttling: Rate exceeded' })]);
  });

  it('removes bytes a retried PUT brought back for content refused at ingest', async () => {
    const { deps, clock, store } = setup();
    const id = await started(deps, 'alice', Buffer.from('<html></html>'));
    await store.put(`originals/alice/${id}`, Buffer.from('<html></html>'));
    await ingestObject(deps, { key: `originals/alice/${id}` });
    expect((await deps.repo.get('alice', id))?.failure?.stage).toBe('ingest');
    await store.put(`originals/alice/${id}`, Buffer.from('<html></html>'));
    clock.advance(2 * HOUR);
    expect((await sweepOrphans(deps)).orphanObjects).toBe(1);
    expect(await keys(store)).toEqual([]);
    expect((await deps.repo.get('alice', id))?.status).toBe('failed');
  });

  it('keeps an object whose item turned up between the scan and the delete', async () => {
    const { deps, clock, store } = setup();
    const id = await ready(deps);
    clock.advance(2 * HOUR);
    // The first read (the scan) finds nothing, as a read racing with the item's creation would.
    const get = deps.repo.get.bind(deps.repo);
    let reads = 0;
    deps.repo.get = async (ownerId, mediaId) => (mediaId === id && (reads += 1) === 1 ? undefined : get(ownerId, mediaId));
    expect((await sweepOrphans(deps)).orphanObjects).toBe(0);
    expect(await store.head(`originals/alice/${id}`)).toBeDefined();
  });

  it('stops between two objects when its signal fires, leaving the rest for the next run', async () => {
    const { deps, clock, store } = setup();
    for (const owner of ['alice', 'bob']) await deps.repo.delete(owner, await ready(deps, owner));
    clock.advance(2 * HOUR);
    const stop = new AbortController();
    const list = store.list.bind(store);
    store.list = async function* (prefix) {
      for await (const head of list(prefix)) {
        yield head;
        stop.abort(new Error('shutting down'));
      }
    };
    await expect(sweepOrphans(deps, { signal: stop.signal })).rejects.toThrow('shutting down');
    expect(await keys(store)).toHaveLength(6);
  });

  it('does without the housekeeping query and the hooks', async () => {
    const { deps, clock, store } = setup();
    const id = await started(deps);
    await store.put(`originals/alice/${id}`, PNG);
    const { resumeIngest: _r, sweepTemporaryFiles: _t, ...plain } = deps;
    const repo = new InMemoryMediaRepository();
    clock.advance(5 * HOUR);
    // Without `listStale` the item is invisible to the record steps; its object is still judged.
    const report = await sweepOrphans({ ...plain, repo }, {});
    expect(report).toMatchObject({ orphanObjects: 1, resumedUploads: 0, abandonedUploads: 0, temporaryFiles: undefined });
  });
});
