import { type ImageProcessor } from '@mediaflow/domain';
import { makeMediaItem, InMemoryObjectStore } from '@mediaflow/domain/testing';
import { ingestObject, processImage } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens, gatewayClaims } from './auth.js';
import { LocalTokens } from './local-tokens.js';
import { OwnerRateLimiter } from './rate-limit.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 8, 7, 6, 5, 4, 3, 2, 1]);

const images: ImageProcessor = {
  async inspect() {
    return { facts: { format: 'png', width: 10, height: 10 }, mime: 'image/png' };
  },
  async render(input) {
    return { files: [{ name: 'thumb', format: 'webp', contentType: 'image/webp', body: input, width: 10, height: 10 }], placeholder: {} };
  },
};

function setup() {
  const deps = inMemoryDeps({ images }, { config: { maxUploadBytes: 10_000 } });
  const { clock } = deps;
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => clock.now() });
  const errors: unknown[] = [];
  const app = createApi({ deps, verifier: bearerTokens(tokens), mediaFiles: {}, onError: (e) => errors.push(e) });
  const as = (owner: string) => ({ authorization: `Bearer ${tokens.issue(owner)}` });
  const call = (path: string, init: RequestInit & { owner?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.owner) headers.set('authorization', as(init.owner).authorization);
    return app.request(path, { ...init, headers });
  };
  return { deps, app, tokens, call, clock, errors, as };
}

async function readyItem(s: ReturnType<typeof setup>, owner = 'alice', filename = 'Ünïcode "quote".png'): Promise<string> {
  const res = await s.call('/api/v1/uploads', {
    owner,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filename, size: PNG.length }),
  });
  const { id } = (await res.json()) as { id: string };
  await s.deps.store.put(`originals/${owner}/${id}`, PNG);
  await ingestObject(s.deps, { key: `originals/${owner}/${id}` });
  await processImage(s.deps, owner, id);
  return id;
}

