import { createHash } from 'node:crypto';
import { ApiError } from '../api/client';
import type { UploadGrant, UploadParts, UploadStatus } from '../api/types';
import { fakeApi, mediaItem } from '../test/fixtures';
import { memoryUploadStore, type PendingUpload } from './pending-store';
import { UploadQueue, type PutRequest } from './queue';

// Resumable multipart uploads: part URLs on demand, what the browser keeps, and resuming after a reload.

const PART = 100;
const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A file whose bytes depend on `seed`, so two seeds make two different files of one size. */
const file = (name: string, size: number, seed = 7) => new File([Uint8Array.from({ length: size }, (_, i) => (i * seed + 3) % 251)], name, { type: 'application/octet-stream', lastModified: 1_700_000_000_000 });

// jsdom's Blob has no arrayBuffer() and jsdom no crypto.subtle: read it as a browser did before both.
const bytesOf = (blob: Blob) =>
  new Promise<Uint8Array>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsArrayBuffer(blob);
  });
const hashPart = async (blob: Blob) => createHash('sha256').update(await bytesOf(blob)).digest('hex');

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 0));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A PUT transport that answers every part with an ETag naming it, and records which URLs it got. */
function recordingPut() {
  const urls: string[] = [];
  const put = jest.fn(async (request: PutRequest): Promise<{ etag: string | null }> => {
    urls.push(request.url);
    return { etag: `"etag-${request.url.split('/').pop() ?? ''}"` };
  });
  return { put, urls };
}

/** The grant the contract describes: URLs for the first `given` parts only, and where to ask for more. */
function grant(size: number, given = 4, expiresAt = T0 + 15 * 60_000): UploadGrant {
  const partCount = Math.ceil(size / PART);
  return {
    id: 'm1',
    upload: {
      uploadId: 'up-1',
      partSize: PART,
      partCount,
      parts: Array.from({ length: Math.min(given, partCount) }, (_, i) => ({ number: i + 1, url: `/put/a/${i + 1}` })),
      partsUrl: '/api/v1/uploads/m1/parts',
      completeUrl: '/api/v1/uploads/m1/complete',
      expiresAt: iso(expiresAt),
      resumableUntil: iso(T0 + 86_400_000),
    },
  };
}

/** `POST .../parts`: a URL per asked number, lapsing `ttl` after the clock's now. */
function partUrlsFrom(clock: { now: number }, prefix = '/put/b', ttl = 15 * 60_000) {
  return jest.fn(async (_partsUrl: string, numbers: readonly number[]): Promise<UploadParts> => ({
    parts: numbers.map((n) => ({ number: n, url: `${prefix}/${n}` })),
    expiresAt: iso(clock.now + ttl),
  }));
}

async function recordOf(f: File, overrides: Partial<PendingUpload> = {}): Promise<PendingUpload> {
  return {
    mediaId: 'm1',
    ownerId: 'alice',
    uploadId: 'up-1',
    name: f.name,
    size: f.size,
    lastModified: f.lastModified,
    type: f.type,
    partSize: PART,
    partCount: Math.ceil(f.size / PART),
    firstPartSha256: await hashPart(f.slice(0, PART)),
    lastPartSha256: await hashPart(f.slice((Math.ceil(f.size / PART) - 1) * PART)),
    startedAt: iso(T0 - 60_000),
    resumableUntil: iso(T0 + 86_400_000),
    ...overrides,
  };
}

/** `GET /api/v1/uploads/m1` while the store has parts `received` of a file of `size` bytes. */
function progress(size: number, received: number[], overrides: Partial<UploadStatus> = {}): UploadStatus {
  return {
    id: 'm1',
    status: 'uploading',
    size,
    filename: 'big.bin',
    createdAt: iso(T0 - 60_000),
    resumable: true,
    multipart: {
      uploadId: 'up-1',
      partSize: PART,
      partCount: Math.ceil(size / PART),
      received: received.map((number) => ({ number, etag: `"kept-${number}"`, size: Math.min(PART, size - (number - 1) * PART) })),
      resumableUntil: iso(T0 + 86_400_000),
    },
    ...overrides,
  };
}

