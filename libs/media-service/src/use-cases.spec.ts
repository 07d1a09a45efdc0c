import { createHash } from 'node:crypto';
import {
  ConflictError,
  CorruptMediaError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
  type ImageProcessor,
  type MediaItem,
} from '@mediaflow/domain';
import { ingestObject } from './ingest.js';
import { processAsIs } from './steps/document.js';
import { processImage } from './steps/image.js';
import { inMemoryDeps, type InMemoryDeps } from './testing/index.js';
import { deleteMedia, updateMedia } from './commands.js';
import { approveMedia } from './moderation.js';
import { getMedia, listMedia, listTags, originalDownload } from './queries.js';
import { startUpload } from './uploads.js';
import { toMediaView } from './view.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);

/** Stands in for sharp: renditions whose bytes encode the input, or a refusal for "corrupt" input. */
class ScriptedImages implements ImageProcessor {
  calls = 0;
  async inspect(input: Uint8Array) {
    this.calls += 1;
    if (input.length < 10) throw new CorruptMediaError('truncated PNG: IHDR missing');
    return { facts: { format: 'png', width: 800, height: 600 }, mime: 'image/png' };
  }
  async render(input: Uint8Array) {
    return {
      files: [
        { name: 'thumb', format: 'webp' as const, contentType: 'image/webp', body: input.subarray(0, 4), width: 256, height: 192 },
        { name: 'medium', format: 'jpeg' as const, contentType: 'image/jpeg', body: input.subarray(0, 8), width: 800, height: 600 },
      ],
      placeholder: { dominantColor: '#112233' },
    };
  }
}

function setup(overrides: { images?: ImageProcessor } = {}) {
  const deps = inMemoryDeps({ images: overrides.images ?? new ScriptedImages() }, { config: { maxUploadBytes: 1000 } });
  return { deps, clock: deps.clock, bus: deps.bus, store: deps.store };
}

type Deps = InMemoryDeps & { images: ImageProcessor };

async function upload(deps: Deps, bytes: Uint8Array, owner = 'alice', filename = 'a.png'): Promise<string> {
  const started = await startUpload(deps, owner, { filename, size: bytes.length });
  if (started.duplicate) throw new Error('unexpected duplicate');
  await deps.store.put(`originals/${owner}/${started.id}`, bytes);
  return started.id;
}

