import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSize, zipStream } from './zip.js';

// An archive past 4 GiB, written as a sparse file: the zeros of the large entry are skipped on
// disk (the file has holes there), everything else is written. Python then reads its central
// directory, checks the large entry's CRC over its 4 GiB and the small entry after it byte for byte.
const ZEROS = Buffer.alloc(8 * 1024 * 1024);
const LARGE = 4 * 1024 ** 3 + 3 * 1024 * 1024 + 17;

async function* zeros(size: number): AsyncIterable<Uint8Array> {
  for (let left = size; left > 0; left -= ZEROS.length) yield left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left);
}

const READER = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    out = []
    for info in archive.infolist():
        with archive.open(info) as entry:
            size = 0
            tail = b''
            for chunk in iter(lambda: entry.read(1 << 22), b''):
                size += len(chunk)
                tail = chunk[-32:]
        out.append({'name': info.filename, 'size': size, 'offset': info.header_offset, 'tail': tail.hex()})
    print(json.dumps(out))
`;

describe('zipStream past 4 GiB', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-zip64-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes ZIP64 sizes, offsets and end records that Python reads', async () => {
    const small = randomBytes(1000);
    const at = new Date('2025-05-05T05:05:05Z');
    const entries = [
      { name: 'large.bin', modifiedAt: at, size: LARGE, body: zeros(LARGE) },
      { name: 'after.bin', modifiedAt: at, size: small.length, body: small },
    ];
    const path = join(dir, 'large.zip');
    const file = await open(path, 'w');
    let position = 0;
    try {
      for await (const chunk of zipStream(entries)) {
        if (chunk.buffer !== ZEROS.buffer) await file.write(chunk, 0, chunk.length, position);
        position += chunk.length;
      }
      await file.truncate(position);
    } finally {
      await file.close();
    }
    expect(statSync(path).size).toBe(position);
    expect(zipSize(entries)).toBe(position);

    const read = JSON.parse(execFileSync('python3', ['-c', READER, path], { encoding: 'utf8' })) as { name: string; size: number; offset: number; tail: string }[];
    expect(read.map((e) => [e.name, e.size])).toEqual([
      ['large.bin', LARGE],
      ['after.bin', small.length],
    ]);
    // The second entry starts past 4 GiB: its offset came from the ZIP64 field.
    expect(read[1]?.offset).toBeGreaterThan(0xffffffff);
    expect(read[1]?.tail).toBe(small.subarray(-32).toString('hex'));
  }, 120_000);
});
