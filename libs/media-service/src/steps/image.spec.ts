import { createHash } from 'node:crypto';
import type { ImageProcessor, MediaItem, ObjectHead } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { inMemoryDeps, type InMemoryDeps } from '../testing/index.js';
import { processImage } from './image.js';

const MIB = 1024 ** 2;
const ORIGINAL = Buffer.from('\x89PNG\r\n\x1a\n a photo');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Renders one thumbnail per input, and counts the inputs it was given. */
class CountingImages implements ImageProcessor {
  inputs: Uint8Array[] = [];
  async inspect(input: Uint8Array) {
    this.inputs.push(input);
    return { facts: { format: 'png', width: 8, height: 6 }, mime: 'image/png' };
  }
  async render(input: Uint8Array) {
    return { files: [{ name: 'thumb', format: 'webp' as const, contentType: 'image/webp', body: input.subarray(0, 4), width: 8, height: 6 }], placeholder: { dominantColor: '#000000' } };
  }
}

/**
 * An object body as a store streams it: fixed-size chunks pulled one at a time, counting the bytes
 * handed out and noting whether the reader closed it.
 */
class CountingBody implements AsyncIterable<Uint8Array> {
  pulled = 0;
  closed = false;
  constructor(
    private readonly size: number,
    readonly chunkBytes: number,
  ) {}
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    try {
      for (let sent = 0; sent < this.size; sent += this.chunkBytes) {
        const chunk = new Uint8Array(Math.min(this.chunkBytes, this.size - sent)).fill(0xff);
        this.pulled += chunk.byteLength;
        yield chunk;
      }
    } finally {
      this.closed = true;
    }
  }
}

async function setup(config: Record<string, unknown> = {}, item: Partial<MediaItem> = {}) {
  const images = new CountingImages();
  const deps = inMemoryDeps({ images }, { config });
  const created = await deps.repo.create(makeMediaItem({ kind: 'image', status: 'uploaded', ...item }));
  await deps.store.put(created.original.key, ORIGINAL);
  return { deps, images, item: created };
}

const renditionKeys = async (deps: InMemoryDeps, item: MediaItem): Promise<string[]> => {
  const keys: string[] = [];
  for await (const head of deps.store.list(`renditions/${item.ownerId}/${item.id}/`)) keys.push(head.key);
  return keys;
};

describe('processImage: reading the original', () => {
  it('stops reading an original past the image limit and fails the item, never holding more than the limit and a chunk', async () => {
    const { deps, images, item } = await setup({ maxBytesByKind: { image: 4 * MIB } });
    // 64 MiB behind the key (written after ingest, or ingested before images had a limit).
    const body = new CountingBody(64 * MIB, 64 * 1024);
    const get = deps.store.get.bind(deps.store);
    deps.store.get = async (key, range) => {
      if (key !== item.original.key) return get(key, range);
      const head: ObjectHead = { key, size: 64 * MIB, contentType: 'image/jpeg', etag: 'x', lastModified: deps.clock.now() };
      return { head, body };
    };
    const result = await processImage(deps, item.ownerId, item.id);
    expect(result.outcome).toBe('failed');
    expect((await deps.repo.get(item.ownerId, item.id))?.failure).toEqual({
      code: 'limit_exceeded',
      reason: `the file is larger than ${4 * MIB} bytes, the limit for image files`,
      stage: 'image',
    });
    expect(body.pulled).toBeLessThanOrEqual(4 * MIB + body.chunkBytes);
    expect(body.closed).toBe(true);
    expect(images.inputs).toEqual([]);
  });

  it('reads an original of exactly the limit', async () => {
    const { deps, images, item } = await setup({ maxBytesByKind: { image: ORIGINAL.length } });
    expect((await processImage(deps, item.ownerId, item.id)).outcome).toBe('ready');
    expect(images.inputs).toEqual([new Uint8Array(ORIGINAL)]);
  });
});

describe('processImage: the original checked against its hash', () => {
  it('fails an original that changed since ingest, with the reason, and renders nothing', async () => {
    const { deps, images, item } = await setup({}, { original: { ...makeMediaItem().original, sha256: sha256(ORIGINAL) } });
    await deps.store.put(item.original.key, Buffer.from('\x89PNG\r\n\x1a\n something else'));
    const result = await processImage(deps, item.ownerId, item.id);
    expect(result.outcome).toBe('failed');
    expect((await deps.repo.get(item.ownerId, item.id))?.failure).toEqual({
      code: 'original_changed',
      reason: 'the original changed after it was uploaded (its SHA-256 no longer matches)',
      stage: 'image',
    });
    expect(images.inputs).toEqual([]);
    expect(await renditionKeys(deps, item)).toEqual([]);
    expect(deps.bus.published.map((e) => e.type)).toEqual(['media.failed']);
  });

  it('renders an original that still matches its hash', async () => {
    const { deps, item } = await setup({}, { original: { ...makeMediaItem().original, sha256: sha256(ORIGINAL) } });
    expect((await processImage(deps, item.ownerId, item.id)).outcome).toBe('ready');
    expect(await renditionKeys(deps, item)).toEqual([`renditions/${item.ownerId}/${item.id}/thumb.webp`]);
  });

  it('renders an item ingested before hashes were recorded, as before', async () => {
    const { deps, images, item } = await setup();
    expect(item.original.sha256).toBeUndefined();
    expect((await processImage(deps, item.ownerId, item.id)).outcome).toBe('ready');
    expect(images.inputs).toEqual([new Uint8Array(ORIGINAL)]);
  });
});
