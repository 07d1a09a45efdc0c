import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Clock, MultipartUploads, ObjectStore } from '@mediaflow/domain';
import { ingestObject, type ServiceDeps } from '@mediaflow/media-service';
import { inMemoryDeps, type InMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens } from './auth.js';
import type { MultipartUpload, ReceivedPart, UploadParts, UploadStarted, UploadStatus } from './client/mediaflow-client.js';
import { LocalTokens } from './local-tokens.js';

// A multipart upload stopped half way and resumed by another client, through the API as
// `mediaflow serve` composes it: the filesystem object store, its multipart uploads and the
// `/_local/objects/*` handler that takes the part PUTs. The API's module boundaries keep the
// storage adapters out of its sources (the apps choose them), so the local store is loaded from
// its source by path, as `downloads.medium.ts` does.

const WORKSPACE = resolve(__dirname, '../../..');
const MIB = 1024 * 1024;
const PART = 5 * MIB;

interface FsOptions {
  root: string;
  baseUrl: string;
  secret: Uint8Array;
  clock?: Clock;
}
/** What this test uses of `@mediaflow/storage/fs`. */
interface FsStorage {
  FsObjectStore: new (options: FsOptions) => ObjectStore;
  FsMultipartUploads: new (options: FsOptions) => MultipartUploads;
  presignedHandler(options: {
    store: ObjectStore;
    parts: MultipartUploads;
    secret: Uint8Array;
    maxUploadBytes: number;
    clock: Clock;
    onObjectCreated(object: { key: string; size: number }): Promise<void>;
    awaitingUpload(target: { ownerId: string; mediaId: string }): Promise<boolean>;
  }): (request: Request) => Promise<Response>;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('resuming a multipart upload through the API on the local store', () => {
  let root: string;
  let deps: ServiceDeps & Pick<InMemoryDeps, 'clock'>;
  let app: ReturnType<typeof createApi>;
  let tokens: LocalTokens;

  beforeEach(async () => {
    const storage = (await import(join(WORKSPACE, 'libs/storage/src/fs/index.ts'))) as FsStorage;
    root = await mkdtemp(join(tmpdir(), 'mf-api-resume-'));
    const base = inMemoryDeps({}, { config: { multipartThresholdBytes: PART, multipartPartBytes: PART } });
    const options: FsOptions = { root, baseUrl: 'http://localhost:3000', secret: randomBytes(32), clock: base.clock };
    const store = new storage.FsObjectStore(options);
    const multipart = new storage.FsMultipartUploads(options);
    deps = { ...base, store, multipart };
    const localUploads = storage.presignedHandler({
      store,
      parts: multipart,
      secret: options.secret,
      maxUploadBytes: deps.config.maxUploadBytes,
      clock: base.clock,
      onObjectCreated: async () => undefined,
      awaitingUpload: async ({ ownerId, mediaId }) => (await deps.repo.get(ownerId, mediaId))?.status === 'uploading',
    });
    tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => deps.clock.now() });
    app = createApi({ deps, verifier: bearerTokens(tokens), localUploads });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A client of `owner`: JSON requests with its bearer token. */
  function client(owner: string) {
    const token = tokens.issue(owner, { roles: [] });
    return async (path: string, init: { method?: string; json?: unknown } = {}): Promise<Response> =>
      app.request(path, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      });
  }

  /** PUTs one part to its presigned URL (the local handler, no token) and returns its ETag. */
  async function putPart(url: string, file: Buffer, number: number): Promise<string> {
    const res = await app.request(url, { method: 'PUT', body: file.subarray((number - 1) * PART, number * PART) });
    expect([number, res.status]).toEqual([number, 200]);
    return res.headers.get('etag') ?? '';
  }

  /** A started multipart upload of a generated file of six parts (the last one short). */
  async function startSixParts(owner = 'alice') {
    const file = randomBytes(5 * PART + 4321);
    const res = await client(owner)('/api/v1/uploads', { method: 'POST', json: { filename: 'holiday.mov', size: file.byteLength } });
    expect(res.status).toBe(201);
    const started = (await res.json()) as UploadStarted;
    const upload = started.upload as MultipartUpload;
    return { file, id: started.id, upload };
  }

  it('resumes: the second client learns what arrived, fetches URLs for the rest, completes, and the original is the file', async () => {
    const { file, id, upload } = await startSixParts();
    expect(upload).toMatchObject({ partSize: PART, partCount: 6, partsUrl: `/api/v1/uploads/${id}/parts`, completeUrl: `/api/v1/uploads/${id}/complete` });
    expect(upload.parts.map((p) => p.number)).toEqual([1, 2, 3, 4]);
    expect(Date.parse(upload.expiresAt) - deps.clock.now().getTime()).toBe(900_000);
    expect(Date.parse(upload.resumableUntil) - deps.clock.now().getTime()).toBe(86_400_000);

    // The first client sends half the parts, then stops (its tab closed, its laptop slept).
    const firstEtags = new Map<number, string>();
    for (const part of upload.parts.slice(0, 3)) firstEtags.set(part.number, await putPart(part.url, file, part.number));
    deps.clock.advance(20 * 60 * 1000); // the URLs it held have lapsed meanwhile

    // A new client knows only the item's id.
    const call = client('alice');
    const status = (await (await call(`/api/v1/uploads/${id}`)).json()) as UploadStatus;
    expect(status).toMatchObject({ id, status: 'uploading', size: file.byteLength, filename: 'holiday.mov', resumable: true });
    expect(status.multipart).toMatchObject({ uploadId: upload.uploadId, partSize: PART, partCount: 6, resumableUntil: upload.resumableUntil });
    const received = status.multipart?.received ?? [];
    expect(received.map((p) => [p.number, p.size, `"${p.etag}"`])).toEqual([1, 2, 3].map((n) => [n, PART, firstEtags.get(n)]));

    const missing = [1, 2, 3, 4, 5, 6].filter((n) => !received.some((p) => p.number === n));
    const partsRes = await call(`/api/v1/uploads/${id}/parts`, { method: 'POST', json: { numbers: missing } });
    expect(partsRes.status).toBe(200);
    const fresh = (await partsRes.json()) as UploadParts;
    expect(fresh.parts.map((p) => p.number)).toEqual([4, 5, 6]);
    expect(Date.parse(fresh.expiresAt) - deps.clock.now().getTime()).toBe(900_000);
    const sent: ReceivedPart[] = [];
    for (const part of fresh.parts) sent.push({ number: part.number, etag: await putPart(part.url, file, part.number), size: 0 });

    const parts = [...received, ...sent].sort((a, b) => a.number - b.number).map(({ number, etag }) => ({ number, etag }));
    const completed = await call(`/api/v1/uploads/${id}/complete`, { method: 'POST', json: { uploadId: upload.uploadId, parts } });
    expect(completed.status).toBe(202);
    const stored = await deps.store.get(`originals/alice/${id}`);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stored.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(file));

    // Ingest takes it: the upload is finished, nothing is left to resume, and no part URL is handed out.
    await ingestObject(deps, { key: `originals/alice/${id}`, size: file.byteLength });
    const finished = (await (await call(`/api/v1/uploads/${id}`)).json()) as UploadStatus;
    expect(finished.status).not.toBe('uploading');
    expect(finished.resumable).toBe(false);
    expect(finished.multipart).toBeUndefined();
    expect((await call(`/api/v1/uploads/${id}/parts`, { method: 'POST', json: { numbers: [1] } })).status).toBe(409);
  });