function queueWith(
  api: ReturnType<typeof fakeApi>,
  options: { store?: ReturnType<typeof memoryUploadStore>; owner?: string | null; clock?: { now: number }; put?: ReturnType<typeof recordingPut>['put']; partConcurrency?: number; partUrlBatch?: number; hashPart?: (part: Blob) => Promise<string> } = {},
) {
  const clock = options.clock ?? { now: T0 };
  const store = options.store ?? memoryUploadStore();
  const queue = new UploadQueue({
    api,
    put: options.put ?? recordingPut().put,
    store,
    owner: () => (options.owner === undefined ? 'alice' : options.owner),
    hashPart: options.hashPart ?? hashPart,
    now: () => clock.now,
    sleep: async () => undefined,
    partConcurrency: options.partConcurrency ?? 1,
    ...(options.partUrlBatch ? { partUrlBatch: options.partUrlBatch } : {}),
  });
  return { queue, store, clock };
}

describe('UploadQueue: part URLs on demand', () => {
  it('uses the grant’s URLs for the first parts and asks for the rest in batches', async () => {
    const clock = { now: T0 };
    const api = fakeApi({
      startUpload: jest.fn(async () => grant(750)),
      requestPartUrls: partUrlsFrom(clock),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1' })),
    });
    const { put, urls } = recordingPut();
    const { queue } = queueWith(api, { clock, put, partUrlBatch: 2 });
    queue.add([file('big.bin', 750)]);
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(queue.getSnapshot()[0]?.parts.map((p) => p.size)).toEqual([100, 100, 100, 100, 100, 100, 100, 50]);
    expect(api.requestPartUrls.mock.calls).toEqual([
      ['/api/v1/uploads/m1/parts', [5, 6]],
      ['/api/v1/uploads/m1/parts', [7, 8]],
    ]);
    expect(urls).toEqual(['/put/a/1', '/put/a/2', '/put/a/3', '/put/a/4', '/put/b/5', '/put/b/6', '/put/b/7', '/put/b/8']);
    expect(api.completeUpload).toHaveBeenCalledWith(
      '/api/v1/uploads/m1/complete',
      'up-1',
      [1, 2, 3, 4].map((n) => ({ number: n, etag: `"etag-${n}"` })).concat([5, 6, 7, 8].map((n) => ({ number: n, etag: `"etag-${n}"` }))),
    );
  });

  it('asks again for URLs close to lapsing, and for a URL the store refused (403)', async () => {
    const clock = { now: T0 };
    const api = fakeApi({
      startUpload: jest.fn(async () => grant(400, 4, T0 + 10 * 60_000)),
      requestPartUrls: partUrlsFrom(clock),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1' })),
    });
    const urls: string[] = [];
    let refused = false;
    const put = jest.fn(async (request: PutRequest) => {
      urls.push(request.url);
      // Part 1 takes nine and a half minutes: the grant's other URLs are then too close to lapsing.
      if (request.url === '/put/a/1') clock.now = T0 + 9.5 * 60_000;
      if (request.url === '/put/b/3' && !refused) {
        refused = true;
        throw new (await import('./queue')).PutRefusedError('Request has expired', 403);
      }
      return { etag: `"e${urls.length}"` };
    });
    const { queue } = queueWith(api, { clock, put });
    queue.add([file('big.bin', 400)]);
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(urls).toEqual(['/put/a/1', '/put/b/2', '/put/b/3', '/put/b/3', '/put/b/4']);
    expect(api.requestPartUrls.mock.calls.map(([, numbers]) => numbers)).toEqual([[2, 3, 4], [3]]);
  });
});

