import { classifyIsoMedia, ftypBrands } from './iso-media.js';

const ftyp = (major: string, ...compatible: string[]): Uint8Array => {
  const size = 16 + compatible.length * 4;
  return Uint8Array.from([0, 0, 0, size, ...Buffer.from('ftyp'), ...Buffer.from(major), 0, 0, 0, 0, ...compatible.flatMap((c) => [...Buffer.from(c)])]);
};

describe('ftypBrands', () => {
  it('reads the major and compatible brands of a leading ftyp box', () => {
    expect(ftypBrands(ftyp('mif1', 'heic', 'miaf'))).toEqual(['mif1', 'heic', 'miaf']);
    expect(ftypBrands(Buffer.from('RIFF....WEBP'))).toBeUndefined();
    expect(ftypBrands(ftyp('isom').subarray(0, 10))).toBeUndefined();
  });
});

describe('classifyIsoMedia', () => {
  it.each([
    [['avif', 'mif1', 'miaf'], 'avif'],
    [['avis'], 'avif'],
    [['mif1', 'avif'], 'avif'],
    [['miaf', 'avif'], 'avif'],
    [['heic', 'mif1'], 'heic'],
    // HEVC image sequences and multi-view images are images, not videos.
    [['hevs', 'msf1'], 'heic'],
    [['hevm'], 'heic'],
    [['mif1', 'heic'], 'heif'],
    [['mif2', 'heic'], 'heif'],
    [['miaf'], 'heif'],
    [['qt  '], 'mov'],
    [['M4A ', 'mp42'], 'm4a'],
    [['3gp5'], '3gp'],
    [['crx '], 'cr3'],
    [['isom', 'iso2', 'avc1', 'mp41'], 'mp4'],
    // A compatible HEIF brand under a video major brand does not make an image.
    [['isom', 'mif1', 'heic'], 'mp4'],
  ] as const)('%j is %s', (brands, type) => {
    expect(classifyIsoMedia(brands)).toBe(type);
  });
});
