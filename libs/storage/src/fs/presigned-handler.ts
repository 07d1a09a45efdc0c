import { ConflictError, parseKey, systemClock, ValidationError, type BodyInput, type Clock, type ObjectStore } from '@mediaflow/domain';
import type { FsMultipartUploads } from './fs-multipart-uploads.js';
import { KeyedLock } from './keyed-lock.js';
import { verifyPresigned } from './presign.js';

/** A stored object S3 would announce with an "object created" event. */
export interface CreatedObject {
  key: string;
  size: number;
}

/** The media item an original belongs to, as its key names it. */
export interface UploadTarget {
  ownerId: string;
  mediaId: string;
}

export interface PresignedHandlerOptions {
  /** Where single PUTs are written and presigned GETs read (an `FsObjectStore` on `secret`). */
  store: Pick<ObjectStore, 'get' | 'head' | 'put' | 'delete'>;
  /** Where part PUTs go (the `FsMultipartUploads` on the same root). */
  parts: Pick<FsMultipartUploads, 'putPart'>;
  /** The secret the store and the uploads sign their URLs with. */
  secret: string | Uint8Array;
  /** The largest single PUT whose URL names no exact length. */
  maxUploadBytes: number;
  /**
   * Called once an original is stored by a single PUT, as S3 sends "object created" (a multipart
   * upload is announced when it is completed, by whoever completes it), and again when a PUT of it
   * is sent again while its item still waits (ingest takes one and leaves the others).
   */
  onObjectCreated(object: CreatedObject): Promise<void>;
  /**
   * Whether the item still waits for its original (its status is `uploading`); asked after the URL
   * verified and before any byte is written. Without it only an existing object refuses a write,
   * so a URL still in its lifetime could recreate the original of an item deleted meanwhile.
   */
  awaitingUpload?(target: UploadTarget): Promise<boolean>;
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
 * Writes only create, as S3 does for the `If-None-Match: *` its presigned PUTs are signed with: a
 * PUT or a part whose original is already stored, or whose item no longer waits for it
 * (`awaitingUpload`), is refused before anything is written, so a URL replayed within its lifetime
 * cannot replace an original that ingest has hashed. Two PUTs of one original at once are taken
 * one after the other; the second finds the object and is refused. A refused PUT of an original
 * whose item still waits announces the stored object again (see `assertCreatesWhole`), so a
 * client resending after a lost answer still gets its upload ingested.
 *
 * Failures are the domain's errors, for the HTTP layer to answer like any other: `ForbiddenError`
 * for a URL that does not verify (tampered, expired, another method), `ValidationError` for a PUT
 * to anything but an original or with another length than signed, `ConflictError` for a write to
 * an original that is stored already or not awaited, `NotFoundError` for a missing object or
 * upload.
 *
 * @example
 * const handle = presignedHandler({ store, parts, secret, maxUploadBytes, onObjectCreated: (o) => ingest.send(JSON.stringify(o)) });
 * app.on(['GET', 'PUT'], '/_local/objects/*', (c) => handle(c.req.raw));
 */
export function presignedHandler(options: PresignedHandlerOptions): (request: Request) => Promise<Response> {
  const { store, parts } = options;
  const clock = options.clock ?? systemClock;
  const writes = new KeyedLock();

  const awaited = async (target: UploadTarget): Promise<boolean> => (options.awaitingUpload === undefined ? true : options.awaitingUpload(target));
  const alreadyStored = (): ConflictError =>
    new ConflictError('the original of this upload is already stored; an upload URL writes once', { details: { reason: 'exists' } });
  const notAwaited = (): ConflictError => new ConflictError('this item is not waiting for an upload', { details: { reason: 'not_uploading' } });

  /**
   * Refuses a whole PUT that would not create the original of an item waiting for it. Refused
   * because the original is there (of the signed length, its item still waiting), it is announced
   * again: S3 never loses the event of a stored object, but here a crash can fall between the
   * bytes and their announcement, and a client sending the PUT again is how that comes to light.
   * Ingest leaves anything but a waiting item alone, so another announcement changes nothing.
   */
  const assertCreatesWhole = async (key: string, target: UploadTarget, signedLength: number | undefined): Promise<void> => {
    const existing = await store.head(key);
    if (existing !== undefined) {
      if ((signedLength === undefined || existing.size === signedLength) && (await awaited(target))) {
        await options.onObjectCreated({ key, size: existing.size });
      }
      throw alreadyStored();
    }
    if (!(await awaited(target))) throw notAwaited();
  };

  /** Refuses a part of an original that is stored already or no longer awaited. */
  const assertCreatesPart = async (key: string, target: UploadTarget): Promise<void> => {
    if ((await store.head(key)) !== undefined) throw alreadyStored();
    if (!(await awaited(target))) throw notAwaited();
  };

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
    const target: UploadTarget = { ownerId: parsed.ownerId, mediaId: parsed.mediaId };
    if (!request.body) throw new ValidationError('the upload has no body');
    const body = request.body as unknown as BodyInput;
    if (grant.uploadId !== undefined && grant.partNumber !== undefined) {
      // Parts of one upload go in parallel, so they take no lock: the completion creates the object.
      await assertCreatesPart(grant.key, target);
      const part = await parts.putPart(grant.key, grant.uploadId, grant.partNumber, body);
      return new Response(null, { status: 200, headers: { etag: `"${part.etag}"` } });
    }
    const { contentLength, contentType } = grant;
    return writes.run(grant.key, async () => {
      await assertCreatesWhole(grant.key, target, contentLength);
      const maxBytes = contentLength ?? options.maxUploadBytes;
      const head = await store.put(grant.key, body, { maxBytes, ...(contentType ? { contentType } : {}) });
      if (contentLength !== undefined && head.size !== contentLength) {
        await store.delete(grant.key);
        throw new ValidationError(`expected ${contentLength} bytes, got ${head.size}`, [{ path: 'body', message: 'wrong size' }]);
      }
      await options.onObjectCreated({ key: grant.key, size: head.size });
      return new Response(null, { status: 200, headers: { etag: `"${head.etag}"` } });
    });
  };
}
