import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ChecksumAlgorithm, StoredChecksum } from './checksums.js';
import type { ByteSpan } from './http-conditions.js';
import { compareKeys } from './list-objects.js';

/** The representation headers S3 keeps with an object and answers on GET and HEAD. */
export const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'] as const;

/** What is kept of an object besides its bytes, which live in `file`. */
export interface ObjectRecord {
  key: string;
  size: number;
  /** Unquoted: the MD5 of the bytes, or `<md5 of part md5s>-N` for a multipart object. */
  etag: string;
  lastModified: Date;
  contentType: string;
  /** {@link STORED_HEADERS} that were set. */
  headers: Record<string, string>;
  /** `x-amz-meta-*` without the prefix, lower-case names. */
  metadata: Record<string, string>;
  checksum?: StoredChecksum;
  partCount?: number;
  file: string;
}

export interface PartRecord {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
  checksum?: StoredChecksum;
  file: string;
}

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: Date;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  parts: Map<number, PartRecord>;
  initiator: string;
}

async function readSpan(file: string, span: ByteSpan): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const length = Math.max(0, span.end - span.start + 1);
    const data = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(data, read, length - read, span.start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return data.subarray(0, read);
  } finally {
    await handle.close();
  }
}

function isMissingFile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

/**
 * The buckets' contents: bytes in immutable files under `dataDir` (a new file per write, so a
 * reader never sees a half-written or replaced object), records in memory. A write becomes visible
 * in one synchronous step ({@link S3Storage.commit}), which is what makes conditional writes and
 * replacements atomic as S3's are. The index is not persisted: a stage starts with empty buckets.
 */
export class S3Storage {
  private readonly objects = new Map<string, Map<string, ObjectRecord>>();
  private readonly uploads = new Map<string, UploadRecord>();
  private readonly dataDir: string;

  constructor(dataDir: string, bucketNames: readonly string[]) {
    this.dataDir = dataDir;
    for (const name of bucketNames) this.objects.set(name, new Map());
  }

  async init(): Promise<void> {
    await mkdir(join(this.dataDir, 'objects'), { recursive: true });
  }

  hasBucket(bucket: string): boolean {
    return this.objects.has(bucket);
  }

  get(bucket: string, key: string): ObjectRecord | undefined {
    return this.objects.get(bucket)?.get(key);
  }

