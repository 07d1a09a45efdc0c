import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readText, tagMedia } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { withSvgLoader } from '@mediaflow/image-pipeline/testing';
import { OnDeviceTextReader } from '@mediaflow/tagging/ocr';
import { OnDeviceTagger } from '@mediaflow/tagging/on-device';
import { loadConfig } from '../config.js';
import { GOOD_ENV } from '../test-support.js';
import { taggingFor, textFor } from './tagging.js';

// The tagger's own sharp (a dependency of @mediaflow/tagging, which decodes the pictures), to make the test's pictures.
const sharp = createRequire(createRequire(__filename).resolve('@mediaflow/tagging/package.json'))('sharp') as typeof import('sharp').default;

const ID = '01JQ0000000000000000000025';
const KEY = `renditions/alice/${ID}/small.jpg`;
// The sheet of sample photographs of people that ships with Human (MIT; see libs/tagging/README.md).
const samples = join(dirname(createRequire(__filename).resolve('@vladmandic/human')), '..', 'assets', 'samples.jpg');

const tagging = taggingFor(loadConfig(GOOD_ENV));
const text = textFor(loadConfig(GOOD_ENV));

afterAll(async () => {
  if (tagging.tagger instanceof OnDeviceTagger) await tagging.tagger.close();
  if (text.reader instanceof OnDeviceTextReader) await text.reader.close();
});

/** The tagging step as the tagging function runs it (on-device), on one picture stored as the item's small rendition. */
async function tagPicture(bytes: Uint8Array) {
  const deps = inMemoryDeps({ tagging });
  await deps.repo.create(
    makeMediaItem({ id: ID, ownerId: 'alice', status: 'ready', kind: 'image', renditions: [{ name: 'small', format: 'jpeg', key: KEY, contentType: 'image/jpeg', bytes: bytes.byteLength }] }),
  );
  await deps.store.put(KEY, bytes);
  await tagMedia(deps, 'alice', ID);
  return deps.repo.get('alice', ID);
}

describe('tagging step with the on-device tagger (the tagging function\u2019s default)', () => {
  it('gives a photograph of a person the AI tag people and a face count', async () => {
    // The second photograph of the sheet's top row: a woman in a dark dress, her face turned to the camera.
    const woman = await sharp(samples).extract({ left: 165, top: 0, width: 153, height: 158 }).jpeg().toBuffer();
    const item = await tagPicture(woman);
    expect(item?.faces).toBeGreaterThanOrEqual(1);
    expect(item?.tags).toEqual(expect.arrayContaining([{ name: 'people', confidence: 1, source: 'ai' }]));
  }, 180_000);

  it('gives a picture without anyone in it neither', async () => {
    const flat = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#6a8caf' } }).jpeg().toBuffer();
    const item = await tagPicture(flat);
    expect(item?.moderation.checkedAt).toBeDefined();
    expect(item?.faces).toBeUndefined();
    expect(item?.tags.map((t) => t.name)).not.toContain('people');
  }, 180_000);
});

describe('text step with the on-device reader (the tagging function\u2019s default)', () => {
  it('reads the words printed in a picture and saves them with the item', async () => {
    const sign = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720"><rect width="100%" height="100%" fill="#f4f1e8"/>
      <text x="80" y="240" font-size="110" font-family="sans-serif" font-weight="bold" fill="#1d1d1d">HARBOUR BAKERY</text>
      <text x="80" y="420" font-size="72" font-family="sans-serif" fill="#1d1d1d">Fresh bread every morning</text></svg>`;
    // Another function's test in this jest worker may have blocked sharp's SVG loader (hostile input).
    const bytes = await withSvgLoader(() => sharp(Buffer.from(sign)).jpeg().toBuffer());
    const deps = inMemoryDeps({ text });
    await deps.repo.create(makeMediaItem({ id: ID, ownerId: 'alice', status: 'ready', kind: 'image', renditions: [{ name: 'medium', format: 'jpeg', key: KEY, contentType: 'image/jpeg', bytes: bytes.byteLength }] }));
    await deps.store.put(KEY, bytes);
    expect((await readText(deps, 'alice', ID)).outcome).toBe('read');
    const content = (await deps.repo.get('alice', ID))?.text?.content ?? '';
    expect(content.toLowerCase()).toContain('bakery');
    expect(content.toLowerCase()).toContain('bread');
  }, 180_000);
});
