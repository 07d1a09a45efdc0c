import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, crc32, createDeflate, createDeflateRaw, createGzip, deflateRawSync } from 'node:zlib';

/**
 * Hand-built files: headers that lie, checksums that do not match, containers no encoder would
 * write. Each builder writes just enough of its format for a parser to reach the part under test.
 */

const u16be = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u16le = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32be = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const u32le = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u24le = (n: number): Buffer => Buffer.from([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff]);

// --- PNG -------------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk with its CRC (or the CRC given, to make it wrong on purpose). */
export function pngChunk(type: string, data: Uint8Array, crc?: number): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), typeAndData, u32be(crc ?? crc32(typeAndData))]);
}

/** A PNG whose IHDR announces `width` x `height`; the IDAT is whatever the caller provides. */
export function pngWithHeader(width: number, height: number, idat: Uint8Array, options: { bitDepth?: number; colorType?: number } = {}): Buffer {
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([options.bitDepth ?? 8, options.colorType ?? 2, 0, 0, 0])]);
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
}

/** The offset of the first chunk of `type` in a PNG, or -1. */
export function findPngChunk(png: Uint8Array, type: string): number {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  for (let i = PNG_SIGNATURE.length; i + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(i);
    if (bytes.toString('latin1', i + 4, i + 8) === type) return i;
    i += 12 + length;
  }
  return -1;
}

/** A copy of `png` whose chunk of `type` carries a CRC that does not match its data. */
export function withBadChunkCrc(png: Uint8Array, type: string): Buffer {
  const copy = Buffer.from(png);
  const at = findPngChunk(copy, type);
  if (at < 0) throw new Error(`no ${type} chunk`);
  const crcAt = at + 8 + copy.readUInt32BE(at);
  copy.writeUInt32BE((copy.readUInt32BE(crcAt) ^ 0xdeadbeef) >>> 0, crcAt);
  return copy;
}

/**
 * Deflates `length` zero bytes without holding them: the compressed stream of a decompression bomb.
 * zlib caps deflate at about 1:1000, so 100 MB of zeros comes out near 100 KB.
 */
export async function deflateZeros(length: number, format: 'zlib' | 'raw' | 'gzip'): Promise<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024);
  async function* zeros(): AsyncGenerator<Buffer> {
    for (let left = length; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
  const level = { level: constants.Z_BEST_COMPRESSION };
  const compressor = format === 'raw' ? createDeflateRaw(level) : format === 'gzip' ? createGzip(level) : createDeflate(level);
  const out: Buffer[] = [];
  await pipeline(Readable.from(zeros()), compressor, async (compressed: AsyncIterable<Buffer>) => {
    for await (const part of compressed) out.push(part);
  });
  return Buffer.concat(out);
}

// --- JPEG, GIF, WebP, TIFF, BMP headers ------------------------------------------------------

/**
 * A baseline JPEG whose frame header (SOF0) announces `width` x `height` (at most 65535 each, the
 * format's own limit), followed by a scan that holds next to nothing.
 */
export function jpegWithHeader(width: number, height: number): Buffer {
  const segment = (marker: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([0xff, marker]), u16be(body.length + 2), body]);
  const jfif = segment(0xe0, Buffer.from([...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const dqt = segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
  const sof = segment(0xc0, Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0])]));
  const sos = segment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0]));
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, dqt, sof, sos, Buffer.alloc(16, 0), Buffer.from([0xff, 0xd9])]);
}

/** One GIF image descriptor covering `width` x `height` with a token of LZW data. */
function gifFrame(width: number, height: number, withControl: boolean): Buffer {
  const control = withControl ? Buffer.from([0x21, 0xf9, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00]) : Buffer.alloc(0);
  const descriptor = Buffer.concat([Buffer.from([0x2c]), u16le(0), u16le(0), u16le(width), u16le(height), Buffer.from([0])]);
  // LZW minimum code size 2, then one sub-block (clear code, one pixel, end code) and the terminator.
  return Buffer.concat([control, descriptor, Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00])]);
}

/** A GIF whose screen and `frames` frames each announce `width` x `height`. */
export function gifWithHeader(width: number, height: number, frames = 1): Buffer {
  // A two-colour global table (packed 0x80: present, 2^(0+1) entries).
  const screen = Buffer.concat([Buffer.from('GIF89a', 'latin1'), u16le(width), u16le(height), Buffer.from([0x80, 0, 0]), Buffer.from([0, 0, 0, 255, 255, 255])]);
  const loop = frames > 1 ? Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, 0x00, 0x00, 0x00]) : Buffer.alloc(0);
  const body = Array.from({ length: frames }, () => gifFrame(width, height, frames > 1));
  return Buffer.concat([screen, loop, ...body, Buffer.from([0x3b])]);
}