  /** The bucket's objects in S3's key order. */
  sorted(bucket: string): ObjectRecord[] {
    return [...(this.objects.get(bucket)?.values() ?? [])].sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Writes bytes to a fresh file, not yet part of any object. */
  async writeData(data: Uint8Array): Promise<string> {
    const file = join(this.dataDir, 'objects', randomUUID());
    await writeFile(file, data);
    return file;
  }

  /**
   * Streams `files` one after another into a fresh file, showing each chunk to `observe` (hashes).
   */
  async concatenate(files: readonly string[], observe: (chunk: Buffer) => void): Promise<string> {
    const file = join(this.dataDir, 'objects', randomUUID());
    const out = createWriteStream(file);
    try {
      for (const source of files) {
        for await (const chunk of createReadStream(source)) {
          const bytes = chunk as Buffer;
          observe(bytes);
          if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        }
      }
      out.end();
      await finished(out);
    } catch (error) {
      out.destroy();
      await this.discard(file);
      throw error;
    }
    return file;
  }

  /** Removes a data file that no record holds (a refused write, a replaced object). */
  async discard(file: string): Promise<void> {
    await unlink(file).catch((error: unknown) => {
      if (!isMissingFile(error)) throw error;
    });
  }

  /**
   * Makes `record` the object at its key, after `check` (run synchronously against the current
   * object) lets it. On a refusal the new file is removed and the error rethrown.
   */
  async commit(bucket: string, record: ObjectRecord, check: (current: ObjectRecord | undefined) => void = () => undefined): Promise<void> {
    const objects = this.objects.get(bucket);
    if (objects === undefined) throw new Error(`bucket ${bucket} is not part of the stage`);
    const current = objects.get(record.key);
    try {
      check(current);
    } catch (error) {
      await this.discard(record.file);
      throw error;
    }
    objects.set(record.key, record);
    if (current !== undefined && current.file !== record.file) await this.discard(current.file);
  }

  /** Removes the object at `key`; answers it when there was one. */
  async remove(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    const objects = this.objects.get(bucket);
    const current = objects?.get(key);
    if (current === undefined) return undefined;
    objects?.delete(key);
    await this.discard(current.file);
    return current;
  }

  /**
   * The object's record and the bytes `plan` asks of it (`all`, a span, or `none` for a HEAD or a
   * 304), read consistently: when a write replaces the object between the lookup and the opening
   * of its file, the lookup is repeated. `plan` may throw (a refused condition or range).
   */
  async read(
    bucket: string,
    key: string,
    plan: (record: ObjectRecord) => ByteSpan | 'all' | 'none',
  ): Promise<{ record: ObjectRecord; data: Buffer | undefined } | undefined> {
    for (;;) {
      const record = this.get(bucket, key);
      if (record === undefined) return undefined;
      const wanted = plan(record);
      if (wanted === 'none') return { record, data: undefined };
      const span = wanted === 'all' ? { start: 0, end: record.size - 1 } : wanted;
      let data: Buffer;
      try {
        data = await readSpan(record.file, span);
      } catch (error) {
        if (isMissingFile(error)) continue;
        throw error;
      }
      return { record, data };
    }
  }

  /**
   * Copies the object's bytes into a fresh file, showing each chunk to `observe`; repeated like
   * {@link read} when the object is replaced meanwhile.
   */
  async duplicate(bucket: string, key: string, observe: (record: ObjectRecord) => (chunk: Buffer) => void): Promise<{ record: ObjectRecord; file: string } | undefined> {
    for (;;) {
      const record = this.get(bucket, key);
      if (record === undefined) return undefined;
      try {
        return { record, file: await this.concatenate([record.file], observe(record)) };
      } catch (error) {
        if (isMissingFile(error)) continue;
        throw error;
      }
    }
  }

  createUpload(upload: Omit<UploadRecord, 'uploadId' | 'parts'>): UploadRecord {
    const record: UploadRecord = { ...upload, uploadId: randomUUID().replace(/-/g, ''), parts: new Map() };
    this.uploads.set(record.uploadId, record);
    return record;
  }

  /** The upload when it exists and is of that bucket and key (S3 treats any other as missing). */
  upload(bucket: string, key: string, uploadId: string): UploadRecord | undefined {
    const upload = this.uploads.get(uploadId);
    return upload !== undefined && upload.bucket === bucket && upload.key === key ? upload : undefined;
  }

  uploadsOf(bucket: string): UploadRecord[] {
    return [...this.uploads.values()].filter((u) => u.bucket === bucket);
  }

  /**
   * Stores a part, replacing an earlier one with the same number. False (and the file removed)
   * when the upload ended while the part was being written.
   */
  async putPart(upload: UploadRecord, part: PartRecord): Promise<boolean> {
    if (!this.isOpen(upload)) {
      await this.discard(part.file);
      return false;
    }
    const previous = upload.parts.get(part.partNumber);
    upload.parts.set(part.partNumber, part);
    if (previous !== undefined) await this.discard(previous.file);
    return true;
  }

  /** Ends an upload (completed or aborted) and removes its parts' files. */
  async endUpload(upload: UploadRecord): Promise<void> {
    if (this.uploads.get(upload.uploadId) !== upload) return;
    this.uploads.delete(upload.uploadId);
    await Promise.all([...upload.parts.values()].map((p) => this.discard(p.file)));
  }

  /** Whether `upload` is still open (not completed or aborted meanwhile). */
  isOpen(upload: UploadRecord): boolean {
    return this.uploads.get(upload.uploadId) === upload;
  }

  async close(): Promise<void> {
    this.uploads.clear();
    for (const objects of this.objects.values()) objects.clear();
    await rm(join(this.dataDir, 'objects'), { recursive: true, force: true });
  }
}
