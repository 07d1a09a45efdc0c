import { CorruptMediaError } from '@mediaflow/domain';
import type { HeaderInfo, InputFormat } from './types.js';

/**
 * Container header parsers: dimensions and frame counts read from a few bytes, without a decoder.
 * They exist so that a decompression bomb is refused before libvips allocates anything; sharp's
 * own `limitInputPixels` is the second line of defence. Every read is bounds-checked and every
 * walk is bounded by the input length, so hostile headers cannot make them loop or throw a
 * RangeError.
 */

class Truncated extends Error {}

class Reader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  private need(offset: number, size: number): void {
    if (offset < 0 || offset + size > this.bytes.length) throw new Truncated();
  }

  u8(offset: number): number {
    this.need(offset, 1);
    return this.view.getUint8(offset);
  }

  u16(offset: number, little = false): number {
    this.need(offset, 2);
    return this.view.getUint16(offset, little);
  }

  u24le(offset: number): number {
    this.need(offset, 3);
    return this.view.getUint8(offset) | (this.view.getUint8(offset + 1) << 8) | (this.view.getUint8(offset + 2) << 16);
  }

  u32(offset: number, little = false): number {
    this.need(offset, 4);
    return this.view.getUint32(offset, little);
  }

  ascii(offset: number, size: number): string {
    this.need(offset, size);
    let out = '';
    for (let i = 0; i < size; i++) out += String.fromCharCode(this.view.getUint8(offset + i));
    return out;
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as used by PNG chunks (ISO 3309). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function png(r: Reader): HeaderInfo {
  if (r.u32(8) !== 13 || r.ascii(12, 4) !== 'IHDR') throw new CorruptMediaError('PNG does not start with an IHDR chunk');
  if (crc32(r.bytes, 12, 29) !== r.u32(29)) throw new CorruptMediaError('PNG IHDR chunk fails its CRC check');
  return { format: 'png', width: r.u32(16), height: r.u32(20), frames: 1 };
}

function jpeg(r: Reader): HeaderInfo | undefined {
  let i = 2;
  while (i < r.length) {
    if (r.u8(i) !== 0xff) throw new CorruptMediaError(`JPEG marker expected at byte ${i}`);
    while (r.u8(i) === 0xff) i++;
    const marker = r.u8(i);
    i++;
    if (marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    const length = r.u16(i);
    if (length < 2) throw new CorruptMediaError(`JPEG segment 0x${marker.toString(16)} has an invalid length`);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const height = r.u16(i + 3);
      const width = r.u16(i + 5);
      // A zero height is defined later by a DNL marker; leave that rare case to the decoder.
      return height > 0 && width > 0 ? { format: 'jpeg', width, height, frames: 1 } : undefined;
    }
    if (marker === 0xda) break;
    i += length;
  }
  throw new CorruptMediaError('JPEG has no frame header (SOF) before its image data');
}

function skipGifSubBlocks(r: Reader, start: number): number {
  let i = start;
  for (let size = r.u8(i); size !== 0; size = r.u8(i)) i += size + 1;
  return i + 1;
}

function gif(r: Reader): HeaderInfo {
  let width = r.u16(6, true);
  let height = r.u16(8, true);
  const packed = r.u8(10);
  let i = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);
  let frames = 0;
  // A truncated GIF still tells how many frames it claims so far; the decoder reports the damage.
  try {
    while (i < r.length) {
      const block = r.u8(i);
      if (block === 0x3b) break;
      if (block === 0x21) {
        i = skipGifSubBlocks(r, i + 2);
      } else if (block === 0x2c) {
        const left = r.u16(i + 1, true);
        const top = r.u16(i + 3, true);
        width = Math.max(width, left + r.u16(i + 5, true));
        height = Math.max(height, top + r.u16(i + 7, true));
        const local = r.u8(i + 9);
        i += 10 + (local & 0x80 ? 3 * 2 ** ((local & 0x07) + 1) : 0);
        i = skipGifSubBlocks(r, i + 1);
        frames++;
      } else {
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof Truncated)) throw error;
  }
  return { format: 'gif', width, height, frames: Math.max(frames, 1) };
}

