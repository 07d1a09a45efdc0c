import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  NotFoundError,
  systemClock,
  ValidationError,
  type BodyInput,
  type Clock,
  type MultipartPlan,
  type MultipartUploads,
  type ObjectHead,
  type PresignedParts,
  type ReceivedPart,
} from '@mediaflow/domain';
import { errorCode, removeQuietly } from './file-ops.js';
import { checkMaxBytes } from './fs-object-store.js';
import { processLocks } from './keyed-lock.js';
import { FsLayout } from './layout.js';
import type { FsObjectStoreOptions } from './options.js';
import { presignExpiry, UrlSigner } from './presign.js';
import { headFromSidecar, identityOf, sameFile, type FileIdentity } from './sidecar.js';

/** S3's limit on the number of parts. */
export const MAX_PARTS = 10_000;

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const PART_FILE = /^part-([1-9][0-9]{0,4})$/;
const MD5_HEX = /^[0-9a-f]{32}$/;

/** Where part `number` of an upload is kept, and its etag beside it. */
const partFile = (dir: string, number: number): string => join(dir, `part-${number}`);
const etagFile = (dir: string, number: number): string => join(dir, `part-${number}.etag`);

/** What `start` recorded, in `{root}/.tmp/multipart/{uploadId}/upload.json`. */
interface UploadRecord {
  v: 1;
  key: string;
  size: number;
  partSize: number;
  partCount: number;
  contentType?: string;
}

function parseRecord(text: string): UploadRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (r['v'] !== 1 || typeof r['key'] !== 'string' || !int(r['size']) || !int(r['partSize']) || !int(r['partCount'])) return undefined;
  const record: UploadRecord = { v: 1, key: r['key'], size: r['size'], partSize: r['partSize'], partCount: r['partCount'] };
  if (typeof r['contentType'] === 'string') record.contentType = r['contentType'];
  return record;
}

/** The size part `number` (1-based) must have. */
function expectedPartSize(record: Pick<UploadRecord, 'size' | 'partSize' | 'partCount'>, number: number): number {
  return number < record.partCount ? record.partSize : record.size - record.partSize * (record.partCount - 1);
}

/** The plan's part count, checked against S3's limit. */
function countParts(size: number, partSize: number): number {
  positiveInteger(size, 'size');
  positiveInteger(partSize, 'partSize');
  const partCount = Math.ceil(size / partSize);
  if (partCount > MAX_PARTS) {
    throw new ValidationError(`an upload has at most ${MAX_PARTS} parts; use larger parts`, [{ path: 'partSize', message: 'too small' }]);
  }
  return partCount;
}

/** Refuses part numbers outside 1..partCount (or not integers); duplicates are signed once. */
function checkPartNumbers(numbers: readonly number[], partCount: number): number[] {
  const bad = numbers.find((n) => !Number.isInteger(n) || n < 1 || n > partCount);
  if (bad !== undefined) {
    throw new ValidationError(`part numbers are integers from 1 to ${partCount}; ${bad} is not`, [{ path: 'numbers', message: 'out of range' }]);
  }
  return [...new Set(numbers)];
}

/** The MD5 hex of a file, read in a stream. */
async function md5Of(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const hash = createHash('md5');
    for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) hash.update(chunk);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/**
 * What the etag file beside a part holds: the etag and the identity of the part file it belongs
 * to. A rename keeps the identity, so a listing can tell whether the part in place is the one the
 * etag was computed for (a crash between writing the etag and moving the part in leaves the old
 * part beside the new etag).
 */
interface EtagRecord {
  etag: string;
  file: FileIdentity;
}

/** The etag of the part file with identity `file`, if the etag file was written for that very file. */
function etagFor(text: string, file: FileIdentity): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { etag, file: recorded } = value as Partial<Record<keyof EtagRecord, unknown>>;
  if (typeof etag !== 'string' || !MD5_HEX.test(etag) || typeof recorded !== 'object' || recorded === null) return undefined;
  const { ino, size, mtimeMs } = recorded as Record<string, unknown>;
  if (typeof ino !== 'number' || typeof size !== 'number' || typeof mtimeMs !== 'number') return undefined;
  return sameFile({ ino, size, mtimeMs }, file) ? etag : undefined;
}

/** S3 etags travel in quotes (`"abc..."`); compare without them. */
function normaliseEtag(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1').toLowerCase();
}

function positiveInteger(value: number, path: string): void {
  if (!Number.isInteger(value) || value < 1) throw new ValidationError(`${path} must be a positive integer`, [{ path, message: 'invalid' }]);
}

