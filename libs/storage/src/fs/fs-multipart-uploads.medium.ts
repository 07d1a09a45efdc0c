import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, unlink } from 'node:fs/promises';
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

  /** Starts an upload and presigns every part, for an hour. */
  async function startAll(size: number, options: { partSize: number; contentType?: string }) {
    const plan = await uploads.start(key, size, options);
    const numbers = Array.from({ length: plan.partCount }, (_, i) => i + 1);
    const signed = await uploads.presignParts(key, plan.uploadId, { size, partSize: plan.partSize }, numbers, { expiresInSeconds: 3600 });
    return { ...plan, ...signed };
  }

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
    const plan = await startAll(bytes.byteLength, { partSize: 10_000, contentType: 'video/mp4' });
    expect(plan.partCount).toBe(3);
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
    const plan = await uploads.start(key, bytes.byteLength, { partSize: 10_000 });
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
    const plan = await uploads.start(key, 15, { partSize: 10 });
    await expect(uploads.putPart(key, plan.uploadId, 1, randomBytes(11))).rejects.toBeInstanceOf(LimitExceededError);
    await expect(uploads.putPart(key, plan.uploadId, 2, randomBytes(4))).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.putPart(key, plan.uploadId, 3, randomBytes(5))).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.putPart(key, plan.uploadId, 0, randomBytes(5))).rejects.toBeInstanceOf(ValidationError);
    expect((await readdir(join(root, '.tmp'))).sort()).toEqual(['multipart']);
  });

  it('aborts: the parts are gone, later parts and completion are refused, and abort is idempotent', async () => {
    const plan = await uploads.start(key, 20, { partSize: 10 });
    const part = await uploads.putPart(key, plan.uploadId, 1, randomBytes(10));
    await uploads.abort(key, plan.uploadId);
    await uploads.abort(key, plan.uploadId);
    expect(await readdir(join(root, '.tmp', 'multipart'))).toEqual([]);
    await expect(uploads.putPart(key, plan.uploadId, 2, randomBytes(10))).rejects.toBeInstanceOf(NotFoundError);
    await expect(uploads.complete(key, plan.uploadId, [{ number: 1, etag: part.etag }])).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.head(key)).toBeUndefined();
  });

  it('keeps each upload to its own key and refuses ids that are not its own', async () => {
    const plan = await uploads.start(key, 10, { partSize: 10 });
    await expect(uploads.putPart('originals/alice/other', plan.uploadId, 1, randomBytes(10))).rejects.toBeInstanceOf(NotFoundError);
    await uploads.abort('originals/alice/other', plan.uploadId);
    expect(await readdir(join(root, '.tmp', 'multipart'))).toEqual([plan.uploadId]);
    for (const id of ['../../..', '../multipart', 'ABCDEF', '']) {
      await expect(uploads.putPart(key, id, 1, randomBytes(10))).rejects.toBeInstanceOf(NotFoundError);
      await expect(uploads.complete(key, id, [])).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it('validates the plan', async () => {
    await expect(uploads.start('../x', 10, { partSize: 5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.start(key, 0, { partSize: 5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.start(key, 10, { partSize: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.start(key, 10_001, { partSize: 1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('presigns only the parts asked for, each with its own length, and refuses numbers outside the plan', async () => {
    const plan = await uploads.start(key, 25, { partSize: 10 });
    expect(plan).toEqual({ uploadId: expect.stringMatching(/^[0-9a-f]{32}$/), partSize: 10, partCount: 3 });
    const signed = await uploads.presignParts(key, plan.uploadId, { size: 25, partSize: 10 }, [3, 2, 3], { expiresInSeconds: 900 });
    expect(signed.expiresAt.toISOString()).toBe('2026-03-01T12:15:00.000Z');
    const grants = signed.parts.map((p) => verifyPresigned({ url: p.url, method: 'PUT' }, options.secret, new Date('2026-03-01T12:14:59Z')));
    expect(grants.map((g) => [g.partNumber, g.contentLength])).toEqual([[3, 5], [2, 10]]);
    for (const numbers of [[0], [4], [1.5], [Number.NaN]]) {
      await expect(uploads.presignParts(key, plan.uploadId, { size: 25, partSize: 10 }, numbers, { expiresInSeconds: 900 })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(uploads.presignParts(key, plan.uploadId, { size: 25, partSize: 10 }, [1], { expiresInSeconds: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.presignParts(key, '../x', { size: 25, partSize: 10 }, [1], { expiresInSeconds: 60 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists the parts received, sorted, with the etags their PUTs answered, even after a restart', async () => {
    const bytes = randomBytes(45);
    const plan = await uploads.start(key, 45, { partSize: 10 });
    expect(await uploads.listParts(key, plan.uploadId)).toEqual([]);
    const sent = new Map<number, string>();
    for (const number of [5, 2, 4]) {
      sent.set(number, (await uploads.putPart(key, plan.uploadId, number, bytes.subarray((number - 1) * 10, number * 10))).etag);
    }
    // Another process on the same root (a restarted server) sees the same parts.
    const listed = await new FsMultipartUploads(options).listParts(key, plan.uploadId);
    expect(listed).toEqual([
      { number: 2, etag: sent.get(2), size: 10 },
      { number: 4, etag: sent.get(4), size: 10 },
      { number: 5, etag: sent.get(5), size: 5 },
    ]);
    expect(listed.map((p) => p.etag)).toEqual([2, 4, 5].map((n) => md5(bytes.subarray((n - 1) * 10, n * 10)).toString('hex')));
    // A part kept without its etag file (written before etags were kept) is hashed instead.
    await unlink(join(root, '.tmp', 'multipart', plan.uploadId, 'part-4.etag'));
    expect(await uploads.listParts(key, plan.uploadId)).toEqual(listed);
    // The listed etags complete the upload once the rest arrive.
    for (const number of [1, 3]) await uploads.putPart(key, plan.uploadId, number, bytes.subarray((number - 1) * 10, number * 10));
    const all = await uploads.listParts(key, plan.uploadId);
    expect(all.map((p) => p.number)).toEqual([1, 2, 3, 4, 5]);
    await uploads.complete(key, plan.uploadId, all);
    expect(Buffer.from(await collectBytes((await store.get(key)).body)).equals(bytes)).toBe(true);
  });

  it('hashes a part whose etag was written for a PUT of it that stopped before its part moved in', async () => {
    const plan = await uploads.start(key, 20, { partSize: 10 });
    const first = Buffer.alloc(10, 1);
    await uploads.putPart(key, plan.uploadId, 1, first);
    const part = join(root, '.tmp', 'multipart', plan.uploadId, 'part-1');
    // A second PUT of part 1 writes its etag, then cannot rename its part in (a directory is in
    // the way), as if the process had died between the two; the first part is then put back.
    await rename(part, `${part}.kept`);
    await mkdir(join(part, 'in-the-way'), { recursive: true });
    await expect(uploads.putPart(key, plan.uploadId, 1, Buffer.alloc(10, 2))).rejects.toThrow();
    await rm(part, { recursive: true });
    await rename(`${part}.kept`, part);
    expect(await uploads.listParts(key, plan.uploadId)).toEqual([{ number: 1, etag: md5(first).toString('hex'), size: 10 }]);
  });

  it('lists no parts of an upload that is not there: finished, aborted, another key\u2019s or a bad id', async () => {
    const plan = await uploads.start(key, 10, { partSize: 10 });
    await expect(uploads.listParts('originals/alice/other', plan.uploadId)).rejects.toBeInstanceOf(NotFoundError);
    for (const id of ['../../..', 'ABCDEF', '', '0'.repeat(32)]) await expect(uploads.listParts(key, id)).rejects.toBeInstanceOf(NotFoundError);
    await uploads.abort(key, plan.uploadId);
    await expect(uploads.listParts(key, plan.uploadId)).rejects.toBeInstanceOf(NotFoundError);
  });
});
