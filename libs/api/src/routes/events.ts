import { AsyncResource } from 'node:async_hooks';
import { ForbiddenError, ValidationError, type MediaChange, type MediaChangeFeed } from '@mediaflow/domain';
import { toMediaView, type ServiceDeps } from '@mediaflow/media-service';
import { RateLimitedError } from '../errors.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { pullInScope } from '../scoped-stream.js';

/** How `GET /api/v1/events` is served: `createApi`'s `events`. */
export interface EventStreamOptions {
  /** The owner's changes, in the store's order (`SqliteMediaChangeFeed` locally). */
  feed: MediaChangeFeed;
  /** How often the log's head is read while streams wait for changes (default 250 ms). */
  pollMs?: number;
  /** A comment is sent after this long without an event, so idle connections stay open (default 15 s). */
  heartbeatMs?: number;
  /** Streams one owner may hold open at once (default 20); one more is a 429. */
  maxStreamsPerOwner?: number;
  /** Ends every open stream when it aborts (the server stopping: an open stream would hold it up). */
  signal?: AbortSignal;
}

/** A removal, as the `data:` of a `media` event: the item is gone for good. */
export interface RemovedMediaEvent {
  id: string;
  removed: true;
}

/** Changes read from the log at a time. */
const BATCH = 100;
/** What an `EventSource` waits before it reconnects after the stream ends. */
const RETRY_MS = 3000;
const LAST_EVENT_ID = /^\d{1,15}$/;

type Woken = 'moved' | 'quiet' | 'closed';

interface Waiter {
  after: number;
  settle: (how: Woken) => void;
}

/**
 * One reader of the log's head for every open stream: while any stream waits, the head is read
 * every `pollMs` (one seek) and the streams whose position it passed are woken to read their
 * owner's changes. Changes written by another process reach the streams the same way.
 */
class HeadWatcher {
  private readonly waiters = new Set<Waiter>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last read failed: the next failures are the same incident, told once. */
  private failing = false;
  /**
   * The context the watcher was made in (the app's start), for its timer: the streams' pulls run
   * in their requests' scopes, and a timer one of them started would tell every stream's failures
   * under that one request's id.
   */
  private readonly own = new AsyncResource('mediaflow.head-watcher');

  constructor(
    private readonly feed: MediaChangeFeed,
    private readonly pollMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves `moved` once the head is past `after`, `quiet` after `quietMs`, `closed` when `signal` aborts. */
  wait(after: number, quietMs: number, signal: AbortSignal): Promise<Woken> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve('closed');
        return;
      }
      const settle = (how: Woken) => {
        clearTimeout(quiet);
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
        resolve(how);
      };
      const onAbort = () => settle('closed');
      const waiter: Waiter = { after, settle };
      const quiet = setTimeout(() => settle('quiet'), quietMs);
      quiet.unref?.();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiters.size === 0) return;
    this.timer = this.own.runInAsyncScope(() => setTimeout(() => void this.tick(), this.pollMs));
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    try {
      const head = await this.feed.head();
      this.failing = false;
      for (const waiter of [...this.waiters]) if (head > waiter.after) waiter.settle('moved');
    } catch (error) {
      // A locked or missing file now is no reason to end the streams: the next read may work.
      if (!this.failing) this.onError(error);
      this.failing = true;
    } finally {
      this.timer = undefined;
      this.schedule();
    }
  }
}

