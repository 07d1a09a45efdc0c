import { mediaItem } from '../test/fixtures';
import { LiveStatus, type LiveListener, type ResyncReason } from './live-status';
import { fakeLive } from './live.spec-support';

/** A listener that records what it hears. */
function recorder() {
  const heard: string[] = [];
  const listener: LiveListener = {
    item: (view) => heard.push(`item ${view.id} ${view.status}`),
    removed: (id) => heard.push(`removed ${id}`),
    resync: (reason: ResyncReason) => heard.push(`resync ${reason}`),
    state: (state) => heard.push(`state ${state}`),
  };
  return { heard, listener };
}

describe('LiveStatus', () => {
  it('opens one stream for every listener, only while someone listens, and closes it a moment after the last leaves', () => {
    const { live, sources, timers, latest } = fakeLive({ lingerMs: 5000 });
    expect(sources).toHaveLength(0);
    const stopA = live.subscribe({});
    const stopB = live.subscribe({});
    expect(sources).toHaveLength(1);
    expect(latest().url).toBe('/api/v1/events?owner=alice');
    latest().open();
    expect(live.state).toBe('live');
    stopA();
    stopB();
    // A view closing as the next opens keeps the stream.
    expect(latest().closed).toBe(false);
    expect(timers.waiting).toEqual([5000]);
    const stopC = live.subscribe({});
    timers.runAll();
    expect(latest().closed).toBe(false);
    stopC();
    timers.runAll();
    expect(latest().closed).toBe(true);
    expect(live.state).toBe('down');
    live.subscribe({});
    expect(sources).toHaveLength(2);
  });

  it('hands every listener each item’s view and each removal, and remembers the last views while live', () => {
    const { live, latest } = fakeLive();
    const one = recorder();
    const two = recorder();
    live.subscribe(one.listener);
    live.subscribe(two.listener);
    latest().open();
    const item = mediaItem({ id: 'a1', status: 'processing' });
    latest().item(item);
    latest().item({ ...item, status: 'ready' });
    expect(live.latest('a1')?.status).toBe('ready');
    latest().send('media', { id: 'a1', removed: true });
    expect(live.latest('a1')).toBeUndefined();
    // Not an item: ignored.
    latest().send('media', 'nonsense');
    expect(one.heard).toEqual(['state live', 'resync opened', 'item a1 processing', 'item a1 ready', 'removed a1']);
    expect(two.heard).toEqual(one.heard);
  });

  it('passes on the server’s reload and forgets the views it had', () => {
    const { live, latest } = fakeLive();
    const { heard, listener } = recorder();
    live.subscribe(listener);
    latest().open();
    latest().item(mediaItem({ id: 'a1' }));
    latest().send('reload', { sequence: 9 }, '9');
    expect(live.latest('a1')).toBeUndefined();
    expect(heard.at(-1)).toBe('resync reload');
  });

  it('rides out a dropped connection (the browser resumes it) with no resync', () => {
    const { live, sources, latest } = fakeLive();
    const { heard, listener } = recorder();
    live.subscribe(listener);
    latest().open();
    latest().drop();
    expect(live.state).toBe('down');
    latest().open();
    expect(sources).toHaveLength(1);
    expect(heard).toEqual(['state live', 'resync opened', 'state down', 'state live']);
  });

  it('falls back when the stream is refused, tries again later with growing waits, and says what it missed', () => {
    const { live, sources, timers, latest } = fakeLive({ retryMs: [100, 1000] });
    const { heard, listener } = recorder();
    live.subscribe(listener);
    latest().fail();
    expect(live.state).toBe('down');
    expect(latest().closed).toBe(true);
    expect(timers.waiting).toEqual([100]);
    timers.runAll();
    expect(sources).toHaveLength(2);
    latest().fail();
    expect(timers.waiting).toEqual([1000]);
    timers.runAll();
    latest().fail();
    expect(timers.waiting).toEqual([1000]);
    timers.runAll();
    latest().open();
    expect(live.state).toBe('live');
    expect(heard.filter((h) => h.startsWith('resync'))).toEqual(['resync reconnected']);
    // Working again: the next failure waits the shortest time again.
    latest().fail();
    expect(timers.waiting).toEqual([100]);
  });

  it('follows who is signed in: another person gets a stream of their own, and nobody gets none', () => {
    const { live, sources, latest, signIn } = fakeLive();
    const { heard, listener } = recorder();
    live.subscribe(listener);
    const alices = latest();
    alices.open();
    signIn('bob');
    expect(alices.closed).toBe(true);
    expect(sources).toHaveLength(2);
    // Whatever the old stream still delivers reaches nobody.
    alices.item(mediaItem({ id: 'secret' }));
    latest().open();
    latest().item(mediaItem({ id: 'b1' }));
    expect(heard.filter((h) => h.startsWith('item'))).toEqual(['item b1 ready']);
    expect(heard).toContain('resync reconnected');
    signIn(null);
    expect(latest().closed).toBe(true);
    expect(live.state).toBe('down');
    expect(sources).toHaveLength(2);
  });

  it('drops an event that arrives after the person changed, before the stream heard of it', () => {
    let owner = 'alice';
    const sources: { item: (id: string) => void }[] = [];
    const heard: string[] = [];
    const live = new LiveStatus({
      url: '/api/v1/events',
      owner: () => owner,
      connect: () => {
        const listeners: ((e: MessageEvent<string>) => void)[] = [];
        const source = {
          readyState: 1,
          onopen: null,
          onerror: null,
          addEventListener: (_type: string, l: (e: MessageEvent<string>) => void) => void listeners.push(l),
          close: () => undefined,
        };
        sources.push({ item: (id) => listeners.forEach((l) => l(new MessageEvent('media', { data: JSON.stringify(mediaItem({ id })) }))) });
        return source;
      },
    });
    live.subscribe({ item: (view) => heard.push(view.id) });
    sources[0]?.item('a1');
    owner = 'bob';
    sources[0]?.item('a2');
    expect(heard).toEqual(['a1']);
    expect(sources).toHaveLength(2);
  });

  it('stays down where there is no EventSource, and listeners still work', () => {
    const live = new LiveStatus({ url: '/api/v1/events', connect: undefined, owner: () => 'alice' });
    const stop = live.subscribe({ item: () => undefined });
    expect(live.state).toBe('down');
    expect(live.latest('x')).toBeUndefined();
    stop();
    live.dispose();
  });

  it('keeps telling the others when one listener throws', () => {
    const { live, latest } = fakeLive();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const heard: string[] = [];
    live.subscribe({
      item: () => {
        throw new Error('broken view');
      },
    });
    live.subscribe({ item: (view) => heard.push(view.id) });
    latest().open();
    latest().item(mediaItem({ id: 'a1' }));
    expect(heard).toEqual(['a1']);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ message: 'broken view' }));
    error.mockRestore();
  });

  it('remembers a bounded number of views', () => {
    const { live, latest } = fakeLive({ cacheSize: 2 });
    live.subscribe({});
    latest().open();
    for (const id of ['a', 'b', 'c']) latest().item(mediaItem({ id }));
    expect([live.latest('a'), live.latest('b')?.id, live.latest('c')?.id]).toEqual([undefined, 'b', 'c']);
  });
});