describe('UploadQueue: what the browser keeps', () => {
  it('keeps a multipart upload from its start until it completes', async () => {
    const clock = { now: T0 };
    let finish: () => void = () => undefined;
    const api = fakeApi({
      startUpload: jest.fn(async () => grant(250)),
      completeUpload: jest.fn(() => new Promise<void>((resolve) => (finish = resolve))),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1' })),
    });
    const { queue, store } = queueWith(api, { clock });
    const f = file('big.bin', 250);
    queue.add([f]);
    await until(() => queue.getSnapshot()[0]?.phase === 'completing', 'completing');
    expect([...store.records.values()]).toEqual([
      {
        mediaId: 'm1',
        ownerId: 'alice',
        uploadId: 'up-1',
        name: 'big.bin',
        size: 250,
        lastModified: 1_700_000_000_000,
        type: 'application/octet-stream',
        partSize: PART,
        partCount: 3,
        firstPartSha256: createHash('sha256').update(Uint8Array.from({ length: PART }, (_, i) => (i * 7 + 3) % 251)).digest('hex'),
        lastPartSha256: createHash('sha256').update(Uint8Array.from({ length: 50 }, (_, i) => ((200 + i) * 7 + 3) % 251)).digest('hex'),
        startedAt: iso(T0),
        resumableUntil: iso(T0 + 86_400_000),
      },
    ]);
    finish();
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(store.records.size).toBe(0);
  });

  it('keeps nothing without a signed-in owner, and forgets an upload dismissed while it is sent', async () => {
    const api = fakeApi({ startUpload: jest.fn(async () => grant(250)) });
    const pending: (() => void)[] = [];
    const put = jest.fn((request: PutRequest) => new Promise<{ etag: string | null }>((resolve, reject) => {
      pending.push(() => resolve({ etag: '"e"' }));
      request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }));
    const nobody = queueWith(api, { owner: null, put });
    nobody.queue.add([file('big.bin', 250)]);
    await until(() => pending.length === 1, 'a part on its way');
    expect(nobody.store.records.size).toBe(0);

    const alice = queueWith(api, { put });
    const [key = ''] = alice.queue.add([file('big.bin', 250)]);
    await until(() => pending.length === 2, 'a part on its way');
    expect(alice.store.records.size).toBe(1);
    alice.queue.dismiss(key);
    await until(() => alice.store.records.size === 0, 'the record removed');
  });
});

