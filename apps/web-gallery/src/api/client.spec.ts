import { ApiError, bulkInSlices, createApiClient, createVisitorClient } from './client';
import type { BulkRequest } from './types';

function fakeFetch(respond: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = jest.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return respond(String(input), init);
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

// jsdom has no Response class: a minimal stand-in with what the client reads.
function response(status: number, body?: unknown, type = 'application/json'): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' && body !== undefined ? type : null) },
    json: async () => body,
  } as unknown as Response;
}
const json = (body: unknown, status = 200) => response(status, body);
const problem = (status: number, detail: string, code = 'validation_failed') =>
  response(status, { type: 'about:blank', title: 'x', status, detail, code }, 'application/problem+json');

describe('createApiClient', () => {
  it('sends the bearer token and the list filters, and returns the page', async () => {
    const { fetch, calls } = fakeFetch(() => json({ items: [], nextCursor: 'abc' }));
    const api = createApiClient({ getToken: () => 'tok', fetch });
    const page = await api.listMedia({ kind: 'image', tag: 'beach' }, 'cur', 30);
    expect(page.nextCursor).toBe('abc');
    expect(calls[0]?.url).toBe('/api/v1/media?kind=image&tag=beach&cursor=cur&limit=30');
    expect(new Headers(calls[0]?.init.headers).get('authorization')).toBe('Bearer tok');
  });

  it('turns a problem response into an ApiError with its detail', async () => {
    const { fetch } = fakeFetch(() => problem(413, 'the file is larger than 2 GiB', 'limit_exceeded'));
    const api = createApiClient({ getToken: () => 'tok', fetch });
    const error = await api.startUpload({ filename: 'big.mov', size: 3e9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, code: 'limit_exceeded', detail: 'the file is larger than 2 GiB' });
  });

  it('keeps the fields a 400 names, so the app can say what to change', async () => {
    const body = { type: 'about:blank', title: 'x', status: 400, detail: 'invalid query: to: "to" is before "from"', code: 'validation_failed', errors: [{ path: 'to', message: '"to" is before "from"' }, { nope: 1 }] };
    const { fetch } = fakeFetch(() => response(400, body, 'application/problem+json'));
    const api = createApiClient({ getToken: () => 'tok', fetch });
    const error = await api.search({ order: 'taken-desc', from: '2021-08-01', to: '2021-07-01' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, detail: body.detail, errors: [{ path: 'to', message: '"to" is before "from"' }] });
  });

  it('reports a 401 so the app can ask for sign-in again', async () => {
    const onUnauthorized = jest.fn();
    const { fetch } = fakeFetch(() => problem(401, 'token expired', 'unauthorized'));
    const api = createApiClient({ getToken: () => 'old', fetch, onUnauthorized });
    await expect(api.listTags()).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('PATCHes JSON, DELETEs, and completes multipart uploads at the given URL', async () => {
    const { fetch, calls } = fakeFetch((url, init) => (init.method === 'DELETE' || url.endsWith('/complete') ? response(url.endsWith('/complete') ? 202 : 204) : json({ id: 'x' })));
    const api = createApiClient({ getToken: () => 't', fetch });
    await api.updateMedia('01ABC', { title: 'Dune', tags: ['sand'] });
    await api.deleteMedia('01ABC');
    await api.completeUpload('/api/v1/uploads/01ABC/complete', 'up-1', [{ number: 1, etag: '"e1"' }]);
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'PATCH /api/v1/media/01ABC',
      'DELETE /api/v1/media/01ABC',
      'POST /api/v1/uploads/01ABC/complete',
    ]);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ title: 'Dune', tags: ['sand'] });
    expect(new Headers(calls[0]?.init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(calls[2]?.init.body))).toEqual({ uploadId: 'up-1', parts: [{ number: 1, etag: '"e1"' }] });
  });

  it('says the server cannot be reached when fetch itself fails', async () => {
    const fetch = jest.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    const api = createApiClient({ getToken: () => 't', fetch });
    await expect(api.getMedia('x')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('search and the timeline', () => {
  it('sends the words, the filters (tags joined by commas), the order and the page', async () => {
    const { fetch, calls } = fakeFetch(() => json({ items: [], nextCursor: null }));
    const api = createApiClient({ getToken: () => 't', fetch });
    await api.search({ q: 'puppies on the bea', kind: 'image', tags: ['e2e holiday', 'dog'], from: '2021-07-01', to: '2021-07-31T23:59:59.999Z', camera: 'canon', album: '01JA', order: 'relevance' }, 'c1', 30);
    await api.search({ order: 'taken-desc', to: '2019-03-31T23:59:59.999Z' });
    await api.search({ q: '', tags: [] });
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/search?q=puppies+on+the+bea&kind=image&tags=e2e+holiday%2Cdog&from=2021-07-01&to=2021-07-31T23%3A59%3A59.999Z&camera=canon&album=01JA&order=relevance&cursor=c1&limit=30',
      '/api/v1/search?to=2019-03-31T23%3A59%3A59.999Z&order=taken-desc&limit=60',
      '/api/v1/search?limit=60',
    ]);
  });

  it('returns the timeline’s months', async () => {
    const months = [{ month: '2021-07', count: 3 }];
    const { fetch, calls } = fakeFetch(() => json({ months }));
    const api = createApiClient({ getToken: () => 't', fetch });
    expect(await api.timeline()).toEqual(months);
    expect(calls[0]?.url).toBe('/api/v1/timeline');
  });
});

describe('issue 22 routes', () => {
  it('calls the album, share and review operations by their contract paths', async () => {
    const { fetch, calls } = fakeFetch((_url, init) => (init.method === 'DELETE' ? response(204) : json({ items: [], nextCursor: null, album: {}, results: [] })));
    const api = createApiClient({ getToken: () => 't', fetch });
    await api.listAlbumItems('01A', 'c1');
    await api.addAlbumItems('01A', ['01M1', '01M2']);
    await api.removeAlbumItems('01A', ['01M1']);
    await api.updateAlbum('01A', { coverMediaId: '01M2' });
    await api.deleteAlbum('01A');
    await api.listShares({ type: 'album', albumId: '01A' });
    await api.listShares({ type: 'media', mediaId: '01M1' });
    await api.revokeShare('01S');
    await api.approveMedia({ ownerId: 'bob', id: '01M3' });
    await api.rejectMedia({ ownerId: 'bob', id: '01M3' }, 'not allowed');
    await api.requestReview('01M1');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'GET /api/v1/albums/01A/items?order=asc&cursor=c1',
      'POST /api/v1/albums/01A/items',
      'POST /api/v1/albums/01A/items/remove',
      'PATCH /api/v1/albums/01A',
      'DELETE /api/v1/albums/01A',
      'GET /api/v1/shares?albumId=01A',
      'GET /api/v1/shares?mediaId=01M1',
      'DELETE /api/v1/shares/01S',
      'POST /api/v1/review/bob/01M3/approve',
      'POST /api/v1/review/bob/01M3/reject',
      'POST /api/v1/media/01M1/review-request',
    ]);
    expect(JSON.parse(String(calls[1]?.init.body))).toEqual({ mediaIds: ['01M1', '01M2'] });
    expect(JSON.parse(String(calls[9]?.init.body))).toEqual({ reason: 'not allowed' });
  });
});

