import type { MediaView } from '../api/types';

/** Whether changes arrive over the stream now (`live`), or views must read for themselves (`down`). */
export type LiveState = 'live' | 'down';

/**
 * Why what a view shows may be out of date:
 * - `opened`: the page's stream just opened; anything read before may have changed meanwhile.
 * - `reconnected`: the stream opened again after it failed; changes in between were not seen.
 * - `reload`: the server no longer keeps the changes this page missed.
 */
export type ResyncReason = 'opened' | 'reconnected' | 'reload';

/** What a view wants to hear; every callback is optional. */
export interface LiveListener {
  /** An item of the owner's was made or changed: its current view. */
  item?(view: MediaView): void;
  /** An item is gone for good. */
  removed?(id: string): void;
  /** Read again what is shown (see {@link ResyncReason}). */
  resync?(reason: ResyncReason): void;
  state?(state: LiveState): void;
}

/** The owner's item changes as they happen, where the server streams them (`GET /api/v1/events`). */
export interface LiveUpdates {
  readonly state: LiveState;
  /** Listens until the returned function is called; the stream is open while anyone listens. */
  subscribe(listener: LiveListener): () => void;
  /** The last view of an item the open stream delivered, if it delivered one. */
  latest(id: string): MediaView | undefined;
}

/** What {@link LiveStatus} uses of a browser `EventSource` (tests hand it a fake). */
export interface EventSourceLike {
  /** 0 connecting, 1 open, 2 closed (given up: the browser will not reconnect). */
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface LiveStatusOptions {
  /** The stream's URL (`/api/v1/events`; the `mf_token` cookie scoped to it says whose). */
  url: string;
  /** Opens an event source; undefined where the browser has none (then the stream is never live). */
  connect: ((url: string) => EventSourceLike) | undefined;
  /** Who is signed in: the stream is theirs. Null when nobody is (no stream then). */
  owner: () => string | null;
  /** Calls `listener` when who is signed in may have changed; returns how to stop. */
  onOwnerChange?: (listener: () => void) => () => void;
  /** Waits before opening the stream again after it failed, one after another (the last repeats). */
  retryMs?: readonly number[];
  /** How long the stream stays open once nobody listens (one view closing as the next opens). */
  lingerMs?: number;
  /** Timers (default `setTimeout`); returns how to cancel. */
  setTimer?: (run: () => void, ms: number) => () => void;
  /** How many items' last views {@link LiveStatus.latest} remembers. */
  cacheSize?: number;
}

const CLOSED = 2;
const DEFAULT_RETRY_MS: readonly number[] = [5_000, 15_000, 60_000, 300_000];
const defaultTimer = (run: () => void, ms: number): (() => void) => {
  const id = setTimeout(run, ms);
  return () => clearTimeout(id);
};

/** What a `media` event carries when the item is gone. */
interface Removal {
  id: string;
  removed: true;
}

function isRemoval(data: MediaView | Removal): data is Removal {
  return 'removed' in data && data.removed === true;
}

/**
 * One event stream per page for every view that shows items (the upload tray, the grid, the
 * detail view): opened while anyone listens and someone is signed in, closed when nobody does.
 *
 * Where there is no stream (the cloud answers 404; a browser without `EventSource`) or it fails,
 * the state is `down` and views poll as they always did; a failed stream is tried again later
 * ({@link LiveStatusOptions.retryMs}). A stream that drops is resumed by the browser from the last
 * event id, so nothing is missed; a new stream says so with a resync.
 *
 * @example
 * const live = new LiveStatus({ url: '/api/v1/events', connect: (url) => new EventSource(url), owner: () => session.ownerId });
 * const stop = live.subscribe({ item: (view) => show(view) });
 */
export class LiveStatus implements LiveUpdates {
  private readonly listeners = new Set<LiveListener>();
  private readonly views = new Map<string, MediaView>();
  private readonly retryMs: readonly number[];
  private readonly lingerMs: number;
  private readonly setTimer: (run: () => void, ms: number) => () => void;
  private readonly cacheSize: number;
  private source: EventSourceLike | undefined;
  private sourceOwner: string | null = null;
  private current: LiveState = 'down';
  private failures = 0;
  private cancelRetry: (() => void) | undefined;
  private cancelLinger: (() => void) | undefined;
  /** A stream failed while views listened: the next one to open may have missed changes. */
  private gap = false;
  private readonly stopOwnerWatch: () => void;

  constructor(private readonly options: LiveStatusOptions) {
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.lingerMs = options.lingerMs ?? 5_000;
    this.setTimer = options.setTimer ?? defaultTimer;
    this.cacheSize = options.cacheSize ?? 500;
    this.stopOwnerWatch = options.onOwnerChange?.(() => this.ensure()) ?? (() => undefined);
  }

