import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { clearCompressorNames } from './mp4.js';

function box(type: string, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/** A handler box: version and flags, pre_defined, the handler type, reserved, an empty name. */
function hdlr(kind: string): Buffer {
  const body = Buffer.alloc(25);
  body.write(kind, 8, 'latin1');
  return box('hdlr', body);
}

/** A visual sample entry with `name` as its compressor name (a length byte, then the name). */
function avc1(name: string): Buffer {
  const body = Buffer.alloc(78, 0x11);
  body.fill(0, 42, 74);
  body[42] = name.length;
  body.write(name, 43, 'latin1');
  return box('avc1', body);
}

function stsd(entry: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(1, 4);
  return box('stsd', head, entry);
}

function track(kind: string, entry: Buffer): Buffer {
  return box('trak', box('tkhd', Buffer.alloc(84, 0x22)), box('mdia', box('mdhd', Buffer.alloc(24)), hdlr(kind), box('minf', box('stbl', stsd(entry), box('stts', Buffer.alloc(8))))));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mediaflow-mp4-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('clearCompressorNames', () => {
  // An audio sample entry the same size as a visual one, holding the same bytes where a visual
  // entry's name would be: only the handler tells them apart.
  const audioEntry = box('mp4a', Buffer.alloc(78, 0x33));
  const file = (name: string): Buffer =>
    Buffer.concat([box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1')), box('moov', box('mvhd', Buffer.alloc(100)), track('vide', avc1(name)), track('soun', audioEntry)), box('mdat', Buffer.alloc(64, 0x44))]);

  it('empties the video track\'s compressor name in place, and changes nothing else', async () => {
    const path = join(dir, 'encoded.mp4');
    await writeFile(path, file('Lavc libx264'));
    await clearCompressorNames(path);
    expect(await readFile(path)).toEqual(file(''));
  });

  it('leaves a file without one as it is', async () => {
    const path = join(dir, 'clean.mp4');
    await writeFile(path, file(''));
    await clearCompressorNames(path);
    expect(await readFile(path)).toEqual(file(''));
  });

  it('refuses a file that is not an MP4 with a moov box', async () => {
    const path = join(dir, 'not.mp4');
    await writeFile(path, box('ftyp', Buffer.from('isom')));
    await expect(clearCompressorNames(path)).rejects.toBeInstanceOf(MediaError);
    await writeFile(path, Buffer.from('\0\0\x01\0moovtoo short', 'latin1'));
    await expect(clearCompressorNames(path)).rejects.toThrow(/malformed MP4 box/);
  });
});
