import sharp from 'sharp';
import type { Tag } from '@mediaflow/domain';
import { normaliseLabels, ON_DEVICE_NORMALISE_OPTIONS } from '../normalise.js';
import { loadLabelledSet, type LabelledPhoto } from '../testing/labelled-set.js';
import { syntheticImages } from '../testing/synthetic.js';
import { COCO_CLASSES } from './coco.js';
import type { OnDeviceAnalysis } from './map.js';
import { OnDeviceTagger } from './tagger.js';

// Precision of the on-device tagger on real photographs (the labelled set, read from installed
// packages) and on generated pictures. These fail when a change to the models, the thresholds or
// the photograph gate brings back wrong labels, or takes away the right ones measured today.

let tagger: OnDeviceTagger;
let photos: Map<string, LabelledPhoto>;
const seen = new Map<string, { analysis: OnDeviceAnalysis; tags: Tag[] }>();

/** Raw RGB, generated here: pictures the detector took for objects before the gate (frisbee, traffic lights). */
async function generated(width: number, height: number, pixel: (x: number, y: number) => readonly number[]): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

async function look(id: string, bytes: Uint8Array) {
  const known = seen.get(id);
  if (known !== undefined) return known;
  const analysis = await tagger.inspect({ kind: 'image', bytes });
  const result = { analysis, tags: normaliseLabels(analysis.result.labels, ON_DEVICE_NORMALISE_OPTIONS) };
  seen.set(id, result);
  return result;
}

function photo(id: string): LabelledPhoto {
  const found = photos.get(id);
  if (found === undefined) throw new Error(`the labelled set has no photograph ${id}`);
  return found;
}

const names = (tags: readonly Tag[]): string[] => tags.map((t) => t.name);

beforeAll(async () => {
  tagger = new OnDeviceTagger({ workers: 1 });
  photos = new Map((await loadLabelledSet()).map((p) => [p.id, p]));
  await tagger.ready();
}, 180_000);

afterAll(async () => {
  await tagger.close();
});

describe('the on-device tagger on generated pictures', () => {
  it('gives none of them an object label or a face', async () => {
    const pictures = [
      ...(await syntheticImages()),
      { id: 'circles on grey', bytes: await generated(640, 480, (x, y) => (Math.hypot(x - 200, y - 240) < 90 ? [220, 40, 40] : Math.hypot(x - 450, y - 240) < 70 ? [40, 80, 220] : [128, 128, 128])) },
      { id: 'large checkerboard', bytes: await generated(640, 640, (x, y) => (((x >> 6) + (y >> 6)) % 2 ? [230, 230, 230] : [20, 20, 20])) },
      { id: 'tiny', bytes: await generated(16, 16, (x, y) => [x * 16, y * 16, 128]) },
    ];
    const found: string[] = [];
    for (const { id, bytes } of pictures) {
      const { analysis } = await look(id, bytes);
      const objects = analysis.result.labels.filter((l) => (COCO_CLASSES as readonly string[]).includes(l.name));
      if (objects.length > 0 || (analysis.result.faces ?? 0) > 0) found.push(`${id}: ${objects.map((l) => l.name).join(', ')} faces ${analysis.result.faces}`);
    }
    expect(found).toEqual([]);
  }, 180_000);
});

describe('the on-device tagger on the labelled photographs', () => {
  it('judges every one of them a photograph', async () => {
    const judged: string[] = [];
    for (const p of photos.values()) {
      const { analysis } = await look(p.id, p.bytes);
      if (!analysis.photograph.photograph) judged.push(`${p.id}: ${analysis.photograph.reason}`);
    }
    expect(judged).toEqual([]);
  }, 180_000);

  it('keeps the true labels it finds today', async () => {
    const expected: Record<string, string[]> = KNOWN_LABELS;
    const missing: string[] = [];
    for (const [id, labels] of Object.entries(expected)) {
      const { tags } = await look(id, photo(id).bytes);
      for (const label of labels) if (!names(tags).includes(label)) missing.push(`${id}: ${label} (got ${names(tags).join(', ') || 'nothing'})`);
    }
    expect(missing).toEqual([]);
  }, 180_000);

  it('gives no photograph a label checked by eye not to be in it', async () => {
    const wrong: string[] = [];
    for (const p of photos.values()) {
      const { tags } = await look(p.id, p.bytes);
      for (const tag of tags) {
        if (p.absent.includes(tag.name) && !(KNOWN_CONFUSIONS[p.id] ?? []).includes(tag.name)) wrong.push(`${p.id}: ${tag.name} ${tag.confidence.toFixed(2)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 180_000);

  it('does not call a cat a dog or a person', async () => {
    for (const id of ['house-cat-plate', 'house-cat-frame']) {
      const { tags, analysis } = await look(id, photo(id).bytes);
      expect(names(tags)).not.toEqual(expect.arrayContaining(['dog']));
      expect(names(tags)).not.toEqual(expect.arrayContaining(['person']));
      expect(analysis.result.faces).toBe(0);
    }
  }, 60_000);

  it('counts the faces of group photographs within one, and none where there are none', async () => {
    const off: string[] = [];
    for (const p of photos.values()) {
      if (p.faces === undefined) continue;
      const { analysis } = await look(p.id, p.bytes);
      const counted = analysis.result.faces ?? -1;
      const expected = KNOWN_FACE_COUNTS[p.id] ?? p.faces;
      const allowed = expected === 0 ? 0 : 1;
      if (Math.abs(counted - expected) > allowed) off.push(`${p.id}: ${counted} counted, ${p.faces} in it`);
    }
    expect(off).toEqual([]);
  }, 180_000);
});

/** What the tagger finds today in the labelled photographs (all of it in their `present` lists). */
const KNOWN_LABELS: Record<string, string[]> = {
  'nagasaki-boats': ['boat', 'person'],
  'march-pastoral': ['sheep'],
  'human-diner': ['person', 'dining table'],
  'human-woman-crop-top': ['person'],
  'human-woman-on-stool': ['person'],
  'human-three-at-party': ['person'],
  'autocannon-j5': ['person'],
  'face-api-sample1': ['person'],
  'face-api-sample2': ['person'],
  'face-api-sample3': ['person'],
  'face-api-sample4': ['person'],
  'face-api-sample5': ['person'],
  'face-api-sample6': ['person'],
  'starfish-crate': ['person'],
  'three-men': ['person'],
  'wine-glass': ['wine glass'],
  'phone-on-sofa': ['mobile phone'],
  'car-park-cctv': ['car'],
};

/**
 * Wrong today, and known (see the README's known gaps): toy police figurines are people to the
 * object detector (0.75, 0.68) and have faces to the face detector (0.72, 0.71), as the eyes
 * printed on a book's cover have (0.72). Anything else wrong fails the tests.
 */
const KNOWN_CONFUSIONS: Record<string, string[]> = { 'police-figurines': ['person'] };
const KNOWN_FACE_COUNTS: Record<string, number> = { 'police-figurines': 2, 'book-cover': 1 };