/**
 * Resumable uploads for the local store, with S3 multipart semantics: `start` plans the parts,
 * `presignParts` signs PUT URLs for the parts asked for (to the local server, verified by
 * {@link verifyPresigned}); the server stores each part with {@link FsMultipartUploads.putPart}
 * (its etag beside it, for `listParts`); `complete` checks every part's
 * etag and assembles the object atomically, with S3's multipart etag; `abort` removes the parts.
 *
 * Construct it with the same options as the `FsObjectStore` on that root.
 */
export class FsMultipartUploads implements MultipartUploads {
  private readonly layout: FsLayout;
  private readonly signer: UrlSigner;
  private readonly clock: Clock;

  constructor(options: FsObjectStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.layout = new FsLayout(options.root, this.clock, options.durable ?? true);
    this.signer = new UrlSigner(options.baseUrl, options.secret);
  }

  async start(key: string, size: number, options: { partSize: number; contentType?: string }): Promise<MultipartPlan> {
    await this.layout.paths(key);
    const partCount = countParts(size, options.partSize);
    const uploadId = randomBytes(16).toString('hex');
    const record: UploadRecord = { v: 1, key, size, partSize: options.partSize, partCount };
    if (options.contentType !== undefined) record.contentType = options.contentType;
    const dir = await this.layout.uploadDir(uploadId);
    await this.layout.writeSmallFile(join(dir, 'upload.json'), JSON.stringify(record), true);
    return { uploadId, partSize: options.partSize, partCount };
  }

  /**
   * Signs one PUT URL per part number (to the local server, verified by {@link verifyPresigned}),
   * each with that part's exact length. The upload is not read: a URL for an upload that is gone
   * is refused when it is used.
   */
  async presignParts(
    key: string,
    uploadId: string,
    plan: { size: number; partSize: number },
    numbers: readonly number[],
    options: { expiresInSeconds: number },
  ): Promise<PresignedParts> {
    await this.layout.paths(key);
    if (!UPLOAD_ID.test(uploadId)) throw new NotFoundError(`no upload ${uploadId}`);
    const partCount = countParts(plan.size, plan.partSize);
    const wanted = checkPartNumbers(numbers, partCount);
    const expiresAt = presignExpiry(this.clock.now(), options.expiresInSeconds);
    const shape = { size: plan.size, partSize: plan.partSize, partCount };
    const parts = wanted.map((number) => ({
      number,
      url: this.signer.sign({ method: 'PUT', key, expiresAt, uploadId, partNumber: number, contentLength: expectedPartSize(shape, number) }),
    }));
    return { parts, expiresAt };
  }

  /**
   * The parts stored so far, by number, with the etags their PUTs answered. The etag is kept beside
   * each part when it is stored, with the part file's identity; a part whose etag file is missing,
   * unreadable or written for another file (a PUT that crashed before its part moved in) is hashed.
   */
  async listParts(key: string, uploadId: string): Promise<ReceivedPart[]> {
    const { dir } = await this.record(key, uploadId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new NotFoundError(`no upload ${uploadId}`, { cause: error });
      throw error;
    }
    const numbers = names.flatMap((name) => {
      const match = PART_FILE.exec(name);
      return match?.[1] === undefined ? [] : [Number(match[1])];
    });
    const parts: ReceivedPart[] = [];
    for (const number of numbers.sort((a, b) => a - b)) {
      const part = await processLocks.run(partFile(dir, number), async () => this.receivedPart(dir, number));
      if (part !== undefined) parts.push(part);
    }
    return parts;
  }

