import { CorruptMediaError } from '@mediaflow/domain';
import { crc32, readHeader } from './header.js';
import { gifBomb, pngBomb } from './testing/index.js';

const le16 = (n: number): number[] => [n & 0xff, n >> 8];
const le24 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, n >> 16];
const le32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
const be16 = (n: number): number[] => [n >> 8, n & 0xff];
const be32 = (n: number): number[] => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe('crc32', () => {
  it('matches the PNG reference value for IEND', () => {
    expect(crc32(Uint8Array.from(ascii('IEND')))).toBe(0xae426082);
  });
});

describe('readHeader', () => {
  it('reads a PNG IHDR and checks its CRC', () => {
    const png = pngBomb(50_000, 50_000, 16);
    expect(readHeader(png, 'png')).toEqual({ format: 'png', width: 50_000, height: 50_000, frames: 1 });
    const broken = Uint8Array.from(png);
    broken[29] = (broken[29] ?? 0) ^ 0xff;
    expect(() => readHeader(broken, 'png')).toThrow(/CRC/);
  });

  it('calls a PNG cut inside its header truncated', () => {
    expect(() => readHeader(pngBomb().subarray(0, 20), 'png')).toThrow(CorruptMediaError);
  });

  it('finds the JPEG frame header after APP segments', () => {
    const jpeg = Uint8Array.from([
      0xff, 0xd8,
      0xff, 0xe1, ...be16(8), ...ascii('Exif'), 0, 0, // APP1
      0xff, 0xc2, ...be16(11), 8, ...be16(3000), ...be16(4000), 3, 0, 0, // SOF2 (progressive)
      0xff, 0xda, ...be16(2),
    ]);
    expect(readHeader(jpeg, 'jpeg')).toEqual({ format: 'jpeg', width: 4000, height: 3000, frames: 1 });
  });

  it('refuses a JPEG with no frame header', () => {
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xda, ...be16(2), 1, 2, 3]);
    expect(() => readHeader(jpeg, 'jpeg')).toThrow(/no frame header/);
  });

  it('counts GIF frames without decoding them', () => {
    expect(readHeader(gifBomb(5000, 4000, 250), 'gif')).toEqual({ format: 'gif', width: 5000, height: 4000, frames: 250 });
  });

  it('counts the frames a truncated GIF has so far', () => {
    const gif = gifBomb(10, 10, 5);
    expect(readHeader(gif.subarray(0, gif.length - 20), 'gif')?.frames).toBe(3);
  });

  it('reads lossy, lossless and extended WebP headers', () => {
    const riff = (chunks: number[]): Uint8Array => Uint8Array.from([...ascii('RIFF'), ...le32(chunks.length + 4), ...ascii('WEBP'), ...chunks]);
    const vp8 = riff([...ascii('VP8 '), ...le32(10), 0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(640), ...le16(480)]);
    expect(readHeader(vp8, 'webp')).toEqual({ format: 'webp', width: 640, height: 480, frames: 1 });
    const bits = (800 - 1) | ((600 - 1) << 14);
    const vp8l = riff([...ascii('VP8L'), ...le32(5), 0x2f, ...le32(bits), 0]);
    expect(readHeader(vp8l, 'webp')).toEqual({ format: 'webp', width: 800, height: 600, frames: 1 });
    const anmf = [...ascii('ANMF'), ...le32(2), 0, 0];
    const vp8x = riff([...ascii('VP8X'), ...le32(10), 0x02, 0, 0, 0, ...le24(9999), ...le24(4999), ...anmf, ...anmf, ...anmf]);
    expect(readHeader(vp8x, 'webp')).toEqual({ format: 'webp', width: 10_000, height: 5000, frames: 3 });
  });

  it('reads the first TIFF directory, little and big endian', () => {
    const little = Uint8Array.from([
      ...ascii('II'), 0x2a, 0, ...le32(8),
      ...le16(2),
      ...le16(256), ...le16(3), ...le32(1), ...le16(1200), 0, 0,
      ...le16(257), ...le16(4), ...le32(1), ...le32(900),
      ...le32(0),
    ]);
    expect(readHeader(little, 'tiff')).toEqual({ format: 'tiff', width: 1200, height: 900, frames: 1 });
    const big = Uint8Array.from([
      ...ascii('MM'), 0, 0x2a, ...be32(8),
      ...be16(2),
      ...be16(256), ...be16(4), ...be32(1), ...be32(70_000),
      ...be16(257), ...be16(3), ...be32(1), ...be16(2), 0, 0,
      ...be32(0),
    ]);
    expect(readHeader(big, 'tiff')).toEqual({ format: 'tiff', width: 70_000, height: 2, frames: 1 });
  });

  it('takes the largest ispe of a HEIF file (a grid, not its tiles)', () => {
    const box = (type: string, body: number[]): number[] => [...be32(8 + body.length), ...ascii(type), ...body];
    const ispe = (w: number, h: number): number[] => box('ispe', [0, 0, 0, 0, ...be32(w), ...be32(h)]);
    const file = Uint8Array.from([
      ...box('ftyp', [...ascii('heic'), 0, 0, 0, 0, ...ascii('mif1')]),
      ...box('meta', [0, 0, 0, 0, ...box('iprp', box('ipco', [...ispe(512, 512), ...ispe(4032, 3024)]))]),
      ...box('mdat', [1, 2, 3]),
    ]);
    expect(readHeader(file, 'heic')).toEqual({ format: 'heic', width: 4032, height: 3024, frames: 1 });
  });
});
