import { CorruptMediaError, LimitExceededError, TimeoutError, UnsupportedMediaError, type RenderedFile } from '@mediaflow/domain';
import ExifReader from 'exifreader';
import sharp from 'sharp';
import { planRenditions } from './plan.js';
import { defaultPolicy } from './policy.js';
import { SharpImageProcessor } from './processor.js';
import { renderImage } from './render.js';
import {
  QUADRANTS,
  animatedGif,
  closeTo,
  containsText,
  endsCleanly,
  gifBomb,
  orientedJpeg,
  photoJpeg,
  pixelAt,
  pngBomb,
  solid,
  withExiftool,
  type Rgb,
} from './testing/index.js';
import { rejection } from '@mediaflow/domain/testing';

const images = new SharpImageProcessor();

/** The rendered files, each held in memory as the image pipeline makes them all. */
function inMemory(files: readonly RenderedFile[]): (RenderedFile & { body: Uint8Array })[] {
  return files.map((f) => file([f], f.name, f.format));
}

/** One rendered file, held in memory as the image pipeline makes them all. */
function file(files: readonly RenderedFile[], name: string, format: string): RenderedFile & { body: Uint8Array } {
  const found = files.find((f) => f.name === name && f.format === format);
  if (found === undefined) throw new Error(`no ${name}.${format} among ${files.map((f) => `${f.name}.${f.format}`).join(', ')}`);
  if (found.body === undefined) throw new Error(`${name}.${format} is on disk, not in memory`);
  return found as RenderedFile & { body: Uint8Array };
}