  /** One stored part, or `undefined` when it went meanwhile (the upload completed or was aborted). */
  private async receivedPart(dir: string, number: number): Promise<ReceivedPart | undefined> {
    try {
      const stats = await stat(partFile(dir, number));
      const kept = await readFile(etagFile(dir, number), 'utf8').catch((error: unknown) => {
        if (errorCode(error) === 'ENOENT') return '';
        throw error;
      });
      const etag = etagFor(kept, identityOf(stats)) ?? (await md5Of(partFile(dir, number)));
      const { size } = stats;
      return { number, etag, size };
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The upload's record, or `NotFoundError` when there is no such upload for this key. */
  private async record(key: string, uploadId: string): Promise<{ dir: string; record: UploadRecord }> {
    // The id becomes a path: only the exact shape `start` makes is looked up.
    if (!UPLOAD_ID.test(uploadId)) throw new NotFoundError(`no upload ${uploadId}`);
    const dir = await this.layout.uploadDir(uploadId);
    let text: string;
    try {
      text = await readFile(join(dir, 'upload.json'), 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new NotFoundError(`no upload ${uploadId}`, { cause: error });
      throw error;
    }
    const record = parseRecord(text);
    if (record === undefined || record.key !== key) throw new NotFoundError(`no upload ${uploadId} for ${key}`);
    return { dir, record };
  }

  /**
   * Stores one part (the local server calls this for a verified part URL). The body must be
   * exactly the planned part size; uploading a part again replaces it. Returns the part's etag,
   * which the client sends back to `complete`.
   */
  async putPart(key: string, uploadId: string, partNumber: number, body: BodyInput): Promise<{ etag: string; size: number }> {
    const { dir, record } = await this.record(key, uploadId);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > record.partCount) {
      throw new ValidationError(`part number must be from 1 to ${record.partCount}`, [{ path: 'partNumber', message: 'out of range' }]);
    }
    const expected = expectedPartSize(record, partNumber);
    const temp = await this.layout.writeTemp(body, checkMaxBytes(expected));
    try {
      if (temp.size !== expected) {
        throw new ValidationError(`part ${partNumber} must be ${expected} bytes, not ${temp.size}`, [{ path: 'body', message: 'wrong size' }]);
      }
      // The etag goes beside the part before the part moves in, both under the part's lock, naming
      // the file it belongs to: after a crash between the two, a listing sees that the part in
      // place is another file and hashes it. No mkdir: if `complete` or `abort` removed the upload
      // meanwhile, neither has anywhere to go.
      await processLocks.run(partFile(dir, partNumber), async () => {
        const record: EtagRecord = { etag: temp.md5.toString('hex'), file: temp.identity };
        await this.layout.writeSmallFile(etagFile(dir, partNumber), JSON.stringify(record), false);
        await rename(temp.path, partFile(dir, partNumber));
      });
    } catch (error) {
      await removeQuietly(temp.path);
      if (errorCode(error) === 'ENOENT') throw new NotFoundError(`upload ${uploadId} ended while part ${partNumber} was sent`, { cause: error });
      throw error;
    }
    return { etag: temp.md5.toString('hex'), size: temp.size };
  }

  async complete(key: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<ObjectHead> {
    const paths = await this.layout.paths(key);
    const dir = await this.layout.uploadDir(UPLOAD_ID.test(uploadId) ? uploadId : 'invalid');
    return processLocks.run(dir, async () => {
      const { record } = await this.record(key, uploadId);
      if (parts.length !== record.partCount || parts.some((p, i) => p.number !== i + 1)) {
        throw new ValidationError(`complete needs parts 1 to ${record.partCount}, in order`, [{ path: 'parts', message: 'incomplete or out of order' }]);
      }
      const partDigests: Buffer[] = [];
      const layout = this.layout;
      // Streams every part in order into one temp file, checking each part's size and etag as it ends.
      async function* assembled(): AsyncIterable<Uint8Array> {
        for (const part of parts) {
          let handle: FileHandle;
          try {
            handle = await open(partFile(dir, part.number), 'r');
          } catch (error) {
            if (errorCode(error) === 'ENOENT') {
              throw new ValidationError(`part ${part.number} has not been uploaded`, [{ path: `parts.${part.number - 1}`, message: 'missing' }]);
            }
            throw error;
          }
          const hash = createHash('md5');
          let size = 0;
          for await (const chunk of handle.createReadStream() as AsyncIterable<Buffer>) {
            hash.update(chunk);
            size += chunk.byteLength;
            yield chunk;
          }
          const digest = hash.digest();
          if (size !== expectedPartSize(record, part.number) || digest.toString('hex') !== normaliseEtag(part.etag)) {
            throw new ValidationError(`part ${part.number} does not match its etag`, [{ path: `parts.${part.number - 1}.etag`, message: 'mismatch' }]);
          }
          partDigests.push(digest);
        }
      }
      const temp = await layout.writeTemp(assembled(), record.size);
      try {
        const etag = `${createHash('md5').update(Buffer.concat(partDigests)).digest('hex')}-${partDigests.length}`;
        const sidecar = await layout.commit(paths, temp, {
          etag,
          contentType: record.contentType ?? 'application/octet-stream',
          partSize: record.partSize,
          sha256: temp.sha256,
        });
        await rm(dir, { recursive: true, force: true });
        return headFromSidecar(key, sidecar);
      } catch (error) {
        await removeQuietly(temp.path);
        throw error;
      }
    });
  }

  /** Removes the upload and its parts. Idempotent: an unknown or finished upload is not an error. */
  async abort(key: string, uploadId: string): Promise<void> {
    await this.layout.paths(key);
    if (!UPLOAD_ID.test(uploadId)) return;
    const dir = await this.layout.uploadDir(uploadId);
    await processLocks.run(dir, async () => {
      try {
        await this.record(key, uploadId);
      } catch (error) {
        if (error instanceof NotFoundError) return; // gone already, or another key's upload: leave it
        throw error;
      }
      await rm(dir, { recursive: true, force: true });
    });
  }
}
