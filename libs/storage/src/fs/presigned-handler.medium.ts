import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@mediaflow/domain';
import { collectBytes } from '@mediaflow/domain/testing';
import { ManualClock } from '@mediaflow/domain/testing';
import { FsMultipartUploads } from './fs-multipart-uploads.js';
import { FsObjectStore } from './fs-object-store.js';
import { presignedHandler, type CreatedObject } from './presigned-handler.js';

const KEY = 'originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV';

describe('presignedHandler (the local stand-in for S3 presigned URLs)', () => {
  let root: string;
  let store: FsObjectStore;
  let parts: FsMultipartUploads;
  let created: CreatedObject[];
  let handle: (request: Request) => Promise<Response>;
  let clock: ManualClock;
  const secret = randomBytes(32);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mf-presigned-'));
    clock = new ManualClock('2026-06-01T00:00:00.000Z');
    const options = { root, baseUrl: 'http://localhost:3000', secret, clock, durable: false };
    store = new FsObjectStore(options);
    parts = new FsMultipartUploads(options);
    created = [];
    handle = presignedHandler({ store, parts, secret, clock, maxUploadBytes: 1000, onObjectCreated: async (o) => void created.push(o) });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const put = (url: string, body: string) => new Request(url, { method: 'PUT', body, duplex: 'half' } as RequestInit);

  it('stores a single PUT within the signed length and announces the object', async () => {
    const { url, headers } = await store.presignPut(KEY, { expiresInSeconds: 60, contentLength: 5, contentType: 'image/png' });
    const res = await handle(put(url, 'hello'));
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]+"$/);
    expect(headers).toEqual({ 'content-type': 'image/png' });
    expect(created).toEqual([{ key: KEY, size: 5 }]);
    expect((await store.head(KEY))?.contentType).toBe('image/png');
  });

  it('refuses a body of another length than signed, and keeps nothing of it', async () => {
    const { url } = await store.presignPut(KEY, { expiresInSeconds: 60, contentLength: 5 });
    await expect(handle(put(url, 'hell'))).rejects.toBeInstanceOf(ValidationError);
    expect(await store.head(KEY)).toBeUndefined();
    expect(created).toEqual([]);
  });

  it('refuses a tampered, expired or misused URL with ForbiddenError', async () => {
    const { url } = await store.presignPut(KEY, { expiresInSeconds: 60 });
    await expect(handle(put(url.replace('alice', 'bob'), 'x'))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(handle(new Request(url))).rejects.toBeInstanceOf(ForbiddenError);
    clock.advance(61_000);
    await expect(handle(put(url, 'x'))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('accepts uploads to originals only', async () => {
    const { url } = await store.presignPut('renditions/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV/thumb.webp', { expiresInSeconds: 60 });
    await expect(handle(put(url, 'x'))).rejects.toBeInstanceOf(ValidationError);
  });

  it('stores parts of a multipart upload without announcing anything', async () => {
    const plan = await parts.start(KEY, 7, { partSize: 4 });
    const { parts: signed } = await parts.presignParts(KEY, plan.uploadId, { size: 7, partSize: 4 }, [1, 2], { expiresInSeconds: 60 });
    const etags: string[] = [];
    for (const [part, bytes] of [[signed[0], 'abcd'], [signed[1], 'efg']] as const) {
      const res = await handle(put(part?.url ?? '', bytes));
      expect(res.status).toBe(200);
      etags.push((res.headers.get('etag') ?? '').replace(/"/g, ''));
    }
    expect(created).toEqual([]);
    const head = await parts.complete(KEY, plan.uploadId, etags.map((etag, i) => ({ number: i + 1, etag })));
    expect(head.size).toBe(7);
  });

  /** The handler with the item's status asked of `waiting`, as the local server wires it. */
  function guardedBy(waiting: () => boolean) {
    return presignedHandler({ store, parts, secret, clock, maxUploadBytes: 1000, onObjectCreated: async (o) => void created.push(o), awaitingUpload: async () => waiting() });
  }

  it('refuses a PUT replayed once the item is ready, keeping the original and announcing nothing', async () => {
    let waiting = true;
    const guarded = guardedBy(() => waiting);
    const { url } = await store.presignPut(KEY, { expiresInSeconds: 60, contentLength: 5 });
    expect((await guarded(put(url, 'photo'))).status).toBe(200);
    waiting = false; // ingest took it
    const replay = guarded(put(url, '<html'));
    await expect(replay).rejects.toBeInstanceOf(ConflictError);
    await expect(replay).rejects.toThrow(/already stored/);
    expect(Buffer.from(await collectBytes((await store.get(KEY)).body)).toString()).toBe('photo');
    expect(created).toEqual([{ key: KEY, size: 5 }]);
  });

  it('refuses a replay without asking about the item too, the original unchanged', async () => {
    const { url } = await store.presignPut(KEY, { expiresInSeconds: 60, contentLength: 5 });
    expect((await handle(put(url, 'photo'))).status).toBe(200);
    await expect(handle(put(url, '<html'))).rejects.toBeInstanceOf(ConflictError);
    expect(Buffer.from(await collectBytes((await store.get(KEY)).body)).toString()).toBe('photo');
  });

  it('announces again an original stored for a waiting item when its PUT is resent (the first answer or announcement lost)', async () => {
    const guarded = guardedBy(() => true);
    const { url } = await store.presignPut(KEY, { expiresInSeconds: 60, contentLength: 5 });
    await store.put(KEY, Buffer.from('photo')); // stored, then the process died before announcing it
    await expect(guarded(put(url, 'photo'))).rejects.toBeInstanceOf(ConflictError);
    expect(created).toEqual([{ key: KEY, size: 5 }]);
    // The leftover of a PUT refused for its length is no original: nothing to announce.
    await store.put(KEY, Buffer.from('pho'));
    await expect(guarded(put(url, 'photo'))).rejects.toBeInstanceOf(ConflictError);
    expect(created).toHaveLength(1);
  });

  it('lets only one of two PUTs to the same URL at once store the original', async () => {
    const { url } = await store.presignPut(KEY, { expiresInSeconds: 60, contentLength: 5 });
    const results = await Promise.allSettled([handle(put(url, 'first')), handle(put(url, 'later'))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(ConflictError);
    expect(['first', 'later']).toContain(Buffer.from(await collectBytes((await store.get(KEY)).body)).toString());
  });

  it('lets a PUT refused for its length be sent again', async () => {
    const { url } = await store.presignPut(KEY, { expiresInSeconds: 60, contentLength: 5 });
    await expect(handle(put(url, 'hell'))).rejects.toBeInstanceOf(ValidationError);
    expect((await handle(put(url, 'hello'))).status).toBe(200);
  });

  it('refuses a part once the original is stored', async () => {
    const plan = await parts.start(KEY, 7, { partSize: 4 });
    const { parts: signed } = await parts.presignParts(KEY, plan.uploadId, { size: 7, partSize: 4 }, [1], { expiresInSeconds: 60 });
    await store.put(KEY, Buffer.from('stored!'));
    await expect(handle(put(signed[0]?.url ?? '', 'abcd'))).rejects.toBeInstanceOf(ConflictError);
  });

  it('asks whether the item still waits for its upload, and refuses a PUT or a part when it does not', async () => {
    const asked: { ownerId: string; mediaId: string }[] = [];
    let waiting = false;
    const guarded = presignedHandler({
      store,
      parts,
      secret,
      clock,
      maxUploadBytes: 1000,
      onObjectCreated: async (o) => void created.push(o),
      awaitingUpload: async (item) => {
        asked.push(item);
        return waiting;
      },
    });
    const { url } = await store.presignPut(KEY, { expiresInSeconds: 60, contentLength: 5 });
    const plan = await parts.start(KEY, 7, { partSize: 4 });
    const { parts: signed } = await parts.presignParts(KEY, plan.uploadId, { size: 7, partSize: 4 }, [1], { expiresInSeconds: 60 });
    await expect(guarded(put(url, 'photo'))).rejects.toThrow(/not waiting for an upload/);
    await expect(guarded(put(signed[0]?.url ?? '', 'abcd'))).rejects.toBeInstanceOf(ConflictError);
    expect(await store.head(KEY)).toBeUndefined();
    expect(asked[0]).toEqual({ ownerId: 'alice', mediaId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    // Only a verified URL gets as far as the question.
    await expect(guarded(put(url.replace('sig=', 'sig=x'), 'photo'))).rejects.toBeInstanceOf(ForbiddenError);
    expect(asked).toHaveLength(2);
    waiting = true;
    expect((await guarded(put(url, 'photo'))).status).toBe(200);
    expect(created).toEqual([{ key: KEY, size: 5 }]);
  });

  it('serves a presigned GET, as an attachment when it names a file, and 404s a missing object', async () => {
    await store.put(KEY, Buffer.from('bytes'));
    const { url } = await store.presignGet(KEY, { expiresInSeconds: 60, downloadFilename: 'Café "1".pdf' });
    const res = await handle(new Request(url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Caf_ _1_.pdf"; filename*=UTF-8''Caf%C3%A9%20%221%22.pdf`);
    expect(await res.text()).toBe('bytes');
    await store.delete(KEY);
    await expect(handle(new Request(url))).rejects.toBeInstanceOf(NotFoundError);
  });
});
