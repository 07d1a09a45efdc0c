import { CorruptMediaError, LimitExceededError, UnsupportedMediaError } from '@mediaflow/domain';
import sharp from 'sharp';
import { inspectImage } from './inspect.js';
import { resolveLimits } from './limits.js';
import { animatedGif, gifBomb, orientedJpeg, photoJpeg, pngBomb, solid, withExiftool } from './testing/index.js';
import { rejection } from '@mediaflow/domain/testing';

describe('inspectImage (real sharp)', () => {
  it('reads format, upright size, orientation, alpha, colour space and depth without decoding', async () => {
    const details = await inspectImage(await orientedJpeg(6, 96, 64));
    expect(details.mime).toBe('image/jpeg');
    expect(details.facts).toMatchObject({ format: 'jpeg', width: 96, height: 64, orientation: 6, frames: 1, hasAlpha: false, colorSpace: 'srgb', bitDepth: 8 });
  });

  it('maps EXIF to facts and keeps GPS apart', async () => {
    const jpeg = await withExiftool(await photoJpeg(64, 48), 'jpg', [
      '-Make=Canon',
      '-Model=EOS R5',
      '-LensModel=RF24-70mm F2.8 L IS USM',
      '-DateTimeOriginal=2023:05:06 07:08:09',
      '-OffsetTimeOriginal=+02:00',
      '-ExposureTime=1/250',
      '-FNumber=2.8',
      '-ISO=200',
      '-FocalLength=50',
      '-GPSLatitude=48.8584',
      '-GPSLatitudeRef=N',
      '-GPSLongitude=2.2945',
      '-GPSLongitudeRef=E',
      '-GPSAltitude=35',
      '-GPSAltitudeRef=0',
    ]);
    const details = await inspectImage(jpeg);
    expect(details.facts).toMatchObject({
      capturedAt: '2023-05-06T07:08:09+02:00',
      camera: { make: 'Canon', model: 'EOS R5', lens: 'RF24-70mm F2.8 L IS USM' },
      exposure: { iso: 200, fNumber: 2.8, exposureTime: 0.004, focalLength: 50 },
    });
    expect(details.gps?.latitude).toBeCloseTo(48.8584, 4);
    expect(details.gps?.longitude).toBeCloseTo(2.2945, 4);
    expect(details.gps?.altitude).toBeCloseTo(35);
    expect(JSON.stringify(details.facts)).not.toMatch(/latitude|longitude|gps/i);
  });

  it.each([
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['avif', 'image/avif'],
    ['tiff', 'image/tiff'],
    ['gif', 'image/gif'],
  ] as const)('tells %s from its bytes', async (format, mime) => {
    const details = await inspectImage(await solid(40, 30, [10, 120, 200], format));
    expect(details).toMatchObject({ format, mime, facts: { format, width: 40, height: 30 } });
  });

  it('reports 16-bit, palette and alpha PNGs', async () => {
    const deep = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff8000' } }).toColourspace('rgb16').png().toBuffer();
    expect((await inspectImage(deep)).facts.bitDepth).toBe(16);
    const palette = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff8000' } }).png({ palette: true }).toBuffer();
    expect((await inspectImage(palette)).isPalette).toBe(true);
    const alpha = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    expect((await inspectImage(alpha)).facts.hasAlpha).toBe(true);
  });

  it('reports CMYK and the embedded ICC profile', async () => {
    const cmyk = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).toColourspace('cmyk').jpeg().toBuffer();
    expect((await inspectImage(cmyk)).facts.colorSpace).toBe('cmyk');
    const p3 = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c86432' } }).withIccProfile('p3').jpeg().toBuffer();
    expect((await inspectImage(p3)).iccProfile).toMatch(/P3/);
  });

  it('counts the frames of an animation', async () => {
    const gif = await animatedGif(30, 20, [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ]);
    expect((await inspectImage(gif)).facts).toMatchObject({ format: 'gif', frames: 3, width: 30, height: 20 });
  });

  it('refuses a 300 KB PNG claiming 50000x50000 from its header', async () => {
    const error = await rejection(inspectImage(pngBomb()));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).details).toMatchObject({ limit: 'maxPixels', value: 2_500_000_000 });
  });

  it('refuses a GIF whose frames x screen size is too large', async () => {
    const error = await rejection(inspectImage(gifBomb(5000, 5000, 1000)));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).details).toMatchObject({ limit: 'maxAnimationPixels' });
  });

  it('enforces the byte limit', async () => {
    const error = await rejection(inspectImage(await solid(10, 10, [0, 0, 0]), { limits: resolveLimits({ maxInputBytes: 10 }) }));
    expect(error).toBeInstanceOf(LimitExceededError);
  });

  it('refuses SVG and PDF before any decoder sees them', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    expect(await rejection(inspectImage(svg))).toBeInstanceOf(UnsupportedMediaError);
    expect(await rejection(inspectImage(Buffer.from('%PDF-1.4\n%âãÏÓ\n')))).toBeInstanceOf(UnsupportedMediaError);
  });

  it('calls a damaged header corrupt, with a reason', async () => {
    const png = Buffer.from(await solid(10, 10, [1, 2, 3]));
    png[20] = 0xff; // inside IHDR: the CRC no longer matches
    const error = await rejection(inspectImage(png));
    expect(error).toBeInstanceOf(CorruptMediaError);
    expect(error.message).toMatch(/CRC/);
    const garbage = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    expect(await rejection(inspectImage(garbage))).toBeInstanceOf(CorruptMediaError);
  });
});
