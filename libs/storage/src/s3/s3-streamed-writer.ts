import { createHash } from 'node:crypto';
import { ValidationError, type ObjectHead, type StreamedObjectWriter, type StreamedWriteOptions } from '@mediaflow/domain';
import { assertSafeObjectKey } from '../object-key.js';
import { S3Adapter } from './adapter.js';
import { MAX_PART_SIZE, MIN_PART_SIZE } from './config.js';
import { bareEtag } from './head.js';
import { MAX_S3_PARTS } from './s3-multipart-uploads.js';
import { uploadInParts } from './put-body.js';

const MIB = 1024 * 1024;

/**
 * The parts planned for a body of the expected size: at most this many, so that a body up to 10%
 * larger than expected still fits S3's 10,000.
 */
const PLANNED_PARTS = 9000;

/**
 * The part size of a streamed upload of about `expectedBytes`: the configured size, or larger (in
 * whole MiB) when the body would otherwise need more than {@link PLANNED_PARTS} parts. Never under
 * S3's 5 MiB minimum nor over its 5 GiB maximum.
 *
 * @throws ValidationError when the expected size does not fit S3's largest multipart object.
 * @example
 * streamedPartSize(2 * 1024 ** 3, 8 * MiB);   // 8 MiB: 256 parts
 * streamedPartSize(200 * 1024 ** 3, 8 * MiB); // 23 MiB: 8,904 parts
 */
export function streamedPartSize(expectedBytes: number, configured: number): number {
  if (!Number.isSafeInteger(expectedBytes) || expectedBytes < 0) {
    throw new ValidationError('expectedBytes must be a non-negative integer', [{ path: 'expectedBytes', message: 'invalid' }]);
  }
  const needed = Math.ceil(expectedBytes / PLANNED_PARTS / MIB) * MIB;
  const size = Math.max(configured, needed, MIN_PART_SIZE);
  if (size > MAX_PART_SIZE) {
    throw new ValidationError(`a streamed object of ${expectedBytes} bytes does not fit ${MAX_S3_PARTS} parts of at most ${MAX_PART_SIZE} bytes`, [
      { path: 'expectedBytes', message: 'too large' },
    ]);
  }
  return size;
}

/**
 * Stores an object from a stream as it is produced: a multipart upload whose parts (all of at least
 * 5 MiB but the last) are sized from the expected length ({@link streamedPartSize}), `queueSize` of
 * them in flight, so memory stays near part size times `queueSize + 1` whatever the object's size.
 * A body of one part or less is a single PutObject. When the body or a part fails, the upload is
 * aborted: nothing is stored and the parts sent are discarded (`@aws-sdk/lib-storage`). The cloud's
 * archive function writes zips with it.
 *
 * @example
 * const writer = new S3StreamedObjectWriter({ bucket: env.MEDIA_BUCKET });
 * await writer.write(archiveKeys(owner, id).archive, zip, { expectedBytes: prepared.bytes, contentType: 'application/zip' });
 */
export class S3StreamedObjectWriter extends S3Adapter implements StreamedObjectWriter {
  async write(key: string, body: AsyncIterable<Uint8Array>, options: StreamedWriteOptions): Promise<ObjectHead> {
    assertSafeObjectKey(key);
    const partSizeBytes = streamedPartSize(options.expectedBytes, this.config.partSizeBytes);
    const hash = createHash('sha256');
    const params = {
      Bucket: this.config.bucket,
      Key: key,
      ContentType: options.contentType,
      ...(options.contentDisposition === undefined ? {} : { ContentDisposition: options.contentDisposition }),
    };
    // The body's own failure is what the caller must learn: when the abort after it fails as well,
    // the upload reports the abort's error instead (the bucket's rule for incomplete uploads then
    // removes the parts).
    const failure: { error?: unknown } = {};
    async function* watched(): AsyncGenerator<Uint8Array> {
      try {
        yield* body;
      } catch (error) {
        failure.error = error;
        throw error;
      }
    }
    let uploaded: { etag: string | undefined; size: number };
    try {
      uploaded = await uploadInParts(
        this.client,
        params,
        { iterator: watched(), ahead: { chunks: [], bytes: 0 }, maxBytes: Number.POSITIVE_INFINITY, hash },
        { partSizeBytes, queueSize: this.config.queueSize },
      );
    } catch (error) {
      throw 'error' in failure ? failure.error : error;
    }
    const { etag, size } = uploaded;
    const head: ObjectHead = { key, size, contentType: options.contentType, etag: bareEtag(etag), lastModified: this.clock.now(), sha256: hash.digest('hex') };
    if (options.contentDisposition !== undefined) head.contentDisposition = options.contentDisposition;
    return head;
  }
}