describe('UploadQueue: resuming after a reload', () => {
  it('lists the signed-in owner’s interrupted uploads with how much the server has', async () => {
    const f = file('big.bin', 500);
    const store = memoryUploadStore();
    await store.put(await recordOf(f));
    await store.put(await recordOf(f, { mediaId: 'm2', ownerId: 'bob', name: 'bobs.bin' }));
    const api = fakeApi({ getUpload: jest.fn(async () => progress(500, [1, 2])) });
    const { queue } = queueWith(api, { store });
    await queue.restore();
    expect(queue.getSnapshot()).toHaveLength(1);
    await until(() => queue.getSnapshot()[0]?.loaded === 200, 'the server’s parts counted');
    expect(queue.getSnapshot()[0]).toMatchObject({ name: 'big.bin', mediaId: 'm1', phase: 'interrupted', message: '40% sent \u2014 choose the same file to resume' });
    expect(queue.getSnapshot()[0]?.parts.map((p) => p.state)).toEqual(['done', 'done', 'pending', 'pending', 'pending']);
    expect(api.getUpload).toHaveBeenCalledWith('m1');
    expect(queue.totals()).toMatchObject({ active: 0, problems: 1 });
    // Read once per owner.
    await queue.restore();
    expect(queue.getSnapshot()).toHaveLength(1);
  });

  it('resumes with the same file: only the parts the server lacks are sent, then all are completed', async () => {
    const clock = { now: T0 };
    const f = file('big.bin', 500);
    const store = memoryUploadStore();
    await store.put(await recordOf(f));
    const api = fakeApi({
      getUpload: jest.fn(async () => progress(500, [1, 2])),
      requestPartUrls: partUrlsFrom(clock),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1', status: 'ready' })),
    });
    const { put, urls } = recordingPut();
    const { queue } = queueWith(api, { store, clock, put });
    await queue.restore();
    const key = queue.getSnapshot()[0]?.key ?? '';

    expect(await queue.resumeWith(key, file('big.bin', 400))).toBe(false);
    expect(queue.getSnapshot()[0]).toMatchObject({ phase: 'interrupted', message: 'That is not the same file: \u201cbig.bin\u201d was 500 B. Choose that file to resume it.' });
    expect(await queue.resumeWith(key, file('big.bin', 500, 11))).toBe(false);
    expect(queue.getSnapshot()[0]).toMatchObject({ phase: 'interrupted', message: 'That is not the same file, or it changed since the upload began: its content differs from \u201cbig.bin\u201d. Choose that file, unchanged, to resume it.' });
    expect(put).not.toHaveBeenCalled();

    expect(await queue.resumeWith(key, file('renamed.bin', 500))).toBe(true);
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(api.startUpload).not.toHaveBeenCalled();
    expect(api.requestPartUrls).toHaveBeenCalledWith('/api/v1/uploads/m1/parts', [3, 4, 5]);
    expect(urls).toEqual(['/put/b/3', '/put/b/4', '/put/b/5']);
    expect(api.completeUpload).toHaveBeenCalledWith('/api/v1/uploads/m1/complete', 'up-1', [
      { number: 1, etag: '"kept-1"' },
      { number: 2, etag: '"kept-2"' },
      { number: 3, etag: '"etag-3"' },
      { number: 4, etag: '"etag-4"' },
      { number: 5, etag: '"etag-5"' },
    ]);
    expect(store.records.size).toBe(0);
    expect(queue.getSnapshot()).toHaveLength(1);
  });

  it('resumes a dropped file that matches by size, date modified and first and last parts, with no second entry', async () => {
    const clock = { now: T0 };
    const f = file('big.bin', 300);
    const store = memoryUploadStore();
    await store.put(await recordOf(f));
    const api = fakeApi({
      getUpload: jest.fn(async () => progress(300, [2])),
      requestPartUrls: partUrlsFrom(clock),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1', status: 'ready' })),
    });
    const { put, urls } = recordingPut();
    const { queue } = queueWith(api, { store, clock, put });
    void queue.restore();
    const [key] = queue.add([f]);
    await until(() => queue.getSnapshot().length === 1 && queue.getSnapshot()[0]?.phase === 'ready', 'ready, alone');
    expect(queue.getSnapshot()[0]).toMatchObject({ key, mediaId: 'm1' });
    expect(api.startUpload).not.toHaveBeenCalled();
    expect(urls).toEqual(['/put/b/1', '/put/b/3']);
    expect(api.completeUpload.mock.calls[0]?.[2]).toEqual([
      { number: 1, etag: '"etag-1"' },
      { number: 2, etag: '"kept-2"' },
      { number: 3, etag: '"etag-3"' },
    ]);
  });

  it('drops a kept upload the server can no longer resume, saying so (and deletes its empty item)', async () => {
    const f = file('big.bin', 300);
    const store = memoryUploadStore();
    await store.put(await recordOf(f, { mediaId: 'm1', name: 'lapsed.bin' }));
    await store.put(await recordOf(f, { mediaId: 'm2', name: 'gone.bin', startedAt: iso(T0 - 50_000) }));
    const api = fakeApi({
      getUpload: jest.fn(async (id: string) => {
        if (id === 'm2') throw new ApiError('gone', 404, 'not_found', 'media not found');
        return { ...progress(300, []), resumable: false, multipart: undefined };
      }),
      deleteMedia: jest.fn(async () => undefined),
    });
    const { queue } = queueWith(api, { store });
    await queue.restore();
    await until(() => queue.getSnapshot().every((e) => e.phase === 'failed'), 'both dropped');
    for (const entry of queue.getSnapshot()) {
      expect(entry).toMatchObject({ retryable: false, message: 'It can no longer be resumed: the server no longer has what was sent. Upload the file again.' });
    }
    expect(store.records.size).toBe(0);
    expect(api.deleteMedia.mock.calls).toEqual([['m1']]);
  });

  it('drops a kept upload past its window without offering it', async () => {
    const f = file('big.bin', 300);
    const store = memoryUploadStore();
    await store.put(await recordOf(f, { resumableUntil: iso(T0 - 1) }));
    const api = fakeApi({ getUpload: jest.fn(async () => progress(300, [1])), deleteMedia: jest.fn(async () => undefined) });
    const { queue } = queueWith(api, { store });
    await queue.restore();
    await until(() => queue.getSnapshot()[0]?.phase === 'failed', 'dropped');
    expect(queue.getSnapshot()[0]?.message).toBe('It can no longer be resumed: what was sent is kept for a day only. Upload the file again.');
    expect(store.records.size).toBe(0);
  });

  it('sends a chosen file afresh when the server lost the upload meanwhile', async () => {
    const clock = { now: T0 };
    const f = file('big.bin', 300);
    const store = memoryUploadStore();
    await store.put(await recordOf(f, { mediaId: 'old' }));
    const getUpload = jest.fn().mockResolvedValueOnce({ ...progress(300, [1]), id: 'old' }).mockRejectedValueOnce(new ApiError('gone', 404, 'not_found', 'media not found'));
    const api = fakeApi({
      getUpload,
      startUpload: jest.fn(async () => grant(300)),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1', status: 'ready' })),
    });
    const { queue } = queueWith(api, { store, clock });
    await queue.restore();
    await until(() => queue.getSnapshot()[0]?.loaded === 100, 'looked at');
    await queue.resumeWith(queue.getSnapshot()[0]?.key ?? '', f);
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(api.startUpload).toHaveBeenCalledTimes(1);
    expect(api.completeUpload.mock.calls[0]?.[2]).toHaveLength(3);
    expect(queue.getSnapshot()[0]?.mediaId).toBe('m1');
    expect(store.records.size).toBe(0);
  });

  it('follows an upload whose bytes arrived before the reload instead of offering it', async () => {
    const f = file('big.bin', 300);
    const store = memoryUploadStore();
    await store.put(await recordOf(f));
    const api = fakeApi({
      getUpload: jest.fn(async () => ({ ...progress(300, []), status: 'processing' as const, resumable: false, multipart: undefined })),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1', status: 'ready' })),
    });
    const { queue } = queueWith(api, { store });
    await queue.restore();
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(store.records.size).toBe(0);
  });

  it('discards an interrupted upload: its item is deleted and nothing is kept', async () => {
    const f = file('big.bin', 300);
    const store = memoryUploadStore();
    await store.put(await recordOf(f));
    const deleteMedia = jest.fn().mockRejectedValueOnce(new ApiError('x', 503, 'unavailable', 'try again later')).mockResolvedValueOnce(undefined);
    const api = fakeApi({ getUpload: jest.fn(async () => progress(300, [1])), deleteMedia });
    const { queue } = queueWith(api, { store });
    await queue.restore();
    const key = queue.getSnapshot()[0]?.key ?? '';
    await queue.discard(key);
    expect(queue.getSnapshot()[0]).toMatchObject({ phase: 'interrupted', message: 'Could not discard it: try again later' });
    expect(store.records.size).toBe(1);
    await queue.discard(key);
    expect(deleteMedia).toHaveBeenLastCalledWith('m1');
    expect(queue.getSnapshot()).toHaveLength(0);
    expect(store.records.size).toBe(0);
  });

  it('offers only the signed-in owner’s uploads when someone else signs in', async () => {
    const f = file('big.bin', 300);
    const store = memoryUploadStore();
    await store.put(await recordOf(f));
    await store.put(await recordOf(f, { mediaId: 'm2', ownerId: 'bob', name: 'bobs.bin' }));
    const api = fakeApi({ getUpload: jest.fn(async (id: string) => ({ ...progress(300, [1]), id })) });
    let owner = 'alice';
    const queue = new UploadQueue({ api, put: recordingPut().put, store, owner: () => owner, hashPart, now: () => T0 });
    await queue.restore();
    expect(queue.getSnapshot().map((e) => e.name)).toEqual(['big.bin']);
    owner = 'bob';
    await queue.restore();
    expect(queue.getSnapshot().map((e) => e.name)).toEqual(['bobs.bin']);
  });
});

