import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type _Object,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  attachmentDisposition,
  LimitExceededError,
  NotFoundError,
  ValidationError,
  type BodyInput,
  type ByteRange,
  type GetResult,
  type ObjectHead,
  type ObjectStore,
  type PresignedRequest,
  type PresignGetOptions,
  type PresignPutOptions,
  type PutOptions,
} from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { assertSafeKeyPrefix, assertSafeObjectKey } from '../object-key.js';
import { awsErrorName, httpStatus } from './aws-errors.js';
import { S3Adapter } from './adapter.js';
import { bareEtag, DEFAULT_CONTENT_TYPE, headFromResponse } from './head.js';
import { nonNegativeInteger, presignExpiry, sha256HexToBase64 } from './presign.js';

/** Kept as a name for callers; the port's options carry the declared SHA-256 now. */
export type S3PresignPutOptions = PresignPutOptions;

export type { S3AdapterDependencies } from './adapter.js';

/** A failed key of a batch delete, as S3 reported it. */
export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

function exceeded(maxBytes: number): LimitExceededError {
  return new LimitExceededError(`the body is larger than ${maxBytes} bytes`, { details: { maxBytes } });
}

function checkMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return Number.POSITIVE_INFINITY;
  nonNegativeInteger(maxBytes, 'maxBytes');
  return maxBytes;
}

function checkRange(range: ByteRange): void {
  nonNegativeInteger(range.start, 'range.start');
  if (range.end !== undefined) {
    nonNegativeInteger(range.end, 'range.end');
    if (range.end < range.start) throw new ValidationError(`range ${range.start}-${range.end} ends before it starts`);
  }
}

/** `bytes 2-5/10` -> the served range and the object's full size. */
function parseContentRange(value: string | undefined): { start: number; end: number; size: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value ?? '');
  if (match === null) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Reads `iterator` until more than `limit` bytes have come or it ends; counts against `maxBytes`. */
async function readAhead(
  iterator: AsyncIterator<Uint8Array>,
  limit: number,
  maxBytes: number,
  hash: ReturnType<typeof createHash>,
): Promise<{ chunks: Uint8Array[]; bytes: number; ended: boolean }> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes <= limit) {
    const next = await iterator.next();
    if (next.done === true) return { chunks, bytes, ended: true };
    bytes += next.value.byteLength;
    if (bytes > maxBytes) throw exceeded(maxBytes);
    hash.update(next.value);
    chunks.push(next.value);
  }
  return { chunks, bytes, ended: false };
}

/**
 * The `ObjectStore` on S3 (or any S3-compatible endpoint), with the filesystem store's semantics:
 *
 * - A put is atomic (S3 makes an object visible only when its PutObject or multipart upload
 *   completes). A body of at most one part (`partSizeBytes`) is one PutObject that carries its
 *   SHA-256, which S3 verifies and keeps, so `head` reports it. A longer body is a multipart
 *   upload (`@aws-sdk/lib-storage`) counted while it streams: over `maxBytes` it is aborted,
 *   nothing is stored, and `LimitExceededError` is thrown. Its `put` result carries the SHA-256
 *   computed on the way; S3 keeps only a checksum of part checksums for it, which is not reported.
 * - `get` streams the body (a `Range` header for ranges); `head` asks for the checksum
 *   (`ChecksumMode: ENABLED`).
 * - `deleteByPrefix` lists a page and deletes it with one DeleteObjects (up to 1000 keys per
 *   request); keys S3 refuses are collected and reported together in a `StorageError`.
 * - `list` reports what ListObjectsV2 gives: size, etag, last modified. A listing carries no
 *   content type, so heads from `list` say `application/octet-stream`; call `head` for the real one
 *   (a HEAD per key would cost a request per object).
 * - Presigned PUTs sign the content type and length (and `x-amz-checksum-sha256` when the caller
 *   knows the hash) so S3 refuses any other upload; presigned GETs can force an attachment.
 *
 * Keys are checked with {@link assertSafeObjectKey}, so a key that works here works on disk too.
 *
 * @example
 * const store = new S3ObjectStore({ bucket: env.MEDIA_BUCKET, region: env.AWS_REGION });
 * await store.put(renditionKey(owner, id, 'thumb', 'webp'), bytes, { contentType: 'image/webp' });
 */
export class S3ObjectStore extends S3Adapter implements ObjectStore {

  private get bucket(): string {
    return this.config.bucket;
  }

