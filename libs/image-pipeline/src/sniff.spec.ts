import { CorruptMediaError, UnsupportedMediaError } from '@mediaflow/domain';
import { detectFormat, sniffImage } from './sniff.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

const ftyp = (major: string, ...compatible: string[]): Uint8Array => {
  const size = 16 + compatible.length * 4;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible);
};

describe('sniffImage', () => {
  it.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16]), 'image/jpeg'],
    ['png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['gif', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
    ['gif', bytes('GIF87a', [1, 0, 1, 0]), 'image/gif'],
    ['webp', bytes('RIFF', [4, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['tiff', bytes('II', [0x2a, 0]), 'image/tiff'],
    ['tiff', bytes('MM', [0, 0x2a]), 'image/tiff'],
    ['avif', ftyp('avif', 'mif1', 'miaf'), 'image/avif'],
    ['avif', ftyp('mif1', 'avif'), 'image/avif'],
    ['heic', ftyp('heic', 'mif1', 'heic'), 'image/heic'],
    ['heic', ftyp('mif1', 'heic'), 'image/heic'],
    ['heic', ftyp('hevs', 'msf1'), 'image/heic'],
    ['heic', ftyp('miaf', 'mif1'), 'image/heic'],
  ])('recognises %s from its bytes', (format, input, mime) => {
    expect(sniffImage(input)).toEqual({ format, mime });
  });

  it.each([
    ['SVG', bytes('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['SVG', bytes('\n  <svg width="10" height="10"><script>alert(1)</script></svg>')],
    ['SVG', bytes([0xef, 0xbb, 0xbf], '<svg/>')],
    ['PDF', bytes('%PDF-1.7\n')],
    ['BMP', bytes('BM', [0, 0, 0, 0])],
    ['PSD', bytes('8BPS', [0, 1])],
    ['ISO media (mp42)', ftyp('mp42', 'isom')],
    // The ingest takes this for an MP4 video, and so does the image pipeline.
    ['ISO media (isom)', ftyp('isom', 'mif1', 'heic')],
  ])('refuses %s as unsupported, naming it', (name, input) => {
    const error = (() => {
      try {
        sniffImage(input);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect((error as UnsupportedMediaError).code).toBe('unsupported');
    expect((error as Error).message).toContain(name);
  });

  it('refuses bytes it cannot place', () => {
    expect(() => sniffImage(bytes('hello, world'))).toThrow(UnsupportedMediaError);
  });

  it('calls empty input corrupt', () => {
    expect(() => sniffImage(new Uint8Array(0))).toThrow(CorruptMediaError);
  });

  it('ignores what a name would say: only the bytes count', () => {
    expect(detectFormat(bytes('photo.jpg'))).toBeUndefined();
  });
});