/** A copy of `f` with the byte at `at` changed and the same date modified (unless given another). */
async function edited(f: File, at: number, lastModified = f.lastModified): Promise<File> {
  const bytes = Uint8Array.from(await bytesOf(f));
  bytes[at] = ((bytes[at] ?? 0) + 1) % 256;
  return new File([bytes], f.name, { type: f.type, lastModified });
}

/** A promise settled from outside. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every pending callback and timer of the queue run. */
const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('UploadQueue: recognising the same file', () => {
  it('refuses a file changed after its first part or with another date modified, chosen or dropped', async () => {
    const f = file('big.bin', 500);
    const store = memoryUploadStore();
    await store.put(await recordOf(f));
    const api = fakeApi({ getUpload: jest.fn(async () => progress(500, [1, 2])), startUpload: jest.fn(() => new Promise<UploadGrant>(() => undefined)) });
    const { put, urls } = recordingPut();
    const { queue } = queueWith(api, { store, put });
    await queue.restore();
    const key = queue.getSnapshot()[0]?.key ?? '';
    const changed = await edited(f, 450);

    expect(await queue.resumeWith(key, changed)).toBe(false);
    expect(queue.getSnapshot()[0]).toMatchObject({ phase: 'interrupted', message: 'That is not the same file, or it changed since the upload began: its content differs from \u201cbig.bin\u201d. Choose that file, unchanged, to resume it.' });
    expect(await queue.resumeWith(key, await edited(f, 0))).toBe(false);
    expect(queue.getSnapshot()[0]?.message).toMatch(/its content differs/);
    expect(await queue.resumeWith(key, await edited(f, 450, f.lastModified + 1000))).toBe(false);
    expect(queue.getSnapshot()[0]).toMatchObject({ phase: 'interrupted', message: 'That is not the same file, or it changed since the upload began: its date modified differs from \u201cbig.bin\u201d. Choose that file, unchanged, to resume it.' });

    // Dropped, the changed file is a new upload: the kept one still waits for its own file.
    queue.add([changed]);
    await until(() => api.startUpload.mock.calls.length === 1, 'a new upload asked for');
    expect(queue.getSnapshot().map((e) => [e.name, e.phase, e.mediaId])).toEqual([
      ['big.bin', 'interrupted', 'm1'],
      ['big.bin', 'starting', null],
    ]);
    expect(api.getUpload).toHaveBeenCalledTimes(1);
    expect(urls).toEqual([]);
    expect(store.records.size).toBe(1);
  });
});

