import { ApiError, createApiClient } from './client';

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
