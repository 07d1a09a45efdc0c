import sharp from 'sharp';
import { hasOversizedTag, readExif } from './exif.js';

/** A JPEG's raw EXIF block (what sharp's `metadata().exif` gives), written by sharp itself. */
async function exifBlock(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'Canon', Model: 'EOS R5' },
      IFD2: { DateTimeOriginal: '2023:05:06 07:08:09', OffsetTimeOriginal: '+02:00', ExposureTime: '1/250', FNumber: '28/10', ISOSpeedRatings: '200', FocalLength: '50/1' },
      IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '48/1 51/1 3024/100', GPSLongitudeRef: 'W', GPSLongitude: '2/1 17/1 4020/100', GPSAltitude: '35/1' },
    })
    .toBuffer();
  const { exif } = await sharp(jpeg).metadata();
  if (exif === undefined) throw new Error('sharp wrote no EXIF');
  return exif;
}

describe('readExif', () => {
  it('reads capture time, camera, exposure and a signed GPS position from a raw block, with or without its prefix', async () => {
    const block = await exifBlock();
    const facts = await readExif(block);
    expect(facts).toEqual({
      capturedAt: '2023-05-06T07:08:09+02:00',
      camera: { make: 'Canon', model: 'EOS R5' },
      exposure: { iso: 200, fNumber: 2.8, exposureTime: 0.004, focalLength: 50 },
      gps: { latitude: expect.closeTo(-48.8584, 4), longitude: expect.closeTo(-2.2945, 4), altitude: 35 },
    });
    expect(await readExif(block.subarray(6))).toEqual(facts);
  });

  it('gives no facts, never an error, for damaged or truncated blocks', async () => {
    const block = await exifBlock();
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 300; i += 1) {
      const damaged = Buffer.from(block);
      for (let k = 0; k < 6; k += 1) damaged[6 + Math.floor(random() * (damaged.length - 6))] = Math.floor(random() * 256);
      const cut = i % 3 === 0 ? damaged.subarray(0, Math.floor(random() * damaged.length)) : damaged;
      const facts = await readExif(cut);
      expect(typeof facts).toBe('object');
    }
    expect(await readExif(Buffer.alloc(0))).toEqual({});
    expect(await readExif(Buffer.from('Exif\u0000\u0000II*\u0000\u00ff\u00ff\u00ff\u00ff', 'latin1'))).toEqual({});
  });
});

/** A little-endian TIFF whose IFD0 has the given ASCII tags (value bytes all "A") and an 8x8 size. */
function tiffWithText(tags: [id: number, length: number][]): Buffer {
  const entries: [number, number, number, number | null][] = [[256, 3, 1, 8], [257, 3, 1, 8], ...tags.map(([id, length]) => [id, 2, length, null] as [number, number, number, null])];
  const head = Buffer.alloc(8 + 2 + entries.length * 12 + 4);
  head.write('II', 0);
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(entries.length, 8);
  let offset = head.length;
  const values: Buffer[] = [];
  entries.forEach(([id, type, count, value], i) => {
    const at = 10 + i * 12;
    head.writeUInt16LE(id, at);
    head.writeUInt16LE(type, at + 2);
    head.writeUInt32LE(count, at + 4);
    if (value !== null) head.writeUInt16LE(value, at + 8);
    else {
      head.writeUInt32LE(offset, at + 8);
      values.push(Buffer.alloc(count, 0x41));
      offset += count;
    }
  });
  return Buffer.concat([head, ...values]);
}

describe('readExif on hostile TIFF structures', () => {
  it('does not hand the parser a camera name of megabytes (it would take seconds and a gigabyte)', async () => {
    const huge = tiffWithText([[271, 16 * 1024 * 1024]]);
    expect(hasOversizedTag(huge)).toBe(true);
    expect(await readExif(huge)).toEqual({});
  });

  it('reads a normal camera name from the same structure, and ignores long tags it does not read', async () => {
    const normal = tiffWithText([[271, 12], [305, 1024 * 1024]]);
    expect(hasOversizedTag(normal)).toBe(false);
    expect((await readExif(normal)).camera?.make).toBe('AAAAAAAAAAAA');
  });
});