  it('answers another owner with 404, as for an item that does not exist', async () => {
    const { id } = await startSixParts();
    const bob = client('bob');
    for (const res of [await bob(`/api/v1/uploads/${id}`), await bob(`/api/v1/uploads/${id}/parts`, { method: 'POST', json: { numbers: [5] } })]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await client('alice')('/api/v1/uploads/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
  });

  it('refuses bad part numbers with 400 and a reason', async () => {
    const { id } = await startSixParts();
    const call = client('alice');
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1);
    for (const body of [{ numbers: [0] }, { numbers: [7] }, { numbers: [2, 2] }, { numbers: [] }, { numbers: tooMany }, { numbers: ['1'] }, { numbers: [1.5] }, {}]) {
      const res = await call(`/api/v1/uploads/${id}/parts`, { method: 'POST', json: body });
      expect([JSON.stringify(body).slice(0, 40), res.status]).toEqual([JSON.stringify(body).slice(0, 40), 400]);
      expect(((await res.json()) as { detail: string }).detail).not.toBe('');
    }
  });

  it('refuses to complete with only the first parts or another upload id (400), keeping the upload to finish', async () => {
    const { file, id, upload } = await startSixParts();
    const call = client('alice');
    const etags = [];
    for (const part of upload.parts) etags.push({ number: part.number, etag: await putPart(part.url, file, part.number) });
    for (const json of [{ uploadId: upload.uploadId, parts: etags }, { uploadId: 'a'.repeat(32), parts: etags }]) {
      const res = await call(`/api/v1/uploads/${id}/complete`, { method: 'POST', json });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/numbered 1 to 6 in order|not the upload id of this item/);
    }
    await expect(deps.store.head(`originals/alice/${id}`)).resolves.toBeUndefined();
    expect(((await (await call(`/api/v1/uploads/${id}`)).json()) as UploadStatus).multipart?.received.map((p) => p.number)).toEqual([1, 2, 3, 4]);
  });

