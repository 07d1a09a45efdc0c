import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { LimitExceededError, ValidationError, type BodyInput } from '@mediaflow/domain';

/**
 * Streams an iterable of chunks into an open file, counting and hashing as it goes. Stops with
 * `LimitExceededError` as soon as the total passes `maxBytes`.
 */
export async function writeChunks(handle: FileHandle, body: BodyInput, maxBytes: number): Promise<{ size: number; md5: Buffer; sha256: string }> {
  const hash = createHash('md5');
  const sha = createHash('sha256');
  let size = 0;
  const write = async (chunk: Uint8Array): Promise<void> => {
    size += chunk.byteLength;
    if (size > maxBytes) throw new LimitExceededError(`object is larger than ${maxBytes} bytes`, { details: { maxBytes } });
    hash.update(chunk);
    sha.update(chunk);
    let offset = 0;
    while (offset < chunk.byteLength) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
      offset += bytesWritten;
    }
  };
  if (body instanceof Uint8Array) {
    await write(body);
  } else {
    for await (const chunk of body) {
      // A stream in object or string mode would otherwise be written as "[object Object]".
      if (!(chunk instanceof Uint8Array)) throw new ValidationError('a body stream must yield bytes');
      await write(chunk);
    }
  }
  return { size, md5: hash.digest(), sha256: sha.digest('hex') };
}

/** The SHA-256 (hex) of a whole file, read through `handle` from its start. */
export async function sha256OfFile(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream({ autoClose: false, start: 0 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * The etag a file would have been given: MD5 hex, or for multipart objects S3's
 * `md5(concat(part md5s))-N` over parts of `partSize` bytes.
 */
export async function etagOfFile(handle: FileHandle, partSize: number | undefined): Promise<string> {
  const whole = createHash('md5');
  const partDigests: Buffer[] = [];
  let part = createHash('md5');
  let inPart = 0;
  for await (const chunk of handle.createReadStream({ autoClose: false, start: 0 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    if (partSize === undefined) continue;
    let offset = 0;
    while (offset < chunk.byteLength) {
      const take = Math.min(partSize - inPart, chunk.byteLength - offset);
      part.update(chunk.subarray(offset, offset + take));
      offset += take;
      inPart += take;
      if (inPart === partSize) {
        partDigests.push(part.digest());
        part = createHash('md5');
        inPart = 0;
      }
    }
  }
  if (partSize === undefined) return whole.digest('hex');
  if (inPart > 0) partDigests.push(part.digest());
  return `${createHash('md5').update(Buffer.concat(partDigests)).digest('hex')}-${partDigests.length}`;
}
