import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { crc32 } from '../header.js';

/**
 * Test images made on the spot, each saying in code what it is. sharp writes what it can; ExifTool
 * (the `exiftool-vendored` package, which runs the ExifTool it ships on the machine's perl) writes
 * the metadata sharp cannot (GPS, comments, XMP, IPTC). The one exception is HEIC: nothing on npm
 * encodes HEVC, so the HEIC tests read small committed files from `fixtures/`, made by the script
 * beside them (`fixtures/make-heic.sh`).
 */

export type Rgb = readonly [number, number, number];

/** Deterministic xorshift32 in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * Photo-like RGB pixels: smooth gradients and waves with per-pixel noise, so that encoders work
 * about as hard as on a camera picture (flat colour would make every encoder look fast).
 */
export function photoPixels(width: number, height: number, seed = 1): Buffer {
  const random = seededRandom(seed);
  const fx = 3 + random() * 10;
  const fy = 2 + random() * 8;
  const phase = random() * 6;
  const data = Buffer.allocUnsafe(width * height * 3);
  const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);
  for (let y = 0; y < height; y++) {
    const cy = Math.cos((y / height) * fy * 2 * Math.PI);
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const noise = (random() - 0.5) * 40;
      const wave = Math.sin((x / width) * fx * 2 * Math.PI + phase) * cy * 60;
      data[i] = clamp((x / width) * 200 + 30 + wave + noise);
      data[i + 1] = clamp((y / height) * 180 + 40 - wave + noise);
      data[i + 2] = clamp(128 + wave * 1.5 + noise);
    }
  }
  return data;
}

/** A photo-like JPEG (see `photoPixels`). */
export function photoJpeg(width: number, height: number, seed = 1, quality = 90): Promise<Buffer> {
  return sharp(photoPixels(width, height, seed), { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

/** Solid-colour image in the given format. */
export function solid(width: number, height: number, colour: Rgb, format: 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif' = 'png'): Promise<Buffer> {
  const [r, g, b] = colour;
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .toFormat(format)
    .toBuffer();
}

/** Colours of the four quadrants of an upright test picture: top-left, top-right, bottom-left, bottom-right. */
export const QUADRANTS = {
  topLeft: [220, 20, 20],
  topRight: [20, 200, 20],
  bottomLeft: [20, 20, 220],
  bottomRight: [230, 220, 20],
} as const satisfies Record<string, Rgb>;

function quadrantAt(x: number, y: number, width: number, height: number): Rgb {
  const left = x < width / 2;
  const top = y < height / 2;
  if (top) return left ? QUADRANTS.topLeft : QUADRANTS.topRight;
  return left ? QUADRANTS.bottomLeft : QUADRANTS.bottomRight;
}

/**
 * Where stored pixel (sx, sy) appears once EXIF `orientation` is applied, for a stored image of
 * `sw` x `sh` pixels (TIFF/EXIF 2.3, tag 0x0112).
 */
export function displayedAt(orientation: number, sx: number, sy: number, sw: number, sh: number): [number, number] {
  switch (orientation) {
    case 2:
      return [sw - 1 - sx, sy];
    case 3:
      return [sw - 1 - sx, sh - 1 - sy];
    case 4:
      return [sx, sh - 1 - sy];
    case 5:
      return [sy, sx];
    case 6:
      return [sh - 1 - sy, sx];
    case 7:
      return [sh - 1 - sy, sw - 1 - sx];
    case 8:
      return [sy, sw - 1 - sx];
    default:
      return [sx, sy];
  }
}

/**
 * A JPEG that shows the four `QUADRANTS` upright (landscape, `width` x `height`) only when its EXIF
 * `orientation` is applied: the stored pixels are turned the other way.
 */
export async function orientedJpeg(orientation: number, width = 96, height = 64): Promise<Buffer> {
  const swap = orientation >= 5;
  const sw = swap ? height : width;
  const sh = swap ? width : height;
  const data = Buffer.allocUnsafe(sw * sh * 3);
  for (let sy = 0; sy < sh; sy++) {
    for (let sx = 0; sx < sw; sx++) {
      const [dx, dy] = displayedAt(orientation, sx, sy, sw, sh);
      const [r, g, b] = quadrantAt(dx, dy, width, height);
      const i = (sy * sw + sx) * 3;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  }
  return sharp(data, { raw: { width: sw, height: sh, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation })
    .toBuffer();
}

/** An animated GIF of `colours.length` frames, each a solid colour. */
export async function animatedGif(width: number, height: number, colours: readonly Rgb[], delayMs = 100): Promise<Buffer> {
  const frames = await Promise.all(colours.map((c) => solid(width, height, c, 'png')));
  return sharp(frames, { join: { animated: true } })
    .gif({ delay: colours.map(() => delayMs), loop: 0 })
    .toBuffer();
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'ascii');
  Buffer.from(data).copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk, 4, 8 + data.length), 8 + data.length);
  return chunk;
}

/**
 * A small PNG whose IHDR (with a correct CRC) claims `width` x `height`: a decompression bomb's
 * header. Its IDAT is `idatBytes` of noise that no decoder should ever get to read.
 */
export function pngBomb(width = 50_000, height = 50_000, idatBytes = 300 * 1024): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const random = seededRandom(idatBytes);
  const idat = Buffer.concat([deflateSync(Buffer.alloc(64)), Buffer.from(Array.from({ length: idatBytes }, () => Math.floor(random() * 256)))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A GIF whose logical screen is `width` x `height` and that holds `frames` 1x1 frames: tiny on
 * disk, `frames x width x height` pixels once a decoder composes each frame on the screen.
 */
export function gifBomb(width = 5000, height = 5000, frames = 1000): Buffer {
  const header = Buffer.alloc(13 + 6);
  header.write('GIF89a', 0, 'ascii');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  header[10] = 0x80; // global colour table of 2 entries
  header[13] = 0; // black
  header[16] = 255; // white
  const frame = Buffer.from([
    0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, // image descriptor: 1x1 at 0,0, no local table
    0x02, 0x02, 0x44, 0x01, 0x00, // LZW minimum code size 2, one 2-byte sub-block, terminator
  ]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame), Buffer.from([0x3b])]);
}

async function withTempFile<T>(input: Uint8Array, extension: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mf-image-'));
  try {
    const path = join(dir, `input.${extension}`);
    await writeFile(path, input);
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs ExifTool's tag assignments (e.g. `-GPSLatitude=48.85`, `-XMP-dc:Title=x`) on a copy of
 * `input` and returns it. Each call starts its own ExifTool process and ends it (about 0.2 s), so
 * nothing is left running when a test file ends. `exiftool-vendored` is loaded on first use:
 * importing these helpers needs no ExifTool.
 *
 * @example
 * const jpeg = await withExiftool(await photoJpeg(64, 48), 'jpg', ['-Make=Canon', '-GPSLatitude=48.8584', '-GPSLatitudeRef=N']);
 */
export function withExiftool(input: Uint8Array, extension: string, args: readonly string[]): Promise<Buffer> {
  return withTempFile(input, extension, async (path) => {
    const { ExifTool } = await import('exiftool-vendored').catch((cause: unknown) => {
      throw new Error('withExiftool needs the exiftool-vendored package (npm install -D exiftool-vendored)', { cause });
    });
    const exiftool = new ExifTool();
    try {
      // Raw assignments, as on ExifTool's command line: no MWG mapping, and a warning is a failure.
      await exiftool.write(path, {}, { writeArgs: ['-overwrite_original', ...args], useMWG: false, ignoreMinorErrors: false });
    } finally {
      await exiftool.end();
    }
    return readFile(path);
  });
}
