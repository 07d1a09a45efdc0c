import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
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
  type PresignedParts,
  type ReceivedPart,
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

/** The plan's part count, checked against S3's limits. */
function countParts(size: number, partSize: number): number {
  positiveInteger(size, 'size');
  positiveInteger(partSize, 'partSize');
  if (partSize > MAX_PART_SIZE) throw new ValidationError(`partSize may be at most ${MAX_PART_SIZE}`, [{ path: 'partSize', message: 'too large' }]);
  const partCount = Math.ceil(size / partSize);
  if (partCount > MAX_S3_PARTS) {
    throw new ValidationError(`an upload has at most ${MAX_S3_PARTS} parts; use larger parts`, [{ path: 'partSize', message: 'too small' }]);
  }
  return partCount;
}

/** S3 answers etags in quotes; the port's are bare, as a part PUT's ETag header is read by clients. */
const bareEtag = (etag: string): string => etag.replace(/^"(.*)"$/, '$1');

/** How many parts one ListParts page asks for (S3's most). */
const LIST_PARTS_PAGE = 1000;

/**
 * Resumable uploads of large originals straight to S3: `start` creates the multipart upload,
 * `presignParts` presigns UploadPart URLs for the parts asked for, each signed with its exact
 * Content-Length (so a part of the wrong size is refused by S3 itself); the browser PUTs the parts
 * and reads each part's ETag response header; `listParts` tells a client that comes back what S3
 * already holds (ListParts: the api function needs `s3:ListMultipartUploadParts`); `complete` hands the list to CompleteMultipartUpload with `If-None-Match: *`
 * (an existing object is never replaced: `ConflictError`); `abort` discards the
 * parts (also set a bucket lifecycle rule that aborts incomplete uploads after a day or so: an
 * abandoned upload is otherwise billed forever).
 *
 * The bucket's CORS configuration must expose the `ETag` header to the web origin.
 *
 * @example
 * const uploads = new S3MultipartUploads({ bucket: env.MEDIA_BUCKET });
 * const plan = await uploads.start(originalKey(owner, id), size, { partSize: 16 * MiB });
 * const { parts } = await uploads.presignParts(originalKey(owner, id), plan.uploadId, { size, partSize: plan.partSize }, [1, 2, 3, 4], { expiresInSeconds: 900 });
 */
export class S3MultipartUploads extends S3Adapter implements MultipartUploads {

  /**
   * Creates the multipart upload and plans its parts. S3 itself refuses a completed upload whose
   * parts (all but the last) are under 5 MiB; a smaller `partSize` is accepted here so that
   * emulators can be tested cheaply.
   */
  async start(key: string, size: number, options: { partSize: number; contentType?: string }): Promise<MultipartPlan> {
    assertSafeObjectKey(key);
    const partCount = countParts(size, options.partSize);
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.config.bucket, Key: key, ContentType: options.contentType ?? DEFAULT_CONTENT_TYPE }),
    );
    const uploadId = created.UploadId;
    if (uploadId === undefined) throw new StorageError(`S3 returned no upload id for ${key}`);
    return { uploadId, partSize: options.partSize, partCount };
  }

  /**
   * Presigns one UploadPart URL per part number, each signed with its exact Content-Length. Signing
   * asks nothing of S3: a URL for an upload that is gone is refused by S3 when it is used.
   */
  async presignParts(
    key: string,
    uploadId: string,
    plan: { size: number; partSize: number },
    numbers: readonly number[],
    options: { expiresInSeconds: number },
  ): Promise<PresignedParts> {
    assertSafeObjectKey(key);
    const partCount = countParts(plan.size, plan.partSize);
    const bad = numbers.find((n) => !Number.isInteger(n) || n < 1 || n > partCount);
    if (bad !== undefined) {
      throw new ValidationError(`part numbers are integers from 1 to ${partCount}; ${bad} is not`, [{ path: 'numbers', message: 'out of range' }]);
    }
    const expiresAt = presignExpiry(this.clock.now(), options.expiresInSeconds);
    const signingDate = this.clock.now();
    const parts = await Promise.all(
      [...new Set(numbers)].map(async (number) => {
        const length = number < partCount ? plan.partSize : plan.size - plan.partSize * (partCount - 1);
        const url = await getSignedUrl(
          this.presignClient,
          new UploadPartCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId, PartNumber: number, ContentLength: length }),
          { expiresIn: options.expiresInSeconds, signingDate, signableHeaders: new Set(['content-length']) },
        );
        return { number, url };
      }),
    );
    return { parts, expiresAt };
  }

  /** The parts S3 holds for the upload (ListParts, every page), by number; `NotFoundError` for NoSuchUpload. */
  async listParts(key: string, uploadId: string): Promise<ReceivedPart[]> {
    assertSafeObjectKey(key);
    const parts: ReceivedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.client.send(
          new ListPartsCommand({
            Bucket: this.config.bucket,
            Key: key,
            UploadId: uploadId,
            MaxParts: LIST_PARTS_PAGE,
            ...(marker === undefined ? {} : { PartNumberMarker: marker }),
          }),
        );
      } catch (error) {
        if (awsErrorName(error) === 'NoSuchUpload' || httpStatus(error) === 404) throw new NotFoundError(`no upload ${uploadId} for ${key}`, { cause: error });
        throw error;
      }
      for (const part of page.Parts ?? []) {
        if (part.PartNumber === undefined || part.ETag === undefined) continue;
        parts.push({ number: part.PartNumber, etag: bareEtag(part.ETag), size: part.Size ?? 0 });
      }
      const next = page.NextPartNumberMarker;
      // A truncated page without a marker would loop for ever: stop there instead.
      if (page.IsTruncated !== true || next === undefined || next === marker) break;
      marker = next;
    }
    return parts.sort((a, b) => a.number - b.number);
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
