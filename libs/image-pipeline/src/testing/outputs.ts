import sharp from 'sharp';
import type { Rgb } from './images.js';

/** The RGBA value of one pixel of an encoded image. */
export async function pixelAt(image: Uint8Array, x: number, y: number): Promise<[number, number, number, number]> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 4;
  return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
}

/** True when every channel of `actual` is within `tolerance` of `expected`. */
export function closeTo(actual: readonly number[], expected: Rgb, tolerance = 24): boolean {
  return expected.every((v, i) => Math.abs((actual[i] ?? -1000) - v) <= tolerance);
}

function isoBoxesEnd(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  while (i + 8 <= bytes.length) {
    const size = view.getUint32(i);
    if (size < 8) return false;
    i += size;
  }
  return i === bytes.length;
}

/**
 * True when the encoded file ends exactly where its format says it ends: JPEG with its EOI marker,
 * WebP at the RIFF size, AVIF at the end of its last top-level box. Trailing bytes fail.
 */
export function endsCleanly(bytes: Uint8Array, format: 'jpeg' | 'webp' | 'avif'): boolean {
  switch (format) {
    case 'jpeg':
      return bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
    case 'webp':
      return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true) + 8 === bytes.length;
    case 'avif':
      return isoBoxesEnd(bytes);
  }
}

/** True when `needle` (Latin-1) occurs anywhere in `bytes`. */
export function containsText(bytes: Uint8Array, needle: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(needle, 'latin1'));
}