/** An extended-format WebP (VP8X) announcing `width` x `height` (up to 16384 each), with a 1x1 lossless frame. */
export function webpWithHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => Buffer.concat([Buffer.from(type, 'latin1'), u32le(data.length), data, data.length % 2 ? Buffer.from([0]) : Buffer.alloc(0)]);
  const vp8x = chunk('VP8X', Buffer.concat([Buffer.from([0, 0, 0, 0]), u24le(width - 1), u24le(height - 1)]));
  const vp8l = chunk('VP8L', Buffer.from([0x2f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), vp8x, vp8l]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(body.length), body]);
}

/** A little-endian TIFF whose first directory announces `width` x `height` 8-bit grey pixels. */
export function tiffWithHeader(width: number, height: number): Buffer {
  const SHORT = 3;
  const LONG = 4;
  const entries: [tag: number, type: number, value: number][] = [
    [256, LONG, width],
    [257, LONG, height],
    [258, SHORT, 8],
    [259, SHORT, 1],
    [262, SHORT, 1],
    [273, LONG, 8 + 2 + 10 * 12 + 4],
    [277, SHORT, 1],
    [278, LONG, height],
    [279, LONG, 0xffffffff],
    [284, SHORT, 1],
  ];
  const ifd = Buffer.concat([
    u16le(entries.length),
    ...entries.map(([tag, type, value]) => Buffer.concat([u16le(tag), u16le(type), u32le(1), type === SHORT ? Buffer.concat([u16le(value), u16le(0)]) : u32le(value)])),
    u32le(0),
  ]);
  return Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00]), u32le(8), ifd, Buffer.alloc(64, 0x80)]);
}

/** A 24-bit BMP of `width` x `height` pixels (a kind the product keeps as-is, without renditions). */
export function bmp(width: number, height: number, seed: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const pixels = Buffer.alloc(row * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + seed * 17) & 0xff;
  const info = Buffer.concat([u32le(40), u32le(width), u32le(height), u16le(1), u16le(24), u32le(0), u32le(pixels.length), u32le(2835), u32le(2835), u32le(0), u32le(0)]);
  const offset = 14 + info.length;
  return Buffer.concat([Buffer.from('BM', 'latin1'), u32le(offset + pixels.length), u32le(0), u32le(offset), info, pixels]);
}

// --- Executables -----------------------------------------------------------------------------

/** The 64-byte header of an x86-64 Linux executable, plus a few instructions' worth of bytes. */
export function elfExecutable(): Buffer {
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(header, 0);
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(0x3e, 18); // x86-64
  header.writeUInt32LE(1, 20);
  header.writeBigUInt64LE(0x401000n, 24);
  header.writeUInt16LE(64, 52);
  // exit(0): mov eax, 60; xor edi, edi; syscall
  return Buffer.concat([header, Buffer.from([0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05])]);
}

/** A Windows PE: the DOS header and stub, then the `PE\0\0` signature and a COFF header. */
export function peExecutable(): Buffer {
  const dos = Buffer.alloc(0x80);
  dos.write('MZ', 0, 'latin1');
  dos.writeUInt32LE(0x80, 0x3c);
  dos.write('This program cannot be run in DOS mode.\r\r\n$', 0x4e, 'latin1');
  const coff = Buffer.alloc(20);
  coff.writeUInt16LE(0x8664, 0);
  coff.writeUInt16LE(0x0022, 18);
  return Buffer.concat([dos, Buffer.from('PE\0\0', 'latin1'), coff, Buffer.alloc(240)]);
}

// --- Archives and documents ------------------------------------------------------------------

export interface ZipEntry {
  name: string;
  /** Raw deflate data, or the stored bytes when `method` is 0. */
  data: Uint8Array;
  method: 0 | 8;
  crc: number;
  size: number;
}

/** A zip entry stored or deflated from `content`. */
export function zipEntry(name: string, content: Uint8Array, method: 0 | 8 = 8): ZipEntry {
  return { name, data: method === 8 ? deflateRawSync(content, { level: 9 }) : content, method, crc: crc32(content), size: content.length };
}