describe('trash, favourites and bulk actions', () => {
  it('calls the trash, restore, favourite and permanent delete operations by their contract paths', async () => {
    const { fetch, calls } = fakeFetch((url, init) => {
      if (init.method !== 'DELETE') return json({ items: [], nextCursor: null, retentionDays: 30, id: 'x' });
      return url.endsWith('/trash') ? json({ purged: 3, more: true }) : response(204);
    });
    const api = createApiClient({ getToken: () => 't', fetch });
    expect(await api.listTrash()).toEqual({ items: [], nextCursor: null, retentionDays: 30, id: 'x' });
    await api.listTrash('c2');
    expect(await api.emptyTrash()).toEqual({ purged: 3, more: true });
    await api.restoreMedia('01M1');
    await api.setFavourite('01M1', true);
    await api.deleteMedia('01M1', { permanent: true });
    await api.deleteMedia('01M2');
    await api.search({ order: 'taken-desc', favourite: 'true' });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'GET /api/v1/trash',
      'GET /api/v1/trash?cursor=c2',
      'DELETE /api/v1/trash',
      'POST /api/v1/media/01M1/restore',
      'PATCH /api/v1/media/01M1',
      'DELETE /api/v1/media/01M1?permanent=true',
      'DELETE /api/v1/media/01M2',
      'GET /api/v1/search?favourite=true&order=taken-desc&limit=60',
    ]);
    expect(JSON.parse(String(calls[4]?.init.body))).toEqual({ favourite: true });
  });

  it('sends a bulk action in requests of at most 500 distinct ids and joins the answers in order', async () => {
    const ids = Array.from({ length: 1201 }, (_, i) => `01M${String(i).padStart(5, '0')}`);
    const { fetch, calls } = fakeFetch((_url, init) => {
      const body = JSON.parse(String(init.body)) as BulkRequest;
      return json({ results: body.ids.map((id) => (id === ids[700] ? { id, ok: false, status: 404, code: 'not_found', reason: 'media not found' } : { id, ok: true })), succeeded: 0, failed: 0 });
    });
    const api = createApiClient({ getToken: () => 't', fetch });
    const result = await api.bulkMedia({ ids: [...ids, ids[3] ?? ''], action: 'addTags', tags: ['sea'] });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(Array(3).fill('POST /api/v1/media/bulk'));
    const bodies = calls.map((c) => JSON.parse(String(c.init.body)) as BulkRequest);
    expect(bodies.map((b) => b.ids.length)).toEqual([500, 500, 201]);
    expect(bodies.every((b) => b.action === 'addTags' && b.tags?.[0] === 'sea')).toBe(true);
    expect(result.results.map((r) => r.id)).toEqual(ids);
    expect(result).toMatchObject({ succeeded: 1200, failed: 1 });
    expect(result.results[700]).toEqual({ id: ids[700], ok: false, status: 404, code: 'not_found', reason: 'media not found' });
  });

  it('sends a delete for good in requests of at most 25 ids, while other actions keep 500', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `01D${String(i).padStart(5, '0')}`);
    const sizes: Record<string, number[]> = {};
    const send = jest.fn(async (slice: BulkRequest) => {
      (sizes[slice.action] ??= []).push(slice.ids.length);
      return { results: slice.ids.map((id) => ({ id, ok: true as const })), succeeded: slice.ids.length, failed: 0 };
    });
    const deleted = await bulkInSlices({ ids, action: 'delete' }, send);
    await bulkInSlices({ ids, action: 'restore' }, send);
    expect(sizes).toEqual({ delete: [25, 25, 10], restore: [60] });
    expect(deleted.results.map((r) => r.id)).toEqual(ids);
    expect(deleted).toMatchObject({ succeeded: 60, failed: 0 });
  });

  it('rejects when the first slice is refused; a later refused slice fails its ids and the rest, keeping what was done', async () => {
    const request: BulkRequest = { ids: Array.from({ length: 1100 }, (_, i) => `id${i}`), action: 'trash' };
    const refused = new ApiError('slow down', 429, 'rate_limited', 'slow down');
    await expect(bulkInSlices(request, async () => Promise.reject(refused))).rejects.toBe(refused);
    const send = jest.fn(async (slice: BulkRequest) => {
      if (send.mock.calls.length > 1) throw refused;
      return { results: slice.ids.map((id) => ({ id, ok: true as const })), succeeded: slice.ids.length, failed: 0 };
    });
    const result = await bulkInSlices(request, send);
    expect(send).toHaveBeenCalledTimes(2);
    expect(result).toMatchObject({ succeeded: 500, failed: 600 });
    expect(result.results[500]).toEqual({ id: 'id500', ok: false, status: 429, code: 'rate_limited', reason: 'slow down' });
    expect(result.results.at(-1)).toEqual({ id: 'id1099', ok: false, status: 429, code: 'rate_limited', reason: 'slow down' });
  });
});