describe('auth', () => {
  it('stops accepting a remembered token once it expires', async () => {
    let now = new Date('2026-06-01T00:00:00Z');
    const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), ttlSeconds: 60, now: () => now });
    const token = tokens.issue('alice');
    await expect(tokens.authenticate(token)).resolves.toEqual({ ownerId: 'alice', roles: [] });
    await expect(tokens.authenticate(token)).resolves.toEqual({ ownerId: 'alice', roles: [] });
    now = new Date('2026-06-01T00:01:01Z');
    await expect(tokens.authenticate(token)).rejects.toThrow('token expired');
    // A forged twin of a remembered token is still checked in full.
    await expect(tokens.authenticate(`${token.slice(0, -2)}xx`)).rejects.toThrow();
  });

  it('refuses a missing, malformed, forged, alg:none, expired or foreign token with 401 problem+json', async () => {
    const s = setup();
    const good = s.tokens.issue('alice');
    const [h, p] = good.split('.') as [string, string, string];
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    const other = new LocalTokens({ secret: Buffer.alloc(32, 9) }).issue('alice');
    const wrongAud = new LocalTokens({ secret: Buffer.alloc(32, 7), audience: 'someone-else' }).issue('alice');
    const expired = new LocalTokens({ secret: Buffer.alloc(32, 7), ttlSeconds: 1, now: () => new Date('2020-01-01') }).issue('alice');
    const tampered = `${h}.${Buffer.from('{"sub":"bob","iss":"mediaflow-local","aud":"mediaflow","exp":9999999999}').toString('base64url')}.${good.split('.')[2]}`;
    for (const authorization of [undefined, 'Bearer', 'Basic abc', `Bearer ${none}`, `Bearer ${other}`, `Bearer ${wrongAud}`, `Bearer ${expired}`, `Bearer ${tampered}`, 'Bearer a.b.c']) {
      const res = await s.app.request('/api/v1/media', { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      // RFC 9110: a 401 names how to authenticate.
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="mediaflow"');
    }
    expect((await s.call('/api/v1/media', { owner: 'alice' })).status).toBe(200);
  });

  it('takes the owner a gateway verified from the bindings instead of a bearer token, and answers 401 without one', async () => {
    const s = setup();
    const app = createApi({ deps: s.deps, verifier: gatewayClaims((env) => {
        const owner = (env as { owner?: string } | undefined)?.owner;
        return owner === undefined ? undefined : { ownerId: owner, roles: [] };
      }),
    });
    const id = await readyItem(s, 'alice');
    const mine = await app.request('/api/v1/media', {}, { owner: 'alice' });
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([id]);
    expect((await app.request(`/api/v1/media/${id}`, {}, { owner: 'bob' })).status).toBe(404);
    // A bearer token alone is not enough once the gateway is the one that verifies.
    const anonymous = await app.request('/api/v1/media', { headers: s.as('alice') }, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('REST contract', () => {
  it('starts an upload with 201 and a PUT, and answers duplicates with 200', async () => {
    const s = setup();
    const res = await s.call('/api/v1/uploads', { owner: 'alice', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'a.png', size: 17 }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; upload: { method: string; url: string } };
    expect(body.upload.method).toBe('PUT');
    expect(res.headers.get('location')).toBe(`/api/v1/media/${body.id}`);
    const id = await readyItem(s);
    const item = (await (await s.call(`/api/v1/media/${id}`, { owner: 'alice' })).json()) as { original: { sha256: string } };
    const dup = await s.call('/api/v1/uploads', {
      owner: 'alice',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'b.png', size: 17, sha256: item.original.sha256 }),
    });
    expect(dup.status).toBe(200);
    expect(dup.headers.get('location')).toBeNull();
    expect(await dup.json()).toEqual({ id, duplicate: true });
  });

  it.each([
    ['a body that is not JSON', 'text/plain', 'hello', 415],
    ['a form', 'application/x-www-form-urlencoded', 'filename=a&size=1', 415],
    ['broken JSON', 'application/json', '{"filename":', 400],
    ['a missing size', 'application/json', '{"filename":"a"}', 400],
    ['a file over the limit', 'application/json', '{"filename":"a","size":10001}', 413],
  ])('answers %s with a problem', async (_what, type, body, status) => {
    const s = setup();
    const res = await s.call('/api/v1/uploads', { owner: 'alice', method: 'POST', headers: { 'content-type': type }, body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const p = (await res.json()) as { status: number; type: string; detail: string };
    expect(p.status).toBe(status);
    expect(p.type).toMatch(/^urn:mediaflow:problem:/);
    expect(p.detail.length).toBeGreaterThan(0);
  });

  it('links to the original for download without caching the link, and to no one else', async () => {
    const s = setup();
    const id = await readyItem(s);
    const res = await s.call(`/api/v1/media/${id}/original`, { owner: 'alice' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { url: string; expiresAt: string };
    expect(body.url).toMatch(new RegExp(`^memory://objects/originals/alice/${id}\\?op=get&download=`));
    expect(Date.parse(body.expiresAt) - s.clock.now().getTime()).toBe(900_000);
    expect((await s.call(`/api/v1/media/${id}/original`, { owner: 'bob' })).status).toBe(404);
    expect((await s.call(`/api/v1/media/${id}/original`)).status).toBe(401);
  });

  it('returns an item in the contract shape, without keys', async () => {
    const s = setup();
    const id = await readyItem(s);
    const res = await s.call(`/api/v1/media/${id}`, { owner: 'alice' });
    expect(res.status).toBe(200);
    const item = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(item).sort()).toEqual(
      [
        'createdAt',
        'description',
        'faces',
        'facts',
        'failure',
        'favourite',
        'filename',
        'id',
        'kind',
        'moderation',
        'original',
        'placeholder',
        'progress',
        'renditions',
        'status',
        'tags',
        'takenAt',
        'text',
        'title',
        'trashedAt',
        'updatedAt',
      ].sort(),
    );
    expect(item['status']).toBe('ready');
    // Not tagged, not read yet: the face count and the words read are null until their steps run.
    expect([item['faces'], item['text']]).toEqual([null, null]);
    expect((item['renditions'] as { url: string }[])[0]?.url).toBe(`/media/renditions/alice/${id}/thumb.webp`);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('lists, filters by tag, edits, moves to the trash and deletes for good', async () => {
    const s = setup();
    const a = await readyItem(s);
    const patch = await s.call(`/api/v1/media/${a}`, { owner: 'alice', method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Sea', tags: ['Beach'] }) });
    expect(patch.status).toBe(200);
    const list = (await (await s.call('/api/v1/media?tag=beach&limit=10', { owner: 'alice' })).json()) as { items: { id: string; title: string }[]; nextCursor: null };
    expect(list.items.map((i) => [i.id, i.title])).toEqual([[a, 'Sea']]);
    expect(list.nextCursor).toBeNull();
    expect(await (await s.call('/api/v1/tags', { owner: 'alice' })).json()).toEqual({ tags: [{ name: 'beach', count: 1 }] });
    expect((await s.call(`/api/v1/media/${a}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    // In the trash: out of the list and the tag counts, still the owner's to see, bytes kept.
    expect(((await (await s.call(`/api/v1/media/${a}`, { owner: 'alice' })).json()) as { status: string }).status).toBe('trashed');
    expect(((await (await s.call('/api/v1/media', { owner: 'alice' })).json()) as { items: unknown[] }).items).toEqual([]);
    expect(await (await s.call('/api/v1/tags', { owner: 'alice' })).json()).toEqual({ tags: [] });
    expect((s.deps.store as InMemoryObjectStore).size).toBeGreaterThan(0);
    expect((await s.call(`/api/v1/media/${a}?permanent=true`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.call(`/api/v1/media/${a}`, { owner: 'alice' })).status).toBe(404);
    expect((s.deps.store as InMemoryObjectStore).size).toBe(0);
    expect((await s.call(`/api/v1/media/${a}?permanent=yes`, { owner: 'alice', method: 'DELETE' })).status).toBe(400);
  });

  it('edits the description over PATCH, shows it on GET, clears it when blank, and keeps it from another owner', async () => {
    const s = setup();
    const id = await readyItem(s);
    const patch = (owner: string, body: unknown) =>
      s.call(`/api/v1/media/${id}`, { owner, method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const read = async () => ((await (await s.call(`/api/v1/media/${id}`, { owner: 'alice' })).json()) as { title: string | null; description: string | null });

    expect((await read()).description).toBeNull();
    const res = await patch('alice', { description: ' Low tide at dawn. ' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { description: string }).description).toBe('Low tide at dawn.');
    expect(await read()).toMatchObject({ title: null, description: 'Low tide at dawn.' });

    expect((await patch('bob', { description: 'mine' })).status).toBe(404);
    expect((await patch('alice', { description: 'x'.repeat(2001) })).status).toBe(400);
    expect((await read()).description).toBe('Low tide at dawn.');

    expect((await patch('alice', { description: '  ' })).status).toBe(200);
    expect((await read()).description).toBeNull();
  });

  it('gives another owner 404 on every route and every media path', async () => {
    const s = setup();
    const id = await readyItem(s, 'alice');
    const json = { 'content-type': 'application/json' };
    const attempts: [string, RequestInit][] = [
      [`/api/v1/media/${id}`, {}],
      [`/api/v1/media/${id}`, { method: 'PATCH', headers: json, body: '{"title":"mine"}' }],
      [`/api/v1/media/${id}`, { method: 'DELETE' }],
      [`/api/v1/media/${id}/review-request`, { method: 'POST' }],
      [`/api/v1/media/${id}/albums`, {}],
      [`/api/v1/uploads/${id}/complete`, { method: 'POST', headers: json, body: '{"uploadId":"x","parts":[{"number":1,"etag":"e"}]}' }],
      [`/media/renditions/alice/${id}/thumb.webp`, {}],
      [`/media/originals/alice/${id}`, {}],
    ];
    for (const [path, init] of attempts) {
      const res = await s.call(path, { ...init, owner: 'bob' });
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await s.call(`/api/v1/media/${id}`, { owner: 'alice' })).status).toBe(200);
  });

  it('refuses a malformed id and an unknown route with problems', async () => {
    const s = setup();
    expect((await s.call('/api/v1/media/../../etc/passwd', { owner: 'alice' })).status).toBe(404);
    expect((await s.call('/api/v1/media/not-an-id', { owner: 'alice' })).status).toBe(400);
    expect((await s.call('/api/v2/nothing', { owner: 'alice' })).status).toBe(404);
  });

  it('serves the OpenAPI document and health without a token', async () => {
    const s = setup();
    const doc = (await (await s.app.request('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/uploads', '/api/v1/media', '/api/v1/media/{id}', '/api/v1/tags']));
    expect((await s.app.request('/api/health')).status).toBe(200);
  });

  it('sets security headers on every response', async () => {
    const s = setup();
    for (const res of [await s.app.request('/api/health'), await s.app.request('/api/v1/media'), await s.app.request('/nope')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });
});

describe('/media', () => {
  it('serves renditions inline with immutable caching, ETag, 304 and ranges', async () => {
    const s = setup();
    const id = await readyItem(s);
    const path = `/media/renditions/alice/${id}/thumb.webp`;
    const full = await s.call(path, { owner: 'alice' });
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/webp');
    expect(full.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await full.arrayBuffer()).equals(PNG)).toBe(true);
    const etag = full.headers.get('etag') as string;
    expect((await s.call(path, { owner: 'alice', headers: { 'if-none-match': etag } })).status).toBe(304);
    const part = await s.call(path, { owner: 'alice', headers: { range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 2-5/${PNG.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(PNG.subarray(2, 6))).toBe(true);
    expect((await s.call(path, { owner: 'alice', headers: { range: 'bytes=999-' } })).status).toBe(416);
  });

  it('accepts the token from a cookie (for <img>) and refuses anonymous requests', async () => {
    const s = setup();
    const id = await readyItem(s);
    const path = `/media/renditions/alice/${id}/thumb.webp`;
    expect((await s.app.request(path)).status).toBe(401);
    expect((await s.app.request(path, { headers: { cookie: `mf_token=${s.tokens.issue('alice')}` } })).status).toBe(200);
  });

  it('serves originals only as attachments with nosniff and a safe file name', async () => {
    const s = setup();
    const id = await readyItem(s);
    const res = await s.call(`/media/originals/alice/${id}`, { owner: 'alice' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const disposition = res.headers.get('content-disposition') as string;
    expect(disposition).toMatch(/^attachment; filename="_n_code _quote_.png"; filename\*=UTF-8''/);
  });

  it('names an original with the one Content-Disposition encoder: % and quotes kept out of the fallback, attr-char only in filename*', async () => {
    const s = setup();
    const id = await readyItem(s, 'alice', "100% it's (v2) 😀.png");
    const res = await s.call(`/media/originals/alice/${id}`, { owner: 'alice' });
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="100_ it's (v2) _.png"; filename*=UTF-8''100%25%20it%27s%20%28v2%29%20%F0%9F%98%80.png`);
  });

  it('refuses traversal and keys off the layout with 404', async () => {
    const s = setup();
    await readyItem(s);
    for (const path of ['/media/../originals/alice', '/media/renditions/alice/%2e%2e/%2e%2e/x', '/media/originals/alice/..%2F..%2Fetc%2Fpasswd', '/media/etc/passwd']) {
      expect([path, (await s.call(path, { owner: 'alice' })).status]).toEqual([path, 404]);
    }
  });
});

describe('cached list pages and tag counts', () => {
  it('revalidates with ETag, moves on any write, and never shares a page between owners', async () => {
    const s = setup();
    await readyItem(s);
    const first = await s.call('/api/v1/media?limit=10', { owner: 'alice' });
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/".+"$/);
    const page = (await first.json()) as { items: { id: string; title: string | null }[] };
    expect(page.items).toHaveLength(1);

    const again = await s.call('/api/v1/media?limit=10', { owner: 'alice', headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    // Bob asks the same question with Alice's ETag: his own, empty page.
    const bob = await s.call('/api/v1/media?limit=10', { owner: 'bob', headers: { 'if-none-match': etag } });
    expect(bob.status).toBe(200);
    expect(((await bob.json()) as { items: unknown[] }).items).toEqual([]);

    const id = page.items[0]?.id ?? '';
    await s.call(`/api/v1/media/${id}`, { owner: 'alice', method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Renamed', tags: ['harbour'] }) });
    const changed = await s.call('/api/v1/media?limit=10', { owner: 'alice', headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as typeof page).items[0]?.title).toBe('Renamed');
    expect(await (await s.call('/api/v1/tags', { owner: 'alice' })).json()).toEqual({ tags: [{ name: 'harbour', count: 1 }] });

    // A write made behind the API's back (a worker in another process) is seen too.
    const item = await s.deps.repo.get('alice', id);
    if (item === undefined) throw new Error('item vanished');
    await s.deps.repo.update({ ...item, title: 'From a worker', version: item.version + 1 }, item.version);
    const seen = (await (await s.call('/api/v1/media?limit=10', { owner: 'alice' })).json()) as typeof page;
    expect(seen.items[0]?.title).toBe('From a worker');
  });

  it('compresses a page asked for again when the client accepts it, and still refuses a bad query', async () => {
    const s = setup();
    for (let i = 0; i < 12; i += 1) await s.deps.repo.create(makeMediaItem({ id: s.deps.ids.next(), ownerId: 'alice', status: 'ready', title: `Photo ${i}` }));
    const ask = () => s.call('/api/v1/media?limit=50', { owner: 'alice', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    const plain = await ask();
    expect(plain.headers.get('content-encoding')).toBeNull();
    const body = Buffer.from(await plain.arrayBuffer());
    expect(body.byteLength).toBeGreaterThan(1024);
    const compressed = await ask();
    expect(compressed.headers.get('content-encoding')).toBe('br');
    const { brotliDecompressSync } = await import('node:zlib');
    expect(brotliDecompressSync(Buffer.from(await compressed.arrayBuffer())).equals(body)).toBe(true);

    const bad = await s.call('/api/v1/media?limit=5000', { owner: 'alice' });
    expect(bad.status).toBe(400);
  });
});

describe('rate limit per owner', () => {
  it('answers 429 problem+json with Retry-After past the burst, for that owner only', async () => {
    const deps = inMemoryDeps();
    const { clock } = deps;
    const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => clock.now() });
    const app = createApi({ deps, verifier: bearerTokens(tokens), rateLimit: { perSecond: 0.001, burst: 2 } });
    const get = (owner: string) => app.request('/api/v1/media', { headers: { authorization: `Bearer ${tokens.issue(owner)}` } });
    expect((await get('alice')).status).toBe(200);
    expect((await get('alice')).status).toBe(200);
    const limited = await get('alice');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Beside Retry-After, the RateLimit fields: the policy (a burst of 2 refilled over 2000 s) and nothing left.
    expect(limited.headers.get('ratelimit-policy')).toBe('"owner";q=2;w=2000');
    expect(limited.headers.get('ratelimit')).toMatch(/^"owner";r=0;t=\d+$/);
    expect(((await limited.json()) as { code: string }).code).toBe('rate_limited');
    const bob = await get('bob');
    expect(bob.status).toBe(200);
    // Every answer says what is left, so a client can pace itself before it is refused.
    expect(bob.headers.get('ratelimit')).toMatch(/^"owner";r=1;t=\d+$/);
    expect(bob.headers.get('ratelimit-policy')).toBe('"owner";q=2;w=2000');
  });

  it('takes a RateLimiter whose count several apps share, as instances behind one gateway do', async () => {
    const deps = inMemoryDeps();
    const { clock } = deps;
    const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => clock.now() });
    const shared = new OwnerRateLimiter(0.001, 2);
    const apps = [0, 1].map(() => createApi({ deps, verifier: bearerTokens(tokens), rateLimit: shared }));
    const get = (instance: number, owner: string) => (apps[instance] ?? apps[0])?.request('/api/v1/media', { headers: { authorization: `Bearer ${tokens.issue(owner)}` } });
    expect((await get(0, 'alice'))?.status).toBe(200);
    expect((await get(1, 'alice'))?.status).toBe(200);
    // Each app alone has seen one request; together they have seen alice's burst.
    expect((await get(0, 'alice'))?.status).toBe(429);
    expect((await get(1, 'alice'))?.status).toBe(429);
    expect((await get(1, 'bob'))?.status).toBe(200);
  });
});