/** A zip archive (local headers, central directory, end record) of `entries`. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const common = Buffer.concat([u16le(20), u16le(0x0800), u16le(e.method), u16le(0), u16le(0x21), u32le(e.crc), u32le(e.data.length), u32le(e.size), u16le(name.length), u16le(0)]);
    const local = Buffer.concat([u32le(0x04034b50), common, name, e.data]);
    centrals.push(Buffer.concat([u32le(0x02014b50), u16le(20), common, u16le(0), u16le(0), u16le(0), u32le(0), u32le(offset), name]));
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.concat([u32le(0x06054b50), u16le(0), u16le(0), u16le(entries.length), u16le(entries.length), u32le(directory.length), u32le(offset), u16le(0)]);
  return Buffer.concat([...locals, directory, end]);
}

/** The sum of the uncompressed sizes a zip's central directory claims for its entries. */
export function zipClaimedBytes(archive: Uint8Array): number {
  const bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip archive');
  let at = bytes.readUInt32LE(end + 16);
  let total = 0;
  for (let n = bytes.readUInt16LE(end + 10); n > 0; n--) {
    total += bytes.readUInt32LE(at + 24);
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return total;
}

/** A one-page PDF with a correct cross-reference table; `extra` objects are appended after the page. */
export function pdf(options: { catalogExtra?: string; extra?: readonly string[] } = {}): Buffer {
  const content = 'BT /F1 12 Tf 10 30 Td (corpus) Tj ET';
  const objects = [
    `<< /Type /Catalog /Pages 2 0 R ${options.catalogExtra ?? ''}>>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    ...(options.extra ?? []),
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// --- ISO base media (MP4) --------------------------------------------------------------------

const CONTAINERS = new Set(['moov', 'trak', 'edts', 'mdia', 'minf', 'stbl']);

interface Box {
  type: string;
  start: number;
  /** Where the box's payload starts (after size and type). */
  body: number;
  end: number;
}

/** Top-level boxes of an MP4, and those inside the `moov` containers, in file order. */
export function mp4Boxes(file: Uint8Array): Box[] {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const out: Box[] = [];
  const walk = (start: number, end: number): void => {
    for (let i = start; i + 8 <= end; ) {
      let size = bytes.readUInt32BE(i);
      let header = 8;
      if (size === 1) {
        size = Number(bytes.readBigUInt64BE(i + 8));
        header = 16;
      } else if (size === 0) {
        size = end - i;
      }
      if (size < header) throw new Error(`bad box size at ${i}`);
      const box = { type: bytes.toString('latin1', i + 4, i + 8), start: i, body: i + header, end: Math.min(i + size, end) };
      out.push(box);
      if (CONTAINERS.has(box.type)) walk(box.body, box.end);
      i += size;
    }
  };
  walk(0, bytes.length);
  return out;
}

/**
 * A copy of `mp4` (version-0 boxes, as ffmpeg writes them) whose index claims each sample lasts
 * `sampleDelta` ticks and whose movie, track, media and edit durations agree: every length the
 * moov box states is absurd, while the samples are the original second of video.
 */
export function withAbsurdDuration(mp4: Uint8Array, sampleDelta = 0x10000000): Buffer {
  const bytes = Buffer.from(mp4);
  const huge = 0xfffffff0;
  for (const box of mp4Boxes(bytes)) {
    const at = box.body;
    if (['mvhd', 'tkhd', 'mdhd', 'elst', 'stts'].includes(box.type) && bytes[at] !== 0) throw new Error(`${box.type} is not version 0`);
    if (box.type === 'mvhd' || box.type === 'mdhd') bytes.writeUInt32BE(huge, at + 16);
    if (box.type === 'tkhd') bytes.writeUInt32BE(huge, at + 20);
    if (box.type === 'elst') for (let e = 0; e < bytes.readUInt32BE(at + 4); e++) bytes.writeUInt32BE(huge, at + 8 + e * 12);
    if (box.type === 'stts') for (let e = 0; e < bytes.readUInt32BE(at + 4); e++) bytes.writeUInt32BE(sampleDelta, at + 12 + e * 8);
  }
  return bytes;
}

/** The bytes of `mp4` before its top-level `moov` box: the samples without the index that locates them. */
export function withoutIndex(mp4: Uint8Array): Buffer {
  const moov = mp4Boxes(mp4).find((b) => b.type === 'moov');
  if (!moov) throw new Error('no moov box');
  const data = mp4Boxes(mp4).find((b) => b.type === 'mdat');
  if (!data || data.start > moov.start) throw new Error('the index comes before the samples: write the clip without +faststart');
  return Buffer.from(mp4.subarray(0, moov.start));
}

// --- WAV -------------------------------------------------------------------------------------

/** A copy of a PCM WAV whose format chunk claims `sampleRate` (and the byte rate to match). */
export function withSampleRate(wav: Uint8Array, sampleRate: number): Buffer {
  const bytes = Buffer.from(wav);
  const fmt = bytes.indexOf('fmt ', 12, 'latin1');
  if (fmt < 0) throw new Error('no fmt chunk');
  const blockAlign = bytes.readUInt16LE(fmt + 20);
  bytes.writeUInt32LE(sampleRate, fmt + 12);
  bytes.writeUInt32LE(sampleRate * blockAlign, fmt + 16);
  return bytes;
}