describe('UploadQueue: dismissing stops an upload', () => {
  function sendingApi() {
    const clock = { now: T0 };
    return fakeApi({
      startUpload: jest.fn(async () => grant(250)),
      requestPartUrls: partUrlsFrom(clock),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1', status: 'ready' })),
      deleteMedia: jest.fn(async () => undefined),
    });
  }

  it('dismissed while its first part is hashed: no part is sent, it is not completed or kept, and its item is deleted', async () => {
    const api = sendingApi();
    const gate = deferred<void>();
    let hashing = false;
    const slowHash = async (blob: Blob) => {
      hashing = true;
      await gate.promise;
      return hashPart(blob);
    };
    const { put, urls } = recordingPut();
    const { queue, store } = queueWith(api, { put, hashPart: slowHash });
    const [key = ''] = queue.add([file('big.bin', 250)]);
    await until(() => hashing, 'the first part hashed');
    queue.dismiss(key);
    expect(queue.getSnapshot()).toEqual([]);
    gate.resolve();
    await settle();
    expect(urls).toEqual([]);
    expect(api.completeUpload).not.toHaveBeenCalled();
    expect(store.records.size).toBe(0);
    expect(api.deleteMedia.mock.calls).toEqual([['m1']]);
  });

  it('dismissed while its record is written: the record is removed again', async () => {
    const api = sendingApi();
    const memory = memoryUploadStore();
    const gate = deferred<void>();
    let writing = false;
    const store = {
      ...memory,
      put: async (record: PendingUpload) => {
        writing = true;
        await gate.promise;
        await memory.put(record);
      },
    };
    const { put, urls } = recordingPut();
    const { queue } = queueWith(api, { put, store });
    const [key = ''] = queue.add([file('big.bin', 250)]);
    await until(() => writing, 'the record being written');
    queue.dismiss(key);
    gate.resolve();
    await settle();
    expect(memory.records.size).toBe(0);
    expect(urls).toEqual([]);
    expect(api.completeUpload).not.toHaveBeenCalled();
  });

  it('dismissed while its item is made: the item is deleted once known, and nothing is sent or kept', async () => {
    const api = sendingApi();
    const granted = deferred<UploadGrant>();
    api.startUpload.mockImplementation(() => granted.promise);
    const { put, urls } = recordingPut();
    const { queue, store } = queueWith(api, { put });
    const [key = ''] = queue.add([file('big.bin', 250)]);
    await until(() => api.startUpload.mock.calls.length === 1, 'the item asked for');
    queue.dismiss(key);
    granted.resolve(grant(250));
    await settle();
    expect(api.deleteMedia.mock.calls).toEqual([['m1']]);
    expect(urls).toEqual([]);
    expect(store.records.size).toBe(0);
  });

  it('dismissed while a part is sent: no other part is sent, it is not completed, and its item is deleted', async () => {
    const api = sendingApi();
    const sent: string[] = [];
    const put = jest.fn(
      (request: PutRequest) =>
        new Promise<{ etag: string | null }>((_resolve, reject) => {
          sent.push(request.url);
          request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const { queue, store } = queueWith(api, { put });
    const [key = ''] = queue.add([file('big.bin', 250)]);
    await until(() => sent.length === 1, 'a part on its way');
    queue.dismiss(key);
    await settle();
    expect(sent).toEqual(['/put/a/1']);
    expect(api.completeUpload).not.toHaveBeenCalled();
    expect(api.deleteMedia.mock.calls).toEqual([['m1']]);
    expect(store.records.size).toBe(0);
  });

  it('keeps the item of an upload dismissed once its bytes are through', async () => {
    const api = sendingApi();
    api.getMedia.mockImplementation(() => new Promise(() => undefined));
    const { queue } = queueWith(api);
    const [key = ''] = queue.add([file('big.bin', 250)]);
    await until(() => queue.getSnapshot()[0]?.phase === 'processing', 'processing');
    queue.dismiss(key);
    await settle();
    expect(api.deleteMedia).not.toHaveBeenCalled();
  });
});

describe('UploadQueue: kept uploads do not outlive their window or their owner', () => {
  it('removes every owner’s kept uploads past their window when it restores, signed in or not', async () => {
    const f = file('big.bin', 300);
    const lapsed = iso(T0 - 1);
    const store = memoryUploadStore();
    await store.put(await recordOf(f, { mediaId: 'm1', resumableUntil: lapsed }));
    await store.put(await recordOf(f, { mediaId: 'm2', ownerId: 'bob', resumableUntil: lapsed }));
    await store.put(await recordOf(f, { mediaId: 'm3', ownerId: 'bob' }));
    await store.put(await recordOf(f, { mediaId: 'm4', ownerId: 'carol', resumableUntil: 'not a date' }));
    const api = fakeApi({ getUpload: jest.fn(async () => progress(300, [1])), deleteMedia: jest.fn(async () => undefined) });
    const { queue } = queueWith(api, { store });
    await queue.restore();
    await until(() => queue.getSnapshot()[0]?.phase === 'failed', 'alice’s own said to have lapsed');
    expect([...store.records.keys()]).toEqual(['m3']);
    expect(api.getUpload.mock.calls).toEqual([['m1']]);

    const nobodys = memoryUploadStore();
    await nobodys.put(await recordOf(f, { mediaId: 'm5', resumableUntil: lapsed }));
    await nobodys.put(await recordOf(f, { mediaId: 'm6' }));
    const signedOut = queueWith(fakeApi(), { store: nobodys, owner: null });
    await signedOut.queue.restore();
    expect([...nobodys.records.keys()]).toEqual(['m6']);
    expect(signedOut.queue.getSnapshot()).toEqual([]);
  });

  it('forgets an owner who signs out: their entries leave the list, sending stops, and nothing of theirs stays kept', async () => {
    const clock = { now: T0 };
    const store = memoryUploadStore();
    await store.put(await recordOf(file('big.bin', 500)));
    await store.put(await recordOf(file('big.bin', 500), { mediaId: 'm2', ownerId: 'bob', name: 'bobs.bin' }));
    const api = fakeApi({
      getUpload: jest.fn(async () => progress(500, [1])),
      startUpload: jest.fn(async () => ({ ...grant(250), id: 'm5' })),
      requestPartUrls: partUrlsFrom(clock),
      completeUpload: jest.fn(async () => undefined),
      deleteMedia: jest.fn(async () => undefined),
    });
    const signals: AbortSignal[] = [];
    const put = jest.fn(
      (request: PutRequest) =>
        new Promise<{ etag: string | null }>((_resolve, reject) => {
          signals.push(request.signal);
          request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const { queue } = queueWith(api, { store, clock, put });
    await queue.restore();
    queue.add([file('new.bin', 250)]);
    await until(() => signals.length === 1, 'a part on its way');
    expect([...store.records.keys()].sort()).toEqual(['m1', 'm2', 'm5']);

    await queue.forgetOwner('alice');
    expect(queue.getSnapshot()).toEqual([]);
    expect([...store.records.keys()]).toEqual(['m2']);
    await settle();
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    expect(api.completeUpload).not.toHaveBeenCalled();
    expect(api.deleteMedia).not.toHaveBeenCalled();
    expect([...store.records.keys()]).toEqual(['m2']);
  });
});
