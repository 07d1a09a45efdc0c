import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@mediaflow/domain';
import { centralDirectoryHeader, dataDescriptor, dosDateTime, endRecords, localFileHeader, zipNameProblem, zipSize, zipStream, type ZipEntry } from './zip.js';

/** What Python's `zipfile` reads back: every entry read whole (which checks its CRC-32). */
interface ReadEntry {
  name: string;
  size: number;
  crc: number;
  dateTime: number[];
  sha256: string;
}

const READER = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    out = []
    for info in archive.infolist():
        digest = hashlib.sha256()
        with archive.open(info) as entry:
            for chunk in iter(lambda: entry.read(1 << 20), b''):
                digest.update(chunk)
        out.append({'name': info.filename, 'size': info.file_size, 'crc': info.CRC, 'dateTime': list(info.date_time), 'sha256': digest.hexdigest()})
    print(json.dumps(out))
`;

function readWithPython(path: string): ReadEntry[] {
  return JSON.parse(execFileSync('python3', ['-c', READER, path], { encoding: 'utf8' })) as ReadEntry[];
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function* inChunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('zipStream', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-zip-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const files = [
    { name: 'photo.jpg', bytes: randomBytes(200_000), chunk: 7_000 },
    { name: 'photo (2).jpg', bytes: randomBytes(1), chunk: 1 },
    { name: 'empty.txt', bytes: new Uint8Array(0), chunk: 1 },
    { name: 'Café – été 😀.heic', bytes: randomBytes(70_001), chunk: 65_536 },
    { name: 'originals/nested/clip.mp4', bytes: randomBytes(300_000), chunk: 100_000 },
  ];
  const modifiedAt = new Date('2024-07-14T09:08:06Z');
  const entries = (): ZipEntry[] => files.map((f) => ({ name: f.name, modifiedAt, size: f.bytes.length, body: inChunks(f.bytes, f.chunk) }));

  it.each(['auto', 'always'] as const)('writes an archive Python reads back byte for byte (ZIP64 %s)', async (zip64) => {
    const archive = await collect(zipStream(entries(), { zip64 }));
    const path = join(dir, 'out.zip');
    writeFileSync(path, archive);

    const read = readWithPython(path);
    expect(read.map((e) => e.name)).toEqual(files.map((f) => f.name));
    expect(read.map((e) => [e.size, e.sha256])).toEqual(files.map((f) => [f.bytes.length, sha256(f.bytes)]));
    // Stored in UTC: the DOS fields keep even seconds.
    expect(read.every((e) => e.dateTime.join() === '2024,7,14,9,8,6')).toBe(true);
    expect(zipSize(files.map((f) => ({ name: f.name, size: f.bytes.length, modifiedAt })), { zip64 })).toBe(archive.length);
    // The ZIP64 end record is there exactly when asked for (nothing here needs it otherwise).
    expect(archive.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(zip64 === 'always');
  });

  it('accepts whole buffers as bodies and writes an empty archive for no entries', async () => {
    const path = join(dir, 'small.zip');
    writeFileSync(path, await collect(zipStream([{ name: 'a.json', modifiedAt, size: 2, body: Buffer.from('{}') }])));
    expect(readWithPython(path).map((e) => [e.name, e.size])).toEqual([['a.json', 2]]);

    const empty = await collect(zipStream([]));
    writeFileSync(path, empty);
    expect(readWithPython(path)).toEqual([]);
    expect(empty.length).toBe(22);
  });

  it('stops with a ValidationError when a body is longer or shorter than announced', async () => {
    const longer = zipStream([{ name: 'a', modifiedAt, size: 3, body: inChunks(Buffer.from('abcd'), 2) }]);
    await expect(collect(longer)).rejects.toThrow(/more than the 3 bytes/);
    const shorter = zipStream([{ name: 'a', modifiedAt, size: 5, body: Buffer.from('abcd') }]);
    await expect(collect(shorter)).rejects.toThrow(ValidationError);
  });

  it('closes the body it was reading when the consumer stops', async () => {
    let closed = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield Buffer.alloc(1024);
      } finally {
        closed = true;
      }
    }
    const stream = zipStream([{ name: 'endless', modifiedAt, size: 1 << 30, body: body() }]);
    await stream.next(); // the local header
    await stream.next(); // the first chunk
    await stream.return();
    expect(closed).toBe(true);
  });

  it.each([
    ['', 'is empty'],
    ['../etc/passwd', 'dot segment'],
    ['a//b', 'empty or dot segment'],
    ['/abs', 'is absolute'],
    ['a\\b', 'backslash'],
    ['C:evil', 'drive letter'],
    ['bell\u0007', 'control character'],
    ['lone\ud800', 'well-formed'],
  ])('refuses the entry name %j', async (name, problem) => {
    expect(zipNameProblem(name)).toContain(problem);
    await expect(collect(zipStream([{ name, modifiedAt, size: 0, body: new Uint8Array(0) }]))).rejects.toThrow(ValidationError);
  });

  it('refuses a name twice', async () => {
    const twice = [0, 1].map(() => ({ name: 'same.jpg', modifiedAt, size: 0, body: new Uint8Array(0) }));
    await expect(collect(zipStream(twice))).rejects.toThrow(/already has an entry/);
  });
});

describe('ZIP records', () => {
  const at = new Date('2030-01-02T03:04:05Z');
  const name = Buffer.from('big.mov');
  const FIVE_GIB = 5 * 1024 ** 3;
  const SIX_GIB = 6 * 1024 ** 3;

  it('announces 8-byte sizes in the local header of an entry of 4 GiB or more', () => {
    const header = localFileHeader(name, at, true);
    expect(header.readUInt32LE(0)).toBe(0x04034b50);
    expect(header.readUInt16LE(4)).toBe(45);
    expect(header.readUInt16LE(6)).toBe(0x0808);
    expect([header.readUInt32LE(18), header.readUInt32LE(22)]).toEqual([0xffffffff, 0xffffffff]);
    const extra = header.subarray(30 + name.length);
    expect([extra.readUInt16LE(0), extra.readUInt16LE(2), extra.readBigUInt64LE(4), extra.readBigUInt64LE(12)]).toEqual([1, 16, 0n, 0n]);

    const plain = localFileHeader(name, at, false);
    expect([plain.readUInt16LE(4), plain.readUInt32LE(18), plain.readUInt32LE(22)]).toEqual([20, 0, 0]);
    expect(plain.subarray(30 + name.length).readUInt16LE(0)).toBe(0x5455);
  });

  it('writes the data descriptor with 8-byte sizes for such an entry', () => {
    const descriptor = dataDescriptor(0xdeadbeef, FIVE_GIB, true);
    expect(descriptor.length).toBe(24);
    expect([descriptor.readUInt32LE(0), descriptor.readUInt32LE(4), descriptor.readBigUInt64LE(8), descriptor.readBigUInt64LE(16)]).toEqual([
      0x08074b50,
      0xdeadbeef,
      BigInt(FIVE_GIB),
      BigInt(FIVE_GIB),
    ]);
    expect(dataDescriptor(1, 10, false).length).toBe(16);
  });

  it('moves sizes and offsets past 4 GiB into the central header’s ZIP64 field, in the format’s order', () => {
    const header = centralDirectoryHeader({ name, modifiedAt: at, crc: 7, size: FIVE_GIB, offset: SIX_GIB, zip64: true });
    expect(header.readUInt32LE(0)).toBe(0x02014b50);
    expect(header.readUInt16LE(6)).toBe(45);
    expect([header.readUInt32LE(20), header.readUInt32LE(24), header.readUInt32LE(42)]).toEqual([0xffffffff, 0xffffffff, 0xffffffff]);
    const extra = header.subarray(46 + name.length);
    expect([extra.readUInt16LE(0), extra.readUInt16LE(2)]).toEqual([1, 24]);
    expect([extra.readBigUInt64LE(4), extra.readBigUInt64LE(12), extra.readBigUInt64LE(20)]).toEqual([BigInt(FIVE_GIB), BigInt(FIVE_GIB), BigInt(SIX_GIB)]);

    // A small entry after the 4 GiB mark: only its offset needs the field.
    const late = centralDirectoryHeader({ name, modifiedAt: at, crc: 7, size: 10, offset: SIX_GIB, zip64: false });
    expect([late.readUInt32LE(20), late.readUInt32LE(42)]).toEqual([10, 0xffffffff]);
    const lateExtra = late.subarray(46 + name.length);
    expect([lateExtra.readUInt16LE(2), lateExtra.readBigUInt64LE(4)]).toEqual([8, BigInt(SIX_GIB)]);

    const small = centralDirectoryHeader({ name, modifiedAt: at, crc: 7, size: 10, offset: 100, zip64: false });
    expect([small.readUInt16LE(6), small.readUInt32LE(20), small.readUInt32LE(42)]).toEqual([20, 10, 100]);
  });

  it('ends with a ZIP64 end record and locator when the directory is past 4 GiB or holds 65,535 entries or more', () => {
    for (const directory of [
      { entries: 3, offset: SIX_GIB, size: 300 },
      { entries: 70_000, offset: 1000, size: 5_000_000 },
    ]) {
      const end = endRecords(directory);
      expect(end.length).toBe(56 + 20 + 22);
      expect(end.readUInt32LE(0)).toBe(0x06064b50);
      expect([end.readBigUInt64LE(24), end.readBigUInt64LE(40), end.readBigUInt64LE(48)]).toEqual([
        BigInt(directory.entries),
        BigInt(directory.size),
        BigInt(directory.offset),
      ]);
      expect(end.readUInt32LE(56)).toBe(0x07064b50);
      expect(end.readBigUInt64LE(64)).toBe(BigInt(directory.offset + directory.size));
      expect([end.readUInt32LE(76), end.readUInt16LE(84), end.readUInt32LE(88), end.readUInt32LE(92)]).toEqual([0x06054b50, 0xffff, 0xffffffff, 0xffffffff]);
    }
    const plain = endRecords({ entries: 3, offset: 1000, size: 300 });
    expect([plain.length, plain.readUInt16LE(8), plain.readUInt32LE(12), plain.readUInt32LE(16)]).toEqual([22, 3, 300, 1000]);
  });

  it('clamps DOS dates to what the fields hold', () => {
    expect(dosDateTime(new Date('1970-01-01T00:00:00Z'))).toEqual({ date: (0 << 9) | (1 << 5) | 1, time: 0 });
    expect(dosDateTime(new Date('2024-02-29T23:59:59Z'))).toEqual({ date: (44 << 9) | (2 << 5) | 29, time: (23 << 11) | (59 << 5) | 29 });
    expect(dosDateTime(new Date(Number.NaN)).date).toBe((0 << 9) | (1 << 5) | 1);
  });
});