  get state(): LiveState {
    return this.current;
  }

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    this.ensure();
    return () => {
      if (this.listeners.delete(listener)) this.ensure();
    };
  }

  latest(id: string): MediaView | undefined {
    return this.current === 'live' ? this.views.get(id) : undefined;
  }

  /** Closes the stream and stops listening for sign-ins (the page is going away). */
  dispose(): void {
    this.listeners.clear();
    this.stopOwnerWatch();
    this.cancelRetry?.();
    this.cancelLinger?.();
    this.shut();
  }

  /** Opens or closes the stream to match who listens and who is signed in. */
  private ensure(): void {
    const owner = this.options.owner();
    if (this.source !== undefined && this.sourceOwner !== owner) {
      // Another person signed in: nothing of the last one's stream may reach this one's views.
      this.shut();
      if (this.listeners.size > 0) this.gap = true;
      this.failures = 0;
      this.cancelRetry?.();
      this.cancelRetry = undefined;
    }
    if (this.listeners.size === 0) {
      if (this.source !== undefined && this.cancelLinger === undefined) {
        this.cancelLinger = this.setTimer(() => {
          this.cancelLinger = undefined;
          if (this.listeners.size === 0) this.shut();
        }, this.lingerMs);
      }
      return;
    }
    this.cancelLinger?.();
    this.cancelLinger = undefined;
    if (this.source === undefined && this.cancelRetry === undefined && owner !== null) this.open(owner);
  }

  private open(owner: string): void {
    const connect = this.options.connect;
    if (connect === undefined) return;
    // Whose stream: the server refuses it if the cookie (shared by every tab) is someone else's now.
    const source = connect(`${this.options.url}?owner=${encodeURIComponent(owner)}`);
    this.source = source;
    this.sourceOwner = owner;
    this.views.clear();
    // The browser's own reconnects (same source, from the last event id) miss nothing; only a
    // source's first opening can follow a gap.
    let first = true;
    source.onopen = () => {
      if (this.source !== source) return;
      this.failures = 0;
      const reason: ResyncReason | undefined = first ? (this.gap ? 'reconnected' : 'opened') : undefined;
      first = false;
      this.gap = false;
      this.setState('live');
      if (reason !== undefined) this.emit((l) => l.resync?.(reason));
    };
    source.onerror = () => {
      if (this.source !== source) return;
      this.setState('down');
      if (source.readyState !== CLOSED) return;
      // Given up (a 404 where there is no stream, a 401, the server gone): views poll; try later.
      this.shut();
      if (this.listeners.size > 0) this.gap = true;
      const wait = this.retryMs[Math.min(this.failures, this.retryMs.length - 1)] ?? 60_000;
      this.failures += 1;
      this.cancelRetry = this.setTimer(() => {
        this.cancelRetry = undefined;
        this.ensure();
      }, wait);
    };
    source.addEventListener('media', (event) => {
      if (!this.accepts(source)) return;
      const data = parse(event.data);
      if (data === undefined) return;
      if (isRemoval(data)) {
        this.views.delete(data.id);
        this.emit((l) => l.removed?.(data.id));
        return;
      }
      this.remember(data);
      this.emit((l) => l.item?.(data));
    });
    source.addEventListener('reload', () => {
      if (!this.accepts(source)) return;
      this.views.clear();
      this.emit((l) => l.resync?.('reload'));
    });
  }

  /** Whether an event of `source` may reach the views: it is the open one, and still the signed-in person's. */
  private accepts(source: EventSourceLike): boolean {
    if (this.source !== source) return false;
    if (this.sourceOwner === this.options.owner()) return true;
    this.ensure();
    return false;
  }

  private remember(view: MediaView): void {
    this.views.delete(view.id);
    this.views.set(view.id, view);
    if (this.views.size > this.cacheSize) {
      const oldest = this.views.keys().next().value;
      if (oldest !== undefined) this.views.delete(oldest);
    }
  }

  private shut(): void {
    const source = this.source;
    this.source = undefined;
    this.sourceOwner = null;
    this.views.clear();
    source?.close();
    this.setState('down');
  }

  private setState(state: LiveState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit((l) => l.state?.(state));
  }

  private emit(call: (listener: LiveListener) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        call(listener);
      } catch (error) {
        // One view's failure must not keep the news from the others.
        console.error(error);
      }
    }
  }
}

function parse(text: string): MediaView | Removal | undefined {
  try {
    const data = JSON.parse(text) as unknown;
    return typeof data === 'object' && data !== null && typeof (data as { id?: unknown }).id === 'string' ? (data as MediaView | Removal) : undefined;
  } catch {
    return undefined;
  }
}
