import { MediaError } from '@mediaflow/domain';

const CAPTURE = Buffer.from('OggS', 'latin1');
const OPUS_HEAD = Buffer.from('OpusHead', 'latin1');
const OPUS_TAGS = Buffer.from('OpusTags', 'latin1');
/** Page header bytes before the segment table (RFC 3533 section 6). */
const PAGE_HEADER = 27;
const CONTINUED_PACKET = 0x01;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's page checksum: CRC-32 with polynomial 0x04c11db7, initial value 0, unreflected, over the page with its checksum field zeroed. */
export function oggCrc(page: Uint8Array): number {
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  return crc;
}

interface Page {
  start: number;
  /** Where the packet data starts and the page ends. */
  dataStart: number;
  end: number;
  lacing: Uint8Array;
}

function pageAt(bytes: Buffer, start: number): Page {
  const segments = bytes[start + PAGE_HEADER - 1];
  if (!bytes.subarray(start, start + 4).equals(CAPTURE) || bytes[start + 4] !== 0 || segments === undefined) {
    throw new MediaError('internal', `no Ogg page at byte ${start}`);
  }
  const lacing = bytes.subarray(start + PAGE_HEADER, start + PAGE_HEADER + segments);
  const dataStart = start + PAGE_HEADER + segments;
  const end = dataStart + lacing.reduce((sum, value) => sum + value, 0);
  if (lacing.length !== segments || end > bytes.length) throw new MediaError('internal', `truncated Ogg page at byte ${start}`);
  return { start, dataStart, end, lacing };
}

/**
 * An Ogg Opus file with its comment header emptied: no vendor string and no comments. ffmpeg
 * writes its own name there even in a bit-exact run (vendor `ffmpeg`, comment `encoder=Lavc
 * libopus`), and no option leaves it out. The comment header has a page of its own (RFC 7845
 * section 3), so only that page is rewritten; every other byte stays as it is.
 *
 * @throws MediaError (`internal`) when the bytes are not Ogg Opus as ffmpeg writes it.
 * @example
 * const clean = emptyOpusTags(await readFile('preview.opus'));
 */
export function emptyOpusTags(bytes: Uint8Array): Buffer {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const head = pageAt(input, 0);
  if (!input.subarray(head.dataStart, head.dataStart + OPUS_HEAD.length).equals(OPUS_HEAD)) {
    throw new MediaError('internal', 'not an Ogg Opus stream');
  }
  const tags = pageAt(input, head.end);
  const last = tags.lacing.at(-1);
  const complete = last !== undefined && last < 255 && tags.lacing.subarray(0, -1).every((value) => value === 255);
  if (
    !input.subarray(tags.dataStart, tags.dataStart + OPUS_TAGS.length).equals(OPUS_TAGS) ||
    (input[tags.start + 5] ?? 0) & CONTINUED_PACKET ||
    !complete
  ) {
    throw new MediaError('internal', 'the Opus comment header is not alone on its page');
  }

  // Magic, an empty vendor string, no comments.
  const packet = Buffer.concat([OPUS_TAGS, Buffer.alloc(8)]);
  const page = Buffer.concat([input.subarray(tags.start, tags.start + PAGE_HEADER - 1), Buffer.from([1, packet.length]), packet]);
  page.writeUInt32LE(0, 22);
  page.writeUInt32LE(oggCrc(page), 22);
  return Buffer.concat([input.subarray(0, tags.start), page, input.subarray(tags.end)]);
}
