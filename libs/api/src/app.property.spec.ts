import fc from 'fast-check';
import { type ImageProcessor } from '@mediaflow/domain';
import { ingestObject, processImage } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens } from './auth.js';
import { LocalTokens } from './local-tokens.js';

// Property tests: whatever a client sends, the API answers with a status below 500 (a 4xx carries a
// problem document) and never reaches its error handler. Each property runs a few hundred inputs.

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 8, 7, 6, 5, 4, 3, 2, 1]);

const images: ImageProcessor = {
  async inspect() {
    return { facts: { format: 'png', width: 10, height: 10 }, mime: 'image/png' };
  },
  async render(input) {
    return { files: [{ name: 'thumb', format: 'webp', contentType: 'image/webp', body: input, width: 10, height: 10 }], placeholder: {} };
  },
};

async function setup() {
  const deps = inMemoryDeps({ images }, { config: { maxUploadBytes: 10_000 } });
  const { clock } = deps;
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => clock.now() });
  const errors: unknown[] = [];
  const app = createApi({ deps, verifier: bearerTokens(tokens), mediaFiles: {}, onError: (e) => errors.push(e) });
  const bearer = (owner: string) => `Bearer ${tokens.issue(owner)}`;
  // One ready item of alice's, so item routes reach real data.
  const started = await app.request('/api/v1/uploads', {
    method: 'POST',
    headers: { authorization: bearer('alice'), 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'a.png', size: PNG.length }),
  });
  const { id } = (await started.json()) as { id: string };
  await deps.store.put(`originals/alice/${id}`, PNG);
  await ingestObject(deps, { key: `originals/alice/${id}` });
  await processImage(deps, 'alice', id);
  const item = (await (await app.request(`/api/v1/media/${id}`, { headers: { authorization: bearer('alice') } })).json()) as { renditions: { url: string }[] };
  return { app, bearer, errors, id, renditionPath: item.renditions[0]?.url ?? '/media/none' };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** The answer is a client error at worst, with a problem document when it is an error at all. */
async function expectHandled(s: Setup, response: Response): Promise<void> {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) expect(response.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  await response.arrayBuffer();
  expect(s.errors).toEqual([]);
}

/** Text a hostile client might send: anything, and the characters that break naive parsers. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '-1', '0', '1e309', 'NaN', '9'.repeat(40), '%', '%00', '%zz', '../..', '..%2f..', '\u0000', '\ud800', '<script>', '{"a":1}', 'null', '[]'),
);

/** A path segment as a client may put it on the wire: encoded text, or raw percent sequences that decode to nothing valid. */
const pathSegment = fc.oneof(
  fc.oneof(nasty, fc.webSegment()).map((text) => encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'))),
  fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AF', '%2e%2e', '..', '.', '%00', '%2F'),
);

const QUERY_KEYS = ['limit', 'cursor', 'tag', 'kind', 'status', 'q', 'sort', 'from', 'to', 'owner', 'ownerId', '__proto__'];

describe('the API under arbitrary input', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });

  it('answers any list query with 200 or a 400 problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 10 })), nasty), { maxLength: 6 }), async (pairs) => {
        const query = new URLSearchParams(pairs).toString();
        const response = await s.app.request(`/api/v1/media?${query}`, { headers: { authorization: s.bearer('alice') } });
        expect([200, 400]).toContain(response.status);
        await expectHandled(s, response);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any upload request body with 2xx or a 4xx problem', async () => {
    const field = fc.record(
      { filename: fc.oneof(nasty, fc.jsonValue()), size: fc.oneof(fc.integer(), fc.double(), nasty, fc.jsonValue()), sha256: fc.oneof(nasty, fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })), contentType: nasty, parts: fc.jsonValue() },
      { requiredKeys: [] },
    );
    const body = fc.oneof(field.map((value) => JSON.stringify(value)), fc.jsonValue().map((value) => JSON.stringify(value)), nasty);
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json'), async (text, type) => {
        const response = await s.app.request('/api/v1/uploads', { method: 'POST', headers: { authorization: s.bearer('bob'), 'content-type': type }, body: text });
        await expectHandled(s, response);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any edit with 200 or a 4xx problem, and the item stays readable', async () => {
    const edit = fc.oneof(
      fc.record({ title: fc.oneof(nasty, fc.jsonValue()), tags: fc.oneof(fc.array(nasty, { maxLength: 20 }), fc.jsonValue()) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      nasty,
    );
    await fc.assert(
      fc.asyncProperty(edit, async (text) => {
        const response = await s.app.request(`/api/v1/media/${s.id}`, { method: 'PATCH', headers: { authorization: s.bearer('alice'), 'content-type': 'application/json' }, body: text });
        await expectHandled(s, response);
        const after = await s.app.request(`/api/v1/media/${s.id}`, { headers: { authorization: s.bearer('alice') } });
        expect(after.status).toBe(200);
        await after.json();
      }),
      { numRuns: 300 },
    );
  });

  it('answers any id or media path with a 4xx for another owner, never their bytes', async () => {
    const segment = fc.oneof(pathSegment, fc.constant(s?.id ?? ''));
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom('GET', 'PATCH', 'DELETE', 'POST'), async (id, method) => {
        const init = { method, headers: { authorization: s.bearer('mallory'), 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: '{}' }) };
        const item = await s.app.request(`/api/v1/media/${id}`, init);
        expect(item.status).toBeGreaterThanOrEqual(400);
        await expectHandled(s, item);
        const media = await s.app.request(`/media/originals/alice/${id}`, { headers: { authorization: s.bearer('mallory') } });
        expect(media.status).toBeGreaterThanOrEqual(400);
        await expectHandled(s, media);
      }),
      { numRuns: 200 },
    );
  });

  it('answers any path under /media, and any range or validator header on a rendition, without a server error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pathSegment, { maxLength: 5 }), nasty, nasty, nasty, async (segments, range, etag, encoding) => {
        const path = `/media/${segments.join('/')}`;
        await expectHandled(s, await s.app.request(path, { headers: { authorization: s.bearer('alice') } }));
        const headers = { authorization: s.bearer('alice'), range: `bytes=${range}`, 'if-none-match': etag, 'accept-encoding': encoding };
        const rendition = await s.app.request(s.renditionPath, { headers: Object.fromEntries(Object.entries(headers).filter(([, value]) => /^[\t\x20-\x7e]*$/.test(value))) });
        expect([200, 206, 304, 416]).toContain(rendition.status);
        await expectHandled(s, rendition);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any credential that is not a valid token with 401', async () => {
    const credential = fc.oneof(nasty, fc.base64String({ maxLength: 200 }), fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join('.')));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('Bearer ', 'bearer ', 'Basic ', ''), credential, async (scheme, value) => {
        const header = `${scheme}${value}`;
        if (!/^[\t\x20-\x7e]*$/.test(header)) return;
        const response = await s.app.request('/api/v1/media', { headers: { authorization: header } });
        expect(response.status).toBe(401);
        await expectHandled(s, response);
      }),
      { numRuns: 300 },
    );
  });
});