describe('startUpload', () => {
  it('creates an uploading item under a generated key and presigns a PUT', async () => {
    const { deps, bus } = setup();
    const result = await startUpload(deps, 'alice', { filename: '../../etc/passwd\u202E.png', size: 13 });
    expect(result.duplicate).toBe(false);
    const item = await deps.repo.get('alice', result.id);
    expect(item?.status).toBe('uploading');
    expect(item?.original.key).toBe(`originals/alice/${result.id}`);
    expect(item?.original.filename).toBe('passwd.png');
    expect(result.duplicate === false && 'method' in result.upload && result.upload.method).toBe('PUT');
    expect(bus.published.map((e) => e.type)).toEqual(['media.upload_started']);
  });

  it('refuses a file over the size limit and a malformed request', async () => {
    const { deps } = setup();
    await expect(startUpload(deps, 'alice', { filename: 'big.mov', size: 1001 })).rejects.toBeInstanceOf(LimitExceededError);
    await expect(startUpload(deps, 'alice', { filename: '', size: 1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(startUpload(deps, 'alice', 'nonsense')).rejects.toBeInstanceOf(ValidationError);
  });

  it('answers "duplicate" when the owner already has the declared content', async () => {
    const { deps } = setup();
    const id = await upload(deps, PNG);
    await ingestObject(deps, { key: `originals/alice/${id}` });
    const sha256 = createHash('sha256').update(PNG).digest('hex');
    expect(await startUpload(deps, 'alice', { filename: 'again.png', size: PNG.length, sha256 })).toEqual({ id, duplicate: true });
    // Another owner with the same content is not a duplicate.
    expect((await startUpload(deps, 'bob', { filename: 'x.png', size: PNG.length, sha256 })).duplicate).toBe(false);
  });
});

describe('ingestObject', () => {
  it('sniffs, hashes and publishes media.uploaded with the kind', async () => {
    const { deps, bus } = setup();
    const id = await upload(deps, PNG, 'alice', 'looks-like.txt');
    const result = await ingestObject(deps, { key: `originals/alice/${id}` });
    expect(result.outcome).toBe('uploaded');
    const item = await deps.repo.get('alice', id);
    expect(item).toMatchObject({ status: 'uploaded', kind: 'image', original: { mime: 'image/png', size: PNG.length } });
    expect(item?.original.sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
    const uploaded = bus.published.find((e) => e.type === 'media.uploaded');
    expect(uploaded?.data).toMatchObject({ kind: 'image', mime: 'image/png' });
  });

  it('takes the hash from a store that computed it on write, and reads everything itself otherwise', async () => {
    for (const reportsHash of [true, false]) {
      const { deps, store } = setup();
      const reads: (string | undefined)[] = [];
      const head = store.head.bind(store);
      const get = store.get.bind(store);
      store.head = async (key) => {
        const found = await head(key);
        if (found && !reportsHash) delete found.sha256;
        return found;
      };
      store.get = async (key, range) => {
        reads.push(range === undefined ? 'whole' : `${range.start}-${range.end ?? ''}`);
        return get(key, range);
      };
      const id = await upload(deps, PNG);
      await ingestObject(deps, { key: `originals/alice/${id}` });
      expect((await deps.repo.get('alice', id))?.original.sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
      expect(reads.includes('whole')).toBe(!reportsHash);
    }
  });

  it('is a no-op on a second delivery', async () => {
    const { deps, bus } = setup();
    const id = await upload(deps, PNG);
    await ingestObject(deps, { key: `originals/alice/${id}` });
    expect(await ingestObject(deps, { key: `originals/alice/${id}` })).toEqual({ outcome: 'ignored', reason: 'item is already uploaded' });
    expect(bus.published.filter((e) => e.type === 'media.uploaded')).toHaveLength(1);
  });

  it('rejects active content, deletes its bytes and says why', async () => {
    const { deps, store } = setup();
    const id = await upload(deps, Buffer.from('<html><script>alert(1)</script></html>'), 'alice', 'cat.jpg');
    const result = await ingestObject(deps, { key: `originals/alice/${id}` });
    expect(result.outcome).toBe('rejected');
    const item = await deps.repo.get('alice', id);
    expect(item?.status).toBe('failed');
    expect(item?.failure).toEqual({ code: 'unsupported', reason: 'HTML is not accepted', stage: 'ingest' });
    expect(store.size).toBe(0);
  });

  it('keeps one copy of content the owner already has', async () => {
    const { deps, store } = setup();
    const first = await upload(deps, PNG);
    await ingestObject(deps, { key: `originals/alice/${first}` });
    const second = await upload(deps, PNG);
    const result = await ingestObject(deps, { key: `originals/alice/${second}` });
    expect(result).toMatchObject({ outcome: 'duplicate', existingId: first });
    expect((await deps.repo.get('alice', second))?.failure?.code).toBe('duplicate');
    expect(await store.head(`originals/alice/${second}`)).toBeUndefined();
    expect(await store.head(`originals/alice/${first}`)).toBeDefined();
  });

  it('removes an object whose item no longer exists, and ignores keys off the layout', async () => {
    const { deps, store } = setup();
    const id = await upload(deps, PNG);
    await deps.repo.delete('alice', id);
    expect((await ingestObject(deps, { key: `originals/alice/${id}` })).outcome).toBe('ignored');
    expect(store.size).toBe(0);
    expect((await ingestObject(deps, { key: '../../etc/passwd' })).outcome).toBe('ignored');
  });
});

describe('processing', () => {
  async function uploaded(deps: Deps, bytes: Uint8Array = PNG): Promise<string> {
    const id = await upload(deps, bytes);
    await ingestObject(deps, { key: `originals/alice/${id}` });
    return id;
  }

  it('renders, stores renditions with immutable caching and becomes ready', async () => {
    const { deps, bus, store } = setup();
    const id = await uploaded(deps);
    const result = await processImage(deps, 'alice', id);
    expect(result.outcome).toBe('ready');
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    expect(item.status).toBe('ready');
    expect(item.facts).toEqual({ format: 'png', width: 800, height: 600 });
    expect(item.placeholder).toEqual({ dominantColor: '#112233' });
    expect(item.renditions.map((r) => r.key)).toEqual([`renditions/alice/${id}/thumb.webp`, `renditions/alice/${id}/medium.jpg`]);
    const head = await store.head(`renditions/alice/${id}/thumb.webp`);
    expect(head?.cacheControl).toContain('immutable');
    expect(bus.published.at(-1)?.type).toBe('media.processed');
  });

  it('uses the processor\'s one-pass process when it has one, keeping the renditions in order', async () => {
    const scripted = new ScriptedImages();
    let passes = 0;
    const images: ImageProcessor = {
      inspect: () => Promise.reject(new Error('inspect should not be called')),
      render: () => Promise.reject(new Error('render should not be called')),
      async process(input) {
        passes += 1;
        const rendered = await scripted.render(input);
        const [first] = rendered.files;
        if (first === undefined) throw new Error('scripted renderer made nothing');
        const many = Array.from({ length: 9 }, (_, i) => ({ ...first, name: `size-${i}` }));
        return { ...rendered, files: many, inspection: await scripted.inspect(input) };
      },
    };
    const { deps } = setup({ images });
    const id = await uploaded(deps);
    expect((await processImage(deps, 'alice', id)).outcome).toBe('ready');
    expect(passes).toBe(1);
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    expect(item.facts).toEqual({ format: 'png', width: 800, height: 600 });
    expect(item.renditions.map((r) => r.name)).toEqual(Array.from({ length: 9 }, (_, i) => `size-${i}`));
  });

  it('fails the item with the pipeline reason when the content is bad, and leaves no renditions', async () => {
    const { deps, store } = setup();
    const id = await uploaded(deps, PNG.subarray(0, 9));
    const result = await processImage(deps, 'alice', id);
    expect(result.outcome).toBe('failed');
    expect((await deps.repo.get('alice', id))?.failure).toEqual({ code: 'corrupt', reason: 'truncated PNG: IHDR missing', stage: 'image' });
    const left: string[] = [];
    for await (const h of store.list('renditions/')) left.push(h.key);
    expect(left).toEqual([]);
  });

  it('gives an item that failed by running out of retries another go when its message is redriven, but not one with bad content', async () => {
    const { deps } = setup();
    const id = await uploaded(deps);
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    const deadLettered = { ...item, status: 'failed' as const, failure: { code: 'dead_lettered', reason: 'image failed 3 times: disk full', stage: 'image' }, version: item.version + 1 };
    await deps.repo.update(deadLettered, item.version);
    expect((await processImage(deps, 'alice', id)).outcome).toBe('ready');
    expect((await deps.repo.get('alice', id))?.failure).toBeUndefined();

    const other = await uploaded(deps, Buffer.concat([PNG, Buffer.from([9])]));
    const before = (await deps.repo.get('alice', other)) as MediaItem;
    await deps.repo.update({ ...before, status: 'failed', failure: { code: 'corrupt', reason: 'truncated', stage: 'image' }, version: before.version + 1 }, before.version);
    expect((await processImage(deps, 'alice', other)).outcome).toBe('ignored');
  });

  it('ignores a duplicate delivery and resumes an attempt that died mid-way', async () => {
    const { deps } = setup();
    const id = await uploaded(deps);
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    await deps.repo.update({ ...item, status: 'processing', version: item.version + 1 }, item.version);
    expect((await processImage(deps, 'alice', id)).outcome).toBe('ready');
    expect((await processImage(deps, 'alice', id)).outcome).toBe('ignored');
  });

  it('keeps documents as they are', async () => {
    const { deps } = setup();
    const id = await uploaded(deps, Buffer.from('%PDF-1.7\n...'));
    expect((await deps.repo.get('alice', id))?.kind).toBe('document');
    expect((await processAsIs(deps, 'alice', id)).outcome).toBe('ready');
  });
});

describe('queries and commands', () => {
  async function ready(deps: Deps, owner = 'alice'): Promise<string> {
    const id = await upload(deps, Buffer.concat([PNG, Buffer.from(Math.random().toString())]), owner);
    await ingestObject(deps, { key: `originals/${owner}/${id}` });
    await processImage(deps, owner, id);
    return id;
  }

  it('lists newest first, filters by tag, and counts tags', async () => {
    const { deps } = setup();
    const a = await ready(deps);
    const b = await ready(deps);
    await updateMedia(deps, 'alice', a, { tags: ['Beach', 'sunset'] });
    expect((await listMedia(deps, 'alice', {})).items.map((i) => i.id)).toEqual([b, a]);
    expect((await listMedia(deps, 'alice', { tag: 'beach' })).items.map((i) => i.id)).toEqual([a]);
    expect(await listTags(deps, 'alice')).toEqual([
      { name: 'beach', count: 1 },
      { name: 'sunset', count: 1 },
    ]);
    await expect(listMedia(deps, 'alice', { limit: '0' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('updates the title and user tags, keeping AI tags', async () => {
    const { deps } = setup();
    const id = await ready(deps);
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    await deps.repo.update({ ...item, version: item.version + 1, tags: [{ name: 'dog', confidence: 0.9, source: 'ai' }] }, item.version);
    const updated = await updateMedia(deps, 'alice', id, { title: '  Rex  ', tags: ['good boy'] });
    expect(updated.title).toBe('Rex');
    expect(updated.tags).toEqual([
      { name: 'dog', confidence: 0.9, source: 'ai' },
      { name: 'good boy', confidence: 1, source: 'user' },
    ]);
    const cleared = await updateMedia(deps, 'alice', id, { title: null, tags: [] });
    expect(cleared.title).toBeUndefined();
    expect(cleared.tags.map((t) => t.name)).toEqual(['dog']);
  });

  it('sets, trims and clears the description like the title, and leaves it alone when absent', async () => {
    const { deps } = setup();
    const id = await ready(deps);
    const described = await updateMedia(deps, 'alice', id, { description: '  The summer Rex learnt to swim.\n' });
    expect(described.description).toBe('The summer Rex learnt to swim.');
    const retitled = await updateMedia(deps, 'alice', id, { title: 'Rex', tags: ['lake'] });
    expect(retitled.description).toBe('The summer Rex learnt to swim.');
    for (const description of ['   ', null]) {
      await updateMedia(deps, 'alice', id, { description: 'again' });
      const cleared = await updateMedia(deps, 'alice', id, { description });
      expect('description' in cleared).toBe(false);
      expect((await deps.repo.get('alice', id))?.description).toBeUndefined();
      expect(cleared.title).toBe('Rex');
    }
  });

  it('links to the original for download, as an attachment under its name, for its owner only', async () => {
    const { deps, clock } = setup();
    const id = await ready(deps);
    const link = await originalDownload(deps, 'alice', id);
    expect(link.url).toBe(`memory://objects/originals/alice/${id}?op=get&download=a.png`);
    expect(link.expiresAt.getTime() - clock.now().getTime()).toBe(900_000);
    await expect(originalDownload(deps, 'bob', id)).rejects.toBeInstanceOf(NotFoundError);
    const waiting = await startUpload(deps, 'alice', { filename: 'b.png', size: 13 });
    await expect(originalDownload(deps, 'alice', waiting.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('treats another owner as "not found" everywhere', async () => {
    const { deps } = setup();
    const id = await ready(deps, 'alice');
    await expect(getMedia(deps, 'bob', id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateMedia(deps, 'bob', id, { title: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateMedia(deps, 'bob', id, { description: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteMedia(deps, 'bob', id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listMedia(deps, 'bob', {})).items).toEqual([]);
    expect((await getMedia(deps, 'alice', id)).id).toBe(id);
  });

  it('deletes the original, every rendition and the record', async () => {
    const { deps, store, bus } = setup();
    const id = await ready(deps);
    const keep = await ready(deps);
    await deleteMedia(deps, 'alice', id);
    await expect(getMedia(deps, 'alice', id)).rejects.toBeInstanceOf(NotFoundError);
    const left: string[] = [];
    for await (const h of store.list('')) left.push(h.key);
    expect(left.every((k) => k.includes(keep))).toBe(true);
    expect(bus.published.at(-1)?.type).toBe('media.deleted');
    // The content can come back later: its hash claim went with it.
    expect((await startUpload(deps, 'alice', { filename: 'a.png', size: 10 })).duplicate).toBe(false);
  });

  it('releases a flagged item only, by a moderator who is recorded', async () => {
    const { deps } = setup();
    const id = await ready(deps);
    await expect(approveMedia(deps, 'mod', 'alice', id)).rejects.toBeInstanceOf(ConflictError);
    const item = (await deps.repo.get('alice', id)) as MediaItem;
    await deps.repo.update({ ...item, status: 'flagged', version: item.version + 1 }, item.version);
    const released = await approveMedia(deps, 'mod', 'alice', id);
    expect(released.status).toBe('ready');
    expect(released.moderation).toMatchObject({ verdict: 'released', reviewedBy: 'mod', reviewedAt: deps.clock.now().toISOString() });
  });

  it('shows items without keys or owners, with URLs under the media base', async () => {
    const { deps } = setup();
    const id = await ready(deps);
    const view = toMediaView(await getMedia(deps, 'alice', id), 'https://cdn.example/media/');
    expect(view.renditions[0]?.url).toBe(`https://cdn.example/media/renditions/alice/${id}/thumb.webp`);
    expect(JSON.stringify(view)).not.toContain('originals/');
    expect(view).not.toHaveProperty('ownerId');
    expect(view.description).toBeNull();
    await updateMedia(deps, 'alice', id, { description: 'At the lake' });
    expect(toMediaView(await getMedia(deps, 'alice', id), '/media').description).toBe('At the lake');
  });
});
