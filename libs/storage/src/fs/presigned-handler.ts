import { parseKey, systemClock, ValidationError, type BodyInput, type Clock, type ObjectStore } from '@mediaflow/domain';
import type { FsMultipartUploads } from './fs-multipart-uploads.js';
import { verifyPresigned } from './presign.js';

/** A stored object S3 would announce with an "object created" event. */
export interface CreatedObject {
  key: string;
  size: number;
}

export interface PresignedHandlerOptions {
  /** Where single PUTs are written and presigned GETs read (an `FsObjectStore` on `secret`). */
  store: Pick<ObjectStore, 'get' | 'put' | 'delete'>;
  /** Where part PUTs go (the `FsMultipartUploads` on the same root). */
  parts: Pick<FsMultipartUploads, 'putPart'>;
  /** The secret the store and the uploads sign their URLs with. */
  secret: string | Uint8Array;
  /** The largest single PUT whose URL names no exact length. */
  maxUploadBytes: number;
  /**
   * Called once an original is stored by a single PUT, as S3 sends "object created" (a multipart
   * upload is announced when it is completed, by whoever completes it).
   */
  onObjectCreated(object: CreatedObject): Promise<void>;
  /** Time for URL expiry (default: the system clock). */
  clock?: Clock;
}

/**
 * The local stand-in for S3's presigned URLs: answers the `/_local/objects/...` URLs that
 * `FsObjectStore.presignPut`/`presignGet` and `FsMultipartUploads.start` sign. A GET serves the
 * object (as an attachment when the URL names a file name); a PUT stores an original, whole or
 * one part of a multipart upload, within the signed length, and a whole original is announced
 * through `onObjectCreated` so that ingest follows as it does after an S3 event.
 *
 * Failures are the domain's errors, for the HTTP layer to answer like any other: `ForbiddenError`
 * for a URL that does not verify (tampered, expired, another method), `ValidationError` for a PUT
 * to anything but an original or with another length than signed, `NotFoundError` for a missing
 * object or upload.
 *
 * @example
 * const handle = presignedHandler({ store, parts, secret, maxUploadBytes, onObjectCreated: (o) => ingest.send(JSON.stringify(o)) });
 * app.on(['GET', 'PUT'], '/_local/objects/*', (c) => handle(c.req.raw));
 */
export function presignedHandler(options: PresignedHandlerOptions): (request: Request) => Promise<Response> {
  const { store, parts } = options;
  const clock = options.clock ?? systemClock;
  return async (request) => {
    const grant = verifyPresigned({ url: request.url, method: request.method }, options.secret, clock.now());
    if (grant.method === 'GET') {
      const got = await store.get(grant.key);
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'x-content-type-options': 'nosniff', 'content-length': String(got.head.size) };
      if (grant.contentDisposition) headers['content-disposition'] = grant.contentDisposition;
      return new Response(ReadableStream.from(got.body), { headers });
    }
    const parsed = parseKey(grant.key);
    if (!parsed || parsed.type !== 'original') throw new ValidationError('not an upload target: only originals are uploaded');
    if (!request.body) throw new ValidationError('the upload has no body');
    const body = request.body as unknown as BodyInput;
    if (grant.uploadId !== undefined && grant.partNumber !== undefined) {
      const part = await parts.putPart(grant.key, grant.uploadId, grant.partNumber, body);
      return new Response(null, { status: 200, headers: { etag: `"${part.etag}"` } });
    }
    const maxBytes = grant.contentLength ?? options.maxUploadBytes;
    const head = await store.put(grant.key, body, { maxBytes, ...(grant.contentType ? { contentType: grant.contentType } : {}) });
    if (grant.contentLength !== undefined && head.size !== grant.contentLength) {
      await store.delete(grant.key);
      throw new ValidationError(`expected ${grant.contentLength} bytes, got ${head.size}`, [{ path: 'body', message: 'wrong size' }]);
    }
    await options.onObjectCreated({ key: grant.key, size: head.size });
    return new Response(null, { status: 200, headers: { etag: `"${head.etag}"` } });
  };
}
