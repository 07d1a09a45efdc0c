import { MediaError } from '@mediaflow/domain';
import { emptyOpusTags, oggCrc } from './ogg.js';

/** The checksum computed bit by bit, as RFC 3533 describes it. */
function crcBitwise(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    crc >>>= 0;
  }
  return crc;
}

/** One Ogg page holding `packet` (or the part of it given), with a correct checksum. */
function page(sequence: number, packet: Buffer, options: { flags?: number; granule?: bigint; open?: boolean } = {}): Buffer {
  const lacing: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    lacing.push(255);
    left -= 255;
  }
  if (!options.open) lacing.push(left);
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header[5] = options.flags ?? 0;
  header.writeBigUInt64LE(options.granule ?? 0n, 6);
  header.writeUInt32LE(0x1234abcd, 14);
  header.writeUInt32LE(sequence, 18);
  header[26] = lacing.length;
  const bytes = Buffer.concat([header, Buffer.from(lacing), packet]);
  bytes.writeUInt32LE(crcBitwise(bytes), 22);
  return bytes;
}

function tagsPacket(vendor: string, comments: string[]): Buffer {
  const parts = [Buffer.from('OpusTags', 'latin1'), Buffer.alloc(4), Buffer.from(vendor)];
  parts[1]?.writeUInt32LE(Buffer.byteLength(vendor));
  const count = Buffer.alloc(4);
  count.writeUInt32LE(comments.length);
  parts.push(count);
  for (const comment of comments) {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(Buffer.byteLength(comment));
    parts.push(length, Buffer.from(comment));
  }
  return Buffer.concat(parts);
}

const head = page(0, Buffer.concat([Buffer.from('OpusHead', 'latin1'), Buffer.from([1, 2, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0])]), { flags: 0x02 });
const audio = page(2, Buffer.alloc(300, 7), { granule: 48_000n, flags: 0x04 });

describe('oggCrc', () => {
  it('is the checksum RFC 3533 defines', () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));
    expect(oggCrc(bytes)).toBe(crcBitwise(bytes));
    expect(oggCrc(Buffer.alloc(0))).toBe(0);
  });
});

describe('emptyOpusTags', () => {
  it('leaves the comment header without vendor or comments, and every other page as it was', () => {
    const tags = page(1, tagsPacket('Lavf59.27.100', ['encoder=Lavc59.37.100 libopus', 'title=Night Train']));
    const clean = emptyOpusTags(Buffer.concat([head, tags, audio]));

    expect(clean.subarray(0, head.length)).toEqual(head);
    expect(clean.subarray(clean.length - audio.length)).toEqual(audio);
    const rewritten = clean.subarray(head.length, clean.length - audio.length);
    expect(rewritten).toEqual(page(1, tagsPacket('', [])));
    expect(rewritten.toString('latin1')).not.toMatch(/Lav|encoder|title/);
  });

  it('keeps the page\'s stream, sequence and flags', () => {
    const tags = page(1, tagsPacket('ffmpeg', ['encoder=Lavc libopus']));
    const rewritten = emptyOpusTags(Buffer.concat([head, tags, audio])).subarray(head.length, head.length + 27);
    expect(rewritten.subarray(0, 22)).toEqual(tags.subarray(0, 22));
  });

  it('refuses what is not Ogg Opus as ffmpeg writes it', () => {
    const vorbis = page(0, Buffer.from('\x01vorbis', 'latin1'), { flags: 0x02 });
    expect(() => emptyOpusTags(Buffer.concat([vorbis, audio]))).toThrow(MediaError);
    expect(() => emptyOpusTags(Buffer.from('ID3\x03'))).toThrow(/no Ogg page/);
    const long = tagsPacket('x', ['comment='.padEnd(600, 'a')]);
    const split = Buffer.concat([head, page(1, long.subarray(0, 510), { open: true }), page(2, long.subarray(510), { flags: 0x01 }), audio]);
    expect(() => emptyOpusTags(split)).toThrow(/not alone on its page/);
    expect(() => emptyOpusTags(Buffer.concat([head, page(1, tagsPacket('v', [])).subarray(0, 40)]))).toThrow(/truncated/);
  });
});
