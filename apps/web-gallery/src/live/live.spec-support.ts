import type { MediaView } from '../api/types';
import { LiveStatus, type EventSourceLike, type LiveStatusOptions } from './live-status';

// Test support for the live-status specs (jsdom has no EventSource): a source the test drives.

/** An EventSource whose connection, events and failures the test plays. */
export class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  /** The server answered 200 with an event stream. */
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** An event of the server's. */
  send(type: string, data: unknown, id = ''): void {
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  /** A `media` event with the item's view. */
  item(view: MediaView): void {
    this.send('media', view);
  }

  /** The connection dropped; the browser will reconnect by itself. */
  drop(): void {
    this.readyState = 0;
    this.onerror?.(new Event('error'));
  }

  /** The browser gave up (a 404 where there is no stream, a 401). */
  fail(): void {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}

/** Timers the test runs by hand. */
export class ManualTimers {
  private readonly pending = new Map<number, { run: () => void; ms: number }>();
  private next = 0;

  readonly set = (run: () => void, ms: number): (() => void) => {
    this.next += 1;
    const id = this.next;
    this.pending.set(id, { run, ms });
    return () => this.pending.delete(id);
  };

  /** Delays of the timers waiting, in the order they were set. */
  get waiting(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  /** Runs every timer waiting now. */
  runAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.run();
  }
}

/**
 * A real {@link LiveStatus} on fake sources and manual timers, signed in as `alice` unless told:
 * `sources` holds every source it opened, `latest()` the last one.
 */
export function fakeLive(options: Partial<LiveStatusOptions> = {}) {
  const sources: FakeEventSource[] = [];
  const timers = new ManualTimers();
  let owner: string | null = 'alice';
  const ownerListeners = new Set<() => void>();
  const live = new LiveStatus({
    url: '/api/v1/events',
    connect: (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    owner: () => owner,
    onOwnerChange: (listener) => {
      ownerListeners.add(listener);
      return () => ownerListeners.delete(listener);
    },
    setTimer: timers.set,
    ...options,
  });
  return {
    live,
    sources,
    timers,
    latest(): FakeEventSource {
      const source = sources.at(-1);
      if (source === undefined) throw new Error('no source was opened');
      return source;
    },
    signIn(next: string | null): void {
      owner = next;
      for (const listener of ownerListeners) listener();
    },
  };
}
