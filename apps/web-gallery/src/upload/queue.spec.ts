import { ApiError } from '../api/client';
import type { UploadGrant } from '../api/types';
import { fakeApi, mediaItem } from '../test/fixtures';
import { PutRefusedError, UploadQueue, type PutRequest } from './queue';

const file = (name: string, size: number) => new File([new Uint8Array(size)], name, { type: 'image/jpeg' });

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 0));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A PUT transport whose requests the test answers one by one. */
function manualPut() {
  const pending: (PutRequest & { resolve: (etag: string) => void; reject: (e: Error) => void })[] = [];
  const put = jest.fn(
    (request: PutRequest) =>
      new Promise<{ etag: string | null }>((resolve, reject) => {
        const entry = { ...request, resolve: (etag: string) => resolve({ etag }), reject };
        request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        pending.push(entry);
      }),
  );
  return { put, pending };
}

const multipartGrant = (size: number, partSize: number): UploadGrant => ({
  id: 'm1',
  upload: {
    uploadId: 'up-1',
    partSize,
    partCount: Math.ceil(size / partSize),
    parts: Array.from({ length: Math.ceil(size / partSize) }, (_, i) => ({ number: i + 1, url: `/_local/part/${i + 1}` })),
    partsUrl: '/api/v1/uploads/m1/parts',
    completeUrl: '/api/v1/uploads/m1/complete',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    resumableUntil: new Date(Date.now() + 86_400_000).toISOString(),
  },
});

