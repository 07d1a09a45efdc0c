import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type _Object, type ObjectIdentifier } from '@aws-sdk/client-s3';
import {
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
import { awsErrorName, httpStatus } from '../aws-errors.js';
import { S3Adapter } from './adapter.js';
import { checkRange, parseContentRange } from './get-range.js';
import { bareEtag, DEFAULT_CONTENT_TYPE, headFromResponse } from './head.js';
import { listObjectPages } from './list-pages.js';
import { presignGetObject, presignPutObject, type PresignTarget } from './presign-object.js';
import { checkMaxBytes, exceeded, readAhead, uploadInParts, type ObjectParams, type ReadAhead } from './put-body.js';

/** Kept as a name for callers; the port's options carry the declared SHA-256 now. */
export type S3PresignPutOptions = PresignPutOptions;

export type { S3AdapterDependencies } from './adapter.js';

/** A failed key of a batch delete, as S3 reported it. */
export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
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
 *   knows the hash) so S3 refuses any other upload, and `If-None-Match: *` so they only create:
 *   replayed once the object exists, S3 answers 412. Presigned GETs can force an attachment.
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

  private get presignTarget(): PresignTarget {
    return { presignClient: this.presignClient, bucket: this.bucket, clock: this.clock };
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
    let ahead: ReadAhead;
    try {
      ahead = await readAhead(iterator, this.config.partSizeBytes, maxBytes, hash);
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
    if (ahead.ended) return this.putOnce(key, Buffer.concat(ahead.chunks), hash.digest(), options);
    return this.putMultipart(key, iterator, ahead, maxBytes, hash, options);
  }

  private objectParams(key: string, options: PutOptions): ObjectParams {
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
    const { etag, size } = await uploadInParts(this.client, this.objectParams(key, options), { iterator, ahead, maxBytes, hash }, this.config);
    return this.headOfPut(key, size, etag, hash.digest('hex'), options);
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
    return this.deletePages(prefix, this.objectPages(prefix));
  }

  /**
   * Every version of every object under `prefix`, delete markers included, deleted by version id:
   * what a delete for good means in the versioned bucket (a plain delete leaves the bytes as a
   * noncurrent version until the lifecycle rule expires them). Pages of ListObjectVersions, one
   * DeleteObjects each. Needs `s3:ListBucketVersions` and `s3:DeleteObjectVersion`.
   */
  async deleteAllVersions(prefix: string): Promise<number> {
    return this.deletePages(prefix, this.versionPages(prefix));
  }

  /** Deletes page after page of identifiers with one DeleteObjects each; refused keys are reported together. */
  private async deletePages(prefix: string, pages: AsyncIterable<ObjectIdentifier[]>): Promise<number> {
    assertSafeKeyPrefix(prefix);
    if (prefix === '') throw new ValidationError('refusing to delete every object in the bucket', [{ path: 'prefix', message: 'empty' }]);
    let deleted = 0;
    let failedCount = 0;
    const failures: DeleteFailure[] = [];
    for await (const objects of pages) {
      if (objects.length === 0) continue;
      const result = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }));
      const errors = result.Errors ?? [];
      deleted += objects.length - errors.length;
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

  private async *objectPages(prefix: string): AsyncGenerator<ObjectIdentifier[]> {
    for await (const keys of this.keyPages(prefix)) yield keys.map((Key) => ({ Key }));
  }

  /** Pages of (key, version id) of the versions and delete markers under `prefix`, at most 1,000 each (DeleteObjects' limit). */
  private async *versionPages(prefix: string): AsyncGenerator<ObjectIdentifier[]> {
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, MaxKeys: Math.min(1000, this.config.listPageSize), KeyMarker, VersionIdMarker }),
      );
      const found = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
      yield found.flatMap((v) => (v.Key === undefined ? [] : [{ Key: v.Key, ...(v.VersionId === undefined ? {} : { VersionId: v.VersionId }) }]));
      KeyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
      VersionIdMarker = page.IsTruncated === true ? page.NextVersionIdMarker : undefined;
    } while (KeyMarker !== undefined);
  }

  private listPages(prefix: string): AsyncGenerator<_Object[]> {
    return listObjectPages(this.client, this.bucket, prefix, this.config.listPageSize);
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
    return presignPutObject(this.presignTarget, key, options);
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<PresignedRequest> {
    assertSafeObjectKey(key);
    return presignGetObject(this.presignTarget, key, options);
  }
}
