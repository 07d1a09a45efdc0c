import { crc32 } from 'node:zlib';
import { ValidationError } from '@mediaflow/domain';

/**
 * A streaming ZIP writer for archives of media: entries are STORED (media is compressed already,
 * and deflating it again costs CPU for nothing), each written as its bytes arrive with its CRC-32
 * and sizes in a data descriptor after it, so nothing is buffered beyond one chunk and the output
 * starts at once. ZIP64 records are written where a size, an offset or the entry count needs
 * them (APPNOTE 6.3.10, sections 4.3.9 and 4.5.3), so archives of any size open in the usual
 * readers (Windows Explorer, macOS, 7-Zip, Info-ZIP, Python's `zipfile`), which all read the
 * central directory. Readers that only walk local headers (Java's `ZipInputStream`) cannot skip
 * a stored entry whose size comes after it: no streaming writer of stored entries avoids that.
 */

/** One file of an archive. */
export interface ZipEntry {
  /**
   * The path in the archive, `/`-separated: no empty, `.` or `..` segment, no leading `/`, no
   * backslash or control character (see {@link zipNameProblem}). Written as UTF-8.
   */
  name: string;
  /** The file's time (stored in UTC; before 1980 it becomes 1980-01-01, the format's first day). */
  modifiedAt: Date;
  /** The exact number of bytes `body` yields: it decides the ZIP64 form of the local header. */
  size: number;
  body: Uint8Array | AsyncIterable<Uint8Array>;
}

export interface ZipOptions {
  /**
   * `auto` (the default) writes ZIP64 records only where the format needs them; `always` writes
   * them for every entry and at the end, which the format allows and which lets a small archive
   * exercise every ZIP64 path.
   */
  zip64?: 'auto' | 'always';
}

const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;

const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_END = 0x06054b50;

/** Bit 3: CRC and sizes follow the data; bit 11: the name is UTF-8. */
const FLAGS = 0x0008 | 0x0800;
const METHOD_STORE = 0;
const VERSION_PLAIN = 20;
const VERSION_ZIP64 = 45;
/** Made by: Unix (3), so readers take the external attributes as a Unix mode. */
const MADE_BY_UNIX = 3 << 8;
/** A regular file, `rw-r--r--`. */
const FILE_ATTRIBUTES = (0o100644 << 16) >>> 0;

const EXTRA_ZIP64 = 0x0001;
const EXTRA_TIMESTAMP = 0x5455;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why `name` cannot name an entry, or `undefined` when it can: an entry name must extract inside
 * the directory it is extracted to, whatever the reader.
 */
export function zipNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (CONTROL.test(name)) return 'contains a control character';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'has an empty or dot segment';
  if (Buffer.byteLength(name, 'utf8') > MAX_16) return 'is too long';
  if (Buffer.from(name, 'utf8').toString('utf8') !== name) return 'is not well-formed Unicode';
  return undefined;
}

/** MS-DOS date and time of `date` in UTC, clamped to the range the fields hold (1980 to 2107). */
export function dosDateTime(date: Date): { date: number; time: number } {
  const ms = Number.isNaN(date.getTime()) ? 0 : date.getTime();
  const d = new Date(Math.min(Math.max(ms, Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58)));
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

/** The "extended timestamp" extra field (0x5455): the modification time in Unix seconds, when it fits. */
function timestampExtra(modifiedAt: Date): Buffer {
  const seconds = Math.floor(modifiedAt.getTime() / 1000);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_32) return Buffer.alloc(0);
  const extra = Buffer.alloc(9);
  extra.writeUInt16LE(EXTRA_TIMESTAMP, 0);
  extra.writeUInt16LE(5, 2);
  extra.writeUInt8(1, 4); // the modification time is present
  extra.writeUInt32LE(seconds, 5);
  return extra;
}