  it('answers a completion of another owner’s or an unknown upload with 404', async () => {
    const { id, upload } = await startSixParts();
    const json = { uploadId: upload.uploadId, parts: [{ number: 1, etag: '"0123456789abcdef0123456789abcdef"' }] };
    expect((await client('bob')(`/api/v1/uploads/${id}/complete`, { method: 'POST', json })).status).toBe(404);
    expect((await client('alice')('/api/v1/uploads/01ARZ3NDEKTSV4RRFFQ69G5FAV/complete', { method: 'POST', json })).status).toBe(404);
  });

  it('hands out no part URL past the resume window (409 resume_window_over) and says it is not resumable', async () => {
    const { id } = await startSixParts();
    const call = client('alice');
    deps.clock.advance(24 * 3600 * 1000);
    const res = await call(`/api/v1/uploads/${id}/parts`, { method: 'POST', json: { numbers: [5] } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'resume_window_over', type: 'urn:mediaflow:problem:resume_window_over' });
    const status = (await (await call(`/api/v1/uploads/${id}`)).json()) as UploadStatus;
    expect(status).toMatchObject({ status: 'uploading', resumable: false });
    expect(status.multipart).toBeUndefined();
  });

  it('answers 409 for the parts of a single-PUT upload, and says it is not resumable', async () => {
    const call = client('alice');
    const started = (await (await call('/api/v1/uploads', { method: 'POST', json: { filename: 'a.png', size: 100 } })).json()) as UploadStarted;
    expect((await call(`/api/v1/uploads/${started.id}/parts`, { method: 'POST', json: { numbers: [1] } })).status).toBe(409);
    expect((await (await call(`/api/v1/uploads/${started.id}`)).json()) as UploadStatus).toMatchObject({ status: 'uploading', resumable: false });
  });

  it('discards the stored parts when the owner deletes the item while it uploads', async () => {
    const { file, id, upload } = await startSixParts();
    const first = upload.parts[0];
    if (first === undefined) throw new Error('no part URL');
    await putPart(first.url, file, 1);
    expect((await client('alice')(`/api/v1/media/${id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    await expect(deps.multipart?.listParts(`originals/alice/${id}`, upload.uploadId)).rejects.toThrow(/no upload/);
    expect((await client('alice')(`/api/v1/uploads/${id}`)).status).toBe(404);
  });
});
