import type { MediaItem } from '@mediaflow/domain';
import { InMemoryMediaChangeFeed, makeMediaItem } from '@mediaflow/domain/testing';
import type { MediaView } from '@mediaflow/media-service';
import { inMemoryDeps, type InMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from '../app.js';
import { bearerTokens } from '../auth.js';
import { LocalTokens } from '../local-tokens.js';
import type { OpenApiDocument } from '../openapi.js';

/** One event as an `EventSource` would see it, or a comment. */
interface Received {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
  retry?: number;
}

function parseBlock(block: string): Received {
  const out: Received = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) out.comment = line.slice(1).trim();
    else if (line.startsWith('id: ')) out.id = line.slice(4);
    else if (line.startsWith('event: ')) out.event = line.slice(7);
    else if (line.startsWith('data: ')) out.data = JSON.parse(line.slice(6));
    else if (line.startsWith('retry: ')) out.retry = Number(line.slice(7));
  }
  return out;
}

/** Reads a stream's blocks as they come. */
class StreamReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(response: Response) {
    if (response.body === null) throw new Error('no body');
    this.reader = response.body.getReader();
  }

  /** The next block (an event or a comment); fails after `ms`. */
  async next(ms = 2000): Promise<Received | 'end'> {
    const deadline = Date.now() + ms;
    for (;;) {
      const at = this.buffer.indexOf('\n\n');
      if (at >= 0) {
        const block = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        return parseBlock(block);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${ms} ms (buffer: ${JSON.stringify(this.buffer)})`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      });
      const read = await Promise.race([this.reader.read(), timeout]);
      clearTimeout(timer);
      if (read === 'timeout') continue;
      if (read.done) return 'end';
      this.buffer += this.decoder.decode(read.value, { stream: true });
    }
  }

  /** The next `n` events, skipping comments and the stream's preface. */
  async events(n: number): Promise<Received[]> {
    const out: Received[] = [];
    while (out.length < n) {
      const block = await this.next();
      if (block === 'end') throw new Error(`the stream ended after ${out.length} events`);
      if (block.event !== undefined) out.push(block);
    }
    return out;
  }

  /** Nothing but comments arrives for `ms`. */
  async quietFor(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      let block: Received | 'end';
      try {
        block = await this.next(until - Date.now());
      } catch {
        return;
      }
      if (block === 'end' || block.event !== undefined) throw new Error(`expected quiet, got ${JSON.stringify(block)}`);
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}

describe('GET /api/v1/events', () => {
  let deps: InMemoryDeps;
  let feed: InMemoryMediaChangeFeed;
  let tokens: LocalTokens;
  let stop: AbortController;
  let app: ReturnType<typeof createApi>;
  const readers: StreamReader[] = [];

  function build(options: { retain?: number; maxStreamsPerOwner?: number; heartbeatMs?: number } = {}) {
    deps = inMemoryDeps();
    feed = new InMemoryMediaChangeFeed(options.retain === undefined ? {} : { retain: options.retain });
    deps.repo = feed.track(deps.repo);
    tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => deps.clock.now() });
    stop = new AbortController();
    app = createApi({
      deps,
      verifier: bearerTokens(tokens),
      mediaFiles: {},
      events: { feed, pollMs: 5, heartbeatMs: options.heartbeatMs ?? 10_000, signal: stop.signal, ...(options.maxStreamsPerOwner ? { maxStreamsPerOwner: options.maxStreamsPerOwner } : {}) },
    });
  }

  beforeEach(() => build());

  afterEach(async () => {
    stop.abort();
    for (const reader of readers.splice(0)) await reader.cancel().catch(() => undefined);
  });

  const cookie = (owner: string) => ({ cookie: `mf_token=${tokens.issue(owner)}` });
  const request = (headers: Record<string, string> = {}, path = '/api/v1/events') => app.request(path, { headers });

  async function open(owner: string, headers: Record<string, string> = {}): Promise<StreamReader> {
    const response = await request({ ...cookie(owner), ...headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const reader = new StreamReader(response);
    readers.push(reader);
    return reader;
  }

  const create = (owner: string, overrides: Partial<MediaItem> = {}) => deps.repo.create(makeMediaItem({ ownerId: owner, ...overrides }));
  const advance = async (item: MediaItem, status: MediaItem['status']): Promise<MediaItem> => {
    const current = await deps.repo.get(item.ownerId, item.id);
    if (current === undefined) throw new Error('no such item');
    return deps.repo.update({ ...current, status, version: current.version + 1 }, current.version);
  };

  it('answers 401 without a credential, and to a token in the query string', async () => {
    const anonymous = await request();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    const inQuery = await request({}, `/api/v1/events?token=${tokens.issue('alice')}`);
    expect(inQuery.status).toBe(401);
    const bogus = await request({ cookie: 'mf_token=not-a-token' });
    expect(bogus.status).toBe(401);
  });

  it('refuses a token in the query string even beside a good cookie, and a Last-Event-ID that is not a sequence', async () => {
    const withQuery = await request(cookie('alice'), `/api/v1/events?access_token=${tokens.issue('alice')}`);
    expect(withQuery.status).toBe(400);
    expect(((await withQuery.json()) as { detail: string }).detail).toMatch(/never in the URL/);
    const badId = await request({ ...cookie('alice'), 'last-event-id': '12; drop' });
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as { detail: string }).detail).toMatch(/Last-Event-ID/);
  });

  it('takes the mf_token cookie or a bearer header, and starts with where the log is', async () => {
    await create('alice');
    const byCookie = await open('alice');
    const preface = await byCookie.next();
    expect(preface).toMatchObject({ retry: 3000, comment: 'connected' });
    expect(await byCookie.next()).toEqual({ id: '1', event: 'ready', data: { sequence: 1 } });
    const byHeader = await open('alice', { authorization: `Bearer ${tokens.issue('alice')}` });
    expect((await byHeader.events(1))[0]).toMatchObject({ event: 'ready' });
  });

  it('sends each change as the item’s current view, in order, with increasing ids, and a removal once it is gone', async () => {
    const stream = await open('alice');
    await stream.events(1);
    const item = await create('alice');
    const [created] = await stream.events(1);
    expect(created).toMatchObject({ id: '1', event: 'media', data: { id: item.id, status: 'uploading', filename: 'photo.jpg' } });
    expect((created?.data as MediaView).renditions).toEqual([]);
    await advance(item, 'uploaded');
    await advance(item, 'processing');
    const moves: Received[] = [];
    while ((moves.at(-1)?.data as MediaView | undefined)?.status !== 'processing') moves.push(...(await stream.events(1)));
    expect(moves.map((m) => (m.data as MediaView).id)).toEqual(moves.map(() => item.id));
    expect(['uploaded,processing', 'processing']).toContain(moves.map((m) => (m.data as MediaView).status).join());
    expect(moves.map((m) => Number(m.id))).toEqual([2, 3].slice(-moves.length));
    const other = await create('alice');
    await advance(item, 'ready');
    const [first, second] = await stream.events(2);
    expect([first?.data, second?.data].map((d) => (d as MediaView).id)).toEqual([other.id, item.id]);
    expect((second?.data as MediaView).status).toBe('ready');
    expect(Number(second?.id)).toBeGreaterThan(Number(first?.id));
    await deps.repo.delete('alice', item.id);
    expect((await stream.events(1))[0]).toMatchObject({ event: 'media', data: { id: item.id, removed: true } });
  });

  it('never sends another owner’s changes', async () => {
    const alice = await open('alice');
    await alice.events(1);
    const theirs = await create('bob');
    await advance(theirs, 'uploaded');
    await deps.repo.delete('bob', theirs.id);
    const mine = await create('alice');
    const events = await alice.events(1);
    expect(events.map((e) => (e.data as MediaView).id)).toEqual([mine.id]);
    await alice.quietFor(60);
  });

  it('resumes after the Last-Event-ID with only the later changes', async () => {
    const first = await open('alice');
    await first.events(1);
    const a = await create('alice');
    const [seen] = await first.events(1);
    await first.cancel();
    const b = await create('alice');
    await advance(a, 'uploaded');
    await create('bob');
    await advance(a, 'processing');
    const again = await open('alice', { 'last-event-id': String(seen?.id) });
    // Changes read together come as one event per item: its state now, under its last change's id.
    const events = await again.events(2);
    expect(events.map((e) => [(e.data as MediaView).id, (e.data as MediaView).status, e.id])).toEqual([
      [b.id, 'uploading', '2'],
      [a.id, 'processing', '5'],
    ]);
    expect(events.every((e) => Number(e.id) > Number(seen?.id))).toBe(true);
    await again.quietFor(40);
  });

  it('tells a client to reload when the log no longer holds what it missed', async () => {
    build({ retain: 2 });
    for (let i = 0; i < 4; i += 1) await create('alice');
    const stream = await open('alice', { 'last-event-id': '1' });
    const [reload] = await stream.events(1);
    expect(reload).toEqual({ id: '4', event: 'reload', data: { sequence: 4 } });
    const later = await create('alice');
    expect((await stream.events(1))[0]).toMatchObject({ id: '5', data: { id: later.id } });
    // An id from another store (ahead of this log) is no place to resume either.
    const foreign = await open('alice', { 'last-event-id': '99' });
    expect((await foreign.events(1))[0]).toMatchObject({ id: '5', event: 'reload' });
  });

  it('sends a heartbeat comment on a quiet stream', async () => {
    build({ heartbeatMs: 20 });
    const stream = await open('alice');
    await stream.events(1);
    expect(await stream.next()).toEqual({ comment: 'heartbeat' });
  });

  it('closes cleanly when the client goes, and when the server stops', async () => {
    build({ maxStreamsPerOwner: 1 });
    const first = await open('alice');
    await first.events(1);
    const refused = await request(cookie('alice'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3');
    // Another owner has streams of their own.
    await open('bob');
    await first.cancel();
    const second = await open('alice');
    await second.events(1);
    stop.abort();
    let end: Received | 'end' = {};
    while (end !== 'end') end = await second.next();
    expect(end).toBe('end');
  });

  it('refuses a stream asked for one owner with another owner\u2019s cookie (another tab signed in), and a HEAD that would hold a slot', async () => {
    build({ maxStreamsPerOwner: 1 });
    const mismatch = await request(cookie('bob'), '/api/v1/events?owner=alice');
    expect(mismatch.status).toBe(403);
    const matching = await request(cookie('alice'), '/api/v1/events?owner=alice');
    expect(matching.status).toBe(200);
    const reader = new StreamReader(matching);
    readers.push(reader);
    await reader.cancel();
    const head = await app.request('/api/v1/events', { method: 'HEAD', headers: cookie('alice') });
    expect(head.status).not.toBe(200);
    // The one slot is free again: neither the cancelled stream nor the HEAD holds it.
    await open('alice');
  });

  it('reports no error when a client goes away', async () => {
    const errors: unknown[] = [];
    deps = inMemoryDeps();
    feed = new InMemoryMediaChangeFeed();
    deps.repo = feed.track(deps.repo);
    stop = new AbortController();
    app = createApi({ deps, verifier: bearerTokens(tokens), mediaFiles: {}, events: { feed, pollMs: 5, heartbeatMs: 10_000, signal: stop.signal }, onError: (error) => { errors.push(error); } });
    const reader = await open('alice');
    await reader.events(1);
    await reader.cancel();
    await create('alice');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([]);
  });

  it('does not exist without a change feed, and is documented with one', async () => {
    const plain = createApi({ deps, verifier: bearerTokens(tokens), mediaFiles: {} });
    expect((await plain.request('/api/v1/events', { headers: cookie('alice') })).status).toBe(404);
    const plainDoc = (await (await plain.request('/api/openapi.json')).json()) as OpenApiDocument;
    expect(plainDoc.paths['/api/v1/events']).toBeUndefined();
    const doc = (await (await app.request('/api/openapi.json')).json()) as OpenApiDocument;
    expect(doc.paths['/api/v1/events']?.['get']).toMatchObject({ operationId: 'streamMediaEvents', security: [{ bearer: [] }, { mediaCookie: [] }] });
  });
});
