import { isSettled, type MediaView } from '../api/types';
import { mediaItem } from '../test/fixtures';
import { followItem, type FollowOptions } from './follow';
import type { LiveUpdates } from './live-status';
import { fakeLive } from './live.spec-support';

const flush = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

/** Sleeps that end when the test says. */
function manualSleep() {
  const waiting: ((value: void) => void)[] = [];
  return {
    sleep: (ms: number) => {
      expect(ms).toBe(1500);
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    get count() {
      return waiting.length;
    },
    wake: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}

/** Follows `id`, with reads answered by `read` (set it up before: the first read may come at once). */
function follow(live: LiveUpdates | undefined, id: string, overrides: Partial<FollowOptions> = {}, read = jest.fn<Promise<MediaView>, [AbortSignal]>()) {
  const views: MediaView[] = [];
  const sleeper = manualSleep();
  const controller = new AbortController();
  const done = followItem(live, id, {
    read,
    onView: (view) => {
      views.push(view);
      return isSettled(view.status) ? 'stop' : undefined;
    },
    changing: (view) => !isSettled(view.status),
    pollMs: 1500,
    sleep: sleeper.sleep,
    signal: controller.signal,
    ...overrides,
  });
  let finished = false;
  void done.then(() => (finished = true));
  return { views, read, sleeper, controller, done, finished: () => finished };
}

describe('followItem', () => {
  it('asks nothing while the stream is live: views come from its events, its own only, until settled', async () => {
    const { live, latest } = fakeLive();
    live.subscribe({});
    latest().open();
    const f = follow(live, 'a1');
    await flush();
    latest().item(mediaItem({ id: 'a1', status: 'processing', updatedAt: '2026-01-01T00:00:01.000Z' }));
    latest().item(mediaItem({ id: 'b2', status: 'ready' }));
    latest().item(mediaItem({ id: 'a1', status: 'ready', updatedAt: '2026-01-01T00:00:02.000Z' }));
    await f.done;
    expect(f.views.map((v) => `${v.id} ${v.status}`)).toEqual(['a1 processing', 'a1 ready']);
    expect(f.read).not.toHaveBeenCalled();
    expect(f.sleeper.count).toBe(0);
  });

  it('starts from the view the stream already delivered', async () => {
    const { live, latest } = fakeLive();
    live.subscribe({});
    latest().open();
    latest().item(mediaItem({ id: 'a1', status: 'ready' }));
    const f = follow(live, 'a1');
    await f.done;
    expect(f.views.map((v) => v.status)).toEqual(['ready']);
    expect(f.read).not.toHaveBeenCalled();
  });

  it('polls while there is no stream and the item still changes, then stops', async () => {
    const read = jest.fn<Promise<MediaView>, [AbortSignal]>();
    read.mockResolvedValueOnce(mediaItem({ id: 'a1', status: 'uploaded' })).mockResolvedValueOnce(mediaItem({ id: 'a1', status: 'ready' }));
    const f = follow(undefined, 'a1', {}, read);
    await flush();
    expect(f.read).toHaveBeenCalledTimes(1);
    expect(f.sleeper.count).toBe(1);
    f.sleeper.wake();
    await f.done;
    expect(f.read).toHaveBeenCalledTimes(2);
    expect(f.views.map((v) => v.status)).toEqual(['uploaded', 'ready']);
  });

  it('polls while the stream is down, and stops polling when it is back', async () => {
    const { live, latest } = fakeLive();
    live.subscribe({});
    latest().open();
    const f = follow(live, 'a1');
    f.read.mockResolvedValue(mediaItem({ id: 'a1', status: 'processing' }));
    await flush();
    latest().drop();
    await flush();
    expect(f.sleeper.count).toBe(1);
    f.sleeper.wake();
    await flush();
    expect(f.read).toHaveBeenCalledTimes(1);
    // The browser resumes the stream from its last event: nothing to read, events carry on.
    latest().open();
    f.sleeper.wake();
    await flush();
    expect(f.read).toHaveBeenCalledTimes(1);
    latest().item(mediaItem({ id: 'a1', status: 'ready', updatedAt: '2026-12-01T00:00:00.000Z' }));
    await f.done;
    expect(f.views.map((v) => v.status)).toEqual(['processing', 'ready']);
  });

  it('reads once when the stream says it missed changes, and ignores a read older than an event', async () => {
    const { live, latest } = fakeLive();
    live.subscribe({});
    latest().open();
    const f = follow(live, 'a1');
    let answer: (view: MediaView) => void = () => undefined;
    f.read.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    latest().send('reload', { sequence: 5 });
    await flush();
    expect(f.read).toHaveBeenCalledTimes(1);
    latest().item(mediaItem({ id: 'a1', status: 'processing', updatedAt: '2026-01-01T00:00:05.000Z' }));
    answer(mediaItem({ id: 'a1', status: 'uploaded', updatedAt: '2026-01-01T00:00:04.000Z' }));
    await flush();
    expect(f.views.map((v) => v.status)).toEqual(['processing']);
    expect(f.read).toHaveBeenCalledTimes(1);
    f.controller.abort();
    await f.done;
  });

  it('reads at once when told, and ends when the item is gone or the caller stops', async () => {
    const { live, latest } = fakeLive();
    live.subscribe({});
    latest().open();
    const onGone = jest.fn();
    const f = follow(live, 'a1', { readFirst: true, onGone }, jest.fn(async (_signal: AbortSignal) => mediaItem({ id: 'a1', status: 'processing' })));
    await flush();
    expect(f.read).toHaveBeenCalledTimes(1);
    latest().send('media', { id: 'a1', removed: true });
    await f.done;
    expect(onGone).toHaveBeenCalled();

    const g = follow(live, 'a2');
    await flush();
    expect(g.finished()).toBe(false);
    g.controller.abort();
    await g.done;
  });

  it('tells of failed reads and goes on polling unless told to stop', async () => {
    const errors: unknown[] = [];
    const offline = jest.fn(async (_signal: AbortSignal): Promise<MediaView> => Promise.reject(new Error('offline')));
    const f = follow(undefined, 'a1', { onReadError: (e) => (errors.push(e), errors.length >= 2 ? 'stop' : undefined) }, offline);
    await flush();
    expect(errors).toHaveLength(1);
    f.sleeper.wake();
    await f.done;
    expect(errors).toHaveLength(2);
  });
});
