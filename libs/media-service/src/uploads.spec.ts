import { ConflictError, type MediaItem, type MediaStatus, NotFoundError, ValidationError } from '@mediaflow/domain';
import { InMemoryMediaRepository } from '@mediaflow/domain/testing';
import { deleteMedia } from './commands.js';
import { refusalReason, ResumeWindowOverError } from './errors.js';
import { sweepOrphans, type SweeperDeps } from './sweeper.js';
import { inMemoryDeps } from './testing/index.js';
import { trashMedia } from './trash.js';
import { completeMultipartUpload, presignUploadParts, startUpload, uploadStatus } from './uploads.js';
import { MemoryMultipartUploads } from './uploads.spec-support.js';

const MIB = 1024 * 1024;
const PART = 5 * MIB;
/** Seven parts: six whole ones and a last one of 7 bytes. */
const SIZE = 6 * PART + 7;
const HOUR_MS = 3600 * 1000;

/** The in-memory repository plus the housekeeping query the sweeper asks (it does not offer it itself). */
class StaleAwareRepository extends InMemoryMediaRepository {
  private readonly known = new Set<string>();

  override async create(item: MediaItem): Promise<MediaItem> {
    const created = await super.create(item);
    this.known.add(`${item.ownerId}/${item.id}`);
    return created;
  }

  async listStale(status: MediaStatus, before: Date, limit: number): Promise<MediaItem[]> {
    const found: MediaItem[] = [];
    for (const entry of this.known) {
      const [ownerId = '', id = ''] = entry.split('/');
      const item = await this.get(ownerId, id);
      if (item?.status === status && item.updatedAt < before.toISOString()) found.push(item);
    }
    return found.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : 1)).slice(0, limit);
  }
}

/** Seven parts' bodies and their etags, sent to the store as the client's PUTs would be. */
function sendAll(s: Setup, uploadId: string): { number: number; etag: string }[] {
  return [1, 2, 3, 4, 5, 6, 7].map((number) => ({ number, etag: `"${s.multipart.putPart(uploadId, number, Buffer.alloc(number < 7 ? 16 : 7, number))}"` }));
}

function setup(config: Record<string, unknown> = {}) {
  const base = inMemoryDeps({}, { config: { multipartThresholdBytes: 1000, multipartPartBytes: PART, ...config } });
  const multipart = new MemoryMultipartUploads(base.clock, base.store);
  const deps = { ...base, repo: new StaleAwareRepository(), multipart };
  return { deps, multipart, clock: base.clock };
}

type Setup = ReturnType<typeof setup>;

async function startMultipart({ deps }: Setup, owner = 'alice', size = SIZE) {
  const result = await startUpload(deps, owner, { filename: 'holiday.mov', size });
  if (result.duplicate || 'method' in result.upload) throw new Error('expected a multipart upload');
  return { id: result.id, upload: result.upload };
}