/** A ZIP64 extended information extra field holding `values` (8 bytes each), in the format's order. */
function zip64Extra(values: readonly number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(EXTRA_ZIP64, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  return extra;
}

/** What the central directory needs to know of an entry once it is written. */
export interface WrittenEntry {
  name: Buffer;
  modifiedAt: Date;
  crc: number;
  size: number;
  /** Where the entry's local header starts. */
  offset: number;
  /** Whether the local header announced 8-byte sizes (the data descriptor has them then). */
  zip64: boolean;
}

/**
 * The local file header of an entry whose CRC and sizes follow its data. With `zip64`, the sizes
 * are 0xFFFFFFFF and a ZIP64 extra field holds both (as zero), which tells readers that the data
 * descriptor carries 8-byte sizes.
 */
export function localFileHeader(name: Buffer, modifiedAt: Date, zip64: boolean): Buffer {
  const extra = Buffer.concat([zip64 ? zip64Extra([0, 0]) : Buffer.alloc(0), timestampExtra(modifiedAt)]);
  const header = Buffer.alloc(30);
  const { date, time } = dosDateTime(modifiedAt);
  header.writeUInt32LE(SIG_LOCAL, 0);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_PLAIN, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(METHOD_STORE, 8);
  header.writeUInt16LE(time, 10);
  header.writeUInt16LE(date, 12);
  header.writeUInt32LE(0, 14); // CRC-32: in the data descriptor
  header.writeUInt32LE(zip64 ? MAX_32 : 0, 18);
  header.writeUInt32LE(zip64 ? MAX_32 : 0, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, name, extra]);
}