describe('rendering (real sharp)', () => {
  describe('orientation', () => {
    it.each([1, 2, 3, 4, 5, 6, 7, 8])('turns EXIF orientation %i upright, checked by pixels', async (orientation) => {
      const { files, inspection } = await images.process(await orientedJpeg(orientation, 96, 64));
      expect(inspection.facts).toMatchObject({ orientation, width: 96, height: 64 });
      for (const format of ['webp', 'avif', 'jpeg'] as const) {
        const thumb = file(files, 'thumb', format);
        expect([thumb.width, thumb.height]).toEqual([96, 64]);
        const corners: [number, number, Rgb][] = [
          [20, 14, QUADRANTS.topLeft],
          [76, 14, QUADRANTS.topRight],
          [20, 50, QUADRANTS.bottomLeft],
          [76, 50, QUADRANTS.bottomRight],
        ];
        for (const [x, y, expected] of corners) {
          const actual = await pixelAt(thumb.body, x, y);
          expect({ format, x, y, ok: closeTo(actual, expected, 40), actual }).toMatchObject({ ok: true });
        }
        expect((await sharp(thumb.body).metadata()).orientation).toBeUndefined();
      }
    });
  });

  describe('metadata', () => {
    it('strips GPS, EXIF, XMP, IPTC, comments and trailing bytes from every output', async () => {
      const tagged = await withExiftool(await photoJpeg(900, 600, 7), 'jpg', [
        '-Make=SecretCam',
        '-Model=Model-X',
        '-GPSLatitude=48.8584',
        '-GPSLatitudeRef=N',
        '-GPSLongitude=2.2945',
        '-GPSLongitudeRef=E',
        '-Comment=hello-comment',
        '-XMP-dc:Title=xmp-title',
        '-IPTC:Keywords=iptc-keyword',
      ]);
      const input = Buffer.concat([tagged, Buffer.from('TRAILING-JUNK-AFTER-EOI'.repeat(10))]);
      const { files, inspection } = await images.process(input);
      expect(inspection.gps?.latitude).toBeCloseTo(48.8584, 3);
      expect(files.map((f) => `${f.name}.${f.format}`)).toEqual(
        planRenditions({ width: 900, height: 600 }).outputs.map((o) => `${o.name}.${o.format}`),
      );
      for (const output of inMemory(files)) {
        const label = `${output.name}.${output.format}`;
        const meta = await sharp(output.body).metadata();
        expect({ label, exif: meta.exif, xmp: meta.xmp, iptc: meta.iptc, icc: meta.hasProfile, comments: meta.comments }).toEqual({
          label,
          exif: undefined,
          xmp: undefined,
          iptc: undefined,
          icc: false,
          comments: undefined,
        });
        if (output.format !== 'webp') {
          // A second parser over the whole file (JPEG and HEIF-based); WebP is covered by sharp's metadata and the byte scan.
          let parsed: { gps?: { Latitude?: number } } | undefined;
          try {
            parsed = ExifReader.load(Buffer.from(output.body), { expanded: true });
          } catch (error) {
            // Only "no metadata at all" passes; any other failure to read is a failure of the test.
            if (!(error instanceof ExifReader.errors.MetadataMissingError)) throw error;
            parsed = undefined;
          }
          expect({ label, gps: parsed?.gps?.Latitude }).toEqual({ label, gps: undefined });
        }
        for (const text of ['SecretCam', 'hello-comment', 'xmp-title', 'iptc-keyword', 'TRAILING-JUNK', 'Exif']) {
          expect({ label, text, found: containsText(output.body, text) }).toEqual({ label, text, found: false });
        }
        expect({ label, clean: endsCleanly(output.body, output.format as 'jpeg' | 'webp' | 'avif') }).toEqual({ label, clean: true });
        expect(output.contentType).toBe(`image/${output.format}`);
        expect(output.body.length).toBeGreaterThan(0);
      }
    });
  });

  describe('colour', () => {
    it('converts CMYK JPEG to sRGB', async () => {
      const cmyk = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#d01010' } }).toColourspace('cmyk').jpeg().toBuffer();
      const { files } = await images.render(cmyk);
      for (const output of inMemory(files)) {
        const meta = await sharp(output.body).metadata();
        expect([output.format, meta.space, meta.channels]).toEqual([output.format, 'srgb', 3]);
        const [r, g, b] = await pixelAt(output.body, 10, 10);
        expect(r).toBeGreaterThan(150);
        expect(Math.max(g, b)).toBeLessThan(90);
      }
    });

    it('converts an embedded Display P3 profile to sRGB and drops the profile', async () => {
      // Stored values are P3 coordinates; shown right, they are sRGB (200, 100, 50).
      const p3 = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 100, b: 50 } } })
        .withIccProfile('p3')
        .jpeg({ quality: 100 })
        .toBuffer();
      const stored = await sharp(p3).keepIccProfile().raw().toBuffer();
      expect(closeTo([...stored.subarray(0, 3)], [200, 100, 50], 6)).toBe(false);
      const { files } = await images.render(p3);
      const webp = file(files, 'thumb', 'webp');
      expect((await sharp(webp.body).metadata()).hasProfile).toBe(false);
      expect(closeTo(await pixelAt(webp.body, 10, 10), [200, 100, 50], 8)).toBe(true);
    });

    it('renders a 16-bit PNG as 8-bit outputs of the same colour', async () => {
      const deep = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#ff8000' } }).toColourspace('rgb16').png().toBuffer();
      const { files } = await images.render(deep);
      expect(closeTo(await pixelAt(file(files, 'thumb', 'jpeg').body, 5, 5), [255, 128, 0], 12)).toBe(true);
    });

    it('renders a palette PNG', async () => {
      const palette = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#2060a0' } }).png({ palette: true }).toBuffer();
      const { files } = await images.render(palette);
      expect(closeTo(await pixelAt(file(files, 'thumb', 'webp').body, 5, 5), [0x20, 0x60, 0xa0], 12)).toBe(true);
    });
  });

  describe('alpha', () => {
    it('keeps alpha in WebP and AVIF and flattens JPEG on white', async () => {
      const width = 400;
      const height = 300;
      const rgba = Buffer.alloc(width * height * 4);
      for (let p = 0; p < width * height; p++) {
        const opaque = p % width >= width / 2;
        rgba.set(opaque ? [0, 0, 255, 255] : [255, 0, 0, 0], p * 4);
      }
      const png = await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
      const { files } = await images.render(png);
      for (const format of ['webp', 'avif'] as const) {
        const thumb = file(files, 'thumb', format);
        expect((await sharp(thumb.body).metadata()).hasAlpha).toBe(true);
        expect((await pixelAt(thumb.body, 10, 10))[3]).toBeLessThan(10);
        expect(closeTo(await pixelAt(thumb.body, 245, 10), [0, 0, 255], 30)).toBe(true);
      }
      const jpeg = file(files, 'thumb', 'jpeg');
      expect((await sharp(jpeg.body).metadata()).hasAlpha).toBe(false);
      expect(closeTo(await pixelAt(jpeg.body, 10, 10), [255, 255, 255], 10)).toBe(true);
      expect(closeTo(await pixelAt(jpeg.body, 245, 10), [0, 0, 255], 30)).toBe(true);
    });

    it('drops an alpha channel that is opaque everywhere', async () => {
      const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 9, g: 99, b: 199, alpha: 1 } } }).png().toBuffer();
      const { files } = await images.render(png);
      expect((await sharp(file(files, 'thumb', 'webp').body).metadata()).hasAlpha).toBe(false);
    });
  });

  describe('sizes', () => {
    it('sizes a 12000x800 panorama by its long edge', async () => {
      const { files } = await images.render(await solid(12_000, 800, [40, 90, 160], 'jpeg'));
      const sizes = Object.fromEntries(files.filter((f) => f.format === 'webp').map((f) => [f.name, [f.width, f.height]]));
      expect(sizes).toEqual({ thumb: [256, 17], small: [640, 43], medium: [1280, 85], large: [2048, 137] });
      const large = file(files, 'large', 'webp');
      const meta = await sharp(large.body).metadata();
      expect([meta.width, meta.height]).toEqual([2048, 137]);
    });

    it('renders a 1x1 image', async () => {
      const { files, placeholder } = await images.render(await solid(1, 1, [200, 10, 10], 'png'));
      expect(files.map((f) => [f.name, f.format, f.width, f.height])).toEqual([
        ['thumb', 'webp', 1, 1],
        ['thumb', 'avif', 1, 1],
        ['thumb', 'jpeg', 1, 1],
      ]);
      expect(placeholder.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    });

    it('gives a 12 MP photo the full set, with a placeholder', async () => {
      const { files, placeholder, plan } = await images.process(await photoJpeg(4000, 3000, 3));
      expect(files).toHaveLength(plan.outputs.length);
      expect(file(files, 'large', 'webp')).toMatchObject({ width: 2048, height: 1536 });
      expect(file(files, 'medium', 'avif')).toMatchObject({ width: 1280, height: 960 });
      expect(placeholder.thumbhash).toEqual(expect.any(String));
      expect(placeholder.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    });
  });

  describe('inputs', () => {
    it.each([
      ['baseline JPEG', () => sharp({ create: { width: 700, height: 500, channels: 3, background: '#336699' } }).jpeg().toBuffer()],
      ['progressive JPEG', () => sharp({ create: { width: 700, height: 500, channels: 3, background: '#336699' } }).jpeg({ progressive: true }).toBuffer()],
      ['greyscale JPEG', () => sharp({ create: { width: 700, height: 500, channels: 3, background: '#666666' } }).greyscale().jpeg().toBuffer()],
      ['lossy WebP', () => sharp({ create: { width: 700, height: 500, channels: 3, background: '#336699' } }).webp().toBuffer()],
      ['lossless WebP', () => sharp({ create: { width: 700, height: 500, channels: 3, background: '#336699' } }).webp({ lossless: true }).toBuffer()],
      ['AVIF', () => sharp({ create: { width: 700, height: 500, channels: 3, background: '#336699' } }).avif().toBuffer()],
      ['TIFF', () => sharp({ create: { width: 700, height: 500, channels: 3, background: '#336699' } }).tiff().toBuffer()],
      ['still GIF', () => sharp({ create: { width: 700, height: 500, channels: 3, background: '#336699' } }).gif().toBuffer()],
    ])('renders a %s', async (_label, make) => {
      const { files } = await images.render(await make());
      expect(files.map((f) => `${f.name}.${f.format}@${f.width}x${f.height}`)).toEqual([
        'thumb.webp@256x183',
        'thumb.avif@256x183',
        'thumb.jpeg@256x183',
        'small.webp@640x457',
        'small.avif@640x457',
      ]);
    });
  });

  describe('animation', () => {
    const colours: Rgb[] = [
      [250, 0, 0],
      [0, 250, 0],
      [0, 0, 250],
      [250, 250, 0],
      [0, 250, 250],
    ];

    it('turns an animated GIF into animated WebP plus a still poster of the first frame', async () => {
      const gif = await animatedGif(320, 240, colours);
      const { files, placeholder } = await images.render(gif);
      expect(files.map((f) => `${f.name}.${f.format}@${f.width}x${f.height}`)).toEqual([
        'thumb.webp@256x192',
        'poster.webp@256x192',
        'poster.jpeg@256x192',
      ]);
      const thumb = await sharp(file(files, 'thumb', 'webp').body).metadata();
      expect(thumb.pages).toBe(5);
      expect((await sharp(file(files, 'poster', 'webp').body).metadata()).pages ?? 1).toBe(1);
      expect(closeTo(await pixelAt(file(files, 'poster', 'jpeg').body, 10, 10), [250, 0, 0], 30)).toBe(true);
      expect(placeholder.dominantColor).toMatch(/^#[ef][0-9a-f]0[0-9a-f]0[0-9a-f]$/);
    });

    it('keeps an animated WebP animated', async () => {
      const webp = await sharp(await animatedGif(300, 300, colours), { animated: true }).webp().toBuffer();
      const { files } = await images.render(webp);
      expect((await sharp(file(files, 'thumb', 'webp').body).metadata()).pages).toBe(5);
    });

    it('caps the number of frames', async () => {
      const capped = new SharpImageProcessor({ policy: { ...defaultPolicy, animation: { ...defaultPolicy.animation, maxFrames: 3 } } });
      const { files } = await capped.render(await animatedGif(300, 300, colours));
      expect((await sharp(file(files, 'thumb', 'webp').body).metadata()).pages).toBe(3);
    });
  });

  describe('refusals', () => {
    it('refuses a PNG bomb without decoding it', async () => {
      const bomb = pngBomb();
      expect(await rejection(images.render(bomb))).toBeInstanceOf(LimitExceededError);
      // Even with a plan made for some other image, render checks the header itself.
      expect(await rejection(renderImage(bomb, planRenditions({ width: 10, height: 10 })))).toBeInstanceOf(LimitExceededError);
    });

    it('refuses a GIF with a huge frame count x size', async () => {
      expect(await rejection(images.render(gifBomb(5000, 5000, 1000)))).toBeInstanceOf(LimitExceededError);
    });

    it('rejects a truncated JPEG with the decoder reason', async () => {
      const jpeg = await photoJpeg(800, 600, 5);
      const error = await rejection(images.render(jpeg.subarray(0, Math.floor(jpeg.length * 0.6))));
      expect(error).toBeInstanceOf(CorruptMediaError);
      expect(error.message).toMatch(/premature end|truncated/i);
    });

    it('rejects a truncated PNG, WebP and AVIF', async () => {
      const big = await sharp(await photoJpeg(600, 400, 9)).png().toBuffer();
      expect(await rejection(images.render(big.subarray(0, big.length >> 1)))).toBeInstanceOf(CorruptMediaError);
      const webp = await sharp(await photoJpeg(600, 400, 9)).webp().toBuffer();
      expect(await rejection(images.render(webp.subarray(0, webp.length >> 1)))).toBeInstanceOf(CorruptMediaError);
      const avif = await sharp(await photoJpeg(600, 400, 9)).avif().toBuffer();
      expect(await rejection(images.render(avif.subarray(0, avif.length >> 1)))).toBeInstanceOf(CorruptMediaError);
    });

    it('rejects noise behind a valid signature', async () => {
      const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), noise]);
      expect(await rejection(images.render(jpeg))).toBeInstanceOf(CorruptMediaError);
    });

    it('refuses SVG', async () => {
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="https://example.com/x.png"/></svg>');
      expect(await rejection(images.render(svg))).toBeInstanceOf(UnsupportedMediaError);
    });

    it('gives up with a TimeoutError when the job budget runs out', async () => {
      const hurried = new SharpImageProcessor({ renderTimeoutMs: 1 });
      expect(await rejection(hurried.render(await photoJpeg(3000, 2000, 11)))).toBeInstanceOf(TimeoutError);
    });
  });
});
