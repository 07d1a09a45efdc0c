import sharp from 'sharp';
import { loadLabelledSet, readManifest, type LabelledPhoto } from './labelled-set.js';
import { syntheticImages } from './synthetic.js';

describe('the labelled set of photographs', () => {
  let photos: LabelledPhoto[];

  beforeAll(async () => {
    photos = await loadLabelledSet();
  });

  it('loads every manifest entry, at least 30, from its installed package', () => {
    expect(photos.map((p) => p.id)).toEqual(readManifest().map((e) => e.id));
    expect(photos.length).toBeGreaterThanOrEqual(30);
  });

  it('has unique ids', () => {
    expect(new Set(photos.map((p) => p.id)).size).toBe(photos.length);
  });

  it('decodes every photograph to at least 96 px on its short edge', async () => {
    const small: string[] = [];
    for (const photo of photos) {
      const { width = 0, height = 0 } = await sharp(photo.bytes).metadata();
      if (Math.min(width, height) < 96) small.push(`${photo.id} ${width}x${height}`);
    }
    expect(small).toEqual([]);
  });

  it('gives every photograph a licence and a source, and never lists a label as both in it and not', () => {
    const problems = photos.flatMap((p) => [
      ...(p.licence.trim() ? [] : [`${p.id}: no licence`]),
      ...(/@\d+\.\d+\.\d+\//.test(p.source) ? [] : [`${p.id}: source ${p.source}`]),
      ...p.absent.filter((label) => p.present.includes(label) || p.incidental.includes(label)).map((label) => `${p.id}: ${label} both absent and in it`),
      ...(p.faces !== undefined && !(Number.isInteger(p.faces) && p.faces >= 0) ? [`${p.id}: faces ${p.faces}`] : []),
    ]);
    expect(problems).toEqual([]);
  });

  it('reads only the entries asked for, cropped where the manifest says so', async () => {
    const [frame] = await loadLabelledSet({ ids: ['house-cat-frame'] });
    expect(frame?.source).toMatch(/\[10,10 163x110\]$/);
    const { width, height } = await sharp(frame?.bytes).metadata();
    expect([width, height]).toEqual([163, 110]);
  });
});

describe('the synthetic non-photographs', () => {
  it('are at least 12 distinct decodable images with unique ids', async () => {
    const images = await syntheticImages();
    expect(images.length).toBeGreaterThanOrEqual(12);
    expect(new Set(images.map((i) => i.id)).size).toBe(images.length);
    const digests = new Set(images.map((i) => i.bytes.toString('base64')));
    expect(digests.size).toBe(images.length);
    for (const { bytes } of images) {
      const { width, height } = await sharp(bytes).metadata();
      expect([width, height]).toEqual([640, 480]);
    }
  });
});