/** One event of the stream, its data on one line (JSON never holds a raw line break). */
function frame(id: number, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The last change of each item in a page, in log order: one event per item shows its current state. */
function latestPerItem(changes: readonly MediaChange[]): MediaChange[] {
  const last = new Map<string, MediaChange>();
  for (const change of changes) {
    last.delete(change.mediaId);
    last.set(change.mediaId, change);
  }
  return [...last.values()];
}

/** Where a stream starts: after the sequence the client last saw (`Last-Event-ID`), else at the log's head. */
function resumeFrom(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (!LAST_EVENT_ID.test(header.trim())) {
    throw new ValidationError('Last-Event-ID must be the id of an event this stream sent (a sequence number)', [{ path: 'Last-Event-ID', message: 'invalid' }]);
  }
  return Number(header.trim());
}

interface StreamContext {
  deps: ServiceDeps;
  feed: MediaChangeFeed;
  watcher: HeadWatcher;
  ownerId: string;
  resume: number | undefined;
  heartbeatMs: number;
  signal: AbortSignal;
  onError: (error: unknown) => void;
  onEnd: () => void;
}

/**
 * The body of one stream. Pulled: the next events are read only when the client took the last
 * ones, so a slow client holds back its own stream and nothing piles up in memory.
 */
function eventStream(ctx: StreamContext): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const local = new AbortController();
  const signal = AbortSignal.any([ctx.signal, local.signal]);
  let after = ctx.resume ?? -1;
  let started = false;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    local.abort();
    ctx.onEnd();
  };

  /** The item's current view, or its removal: the client needs no request of its own. */
  const eventOf = async (change: MediaChange): Promise<string> => {
    const item = await ctx.deps.repo.get(ctx.ownerId, change.mediaId);
    const data: unknown =
      item === undefined || item.status === 'deleted' ? ({ id: change.mediaId, removed: true } satisfies RemovedMediaEvent) : toMediaView(item, ctx.deps.config.mediaBaseUrl);
    return frame(change.sequence, 'media', data);
  };

  /** The next text to send, or undefined when the stream is over. */
  const next = async (): Promise<string | undefined> => {
    if (!started) {
      started = true;
      // The reconnection delay, then where a new stream starts (its id is where a reconnect resumes).
      const preface = `retry: ${RETRY_MS}\n: connected\n\n`;
      if (ctx.resume !== undefined) return preface;
      after = await ctx.feed.head();
      return preface + frame(after, 'ready', { sequence: after });
    }
    for (;;) {
      if (signal.aborted) return undefined;
      const page = await ctx.feed.changesAfter(ctx.ownerId, after, BATCH);
      if (page.expired) {
        // Changes the client has not seen are no longer in the log: it reads its items again.
        after = page.next;
        return frame(after, 'reload', { sequence: after });
      }
      after = page.next;
      if (page.changes.length > 0) {
        let text = '';
        for (const change of latestPerItem(page.changes)) text += await eventOf(change);
        return text;
      }
      const woken = await ctx.watcher.wait(after, ctx.heartbeatMs, signal);
      if (woken === 'closed') return undefined;
      if (woken === 'quiet') return ': heartbeat\n\n';
    }
  };

  return new ReadableStream<Uint8Array>({
    // In the request's scope, which the server has left by the second pull: a failure reported
    // by `onError` is logged with the request's id.
    pull: pullInScope(async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      // Closing a stream the client already cancelled throws: there is nothing left to close.
      const close = () => {
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      try {
        const text = await next();
        if (text === undefined || ended) {
          end();
          close();
        } else {
          controller.enqueue(encoder.encode(text));
        }
      } catch (error) {
        // A client that went away is no error; any other failure is reported once, and the client
        // reconnects (after `retry`) and resumes from the last id it saw.
        if (!ended) ctx.onError(error);
        end();
        close();
      }
    }),
    cancel() {
      end();
    },
  });
}

/**
 * `GET /api/v1/events`: the owner's item changes as Server-Sent Events, while the connection lasts.
 *
 * - Who: a bearer header, or the `mf_token` cookie (an `EventSource` sends no header; the gallery
 *   scopes that cookie to this path). Never a token in the URL: a request with one is refused.
 * - What: `event: ready` (the log's position) on a new stream; then per changed item `event: media`
 *   with `id:` its change's sequence and `data:` the item's current `MediaView`, or
 *   `{"id":..., "removed":true}` once it is gone; `event: reload` when changes the client has not
 *   seen are no longer kept (it reads its items again); a `: heartbeat` comment on a quiet stream.
 * - Resumes after the `Last-Event-ID` an `EventSource` sends when it reconnects.
 *
 * The local server's (its change feed is the SQLite log); where no feed is configured the route
 * does not exist and clients poll.
 */
export function eventRoutes(deps: ServiceDeps, options: EventStreamOptions, onError: (error: unknown) => void = () => undefined): ApiRoute[] {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxStreams = options.maxStreamsPerOwner ?? 20;
  const watcher = new HeadWatcher(options.feed, options.pollMs ?? 250, onError);
  const open = new Map<string, number>();
  const stopped = options.signal ?? new AbortController().signal;
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/events',
      operationId: 'streamMediaEvents',
      summary: 'The owner’s item changes as Server-Sent Events (the local server’s; resumable with Last-Event-ID). Bearer header or the media cookie, never a token in the URL.',
      tag: 'events',
      security: 'bearer-or-cookie',
      responses: { 200: { description: 'an event stream', bytes: 'text/event-stream' } },
      errors: [400, 403, 429],
    }).respond(async (c) => {
      // Hono answers HEAD through this handler and drops the body unread: a stream would never end.
      if (c.req.method !== 'GET') throw new ValidationError('only GET opens an event stream', [{ path: 'method', message: c.req.method }]);
      const query = c.req.query();
      if ('token' in query || 'access_token' in query) {
        throw new ValidationError('send the token in the Authorization header or the mf_token cookie, never in the URL', [{ path: 'token', message: 'not accepted' }]);
      }
      const resume = resumeFrom(c.req.header('last-event-id'));
      const ownerId = c.get('ownerId');
      // The cookie is shared by every tab of the browser: a tab says whose stream it wants, and a
      // cookie another tab's sign-in left for someone else is refused rather than followed.
      const expected = query['owner'];
      if (expected !== undefined && expected !== ownerId) throw new ForbiddenError('the signed-in account changed: sign in again in this tab');
      const count = open.get(ownerId) ?? 0;
      if (count >= maxStreams) throw new RateLimitedError(Math.ceil(RETRY_MS / 1000));
      open.set(ownerId, count + 1);
      const onEnd = () => {
        const left = (open.get(ownerId) ?? 1) - 1;
        if (left > 0) open.set(ownerId, left);
        else open.delete(ownerId);
      };
      const body = eventStream({ deps, feed: options.feed, watcher, ownerId, resume, heartbeatMs, signal: stopped, onError, onEnd });
      return c.body(body, 200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // Proxies that buffer responses would hold events back.
        'x-accel-buffering': 'no',
      });
    }),
  ];
}
