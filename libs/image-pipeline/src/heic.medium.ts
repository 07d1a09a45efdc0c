import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptMediaError } from '@mediaflow/domain';
import sharp from 'sharp';
import { decodeHeic } from './heic.js';
import { SharpImageProcessor } from './processor.js';
import { QUADRANTS, closeTo, pixelAt } from './testing/index.js';

// sharp's prebuilt libvips reads HEIC headers but cannot decode HEVC, and no npm package can encode
// it: the file is a committed fixture, a real HEVC-coded HEIC of the four QUADRANTS at 480x320,
// made by testing/fixtures/make-heic.sh (Debian's ImageMagick and libheif's heif-enc with x265).
const QUADRANTS_HEIC = join(__dirname, 'testing', 'fixtures', 'quadrants.heic');

describe('HEIC (HEVC) input', () => {
  let heic: Buffer;

  beforeAll(async () => {
    heic = await readFile(QUADRANTS_HEIC);
  });

  it('is a real HEVC file that sharp alone cannot decode', async () => {
    expect((await sharp(heic).metadata()).compression).toBe('hevc');
    await expect(sharp(heic).raw().toBuffer()).rejects.toThrow(/HEVC|decoder|compression/i);
  });

  it('decodes to RGBA with heic-decode', async () => {
    const image = await decodeHeic(heic);
    expect([image.width, image.height, image.data.length]).toEqual([480, 320, 480 * 320 * 4]);
    const rgbAt = (x: number, y: number): [number, number, number] => {
      const i = (y * image.width + x) * 4;
      return [image.data[i] ?? -1, image.data[i + 1] ?? -1, image.data[i + 2] ?? -1];
    };
    // The centre of each quadrant, away from the chroma-subsampled edges between them.
    expect(closeTo(rgbAt(120, 80), QUADRANTS.topLeft)).toBe(true);
    expect(closeTo(rgbAt(360, 80), QUADRANTS.topRight)).toBe(true);
    expect(closeTo(rgbAt(120, 240), QUADRANTS.bottomLeft)).toBe(true);
    expect(closeTo(rgbAt(360, 240), QUADRANTS.bottomRight)).toBe(true);
  });

  it('is inspected as HEIC and rendered through the WebAssembly decoder', async () => {
    const images = new SharpImageProcessor();
    const { inspection, files } = await images.process(heic);
    expect(inspection).toMatchObject({ format: 'heic', mime: 'image/heic', facts: { format: 'heic', width: 480, height: 320 } });
    const thumb = files.find((f) => f.name === 'thumb' && f.format === 'webp');
    expect([thumb?.width, thumb?.height]).toEqual([256, 171]);
    const body = thumb?.body ?? new Uint8Array();
    expect(closeTo(await pixelAt(body, 30, 30), QUADRANTS.topLeft, 40)).toBe(true);
    expect(closeTo(await pixelAt(body, 226, 140), QUADRANTS.bottomRight, 40)).toBe(true);
  });

  it('rejects a truncated HEIC with a typed error', async () => {
    const truncated = heic.subarray(0, Math.floor(heic.length * 0.7));
    // libheif-js logs its decoding failures to the console itself; the error we throw says the same.
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = await new SharpImageProcessor().render(truncated).then(
      () => undefined,
      (e: unknown) => e,
    );
    log.mockRestore();
    expect(error).toBeInstanceOf(CorruptMediaError);
    expect((error as Error).message).toMatch(/HEIC/);
  });
});
