import { ConflictError } from '@mediaflow/domain';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from '../app.js';
import { bearerTokens } from '../auth.js';
import { LocalTokens } from '../local-tokens.js';
import type { OpenApiDocument } from '../openapi.js';
import type { PresignedHandler } from './local-uploads.js';

const URL_PATH = '/_local/objects/originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV?method=PUT&expires=1&sig=x';

function app(handle: PresignedHandler) {
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7) });
  return createApi({ deps: inMemoryDeps(), verifier: bearerTokens(tokens), localUploads: handle });
}

describe('the local upload routes', () => {
  it('answer a PUT to an original that is stored already as a 409 problem, saying why', async () => {
    const api = app(async () => {
      throw new ConflictError('the original of this upload is already stored; an upload URL writes once');
    });
    const res = await api.request(URL_PATH, { method: 'PUT', headers: { 'if-none-match': '*' }, body: '<html>' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 409, code: 'conflict', detail: 'the original of this upload is already stored; an upload URL writes once' });
  });

  it('document that an upload URL writes once: 409 for a PUT whose original exists or is not awaited', async () => {
    const api = app(async () => new Response(null));
    const doc = (await (await api.request('/api/openapi.json')).json()) as OpenApiDocument;
    const put = doc.paths['/_local/objects/{key}']?.['put'];
    expect(Object.keys(put?.responses ?? {})).toContain('409');
    expect(put?.summary).toMatch(/once/);
  });
});
