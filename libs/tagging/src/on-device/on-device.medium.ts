import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { CorruptMediaError, ModerationSchema, TagSchema } from '@mediaflow/domain';
import { moderate, ON_DEVICE_MODERATION_POLICY } from '../moderation.js';
import { normaliseLabels, ON_DEVICE_NORMALISE_OPTIONS } from '../normalise.js';
import { OnDeviceTagger } from './tagger.js';

// Photographs that ship in installed packages (see the README for their licences).
const resolve = createRequire(__filename).resolve;
const stdlibPhoto = (name: string) => readFileSync(join(dirname(resolve(`@stdlib/datasets-img-${name}/package.json`)), 'data', 'image.jpg'));
const humanSamples = join(dirname(resolve('@vladmandic/human')), '..', 'assets', 'samples.jpg');

let tagger: OnDeviceTagger;
let diner: Buffer;
let boats: Buffer;
let sheep: Buffer;
let flat: Buffer;

beforeAll(async () => {
  // One worker, so that `starts` tells whether it was ever replaced.
  tagger = new OnDeviceTagger({ workers: 1 });
  // The top row of the sample sheet: a man at a restaurant table, a plate and a cup in front of him.
  diner = await sharp(humanSamples).extract({ left: 325, top: 0, width: 210, height: 160 }).jpeg().toBuffer();
  boats = stdlibPhoto('nagasaki-boats');
  sheep = stdlibPhoto('march-pastoral');
  flat = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer();
  await tagger.ready();
}, 180_000);

afterAll(async () => {
  await tagger.close();
});

async function tagsOf(bytes: Uint8Array) {
  const result = await tagger.detect({ kind: 'image', bytes });
  return { result, tags: normaliseLabels(result.labels, ON_DEVICE_NORMALISE_OPTIONS), moderation: moderate(result.moderation, ON_DEVICE_MODERATION_POLICY) };
}

describe('OnDeviceTagger on real photographs', () => {
  it('finds the person (and the cup) at a restaurant table', async () => {
    const { tags } = await tagsOf(diner);
    const names = tags.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['person', 'cup', 'tableware']));
    for (const tag of tags) expect(TagSchema.safeParse(tag).success).toBe(true);
  });

  it('finds boats and a boatman in a nineteenth-century photograph of Nagasaki', async () => {
    const { tags } = await tagsOf(boats);
    expect(tags.map((t) => t.name)).toEqual(expect.arrayContaining(['boat', 'person', 'vehicle']));
    expect(tags.find((t) => t.name === 'boat')?.parent).toBe('vehicle');
  });

  it('finds sheep in a pastoral photograph', async () => {
    const { tags } = await tagsOf(sheep);
    expect(tags[0]).toMatchObject({ name: 'sheep', parent: 'animal', source: 'ai' });
  });

  it('finds nothing in a flat grey image', async () => {
    const { result, tags } = await tagsOf(flat);
    expect(result.labels).toEqual([]);
    expect(tags).toEqual([]);
  });

  it('gives every photograph a moderation verdict, and these are all safe', async () => {
    for (const bytes of [diner, boats, sheep, flat]) {
      const { result, moderation } = await tagsOf(bytes);
      expect(result.moderation.map((l) => l.name).sort()).toEqual(['Explicit Nudity', 'Illustrated Explicit Nudity', 'Suggestive']);
      expect(ModerationSchema.safeParse(moderation).success).toBe(true);
      expect(moderation.verdict).toBe('safe');
    }
  });

  it('answers several images given at once, each with its own result', async () => {
    const results = await Promise.all([sheep, flat, boats].map((bytes) => tagger.detect({ kind: 'image', bytes })));
    expect(results.map((r) => r.labels.some((l) => l.name === 'sheep'))).toEqual([true, false, false]);
    expect(results.map((r) => r.labels.some((l) => l.name === 'boat'))).toEqual([false, false, true]);
  });

  it('survives a corrupt image in the worker with a domain error, and goes on with the next one', async () => {
    const corrupt = Buffer.concat([flat.subarray(0, 200), Buffer.alloc(200, 0x55)]);
    await expect(tagger.detect({ kind: 'image', bytes: corrupt })).rejects.toBeInstanceOf(CorruptMediaError);
    await expect(tagger.detect({ kind: 'image', bytes: Buffer.from('not an image') })).rejects.toMatchObject({ code: 'unsupported' });
    const { tags } = await tagsOf(sheep);
    expect(tags[0]?.name).toBe('sheep');
    expect(tagger.starts).toBe(1);
  });

  it('stops waiting when the signal aborts, and the next image is still answered', async () => {
    await expect(tagger.detect({ kind: 'image', bytes: sheep }, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    const controller = new AbortController();
    const first = tagger.detect({ kind: 'image', bytes: boats }, controller.signal);
    const second = tagger.detect({ kind: 'image', bytes: sheep });
    controller.abort(new Error('cancelled'));
    await expect(first).rejects.toThrow('cancelled');
    expect((await second).labels.some((l) => l.name === 'sheep')).toBe(true);
    expect(tagger.starts).toBe(1);
  });
});