function webp(r: Reader): HeaderInfo | undefined {
  let i = 12;
  let info: HeaderInfo | undefined;
  let animated = false;
  let frames = 0;
  try {
    while (i + 8 <= r.length) {
      const type = r.ascii(i, 4);
      const size = r.u32(i + 4, true);
      const data = i + 8;
      if (type === 'VP8X') {
        animated = (r.u8(data) & 0x02) !== 0;
        info = { format: 'webp', width: r.u24le(data + 4) + 1, height: r.u24le(data + 7) + 1, frames: 1 };
      } else if (type === 'VP8 ' && info === undefined) {
        if (r.u8(data + 3) !== 0x9d || r.u8(data + 4) !== 0x01 || r.u8(data + 5) !== 0x2a) {
          throw new CorruptMediaError('WebP VP8 frame has no start code');
        }
        return { format: 'webp', width: r.u16(data + 6, true) & 0x3fff, height: r.u16(data + 8, true) & 0x3fff, frames: 1 };
      } else if (type === 'VP8L' && info === undefined) {
        if (r.u8(data) !== 0x2f) throw new CorruptMediaError('WebP VP8L frame has no signature');
        const bits = r.u32(data + 1, true);
        return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, frames: 1 };
      } else if (type === 'ANMF') {
        frames++;
      }
      i = data + size + (size % 2);
    }
  } catch (error) {
    if (!(error instanceof Truncated) || info === undefined) throw error;
  }
  return info === undefined ? undefined : { ...info, frames: animated ? Math.max(frames, 1) : 1 };
}

function tiff(r: Reader): HeaderInfo | undefined {
  const little = r.u8(0) === 0x49;
  const ifd = r.u32(4, little);
  const count = r.u16(ifd, little);
  let width: number | undefined;
  let height: number | undefined;
  for (let e = 0; e < count; e++) {
    const entry = ifd + 2 + e * 12;
    const tag = r.u16(entry, little);
    if (tag !== 256 && tag !== 257) continue;
    const type = r.u16(entry + 2, little);
    const value = type === 3 ? r.u16(entry + 8, little) : r.u32(entry + 8, little);
    if (tag === 256) width = value;
    else height = value;
  }
  // Only the first page is rendered, so only its size counts against the limits.
  return width && height ? { format: 'tiff', width, height, frames: 1 } : undefined;
}

/** Walks ISO-BMFF boxes in [start, end) and calls `visit` for each; returns early when it says so. */
function walkBoxes(r: Reader, start: number, end: number, visit: (type: string, body: number, boxEnd: number) => void): void {
  let i = start;
  let guard = 0;
  while (i + 8 <= end && guard++ < 10_000) {
    let size = r.u32(i);
    const type = r.ascii(i + 4, 4);
    let header = 8;
    if (size === 1) {
      const high = r.u32(i + 8);
      size = high * 2 ** 32 + r.u32(i + 12);
      header = 16;
    } else if (size === 0) {
      size = end - i;
    }
    if (size < header) throw new CorruptMediaError(`HEIF box '${type}' has an invalid size`);
    const boxEnd = Math.min(i + size, end);
    visit(type, i + header, boxEnd);
    i += size;
  }
}

function heif(r: Reader, format: InputFormat): HeaderInfo | undefined {
  let best: { width: number; height: number } | undefined;
  walkBoxes(r, 0, r.length, (type, body, end) => {
    if (type !== 'meta') return;
    walkBoxes(r, body + 4, end, (t1, b1, e1) => {
      if (t1 !== 'iprp') return;
      walkBoxes(r, b1, e1, (t2, b2, e2) => {
        if (t2 !== 'ipco') return;
        walkBoxes(r, b2, e2, (t3, b3) => {
          if (t3 !== 'ispe') return;
          const width = r.u32(b3 + 4);
          const height = r.u32(b3 + 8);
          // A grid image has one ispe per tile and one for the whole; the largest is the one decoded.
          if (best === undefined || width * height > best.width * best.height) best = { width, height };
        });
      });
    });
  });
  return best === undefined ? undefined : { format, ...best, frames: 1 };
}

/**
 * Reads width, height and frame count from the container header, without decoding.
 * Returns `undefined` when the header does not say (the decoder's header read then decides).
 *
 * @throws CorruptMediaError when the header is truncated or contradicts itself.
 * @example
 * readHeader(pngBytes, 'png'); // { format: 'png', width: 640, height: 480, frames: 1 }
 */
export function readHeader(bytes: Uint8Array, format: InputFormat): HeaderInfo | undefined {
  const r = new Reader(bytes);
  try {
    switch (format) {
      case 'png':
        return png(r);
      case 'jpeg':
        return jpeg(r);
      case 'gif':
        return gif(r);
      case 'webp':
        return webp(r);
      case 'tiff':
        return tiff(r);
      case 'avif':
      case 'heic':
        return heif(r, format);
    }
  } catch (error) {
    if (error instanceof Truncated) throw new CorruptMediaError(`the ${format.toUpperCase()} header is truncated`, { cause: error });
    throw error;
  }
}
