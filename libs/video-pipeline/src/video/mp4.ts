import { open, type FileHandle } from 'node:fs/promises';
import { MediaError } from '@mediaflow/domain';

/** Boxes on the way from `moov` to the sample descriptions. */
const CONTAINERS: ReadonlySet<string> = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
/** Where the 32-byte compressor name sits in a visual sample entry (ISO 14496-12 section 12.1.3), from the entry's start. */
const COMPRESSOR_NAME = 8 + 42;
/** Beyond this a `moov` is not one of our previews' (a two-hour preview's is a few MB). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

interface Box {
  type: string;
  start: number;
  /** Where the payload starts. */
  body: number;
  end: number;
}

function boxesIn(bytes: Buffer, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  for (let start = from; start + 8 <= to; ) {
    const size32 = bytes.readUInt32BE(start);
    const type = bytes.toString('latin1', start + 4, start + 8);
    const header = size32 === 1 ? 16 : 8;
    const size = size32 === 1 ? Number(bytes.readBigUInt64BE(start + 8)) : size32 === 0 ? to - start : size32;
    if (size < header || start + size > to) throw new MediaError('internal', `malformed MP4 box ${JSON.stringify(type)} at byte ${start}`);
    boxes.push({ type, start, body: start + header, end: start + size });
    start += size;
  }
  return boxes;
}

/** Zeroes the compressor name of every video sample entry under `box`; true when one was set. */
function clearIn(moov: Buffer, box: Box, video: boolean): boolean {
  let changed = false;
  const children = boxesIn(moov, box.body, box.end);
  const isVideo = video || children.some((c) => c.type === 'hdlr' && moov.toString('latin1', c.body + 8, c.body + 12) === 'vide');
  for (const child of children) {
    if (CONTAINERS.has(child.type)) {
      changed = clearIn(moov, child, isVideo) || changed;
    } else if (child.type === 'stsd' && isVideo) {
      // A full box: version and flags, then the entry count, then the entries.
      for (const entry of boxesIn(moov, child.body + 8, child.end)) {
        const name = moov.subarray(entry.start + COMPRESSOR_NAME, entry.start + COMPRESSOR_NAME + 32);
        if (name.length === 32 && name.some((b) => b !== 0)) {
          name.fill(0);
          changed = true;
        }
      }
    }
  }
  return changed;
}

async function read(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Empties the compressor name of the video tracks of an MP4 file, in place. ffmpeg writes its
 * encoder's name there (`Lavc libx264`) even in a bit-exact run, and no option leaves it out; the
 * field has a fixed size, so nothing else in the file moves.
 *
 * @throws MediaError (`internal`) when the file is not an MP4 with a `moov` box.
 * @example
 * await clearCompressorNames('/out/preview.mp4');
 */
export async function clearCompressorNames(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const { size } = await file.stat();
    let moov: { start: number; end: number } | undefined;
    for (let start = 0; start + 8 <= size && !moov; ) {
      const head = await read(file, start, 16);
      const size32 = head.readUInt32BE(0);
      const length = size32 === 1 && head.length === 16 ? Number(head.readBigUInt64BE(8)) : size32 === 0 ? size - start : size32;
      if (length < 8 || start + length > size) throw new MediaError('internal', `malformed MP4 box at byte ${start} of ${path}`);
      if (head.toString('latin1', 4, 8) === 'moov') moov = { start, end: start + length };
      start += length;
    }
    if (!moov || moov.end - moov.start > MAX_MOOV_BYTES) throw new MediaError('internal', `${path} has no readable moov box`);
    const bytes = await read(file, moov.start, moov.end - moov.start);
    const [box] = boxesIn(bytes, 0, bytes.length);
    if (box && clearIn(bytes, box, false)) await file.write(bytes, 0, bytes.length, moov.start);
  } finally {
    await file.close();
  }
}
