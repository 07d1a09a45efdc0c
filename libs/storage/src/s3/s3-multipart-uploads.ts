import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type MultipartPlan,
  type MultipartUploads,
  type ObjectHead,
} from '@mediaflow/domain';
import { StorageError } from '../errors.js';
import { assertSafeObjectKey } from '../object-key.js';
import { awsErrorName, httpStatus } from '../aws-errors.js';
import { MAX_PART_SIZE } from './config.js';
import { DEFAULT_CONTENT_TYPE, headFromResponse } from './head.js';
import { presignExpiry } from './presign.js';
import { S3Adapter } from './adapter.js';

/** S3's limit on the number of parts. */
export const MAX_S3_PARTS = 10_000;

/**
 * S3's refusals of a conditional completion: the key exists (412), or another conditional write
 * of it was in flight (409).
 */
const ALREADY_WRITTEN = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

/** S3 error codes that mean the client's part list is wrong, not that S3 failed. */
const BAD_PARTS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'MalformedXML']);

function positiveInteger(value: number, path: string): void {
  if (!Number.isInteger(value) || value < 1) throw new ValidationError(`${path} must be a positive integer`, [{ path, message: 'invalid' }]);
}

/**
 * Resumable uploads of large originals straight to S3: `start` creates the multipart upload and
 * presigns one UploadPart URL per part, each signed with its exact Content-Length (so a part of the
 * wrong size is refused by S3 itself); the browser PUTs the parts and reads each part's ETag
 * response header; `complete` hands the list to CompleteMultipartUpload with `If-None-Match: *`
 * (an existing object is never replaced: `ConflictError`); `abort` discards the
 * parts (also set a bucket lifecycle rule that aborts incomplete uploads after a day or so: an
 * abandoned upload is otherwise billed forever).
 *
 * The bucket's CORS configuration must expose the `ETag` header to the web origin.
 *
 * @example
 * const uploads = new S3MultipartUploads({ bucket: env.MEDIA_BUCKET });
 * const plan = await uploads.start(originalKey(owner, id), size, { partSize: 16 * MiB, expiresInSeconds: 3600 });
 */
export class S3MultipartUploads extends S3Adapter implements MultipartUploads {

  /**
   * Plans the parts. S3 itself refuses a completed upload whose parts (all but the last) are
   * under 5 MiB; a smaller `partSize` is accepted here so that emulators can be tested cheaply.
   */
  async start(
    key: string,
    size: number,
    options: { partSize: number; expiresInSeconds: number; contentType?: string },
  ): Promise<MultipartPlan> {
    assertSafeObjectKey(key);
    positiveInteger(size, 'size');
    positiveInteger(options.partSize, 'partSize');
    if (options.partSize > MAX_PART_SIZE) throw new ValidationError(`partSize may be at most ${MAX_PART_SIZE}`, [{ path: 'partSize', message: 'too large' }]);
    const partCount = Math.ceil(size / options.partSize);
    if (partCount > MAX_S3_PARTS) {
      throw new ValidationError(`an upload has at most ${MAX_S3_PARTS} parts; use larger parts`, [{ path: 'partSize', message: 'too small' }]);
    }
    const expiresAt = presignExpiry(this.clock.now(), options.expiresInSeconds);
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.config.bucket, Key: key, ContentType: options.contentType ?? DEFAULT_CONTENT_TYPE }),
    );
    const uploadId = created.UploadId;
    if (uploadId === undefined) throw new StorageError(`S3 returned no upload id for ${key}`);
    const signingDate = this.clock.now();
    const parts = await Promise.all(
      Array.from({ length: partCount }, async (_, i) => {
        const number = i + 1;
        const length = number < partCount ? options.partSize : size - options.partSize * (partCount - 1);
        const url = await getSignedUrl(
          this.presignClient,
          new UploadPartCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId, PartNumber: number, ContentLength: length }),
          { expiresIn: options.expiresInSeconds, signingDate, signableHeaders: new Set(['content-length']) },
        );
        return { number, url };
      }),
    );
    return { uploadId, partSize: options.partSize, parts, expiresAt };
  }

  async complete(key: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<ObjectHead> {
    assertSafeObjectKey(key);
    if (parts.length === 0 || parts.some((p, i) => p.number !== i + 1)) {
      throw new ValidationError('complete needs every part from 1 on, in order', [{ path: 'parts', message: 'incomplete or out of order' }]);
    }
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.config.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.number, ETag: p.etag.startsWith('"') ? p.etag : `"${p.etag}"` })) },
          // Create-only, like the presigned single PUT: a completion never replaces a stored original.
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      const name = awsErrorName(error) ?? '';
      if (name === 'NoSuchUpload' || httpStatus(error) === 404) throw new NotFoundError(`no upload ${uploadId} for ${key}`, { cause: error });
      if (ALREADY_WRITTEN.has(name) || httpStatus(error) === 412) {
        throw new ConflictError(`${key} is already stored; a completion does not replace it`, { cause: error });
      }
      if (BAD_PARTS.has(name)) throw new ValidationError(`S3 refused the part list (${name})`, [{ path: 'parts', message: name }], { cause: error });
      throw error;
    }
    // CompleteMultipartUpload answers with the etag only; the size and type come from a HEAD.
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
    return headFromResponse(key, head);
  }

  /** Discards the upload and its parts. Idempotent: an unknown or finished upload is not an error. */
  async abort(key: string, uploadId: string): Promise<void> {
    assertSafeObjectKey(key);
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchUpload' || httpStatus(error) === 404) return;
      throw error;
    }
  }
}
