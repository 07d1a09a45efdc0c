import { CorruptMediaError } from '@mediaflow/domain';
import sharp from 'sharp';
import { decodeHeic } from './heic.js';
import { SharpImageProcessor } from './processor.js';
import { QUADRANTS, closeTo, orientedJpeg, pixelAt, withImageMagick } from './testing/index.js';

// sharp's prebuilt libvips reads HEIC headers but cannot decode HEVC, and cannot encode it either;
// ImageMagick (Debian's, through libheif with x265) writes real HEVC-coded HEIC files for the test.
describe('HEIC (HEVC) input', () => {
  let heic: Buffer;

  beforeAll(async () => {
    const png = await sharp(await orientedJpeg(1, 480, 320)).png().toBuffer();
    heic = await withImageMagick(png, 'png', 'heic', ['-quality', '90']);
  });

  it('is a real HEVC file that sharp alone cannot decode', async () => {
    expect((await sharp(heic).metadata()).compression).toBe('hevc');
    await expect(sharp(heic).raw().toBuffer()).rejects.toThrow(/HEVC|decoder|compression/i);
  });

  it('decodes to RGBA with heic-decode', async () => {
    const image = await decodeHeic(heic);
    expect([image.width, image.height, image.data.length]).toEqual([480, 320, 480 * 320 * 4]);
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
