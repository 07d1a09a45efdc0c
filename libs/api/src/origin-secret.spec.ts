import type { RateLimiter } from '@mediaflow/domain';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens } from './auth.js';
import { LocalTokens } from './local-tokens.js';
import { requireOriginSecret, type OriginSecret } from './origin-secret.js';

const SECRET: OriginSecret = { header: 'x-origin-verify', value: 'Q7mZ2vK9pL4xR8tN1wB6cF3hJ5dS0gYa2eU7iO4kM9nV3bX1' };

function setup(originSecret: OriginSecret | undefined) {
  const deps = inMemoryDeps();
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7) });
  const taken: string[] = [];
  // Counts who reached the limiter, which runs after authentication: nobody should, without the header.
  const rateLimit: RateLimiter = { limit: { perSecond: 1, burst: 1 }, take: async (caller) => (taken.push(caller), { wait: 0, remaining: 0, resetSeconds: 1 }) };
  const listed = jest.spyOn(deps.repo, 'list');
  const app = createApi({ deps, verifier: bearerTokens(tokens), rateLimit, ...(originSecret === undefined ? {} : { originSecret }) });
  const call = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { authorization: `Bearer ${tokens.issue('alice')}`, ...headers } });
  return { call, taken, listed };
}

describe('requireOriginSecret (createApi’s originSecret)', () => {
  it('refuses a request without the header with a 403 problem, before authentication, the limiter or a read', async () => {
    const { call, taken, listed } = setup(SECRET);
    const res = await call('/api/v1/media');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 403, code: 'forbidden', title: 'Forbidden', instance: '/api/v1/media' });
    // Refused like any other answer: with the app's security headers.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(taken).toEqual([]);
    expect(listed).not.toHaveBeenCalled();
  });

  it('refuses a wrong value, whatever its length, and never echoes what was sent', async () => {
    const { call, taken } = setup(SECRET);
    const sameLength = `${SECRET.value.slice(0, -1)}Z`;
    for (const wrong of ['', 'x', sameLength, `${SECRET.value}x`, SECRET.value.toLowerCase()]) {
      const res = await call('/api/v1/media', { [SECRET.header]: wrong });
      const body = await res.text();
      expect({ wrong, status: res.status }).toEqual({ wrong, status: 403 });
      if (wrong.length > 1) expect(body).not.toContain(wrong);
      expect(body).not.toContain(SECRET.value);
      expect([...res.headers.values()].join('\n')).not.toContain(SECRET.value);
    }
    expect(taken).toEqual([]);
  });

  it('refuses every path without it, an unknown one and the public health check included', async () => {
    const { call } = setup(SECRET);
    expect((await call('/api/health')).status).toBe(403);
    expect((await call('/api/openapi.json')).status).toBe(403);
    expect((await call('/no/such/route')).status).toBe(403);
  });

  it('lets the right value through to the routes, whatever the header name’s case', async () => {
    const { call, taken } = setup(SECRET);
    expect((await call('/api/v1/media', { [SECRET.header]: SECRET.value })).status).toBe(200);
    expect((await call('/api/v1/media', { 'X-Origin-Verify': SECRET.value })).status).toBe(200);
    expect((await call('/api/health', { [SECRET.header]: SECRET.value })).status).toBe(200);
    // Past the check, the request is the app's as before: authenticated, then counted.
    expect((await call('/no/such/route', { [SECRET.header]: SECRET.value })).status).toBe(404);
    expect(taken).toEqual(['alice', 'alice']);
  });

  it('checks nothing when no secret is configured, as locally', async () => {
    const { call } = setup(undefined);
    expect((await call('/api/v1/media')).status).toBe(200);
    expect((await call('/api/health')).status).toBe(200);
  });

  it('will not take an empty secret, which no request could be told apart by', () => {
    expect(() => requireOriginSecret({ header: 'x-origin-verify', value: '' })).toThrow(TypeError);
  });
});
