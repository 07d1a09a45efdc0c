import type { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { LimitExceededError } from '@mediaflow/domain';
import { nonNegativeInteger } from './presign.js';

export function exceeded(maxBytes: number): LimitExceededError {
  return new LimitExceededError(`the body is larger than ${maxBytes} bytes`, { details: { maxBytes } });
}

export function checkMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return Number.POSITIVE_INFINITY;
  nonNegativeInteger(maxBytes, 'maxBytes');
  return maxBytes;
}

/** What {@link readAhead} read: the chunks, their total size, and whether the body ended. */
export interface ReadAhead {
  chunks: Uint8Array[];
  bytes: number;
  ended: boolean;
}

/** Reads `iterator` until more than `limit` bytes have come or it ends; counts against `maxBytes`. */
export async function readAhead(
  iterator: AsyncIterator<Uint8Array>,
  limit: number,
  maxBytes: number,
  hash: ReturnType<typeof createHash>,
): Promise<ReadAhead> {
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

/** The parameters of a put besides its body. */
export interface ObjectParams {
  Bucket: string;
  Key: string;
  ContentType: string;
  CacheControl?: string;
  ContentDisposition?: string;
}

/** A body longer than one part: what was read ahead, the rest still to read, and the running hash. */
export interface StreamedBody {
  iterator: AsyncIterator<Uint8Array>;
  ahead: { chunks: Uint8Array[]; bytes: number };
  maxBytes: number;
  hash: ReturnType<typeof createHash>;
}

/**
 * Uploads a body in parts (`@aws-sdk/lib-storage`), counting and hashing the rest of it as it
 * streams. Returns the object's etag and the body's size.
 */
export async function uploadInParts(
  client: S3Client,
  params: ObjectParams,
  body: StreamedBody,
  sizes: { partSizeBytes: number; queueSize: number },
): Promise<{ etag: string | undefined; size: number }> {
  const { iterator, ahead, maxBytes, hash } = body;
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
    client,
    params: { ...params, Body: Readable.from(rest(), { objectMode: false }) },
    partSize: sizes.partSizeBytes,
    queueSize: sizes.queueSize,
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
  return { etag: result.ETag, size };
}