describe('createVisitorClient', () => {
  it('never sends a bearer token, and sends the unlock as x-share-unlock', async () => {
    const { fetch, calls } = fakeFetch(() => json({ share: { type: 'album', allowDownload: false, expiresAt: null }, album: null, items: [], nextCursor: null }));
    const visitor = createVisitorClient({ fetch });
    await visitor.openShare({ token: 'tok', unlock: null });
    await visitor.openShare({ token: 'tok', unlock: 'u1' }, 'c2');
    await visitor.reportSharedMedia({ token: 'tok', unlock: 'u1' }, '01M', 'spam');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['GET /api/v1/shared/tok', 'GET /api/v1/shared/tok?cursor=c2', 'POST /api/v1/shared/tok/media/01M/report']);
    const headers = calls.map((c) => new Headers(c.init.headers));
    expect(headers.map((h) => h.get('authorization'))).toEqual([null, null, null]);
    expect(headers.map((h) => h.get('x-share-unlock'))).toEqual([null, 'u1', 'u1']);
    expect(JSON.parse(String(calls[2]?.init.body))).toEqual({ reason: 'spam' });
  });

  it('reads the problem code of a protected or closed link, and Retry-After of a 429', async () => {
    const tooMany = {
      ok: false,
      status: 429,
      statusText: '',
      headers: { get: (name: string) => ({ 'content-type': 'application/problem+json', 'retry-after': '120' })[name.toLowerCase()] ?? null },
      json: async () => ({ status: 429, detail: 'slow down', code: 'rate_limited' }),
    } as unknown as Response;
    const answers = [problem(401, 'a password is needed', 'password_required'), problem(410, 'revoked', 'link_revoked'), tooMany];
    const { fetch } = fakeFetch(() => answers.shift() ?? json({}));
    const visitor = createVisitorClient({ fetch });
    await expect(visitor.openShare({ token: 't', unlock: null })).rejects.toMatchObject({ status: 401, code: 'password_required' });
    await expect(visitor.openShare({ token: 't', unlock: null })).rejects.toMatchObject({ status: 410, code: 'link_revoked' });
    await expect(visitor.unlockShare('t', 'guess')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 120 });
  });
});
