import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens } from './auth.js';
import { LocalTokens } from './local-tokens.js';
import { loggedPath, type AccessLogEntry, type RequestTracing } from './request-ids.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function setup(tracing: Omit<RequestTracing, 'accessLog'> = {}) {
  const deps = inMemoryDeps();
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7) });
  const logged: AccessLogEntry[] = [];
  const scoped: string[] = [];
  const app = createApi({
    deps,
    verifier: bearerTokens(tokens),
    rateLimit: { perSecond: 0.001, burst: 2 },
    tracing: {
      scope: (id, work) => {
        scoped.push(id);
        return work();
      },
      ...tracing,
      accessLog: (entry) => logged.push(entry),
    },
  });
  /** A GET as `owner` (`null`: without a token). */
  const call = (path: string, headers: Record<string, string> = {}, owner: string | null = 'alice') =>
    app.request(path, { headers: { ...(owner === null ? {} : { authorization: `Bearer ${tokens.issue(owner)}` }), ...headers } });
  return { deps, call, logged, scoped };
}

describe('request ids', () => {
  it('answers every request with its id, refusals, errors and unknown routes included', async () => {
    const { deps, call, logged } = setup();
    jest.spyOn(deps.repo, 'list').mockRejectedValueOnce(new Error('the disk went away'));
    const answers = [
      await call('/api/health'),
      await call('/api/v1/media', {}, null),
      await call('/api/v1/no-such-route'),
      await call('/api/v1/media'),
      await call('/api/v1/tags'),
      await call('/api/v1/tags'),
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 401, 404, 500, 200, 429]);
    const ids = answers.map((res) => res.headers.get('x-request-id') ?? '');
    for (const id of ids) expect(id).toMatch(ULID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(logged.map((entry) => [entry.status, entry.level, entry.correlation_id])).toEqual(answers.map((res, i) => [res.status, res.status >= 500 ? 'error' : 'info', ids[i]]));
  });

  it('keeps a plain short id the client sent, and replaces anything else', async () => {
    const { call, scoped } = setup();
    const kept = await call('/api/v1/media', { 'x-request-id': 'cli-7f3a:upload.1' });
    expect(kept.headers.get('x-request-id')).toBe('cli-7f3a:upload.1');
    for (const unsafe of ['{"level":"ERROR","message":"forged"}', 'a'.repeat(129), 'two words', 'caf\u00e9']) {
      const res = await call('/api/health', { 'x-request-id': unsafe });
      expect(res.headers.get('x-request-id')).toMatch(ULID);
    }
    // The rest of the request runs in its id's scope (where its events get their correlation id).
    expect(scoped[0]).toBe('cli-7f3a:upload.1');
    expect(scoped).toHaveLength(5);
  });

  it('takes the platform\u2019s id over the client\u2019s (API Gateway\u2019s, in AWS)', async () => {
    const { call, scoped } = setup({ platformRequestId: () => 'JKJaXmPLvHcESHA=' });
    const res = await call('/api/v1/media', { 'x-request-id': 'from-the-client' });
    expect(res.headers.get('x-request-id')).toBe('JKJaXmPLvHcESHA=');
    expect(scoped).toEqual(['JKJaXmPLvHcESHA=']);
  });

  it('logs one line per request: method, path without the query, status, time, the owner once verified', async () => {
    const { call, logged } = setup();
    await call('/api/v1/media?limit=5&grant=secret-signature');
    await call('/api/v1/shared/Zr8hK2mVq9LpX4tN/media?x=1', {}, null);
    expect(logged).toEqual([
      { level: 'info', msg: 'request', method: 'GET', path: '/api/v1/media', status: 200, durationMs: expect.any(Number), ownerId: 'alice', correlation_id: expect.stringMatching(ULID) },
      expect.objectContaining({ method: 'GET', path: '/api/v1/shared/{token}/media', status: expect.any(Number), correlation_id: expect.stringMatching(ULID) }),
    ]);
    expect(logged[1]).not.toHaveProperty('ownerId');
    expect(JSON.stringify(logged)).not.toMatch(/secret-signature|Zr8hK2mVq9LpX4tN|limit=5/);
  });

  it('shows paths without share tokens, and not without end', () => {
    expect(loggedPath('/api/v1/shared/abc123')).toBe('/api/v1/shared/{token}');
    expect(loggedPath('/api/v1/shared/abc123/unlock')).toBe('/api/v1/shared/{token}/unlock');
    expect(loggedPath('/api/v1/shares/abc123')).toBe('/api/v1/shares/abc123');
    expect(loggedPath(`/media/${'x'.repeat(2000)}`)).toHaveLength(512);
  });
});