  async put(key: string, body: BodyInput, options: PutOptions = {}): Promise<ObjectHead> {
    assertSafeObjectKey(key);
    const maxBytes = checkMaxBytes(options.maxBytes);
    const hash = createHash('sha256');
    if (body instanceof Uint8Array) {
      if (body.byteLength > maxBytes) throw exceeded(maxBytes);
      hash.update(body);
      if (body.byteLength <= this.config.partSizeBytes) return this.putOnce(key, body, hash.digest(), options);
      // PutObject stops at 5 GiB and retries a whole body on failure; parts retry one by one.
      const none: AsyncIterator<Uint8Array> = { next: async () => ({ done: true, value: undefined }) };
      return this.putMultipart(key, none, { chunks: [body], bytes: body.byteLength }, maxBytes, hash, options);
    }
    const iterator = body[Symbol.asyncIterator]();
    let ahead: Awaited<ReturnType<typeof readAhead>>;
    try {
      ahead = await readAhead(iterator, this.config.partSizeBytes, maxBytes, hash);
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
    if (ahead.ended) return this.putOnce(key, Buffer.concat(ahead.chunks), hash.digest(), options);
    return this.putMultipart(key, iterator, ahead, maxBytes, hash, options);
  }

  private objectParams(key: string, options: PutOptions): {
    Bucket: string;
    Key: string;
    ContentType: string;
    CacheControl?: string;
    ContentDisposition?: string;
  } {
    return {
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
      ...(options.cacheControl === undefined ? {} : { CacheControl: options.cacheControl }),
      ...(options.contentDisposition === undefined ? {} : { ContentDisposition: options.contentDisposition }),
    };
  }

  private headOfPut(key: string, size: number, etag: string | undefined, sha256: string, options: PutOptions): ObjectHead {
    // Built from what was sent rather than read back: a HEAD after every put would double the
    // requests of the rendition writers. `lastModified` is this process's clock, not S3's.
    const head: ObjectHead = {
      key,
      size,
      contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
      etag: bareEtag(etag),
      lastModified: this.clock.now(),
      sha256,
    };
    if (options.cacheControl !== undefined) head.cacheControl = options.cacheControl;
    if (options.contentDisposition !== undefined) head.contentDisposition = options.contentDisposition;
    return head;
  }

  private async putOnce(key: string, body: Uint8Array, sha256: Buffer, options: PutOptions): Promise<ObjectHead> {
    const response = await this.client.send(
      new PutObjectCommand({ ...this.objectParams(key, options), Body: body, ContentLength: body.byteLength, ChecksumSHA256: sha256.toString('base64') }),
    );
    return this.headOfPut(key, body.byteLength, response.ETag, sha256.toString('hex'), options);
  }

  private async putMultipart(
    key: string,
    iterator: AsyncIterator<Uint8Array>,
    ahead: { chunks: Uint8Array[]; bytes: number },
    maxBytes: number,
    hash: ReturnType<typeof createHash>,
    options: PutOptions,
  ): Promise<ObjectHead> {
    let size = ahead.bytes;
    let overLimit = false;
    // The generator throws once the count passes maxBytes; Upload then aborts the multipart
    // upload, so the parts already sent are discarded and the old object (if any) stays.
    async function* rest(): AsyncGenerator<Uint8Array> {
      try {
        yield* ahead.chunks;
        for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
          size += next.value.byteLength;
          if (size > maxBytes) {
            overLimit = true;
            throw exceeded(maxBytes);
          }
          hash.update(next.value);
          yield next.value;
        }
      } finally {
        await iterator.return?.();
      }
    }
    const upload = new Upload({
      client: this.client,
      params: { ...this.objectParams(key, options), Body: Readable.from(rest(), { objectMode: false }) },
      partSize: this.config.partSizeBytes,
      queueSize: this.config.queueSize,
      leavePartsOnError: false,
    });
    let result;
    try {
      result = await upload.done();
    } catch (error) {
      // When the abort after the refusal fails too, Upload throws the abort's error instead; the
      // caller must still learn that the body was too large (the parts expire with the bucket's
      // lifecycle rule for incomplete uploads).
      if (overLimit && !(error instanceof LimitExceededError)) throw new LimitExceededError(`the body is larger than ${maxBytes} bytes`, { cause: error, details: { maxBytes } });
      throw error;
    }
    return this.headOfPut(key, size, result.ETag, hash.digest('hex'), options);
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    assertSafeObjectKey(key);
    if (range !== undefined) checkRange(range);
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end ?? ''}` }),
        }),
      );
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'NoSuchKey' || httpStatus(error) === 404) throw new NotFoundError(`no object at ${key}`, { cause: error });
      if (name === 'InvalidRange' || httpStatus(error) === 416) {
        throw new ValidationError(`range ${range?.start ?? ''}-${range?.end ?? ''} is not satisfiable`, [], { cause: error });
      }
      throw error;
    }
    const body = response.Body;
    if (!isAsyncIterable(body)) throw new StorageError(`S3 returned no readable body for ${key}`);
    if (range === undefined) return { head: headFromResponse(key, response), body };
    const served = parseContentRange(response.ContentRange);
    if (served === undefined) {
      // A 200 to a ranged request (some emulators, a zero-length object): the whole object came.
      const size = response.ContentLength ?? 0;
      (body as Partial<Readable>).destroy?.();
      if (range.start >= size) throw new ValidationError(`range ${range.start}- is not satisfiable for ${size} bytes`);
      throw new StorageError(`S3 ignored the range of a GET of ${key}`);
    }
    return {
      head: headFromResponse(key, response, served.size),
      body,
      range: { start: served.start, end: served.end },
    };
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    assertSafeObjectKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }));
      return headFromResponse(key, response);
    } catch (error) {
      if (httpStatus(error) === 404 || awsErrorName(error) === 'NotFound' || awsErrorName(error) === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeObjectKey(key);
    // S3 answers 204 for a missing key too: idempotent as the port wants.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * Deletes page by page: each ListObjectsV2 page (up to `listPageSize` keys) goes to one
   * DeleteObjects. Keys S3 refuses do not stop the sweep; they are reported at the end in a
   * `StorageError` whose `details.failures` lists them (at most 100) and `details.deleted` counts
   * the rest. An empty prefix (the whole bucket) is refused.
   */
  async deleteByPrefix(prefix: string): Promise<number> {
    assertSafeKeyPrefix(prefix);
    if (prefix === '') throw new ValidationError('refusing to delete every object in the bucket', [{ path: 'prefix', message: 'empty' }]);
    let deleted = 0;
    let failedCount = 0;
    const failures: DeleteFailure[] = [];
    for await (const keys of this.keyPages(prefix)) {
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      const errors = result.Errors ?? [];
      deleted += keys.length - errors.length;
      failedCount += errors.length;
      for (const e of errors) {
        if (failures.length < 100) failures.push({ key: e.Key ?? '', code: e.Code ?? 'Unknown', message: e.Message ?? '' });
      }
    }
    if (failedCount > 0) {
      throw new StorageError(`${failedCount} objects under ${prefix} could not be deleted`, { details: { deleted, failed: failedCount, failures } });
    }
    return deleted;
  }

  /**
   * ListObjectsV2 pages under `prefix`. Each page starts after the last key of the one before
   * (`StartAfter`) rather than at a continuation token: the same cost and order on S3, and the
   * position stays meaningful while `deleteByPrefix` removes the pages it has seen.
   */
  private async *listPages(prefix: string): AsyncGenerator<_Object[]> {
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: this.config.listPageSize,
          ...(startAfter === undefined ? {} : { StartAfter: startAfter }),
        }),
      );
      const objects = (page.Contents ?? []).filter((o) => o.Key !== undefined);
      if (objects.length > 0) yield objects;
      const last = objects[objects.length - 1]?.Key;
      if (page.IsTruncated !== true || last === undefined) return;
      startAfter = last;
    }
  }

  private async *keyPages(prefix: string): AsyncGenerator<string[]> {
    for await (const objects of this.listPages(prefix)) yield objects.map((o) => o.Key ?? '');
  }

  async *list(prefix: string): AsyncIterable<ObjectHead> {
    assertSafeKeyPrefix(prefix);
    // ListObjectsV2 returns keys in UTF-8 binary order, the order the port promises.
    for await (const objects of this.listPages(prefix)) {
      for (const object of objects) {
        yield {
          key: object.Key ?? '',
          size: object.Size ?? 0,
          contentType: DEFAULT_CONTENT_TYPE,
          etag: bareEtag(object.ETag),
          lastModified: object.LastModified ?? new Date(0),
        };
      }
    }
  }

  async presignPut(key: string, options: S3PresignPutOptions): Promise<PresignedRequest> {
    assertSafeObjectKey(key);
    const expiresAt = presignExpiry(this.clock.now(), options.expiresInSeconds);
    if (options.contentLength !== undefined) nonNegativeInteger(options.contentLength, 'contentLength');
    const headers: Record<string, string> = {};
    const unhoistable = new Set<string>();
    const signed = new Set<string>();
    if (options.contentType !== undefined) {
      headers['content-type'] = options.contentType;
      signed.add('content-type');
    }
    if (options.contentLength !== undefined) signed.add('content-length');
    let checksum: string | undefined;
    if (options.sha256 !== undefined) {
      checksum = sha256HexToBase64(options.sha256);
      headers['x-amz-checksum-sha256'] = checksum;
      // Kept a header (not hoisted into the query) so S3 checks the body against it.
      unhoistable.add('x-amz-checksum-sha256');
    }
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      // Browsers send Content-Length themselves; it is not one of the headers handed back.
      ...(options.contentLength === undefined ? {} : { ContentLength: options.contentLength }),
      ...(checksum === undefined ? {} : { ChecksumSHA256: checksum }),
    });
    const url = await getSignedUrl(this.presignClient, command, {
      expiresIn: options.expiresInSeconds,
      signingDate: this.clock.now(),
      unhoistableHeaders: unhoistable,
      // The presigner leaves content-type unsigned unless told otherwise; signing it (and the
      // length) is what makes S3 refuse an upload of another type or size.
      signableHeaders: signed,
    });
    return { method: 'PUT', url, headers, expiresAt };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    assertSafeObjectKey(key);
    const expiresAt = presignExpiry(this.clock.now(), options.expiresInSeconds);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.downloadFilename === undefined ? {} : { ResponseContentDisposition: attachmentDisposition(options.downloadFilename) }),
    });
    const url = await getSignedUrl(this.presignClient, command, { expiresIn: options.expiresInSeconds, signingDate: this.clock.now() });
    return { method: 'GET', url, headers: {}, expiresAt };
  }
}
