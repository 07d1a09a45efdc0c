import type { UploadGrant } from '../api/types';
import { fakeLive } from '../live/live.spec-support';
import { fakeApi, mediaItem } from '../test/fixtures';
import { UploadQueue, type PutRequest } from './queue';

const file = (name: string, size: number) => new File([new Uint8Array(size)], name, { type: 'image/jpeg' });

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 0));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const grant = (id: string): UploadGrant => ({
  id,
  upload: { method: 'PUT' as const, url: '/_local/put', headers: { 'content-type': 'image/jpeg' }, expiresAt: '2026-06-01T01:00:00.000Z' },
});

/** A PUT the test completes when it wants. */
function manualPut() {
  const pending: ((etag: string) => void)[] = [];
  const put = jest.fn((_request: PutRequest) => new Promise<{ etag: string | null }>((resolve) => pending.push((etag) => resolve({ etag }))));
  return { put, pending };
}

describe('UploadQueue over the page’s event stream', () => {
  it('asks the API nothing after the upload while the stream brings the item to ready', async () => {
    const stream = fakeLive();
    stream.live.subscribe({});
    stream.latest().open();
    const api = fakeApi({ startUpload: jest.fn(async () => grant('s1')) });
    const { put, pending } = manualPut();
    const onItem = jest.fn();
    const queue = new UploadQueue({ api, put, live: stream.live, onItem, sleep: async () => undefined });
    queue.add([file('a.jpg', 1000)]);
    await until(() => pending.length === 1, 'the PUT');
    pending[0]?.('"e"');
    await until(() => queue.getSnapshot()[0]?.phase === 'processing', 'processing');
    stream.latest().item(mediaItem({ id: 's1', status: 'processing', updatedAt: '2026-01-01T00:00:01.000Z' }));
    stream.latest().item(mediaItem({ id: 'other', status: 'ready' }));
    expect(queue.getSnapshot()[0]?.phase).toBe('processing');
    stream.latest().item(mediaItem({ id: 's1', status: 'ready', updatedAt: '2026-01-01T00:00:02.000Z' }));
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(api.getMedia).not.toHaveBeenCalled();
    expect(onItem.mock.calls.map(([item]) => [item.id, item.status])).toEqual([
      ['s1', 'processing'],
      ['s1', 'ready'],
    ]);
  });

  it('takes a change the stream delivered before the watch began', async () => {
    const stream = fakeLive();
    stream.live.subscribe({});
    stream.latest().open();
    const api = fakeApi({ startUpload: jest.fn(async () => grant('s2')) });
    const { put, pending } = manualPut();
    const queue = new UploadQueue({ api, put, live: stream.live, sleep: async () => undefined });
    queue.add([file('b.jpg', 10)]);
    await until(() => pending.length === 1, 'the PUT');
    // Processing ran before the PUT's answer came back.
    stream.latest().item(mediaItem({ id: 's2', status: 'ready' }));
    pending[0]?.('"e"');
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(api.getMedia).not.toHaveBeenCalled();
  });

  it('polls as before while the stream is down, and fails the entry when the item is deleted meanwhile', async () => {
    const stream = fakeLive();
    stream.live.subscribe({});
    stream.latest().fail();
    const api = fakeApi({
      startUpload: jest.fn(async () => grant('s3')),
      getMedia: jest.fn().mockResolvedValueOnce(mediaItem({ id: 's3', status: 'processing' })).mockResolvedValue(mediaItem({ id: 's3', status: 'ready' })),
    });
    const queue = new UploadQueue({ api, put: async () => ({ etag: null }), live: stream.live, sleep: async () => undefined });
    queue.add([file('c.jpg', 10)]);
    await until(() => queue.getSnapshot()[0]?.phase === 'ready', 'ready');
    expect(api.getMedia).toHaveBeenCalledTimes(2);

    const open = fakeLive();
    open.live.subscribe({});
    open.latest().open();
    const api2 = fakeApi({ startUpload: jest.fn(async () => grant('s4')) });
    const queue2 = new UploadQueue({ api: api2, put: async () => ({ etag: null }), live: open.live });
    queue2.add([file('d.jpg', 10)]);
    await until(() => queue2.getSnapshot()[0]?.phase === 'processing', 'processing');
    open.latest().send('media', { id: 's4', removed: true });
    await until(() => queue2.getSnapshot()[0]?.phase === 'failed', 'failed');
    expect(queue2.getSnapshot()[0]?.message).toBe('This item was deleted while it was processed.');
  });

  it('ends the watch when the entry is dismissed', async () => {
    const stream = fakeLive();
    stream.live.subscribe({});
    stream.latest().open();
    const api = fakeApi({ startUpload: jest.fn(async () => grant('s5')) });
    const onItem = jest.fn();
    const queue = new UploadQueue({ api, put: async () => ({ etag: null }), live: stream.live, onItem });
    const [key] = queue.add([file('e.jpg', 10)]);
    await until(() => queue.getSnapshot()[0]?.phase === 'processing', 'processing');
    queue.dismiss(key ?? '');
    await new Promise((r) => setTimeout(r, 0));
    stream.latest().item(mediaItem({ id: 's5', status: 'ready' }));
    expect(onItem).not.toHaveBeenCalled();
  });
});