describe('startUpload, multipart', () => {
  it('records the store upload on the item and hands out URLs for the first four parts only', async () => {
    const s = setup();
    const { id, upload } = await startMultipart(s);
    expect(upload).toEqual({
      uploadId: 'upload-1',
      partSize: PART,
      partCount: 7,
      parts: [1, 2, 3, 4].map((number) => ({ number, url: expect.stringContaining(`upload-1/${number}?`) })),
      expiresAt: '2026-06-01T00:15:00.000Z',
      resumableUntil: '2026-06-02T00:00:00.000Z',
    });
    expect((await s.deps.repo.get('alice', id))?.upload).toEqual({ multipartId: 'upload-1', partSize: PART, partCount: 7 });
  });

  it('hands out every part URL of an upload of fewer than four parts, and follows the configured lifetimes', async () => {
    const s = setup({ uploadPartUrlTtlSeconds: 60, uploadResumeWindowSeconds: 7200 });
    const { upload } = await startMultipart(s, 'alice', 2 * PART);
    expect(upload.parts.map((p) => p.number)).toEqual([1, 2]);
    expect(upload.expiresAt).toBe('2026-06-01T00:01:00.000Z');
    expect(upload.resumableUntil).toBe('2026-06-01T02:00:00.000Z');
  });

  it('keeps a single PUT below the threshold, without an upload on the item', async () => {
    const s = setup();
    const result = await startUpload(s.deps, 'alice', { filename: 'a.png', size: 999 });
    if (result.duplicate) throw new Error('unexpected duplicate');
    expect(result.upload).toMatchObject({ method: 'PUT' });
    expect((await s.deps.repo.get('alice', result.id))?.upload).toBeUndefined();
    expect(s.multipart.uploads.size).toBe(0);
  });

  it('aborts the store upload when the item cannot be created', async () => {
    const s = setup();
    s.deps.repo.create = async () => {
      throw new ConflictError('the id exists');
    };
    await expect(startUpload(s.deps, 'alice', { filename: 'a.mov', size: SIZE })).rejects.toBeInstanceOf(ConflictError);
    expect(s.multipart.aborted).toEqual([{ key: expect.stringMatching(/^originals\/alice\//), uploadId: 'upload-1' }]);
  });
});

describe('presignUploadParts', () => {
  it('signs the parts asked for, for the part URL lifetime', async () => {
    const s = setup();
    const { id } = await startMultipart(s);
    s.clock.advance(HOUR_MS);
    const signed = await presignUploadParts(s.deps, 'alice', id, [7, 5]);
    expect(signed.parts.map((p) => p.number)).toEqual([7, 5]);
    expect(signed.parts[0]?.url).toContain('length=7&');
    expect(signed.parts[1]?.url).toContain(`length=${PART}&`);
    expect(signed.expiresAt).toBe('2026-06-01T01:15:00.000Z');
  });

  it('answers another owner\u2019s or a missing item as not found', async () => {
    const s = setup();
    const { id } = await startMultipart(s);
    await expect(presignUploadParts(s.deps, 'bob', id, [1])).rejects.toBeInstanceOf(NotFoundError);
    await expect(presignUploadParts(s.deps, 'alice', '01ARZ3NDEKTSV4RRFFQ69G5FAV', [1])).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses numbers outside 1..partCount, repeated, none or more than 100', async () => {
    const s = setup();
    const { id } = await startMultipart(s);
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1);
    for (const numbers of [[0], [8], [1.5], [2, 2], [], tooMany]) {
      await expect(presignUploadParts(s.deps, 'alice', id, numbers)).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('refuses an item that no longer uploads, or whose upload is a single PUT (409)', async () => {
    const s = setup();
    const { id } = await startMultipart(s);
    const item = await s.deps.repo.get('alice', id);
    if (item === undefined) throw new Error('no item');
    await s.deps.repo.update({ ...item, status: 'uploaded', version: item.version + 1 }, item.version);
    await expect(presignUploadParts(s.deps, 'alice', id, [1])).rejects.toBeInstanceOf(ConflictError);
    const single = await startUpload(s.deps, 'alice', { filename: 'a.png', size: 10 });
    await expect(presignUploadParts(s.deps, 'alice', single.id, [1])).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('the resume window', () => {
  it('hands out part URLs until resumableUntil, then refuses with resume_window_over (409)', async () => {
    const s = setup({ uploadResumeWindowSeconds: 7200 });
    const { id } = await startMultipart(s);
    s.clock.advance(2 * HOUR_MS - 1);
    expect((await presignUploadParts(s.deps, 'alice', id, [5])).parts).toHaveLength(1);
    s.clock.advance(1);
    const refusal = await presignUploadParts(s.deps, 'alice', id, [5]).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ResumeWindowOverError);
    expect(refusal).toBeInstanceOf(ConflictError);
    expect(refusalReason(refusal)).toBe('resume_window_over');
    expect(refusal).toMatchObject({ details: { reason: 'resume_window_over', resumableUntil: '2026-06-01T02:00:00.000Z' } });
  });

  it('says an upload past its window is not resumable, though the store still has its parts', async () => {
    const s = setup({ uploadResumeWindowSeconds: 7200 });
    const { id } = await startMultipart(s);
    s.clock.advance(HOUR_MS);
    expect(await uploadStatus(s.deps, 'alice', id)).toMatchObject({ resumable: true });
    s.clock.advance(HOUR_MS);
    const status = await uploadStatus(s.deps, 'alice', id);
    expect(status).toMatchObject({ status: 'uploading', resumable: false });
    expect(status.multipart).toBeUndefined();
    expect(s.multipart.uploads.size).toBe(1);
  });
});

describe('completeMultipartUpload', () => {
  it('completes with every part of the item’s own upload', async () => {
    const s = setup();
    const { id, upload } = await startMultipart(s);
    await completeMultipartUpload(s.deps, 'alice', id, upload.uploadId, sendAll(s, upload.uploadId));
    expect((await s.deps.store.head(`originals/alice/${id}`))?.size).toBe(6 * 16 + 7);
  });

  it('refuses only the first parts, parts out of order or repeated, and keeps the upload', async () => {
    const s = setup();
    const { id, upload } = await startMultipart(s);
    const all = sendAll(s, upload.uploadId);
    const [p1, p2, p3, p4, p5, p6, p7] = all;
    if (p1 === undefined || p2 === undefined || p3 === undefined || p4 === undefined || p5 === undefined || p6 === undefined || p7 === undefined) throw new Error('seven parts');
    for (const parts of [all.slice(0, 4), [], [p2, p1, p3, p4, p5, p6, p7], [p1, p2, p3, p4, p5, p6, p6], [...all, p7]]) {
      const refusal = await completeMultipartUpload(s.deps, 'alice', id, upload.uploadId, parts).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ValidationError);
      expect((refusal as ValidationError).message).toContain('numbered 1 to 7 in order');
    }
    expect(await s.deps.store.head(`originals/alice/${id}`)).toBeUndefined();
    expect(s.multipart.uploads.has(upload.uploadId)).toBe(true);
  });

  it('refuses another upload id than the item’s, even one of the owner’s other uploads', async () => {
    const s = setup();
    const first = await startMultipart(s);
    const second = await startMultipart(s);
    const parts = sendAll(s, second.upload.uploadId);
    await expect(completeMultipartUpload(s.deps, 'alice', first.id, second.upload.uploadId, parts)).rejects.toThrow(/not the upload id of this item/);
    await expect(completeMultipartUpload(s.deps, 'alice', first.id, 'upload-99', parts)).rejects.toBeInstanceOf(ValidationError);
    expect(s.multipart.uploads.has(second.upload.uploadId)).toBe(true);
  });

  it('answers another owner’s or an unknown item as not found, and a finished one as a conflict', async () => {
    const s = setup();
    const { id, upload } = await startMultipart(s);
    const parts = sendAll(s, upload.uploadId);
    await expect(completeMultipartUpload(s.deps, 'bob', id, upload.uploadId, parts)).rejects.toBeInstanceOf(NotFoundError);
    await expect(completeMultipartUpload(s.deps, 'alice', '01ARZ3NDEKTSV4RRFFQ69G5FAV', upload.uploadId, parts)).rejects.toBeInstanceOf(NotFoundError);
    const item = await s.deps.repo.get('alice', id);
    if (item === undefined) throw new Error('no item');
    await s.deps.repo.update({ ...item, status: 'uploaded', version: item.version + 1 }, item.version);
    await expect(completeMultipartUpload(s.deps, 'alice', id, upload.uploadId, parts)).rejects.toBeInstanceOf(ConflictError);
  });

  it('is refused by the store for a part whose etag is not the one its PUT answered', async () => {
    const s = setup();
    const { id, upload } = await startMultipart(s);
    const parts = sendAll(s, upload.uploadId).map((p) => (p.number === 3 ? { ...p, etag: '"0123456789abcdef0123456789abcdef"' } : p));
    await expect(completeMultipartUpload(s.deps, 'alice', id, upload.uploadId, parts)).rejects.toThrow(/part 3 does not match its etag/);
  });
});

describe('uploadStatus', () => {
  it('lists the parts received while the store has the upload, then resumes and completes with them', async () => {
    const s = setup();
    const { id, upload } = await startMultipart(s);
    expect(await uploadStatus(s.deps, 'alice', id)).toEqual({
      id,
      status: 'uploading',
      size: SIZE,
      filename: 'holiday.mov',
      createdAt: '2026-06-01T00:00:00.000Z',
      resumable: true,
      multipart: { uploadId: upload.uploadId, partSize: PART, partCount: 7, received: [], resumableUntil: '2026-06-02T00:00:00.000Z' },
    });
    const part = (n: number): Buffer => Buffer.alloc(n < 7 ? 16 : 7, n);
    for (const n of [3, 1]) s.multipart.putPart(upload.uploadId, n, part(n));
    const status = await uploadStatus(s.deps, 'alice', id);
    expect(status.multipart?.received.map((p) => [p.number, p.size])).toEqual([[1, 16], [3, 16]]);
    const missing = [1, 2, 3, 4, 5, 6, 7].filter((n) => !status.multipart?.received.some((p) => p.number === n));
    for (const signed of (await presignUploadParts(s.deps, 'alice', id, missing)).parts) s.multipart.putPart(upload.uploadId, signed.number, part(signed.number));
    const all = (await uploadStatus(s.deps, 'alice', id)).multipart?.received ?? [];
    await completeMultipartUpload(s.deps, 'alice', id, upload.uploadId, all);
    // Completed: the store has no upload left, so it is no longer resumable.
    expect(await uploadStatus(s.deps, 'alice', id)).toMatchObject({ status: 'uploading', resumable: false });
    expect((await uploadStatus(s.deps, 'alice', id)).multipart).toBeUndefined();
  });

  it('answers another owner\u2019s item as not found', async () => {
    const s = setup();
    const { id } = await startMultipart(s);
    await expect(uploadStatus(s.deps, 'bob', id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('says a finished item, or a single PUT, is not resumable', async () => {
    const s = setup();
    const { id } = await startMultipart(s);
    const item = await s.deps.repo.get('alice', id);
    if (item === undefined) throw new Error('no item');
    await s.deps.repo.update({ ...item, status: 'ready', version: item.version + 1 }, item.version);
    expect(await uploadStatus(s.deps, 'alice', id)).toEqual(expect.objectContaining({ status: 'ready', resumable: false }));
    expect((await uploadStatus(s.deps, 'alice', id)).multipart).toBeUndefined();
    const single = await startUpload(s.deps, 'alice', { filename: 'a.png', size: 10 });
    expect(await uploadStatus(s.deps, 'alice', single.id)).toMatchObject({ status: 'uploading', resumable: false });
  });
});

describe('discarding multipart uploads', () => {
  it('aborts the store upload of an item deleted while uploading, through the trash or for good', async () => {
    const s = setup();
    const first = await startMultipart(s);
    expect(await trashMedia(s.deps, 'alice', first.id)).toBeUndefined();
    const second = await startMultipart(s);
    await deleteMedia(s.deps, 'alice', second.id);
    expect(s.multipart.aborted.map((a) => a.uploadId)).toEqual([first.upload.uploadId, second.upload.uploadId]);
    expect(s.multipart.uploads.size).toBe(0);
    // The parts' URLs are of no use any more.
    expect(() => s.multipart.putPart(first.upload.uploadId, 2, Buffer.alloc(1))).toThrow(NotFoundError);
  });

  it('aborts the store upload when it finishes a delete that stopped after marking the item deleted', async () => {
    const s = setup();
    const { id, upload } = await startMultipart(s);
    const item = await s.deps.repo.get('alice', id);
    if (item === undefined) throw new Error('no item');
    await s.deps.repo.update({ ...item, status: 'deleted', version: item.version + 1 }, item.version);
    await deleteMedia(s.deps, 'alice', id);
    expect(s.multipart.aborted).toEqual([{ key: `originals/alice/${id}`, uploadId: upload.uploadId }]);
    expect(await s.deps.repo.get('alice', id)).toBeUndefined();
  });

  it('still deletes when the abort fails, with a warning', async () => {
    const s = setup();
    const logged: Record<string, unknown>[] = [];
    const deps = { ...s.deps, log: (entry: Record<string, unknown>) => void logged.push(entry) };
    const { id } = await startMultipart(s);
    s.multipart.abort = async () => {
      throw new Error('S3 is down');
    };
    await deleteMedia(deps, 'alice', id);
    expect(await s.deps.repo.get('alice', id)).toBeUndefined();
    expect(logged).toEqual([expect.objectContaining({ level: 'warn', mediaId: id, error: 'Error: S3 is down' })]);
  });

  it('does not abort anything when an item that finished uploading is deleted', async () => {
    const s = setup();
    const { id } = await startMultipart(s);
    const item = await s.deps.repo.get('alice', id);
    if (item === undefined) throw new Error('no item');
    await s.deps.repo.update({ ...item, status: 'ready', version: item.version + 1 }, item.version);
    await deleteMedia(s.deps, 'alice', id);
    expect(s.multipart.aborted).toEqual([]);
  });
});

describe('the sweeper and multipart uploads', () => {
  const sweeperDeps = (s: Setup): SweeperDeps => s.deps;

  it('keeps a multipart upload for its resume window, then removes the item and aborts the store upload', async () => {
    const s = setup({ uploadUrlTtlSeconds: 3600, uploadPartUrlTtlSeconds: 900, uploadResumeWindowSeconds: 24 * 3600 });
    const multipart = await startMultipart(s);
    const single = await startUpload(s.deps, 'alice', { filename: 'a.png', size: 10 });
    // Past the URL lifetime and the grace period: the single PUT is abandoned, the multipart upload waits.
    s.clock.advance(3 * HOUR_MS);
    expect((await sweepOrphans(sweeperDeps(s))).abandonedUploads).toBe(1);
    expect(await s.deps.repo.get('alice', single.id)).toBeUndefined();
    expect((await s.deps.repo.get('alice', multipart.id))?.status).toBe('uploading');
    // Within the window and the last part URL's lifetime (plus the grace period): still kept.
    s.clock.advance(22 * HOUR_MS);
    expect((await sweepOrphans(sweeperDeps(s))).abandonedUploads).toBe(0);
    expect(s.multipart.aborted).toEqual([]);
    s.clock.advance(HOUR_MS);
    expect((await sweepOrphans(sweeperDeps(s))).abandonedUploads).toBe(1);
    expect(await s.deps.repo.get('alice', multipart.id)).toBeUndefined();
    expect(s.multipart.aborted).toEqual([{ key: `originals/alice/${multipart.id}`, uploadId: multipart.upload.uploadId }]);
  });

  it('counts the window from the item’s creation, not its last change', async () => {
    const s = setup({ uploadUrlTtlSeconds: 3600, uploadPartUrlTtlSeconds: 900, uploadResumeWindowSeconds: 24 * 3600 });
    const { id, upload } = await startMultipart(s);
    // A change to the item half-way through its window (a rename) does not lengthen it.
    s.clock.advance(12 * HOUR_MS);
    const item = await s.deps.repo.get('alice', id);
    if (item === undefined) throw new Error('no item');
    await s.deps.repo.update({ ...item, updatedAt: s.clock.now().toISOString(), version: item.version + 1 }, item.version);
    // Window, last part URL and grace period (an hour) over since creation: 24 h + 15 min + 1 h.
    s.clock.advance(13 * HOUR_MS + 15 * 60 * 1000);
    expect((await sweepOrphans(sweeperDeps(s))).abandonedUploads).toBe(0);
    s.clock.advance(1);
    expect((await sweepOrphans(sweeperDeps(s))).abandonedUploads).toBe(1);
    expect(s.multipart.aborted).toEqual([{ key: `originals/alice/${id}`, uploadId: upload.uploadId }]);
  });

  it('reaches abandoned single PUTs behind more multipart uploads in their window than a batch holds', async () => {
    const s = setup({ uploadUrlTtlSeconds: 3600 });
    const resumable = [await startMultipart(s), await startMultipart(s), await startMultipart(s)];
    s.clock.advance(60 * 1000);
    const single = await startUpload(s.deps, 'alice', { filename: 'a.png', size: 10 });
    s.clock.advance(3 * HOUR_MS);
    expect((await sweepOrphans(sweeperDeps(s), { batchSize: 2 })).abandonedUploads).toBe(1);
    expect(await s.deps.repo.get('alice', single.id)).toBeUndefined();
    for (const { id } of resumable) expect((await s.deps.repo.get('alice', id))?.status).toBe('uploading');
  });

  it('still takes at most a batch of abandoned uploads a run', async () => {
    const s = setup({ uploadUrlTtlSeconds: 3600 });
    for (let i = 0; i < 3; i += 1) await startUpload(s.deps, 'alice', { filename: `${i}.png`, size: 10 });
    s.clock.advance(3 * HOUR_MS);
    expect((await sweepOrphans(sweeperDeps(s), { batchSize: 2 })).abandonedUploads).toBe(2);
    expect((await sweepOrphans(sweeperDeps(s), { batchSize: 2, dryRun: true })).abandonedUploads).toBe(1);
  });

  it('aborts the store upload of an item whose delete it finishes', async () => {
    const s = setup();
    const { id, upload } = await startMultipart(s);
    const item = await s.deps.repo.get('alice', id);
    if (item === undefined) throw new Error('no item');
    await s.deps.repo.update({ ...item, status: 'deleted', version: item.version + 1 }, item.version);
    s.clock.advance(2 * HOUR_MS);
    expect((await sweepOrphans(sweeperDeps(s))).finishedDeletes).toBe(1);
    expect(s.multipart.aborted).toEqual([{ key: `originals/alice/${id}`, uploadId: upload.uploadId }]);
  });

  it('keeps temp files (the local store’s parts) for a resume window longer than a day', async () => {
    const s = setup({ uploadResumeWindowSeconds: 3 * 24 * 3600, uploadPartUrlTtlSeconds: 900 });
    const ages: number[] = [];
    const deps: SweeperDeps = { ...s.deps, sweepTemporaryFiles: async (age) => ages.push(age) };
    await sweepOrphans(deps, { olderThanSeconds: 600 });
    await sweepOrphans({ ...deps, config: { ...s.deps.config, uploadResumeWindowSeconds: 3600 } });
    expect(ages).toEqual([3 * 24 * 3600 + 900, 24 * 3600]);
  });

  it('leaves the store upload alone on a dry run', async () => {
    const s = setup();
    await startMultipart(s);
    s.clock.advance(48 * HOUR_MS);
    expect((await sweepOrphans(sweeperDeps(s), { dryRun: true })).abandonedUploads).toBe(1);
    expect(s.multipart.aborted).toEqual([]);
  });
});