/** The data descriptor after an entry's bytes: its CRC-32 and sizes (8 bytes each with ZIP64). */
export function dataDescriptor(crc: number, size: number, zip64: boolean): Buffer {
  const descriptor = Buffer.alloc(zip64 ? 24 : 16);
  descriptor.writeUInt32LE(SIG_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(crc, 4);
  if (zip64) {
    descriptor.writeBigUInt64LE(BigInt(size), 8);
    descriptor.writeBigUInt64LE(BigInt(size), 16);
  } else {
    descriptor.writeUInt32LE(size, 8);
    descriptor.writeUInt32LE(size, 12);
  }
  return descriptor;
}

/**
 * An entry's central directory header. A size or offset that does not fit 32 bits (or any, with
 * `forceZip64`) is written as 0xFFFFFFFF with its value in a ZIP64 extra field; sizes are in
 * ZIP64 form whenever the local header announced them so.
 */
export function centralDirectoryHeader(entry: WrittenEntry, forceZip64 = false): Buffer {
  const sizes64 = forceZip64 || entry.zip64 || entry.size >= MAX_32;
  const offset64 = forceZip64 || entry.offset >= MAX_32;
  const values = [...(sizes64 ? [entry.size, entry.size] : []), ...(offset64 ? [entry.offset] : [])];
  const extra = Buffer.concat([values.length > 0 ? zip64Extra(values) : Buffer.alloc(0), timestampExtra(entry.modifiedAt)]);
  const version = values.length > 0 ? VERSION_ZIP64 : VERSION_PLAIN;
  const header = Buffer.alloc(46);
  const { date, time } = dosDateTime(entry.modifiedAt);
  header.writeUInt32LE(SIG_CENTRAL, 0);
  header.writeUInt16LE(MADE_BY_UNIX | version, 4);
  header.writeUInt16LE(version, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(METHOD_STORE, 10);
  header.writeUInt16LE(time, 12);
  header.writeUInt16LE(date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(sizes64 ? MAX_32 : entry.size, 20);
  header.writeUInt32LE(sizes64 ? MAX_32 : entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt16LE(0, 32); // comment length
  header.writeUInt16LE(0, 34); // disk number
  header.writeUInt16LE(0, 36); // internal attributes
  header.writeUInt32LE(FILE_ATTRIBUTES, 38);
  header.writeUInt32LE(offset64 ? MAX_32 : entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

/** Where the central directory is, and what it holds. */
export interface CentralDirectory {
  entries: number;
  offset: number;
  size: number;
}

/**
 * The records after the central directory: the end of central directory record, preceded by the
 * ZIP64 end record and its locator when the count, size or offset needs them (or `forceZip64`).
 */
export function endRecords(directory: CentralDirectory, forceZip64 = false): Buffer {
  const zip64 = forceZip64 || directory.entries >= MAX_16 || directory.size >= MAX_32 || directory.offset >= MAX_32;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(0, 4); // this disk
  end.writeUInt16LE(0, 6); // the disk of the central directory
  end.writeUInt16LE(zip64 ? MAX_16 : directory.entries, 8);
  end.writeUInt16LE(zip64 ? MAX_16 : directory.entries, 10);
  end.writeUInt32LE(zip64 ? MAX_32 : directory.size, 12);
  end.writeUInt32LE(zip64 ? MAX_32 : directory.offset, 16);
  end.writeUInt16LE(0, 20); // comment length
  if (!zip64) return end;

  const record = Buffer.alloc(56);
  record.writeUInt32LE(SIG_ZIP64_END, 0);
  record.writeBigUInt64LE(44n, 4); // the size of the rest of the record
  record.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  record.writeUInt32LE(0, 16);
  record.writeUInt32LE(0, 20);
  record.writeBigUInt64LE(BigInt(directory.entries), 24);
  record.writeBigUInt64LE(BigInt(directory.entries), 32);
  record.writeBigUInt64LE(BigInt(directory.size), 40);
  record.writeBigUInt64LE(BigInt(directory.offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
  locator.writeUInt32LE(0, 4);
  // The ZIP64 end record starts where the central directory ends.
  locator.writeBigUInt64LE(BigInt(directory.offset + directory.size), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}

/** Central directory headers are sent in batches of about this many bytes. */
const DIRECTORY_BATCH_BYTES = 64 * 1024;

/**
 * Writes `entries` as a ZIP archive, one chunk at a time: each entry's body is read only when its
 * turn comes, and only after the previous chunk was taken, so a slow reader slows the sources
 * down instead of filling memory. Memory grows only with the central directory (about 100 bytes
 * per entry plus its name).
 *
 * @throws ValidationError for an entry whose name is not safe ({@link zipNameProblem}) or repeats
 *   an earlier one, or whose body yields another number of bytes than its `size` (the archive
 *   would lie about it): the output stops there, unfinished.
 * @example
 * const zip = zipStream([{ name: 'a.txt', modifiedAt: new Date(), size: 2, body: Buffer.from('hi') }]);
 * await pipeline(Readable.from(zip), createWriteStream('a.zip'));
 */
export async function* zipStream(entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>, options: ZipOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const always = options.zip64 === 'always';
  const written: WrittenEntry[] = [];
  const names = new Set<string>();
  let offset = 0;

  for await (const entry of entries) {
    const problem = zipNameProblem(entry.name);
    if (problem !== undefined) throw new ValidationError(`the archive entry name ${JSON.stringify(entry.name)} ${problem}`);
    if (names.has(entry.name)) throw new ValidationError(`the archive already has an entry ${JSON.stringify(entry.name)}`);
    if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw new ValidationError(`the archive entry ${JSON.stringify(entry.name)} has no valid size`);
    names.add(entry.name);

    const name = Buffer.from(entry.name, 'utf8');
    const zip64 = always || entry.size >= MAX_32;
    const start = offset;
    const header = localFileHeader(name, entry.modifiedAt, zip64);
    yield header;
    offset += header.length;

    let crc = 0;
    let size = 0;
    const chunks = entry.body instanceof Uint8Array ? [entry.body] : entry.body;
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > entry.size) break;
      crc = crc32(chunk, crc);
      yield chunk;
    }
    if (size !== entry.size) {
      throw new ValidationError(`the archive entry ${JSON.stringify(entry.name)} has ${size > entry.size ? 'more' : 'fewer'} than the ${entry.size} bytes announced`);
    }
    offset += size;
    const descriptor = dataDescriptor(crc, size, zip64);
    yield descriptor;
    offset += descriptor.length;
    written.push({ name, modifiedAt: entry.modifiedAt, crc, size, offset: start, zip64 });
  }

  const directoryOffset = offset;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  for (const entry of written) {
    const header = centralDirectoryHeader(entry, always);
    batch.push(header);
    batchBytes += header.length;
    offset += header.length;
    if (batchBytes >= DIRECTORY_BATCH_BYTES) {
      yield Buffer.concat(batch);
      batch = [];
      batchBytes = 0;
    }
  }
  if (batch.length > 0) yield Buffer.concat(batch);
  yield endRecords({ entries: written.length, offset: directoryOffset, size: offset - directoryOffset }, always);
}

/**
 * The bytes an archive of entries of these names and sizes takes, exactly as {@link zipStream}
 * writes it: for a `Content-Length` or for sizing the parts of an upload before it starts.
 */
export function zipSize(entries: readonly { name: string; size: number; modifiedAt: Date }[], options: ZipOptions = {}): number {
  const always = options.zip64 === 'always';
  let offset = 0;
  let directory = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const zip64 = always || entry.size >= MAX_32;
    const start = offset;
    offset += localFileHeader(name, entry.modifiedAt, zip64).length + entry.size + (zip64 ? 24 : 16);
    directory += centralDirectoryHeader({ name, modifiedAt: entry.modifiedAt, crc: 0, size: entry.size, offset: start, zip64 }, always).length;
  }
  return offset + directory + endRecords({ entries: entries.length, offset, size: directory }, always).length;
}
