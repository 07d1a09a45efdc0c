import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LimitExceededError, NotFoundError, ValidationError } from '@mediaflow/domain';
import { collectBytes, ManualClock } from '@mediaflow/domain/testing';
import { FsMultipartUploads } from './fs-multipart-uploads.js';
import { FsObjectStore } from './fs-object-store.js';
import type { FsObjectStoreOptions } from './options.js';
import { verifyPresigned } from './presign.js';

describe('FsMultipartUploads', () => {
  let root: string;
  let options: FsObjectStoreOptions;
  let uploads: FsMultipartUploads;
  let store: FsObjectStore;
  const key = 'originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV';
  const md5 = (b: Uint8Array): Buffer => createHash('md5').update(b).digest();

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mf-fs-multipart-'));
    options = { root, baseUrl: 'http://localhost:3000', secret: randomBytes(32), clock: new ManualClock('2026-03-01T12:00:00Z') };
    uploads = new FsMultipartUploads(options);
    store = new FsObjectStore(options);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Sends every part as the local server would: verify the URL, then store the body. */
  async function sendParts(plan: { uploadId: string; parts: { number: number; url: string }[] }, bytes: Buffer, partSize: number) {
    const etags: { number: number; etag: string }[] = [];
    for (const part of [...plan.parts].reverse()) {
      const grant = verifyPresigned({ url: part.url, method: 'PUT' }, options.secret, new Date('2026-03-01T12:01:00Z'));
      expect(grant).toMatchObject({ key, uploadId: plan.uploadId, partNumber: part.number });
      const body = bytes.subarray((part.number - 1) * partSize, part.number * partSize);
      expect(grant.contentLength).toBe(body.byteLength);
      const { etag } = await uploads.putPart(grant.key, plan.uploadId, part.number, body);
      etags.unshift({ number: part.number, etag: `"${etag}"` });
    }
    return etags;
  }

  it('plans presigned parts, assembles them in order and gives the S3 multipart etag', async () => {
    const bytes = randomBytes(25_000);
    const plan = await uploads.start(key, bytes.byteLength, { partSize: 10_000, expiresInSeconds: 3600, contentType: 'video/mp4' });
    expect(plan.parts.map((p) => p.number)).toEqual([1, 2, 3]);
    expect(plan.expiresAt.toISOString()).toBe('2026-03-01T13:00:00.000Z');
    const etags = await sendParts(plan, bytes, 10_000);
    const head = await uploads.complete(key, plan.uploadId, etags);
    const parts = [0, 1, 2].map((i) => md5(bytes.subarray(i * 10_000, (i + 1) * 10_000)));
    expect(head).toMatchObject({ key, size: 25_000, contentType: 'video/mp4' });
    expect(head.etag).toBe(`${md5(Buffer.concat(parts)).toString('hex')}-3`);
    // Hashed while the parts were assembled, so ingest need not read the object again.
    expect(head.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const got = await store.get(key);
    expect(got.head.etag).toBe(head.etag);
    expect(got.head.sha256).toBe(head.sha256);
    expect(Buffer.from(await collectBytes(got.body)).equals(bytes)).toBe(true);
    expect(await readdir(join(root, '.tmp', 'multipart'))).toEqual([]);
    await expect(uploads.complete(key, plan.uploadId, etags)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses to complete with a wrong etag, a missing part or parts out of order, and keeps the upload', async () => {
    const bytes = randomBytes(20_000);
    const plan = await uploads.start(key, bytes.byteLength, { partSize: 10_000, expiresInSeconds: 3600 });
    const first = await uploads.putPart(key, plan.uploadId, 1, bytes.subarray(0, 10_000));
    await expect(uploads.complete(key, plan.uploadId, [{ number: 1, etag: first.etag }, { number: 2, etag: first.etag }])).rejects.toBeInstanceOf(
      ValidationError,
    );
    const second = await uploads.putPart(key, plan.uploadId, 2, bytes.subarray(10_000));
    await expect(uploads.complete(key, plan.uploadId, [{ number: 1, etag: second.etag }, { number: 2, etag: second.etag }])).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(uploads.complete(key, plan.uploadId, [{ number: 2, etag: second.etag }, { number: 1, etag: first.etag }])).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(uploads.complete(key, plan.uploadId, [{ number: 1, etag: first.etag }])).rejects.toBeInstanceOf(ValidationError);
    expect(await store.head(key)).toBeUndefined();
    expect((await readdir(join(root, '.tmp'))).sort()).toEqual(['multipart']);
    // A part sent again replaces the old one; the upload still completes.
    const again = await uploads.putPart(key, plan.uploadId, 1, bytes.subarray(0, 10_000));
    expect(again.etag).toBe(first.etag);
    await uploads.complete(key, plan.uploadId, [first, second].map((p, i) => ({ number: i + 1, etag: p.etag })));
    expect(Buffer.from(await collectBytes((await store.get(key)).body)).equals(bytes)).toBe(true);
  });

  it('refuses parts of the wrong size or number', async () => {
    const plan = await uploads.start(key, 15, { partSize: 10, expiresInSeconds: 60 });
    await expect(uploads.putPart(key, plan.uploadId, 1, randomBytes(11))).rejects.toBeInstanceOf(LimitExceededError);
    await expect(uploads.putPart(key, plan.uploadId, 2, randomBytes(4))).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.putPart(key, plan.uploadId, 3, randomBytes(5))).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.putPart(key, plan.uploadId, 0, randomBytes(5))).rejects.toBeInstanceOf(ValidationError);
    expect((await readdir(join(root, '.tmp'))).sort()).toEqual(['multipart']);
  });

  it('aborts: the parts are gone, later parts and completion are refused, and abort is idempotent', async () => {
    const plan = await uploads.start(key, 20, { partSize: 10, expiresInSeconds: 60 });
    const part = await uploads.putPart(key, plan.uploadId, 1, randomBytes(10));
    await uploads.abort(key, plan.uploadId);
    await uploads.abort(key, plan.uploadId);
    expect(await readdir(join(root, '.tmp', 'multipart'))).toEqual([]);
    await expect(uploads.putPart(key, plan.uploadId, 2, randomBytes(10))).rejects.toBeInstanceOf(NotFoundError);
    await expect(uploads.complete(key, plan.uploadId, [{ number: 1, etag: part.etag }])).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.head(key)).toBeUndefined();
  });

  it('keeps each upload to its own key and refuses ids that are not its own', async () => {
    const plan = await uploads.start(key, 10, { partSize: 10, expiresInSeconds: 60 });
    await expect(uploads.putPart('originals/alice/other', plan.uploadId, 1, randomBytes(10))).rejects.toBeInstanceOf(NotFoundError);
    await uploads.abort('originals/alice/other', plan.uploadId);
    expect(await readdir(join(root, '.tmp', 'multipart'))).toEqual([plan.uploadId]);
    for (const id of ['../../..', '../multipart', 'ABCDEF', '']) {
      await expect(uploads.putPart(key, id, 1, randomBytes(10))).rejects.toBeInstanceOf(NotFoundError);
      await expect(uploads.complete(key, id, [])).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it('validates the plan', async () => {
    await expect(uploads.start('../x', 10, { partSize: 5, expiresInSeconds: 60 })).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.start(key, 0, { partSize: 5, expiresInSeconds: 60 })).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.start(key, 10, { partSize: 0, expiresInSeconds: 60 })).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.start(key, 10_001, { partSize: 1, expiresInSeconds: 60 })).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.start(key, 10, { partSize: 5, expiresInSeconds: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});