describe('UploadQueue', () => {
  it('sends a file with one PUT, reports progress, then polls until the item is ready', async () => {
    const ready = mediaItem({ id: 's1', status: 'ready' });
    const api = fakeApi({
      startUpload: jest.fn(async () => ({ id: 's1', upload: { method: 'PUT' as const, url: '/_local/put', headers: { 'content-type': 'image/jpeg' }, expiresAt: '2026-06-01T01:00:00.000Z' } })),
      getMedia: jest.fn().mockResolvedValueOnce({ ...ready, status: 'processing' }).mockResolvedValueOnce(ready),
    });
    const { put, pending } = manualPut();
    const onItem = jest.fn();
    const queue = new UploadQueue({ api, put, sleep: async () => undefined, onItem });
    const [key] = queue.add([file('a.jpg', 1000)]);
    await until(() => pending.length === 1, 'the PUT');
    expect(api.startUpload).toHaveBeenCalledWith({ filename: 'a.jpg', size: 1000, contentType: 'image/jpeg' });
    expect(pending[0]?.headers).toEqual({ 'content-type': 'image/jpeg', 'if-none-match': '*' });
    pending[0]?.onProgress(400);
    expect(queue.getSnapshot()[0]).toMatchObject({ key, phase: 'uploading', loaded: 400 });
    expect(queue.totals()).toMatchObject({ loaded: 400, total: 1000, active: 1 });
    pending[0]?.resolve('"e"');
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(api.getMedia).toHaveBeenCalledTimes(2);
    expect(onItem).toHaveBeenLastCalledWith(ready);
    expect(queue.totals()).toMatchObject({ loaded: 1000, total: 1000, active: 0, done: 1 });
  });

  it('sends a whole file create-only (If-None-Match: *, once whatever its case), and parts without it', async () => {
    const single = (headers: Record<string, string>): UploadGrant => ({ id: 's1', upload: { method: 'PUT', url: '/u', headers, expiresAt: '2026-06-01T01:00:00.000Z' } });
    const api = fakeApi({
      startUpload: jest
        .fn()
        .mockResolvedValueOnce(single({}))
        .mockResolvedValueOnce(single({ 'If-None-Match': '*', 'x-amz-checksum-sha256': 'abc=' }))
        .mockResolvedValueOnce(multipartGrant(150, 100)),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 's1' })),
    });
    const sent: Record<string, string>[] = [];
    const put = jest.fn(async (request: PutRequest) => {
      sent.push(request.headers);
      return { etag: '"e"' };
    });
    const queue = new UploadQueue({ api, put, concurrency: 1, sleep: async () => undefined });
    queue.add([file('a.jpg', 10), file('b.jpg', 10), file('c.mp4', 150)]);
    await until(() => sent.length === 4, 'four PUTs');
    expect(sent).toEqual([{ 'if-none-match': '*' }, { 'If-None-Match': '*', 'x-amz-checksum-sha256': 'abc=' }, {}, {}]);
  });

  it('takes a refused resend of a whole file (the original is stored already: 412, or 409 locally) as sent, and watches the item', async () => {
    const ready = mediaItem({ id: 's1', status: 'ready' });
    const api = fakeApi({
      startUpload: jest.fn(async () => ({ id: 's1', upload: { method: 'PUT' as const, url: '/u', headers: {}, expiresAt: '2026-06-01T01:00:00.000Z' } })),
      getMedia: jest.fn(async () => ready),
    });
    const put = jest
      .fn()
      .mockRejectedValueOnce(new Error('the connection failed'))
      .mockRejectedValueOnce(new PutRefusedError('<Error><Code>PreconditionFailed</Code></Error>', 412))
      .mockRejectedValueOnce(new PutRefusedError('the server answered 403', 403));
    const queue = new UploadQueue({ api, put, sleep: async () => undefined });
    const [key = ''] = queue.add([file('a.jpg', 10)]);
    await until(() => queue.getSnapshot()[0]?.phase === 'failed', 'the lost answer');
    queue.retry(key);
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(queue.getSnapshot()[0]).toMatchObject({ loaded: 10, message: null });
    expect(api.startUpload).toHaveBeenCalledTimes(1);

    // Any other refusal still stops the upload.
    queue.add([file('b.jpg', 10)]);
    await until(() => queue.getSnapshot()[1]?.phase === 'failed', 'refused');
    expect(queue.getSnapshot()[1]).toMatchObject({ message: 'The upload stopped: the server answered 403', retryable: true });
  });

  it('shows the problem detail for a rejected file and the reason for a duplicate', async () => {
    const api = fakeApi({
      startUpload: jest
        .fn()
        .mockRejectedValueOnce(new ApiError('x', 413, 'limit_exceeded', 'the file is larger than the 2 GB limit'))
        .mockResolvedValueOnce({ id: 'd1', duplicate: true }),
    });
    const queue = new UploadQueue({ api, put: jest.fn(), concurrency: 1 });
    queue.add([file('huge.mov', 10), file('again.jpg', 10)]);
    await until(() => queue.getSnapshot().every((e) => e.phase === 'rejected' || e.phase === 'duplicate'), 'both settled');
    const [rejected, duplicate] = queue.getSnapshot();
    expect(rejected).toMatchObject({ phase: 'rejected', retryable: false, message: 'Not accepted: the file is larger than the 2 GB limit' });
    expect(duplicate).toMatchObject({ phase: 'duplicate', mediaId: 'd1', message: expect.stringMatching(/Already in your library/) });
  });

  it('reports a processing failure with the item’s reason (duplicate content found at ingest too)', async () => {
    const api = fakeApi({
      startUpload: jest.fn(async () => ({ id: 'f1', upload: { method: 'PUT' as const, url: '/u', headers: {}, expiresAt: '2026-06-01T01:00:00.000Z' } })),
      getMedia: jest.fn(async () => mediaItem({ id: 'f1', status: 'failed', failure: { code: 'unsupported', reason: 'This file type is not supported.' } })),
    });
    const queue = new UploadQueue({ api, put: async () => ({ etag: null }), sleep: async () => undefined });
    queue.add([file('x.bin', 5)]);
    await until(() => queue.getSnapshot()[0]?.phase === 'failed', 'failed');
    expect(queue.getSnapshot()[0]).toMatchObject({ message: 'This file type is not supported.', retryable: false });
  });

  it('sends multipart uploads part by part, retries a failing part, and completes with the ETags', async () => {
    const api = fakeApi({
      startUpload: jest.fn(async () => multipartGrant(250, 100)),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1' })),
    });
    const { put, pending } = manualPut();
    const queue = new UploadQueue({ api, put, partConcurrency: 2, sleep: async () => undefined });
    queue.add([file('big.mp4', 250)]);
    await until(() => pending.length === 2, 'two parts in flight');
    expect(queue.getSnapshot()[0]?.parts.map((p) => p.size)).toEqual([100, 100, 50]);
    expect(pending.map((p) => p.body.size)).toEqual([100, 100]);
    pending[0]?.onProgress(60);
    expect(queue.getSnapshot()[0]?.loaded).toBe(60);
    pending[0]?.resolve('"e1"');
    pending[1]?.reject(new Error('connection reset'));
    await until(() => pending.length === 4, 'part 2 again and part 3');
    expect(pending.slice(2).map((p) => p.url).sort()).toEqual(['/_local/part/2', '/_local/part/3']);
    pending[2]?.resolve(pending[2].url.endsWith('2') ? '"e2"' : '"e3"');
    pending[3]?.resolve(pending[3].url.endsWith('2') ? '"e2"' : '"e3"');
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(api.completeUpload).toHaveBeenCalledWith('/api/v1/uploads/m1/complete', 'up-1', [
      { number: 1, etag: '"e1"' },
      { number: 2, etag: '"e2"' },
      { number: 3, etag: '"e3"' },
    ]);
  });

  it('stops after repeated part failures; Retry resends only the parts not yet sent', async () => {
    const api = fakeApi({
      startUpload: jest.fn(async () => multipartGrant(200, 100)),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1' })),
    });
    let failPart2 = true;
    const put = jest.fn(async (r: PutRequest) => {
      if (r.url.endsWith('/2') && failPart2) throw new Error('503 Slow Down');
      return { etag: `"${r.url.slice(-1)}"` };
    });
    const queue = new UploadQueue({ api, put, partConcurrency: 1, maxPartAttempts: 2, sleep: async () => undefined });
    const [key = ''] = queue.add([file('big.mp4', 200)]);
    await until(() => queue.getSnapshot()[0]?.phase === 'failed', 'failed');
    expect(queue.getSnapshot()[0]).toMatchObject({ retryable: true, message: expect.stringMatching(/Part 2 could not be sent \(503 Slow Down\)/) });
    expect(queue.getSnapshot()[0]?.parts.map((p) => p.state)).toEqual(['done', 'failed']);
    expect(put.mock.calls.map(([r]) => r.url)).toEqual(['/_local/part/1', '/_local/part/2', '/_local/part/2']);
    failPart2 = false;
    queue.retry(key);
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(put.mock.calls.map(([r]) => r.url)).toEqual(['/_local/part/1', '/_local/part/2', '/_local/part/2', '/_local/part/2']);
    expect(api.startUpload).toHaveBeenCalledTimes(1);
  });

  it('pauses a multipart upload (aborting parts in flight) and resumes where it stopped', async () => {
    const api = fakeApi({
      startUpload: jest.fn(async () => multipartGrant(300, 100)),
      completeUpload: jest.fn(async () => undefined),
      getMedia: jest.fn(async () => mediaItem({ id: 'm1' })),
    });
    const { put, pending } = manualPut();
    const queue = new UploadQueue({ api, put, partConcurrency: 2, sleep: async () => undefined });
    const [key = ''] = queue.add([file('big.mp4', 300)]);
    await until(() => pending.length === 2, 'two parts');
    pending[0]?.resolve('"1"');
    await until(() => pending.length === 3, 'third part started');
    queue.pause(key);
    await until(() => queue.getSnapshot()[0]?.phase === 'paused', 'paused');
    expect(queue.getSnapshot()[0]?.parts.map((p) => p.state)).toEqual(['done', 'pending', 'pending']);
    expect(queue.getSnapshot()[0]?.loaded).toBe(100);
    queue.resume(key);
    await until(() => pending.length === 5, 'parts 2 and 3 again');
    expect(pending.slice(3).map((p) => p.url)).toEqual(['/_local/part/2', '/_local/part/3']);
    pending[3]?.resolve('"2"');
    pending[4]?.resolve('"3"');
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(api.completeUpload).toHaveBeenCalledTimes(1);
  });

  it('sends no more files at once than its concurrency', async () => {
    const api = fakeApi({ startUpload: jest.fn(async () => ({ id: 'x', upload: { method: 'PUT' as const, url: '/u', headers: {}, expiresAt: '2026-06-01T01:00:00.000Z' } })) });
    const { put, pending } = manualPut();
    const queue = new UploadQueue({ api, put, concurrency: 2 });
    queue.add([file('1', 1), file('2', 1), file('3', 1)]);
    await until(() => pending.length === 2, 'two PUTs');
    await new Promise((r) => setTimeout(r, 5));
    expect(pending).toHaveLength(2);
    expect(queue.getSnapshot().map((e) => e.phase)).toEqual(['uploading', 'uploading', 'queued']);
  });
});
