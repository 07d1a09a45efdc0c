import { signJwt } from '../oidc/jwt.js';
import { createSigningKey } from '../oidc/keys.js';
import { startIssuer } from '../oidc/server.js';
import { alice, claimsOf, GALLERY_CALLBACK, signInWithPkce, userPoolSpec } from '../oidc/testing.js';
import type { Issuer } from '../oidc/types.js';
import type { HttpApiSpec } from '../specs.js';
import type { SimEvent } from '../types.js';
import type { ProxyEventV2 } from './event.js';
import { startHttpApi } from './server.js';
import { RecordingInvoker } from './testing.js';
import type { HttpApi, HttpApiOptions } from './types.js';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Mediaflow-dev-ApiFunction';

const pool = userPoolSpec();

const jwtAuthorizer = { issuer: ISSUER, audience: ['gallery-client'], identitySource: ['$request.header.Authorization'] };
const integration = { type: 'AWS_PROXY', functionArn: FUNCTION_ARN, payloadFormatVersion: '2.0' };

/** The template's HTTP API: `/api/{proxy+}` behind the authorizer, health and the OpenAPI document open. */
function apiSpec(overrides: Partial<HttpApiSpec> = {}): HttpApiSpec {
  const secured = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => ({
    routeKey: `${method} /api/{proxy+}`,
    authorizationType: 'JWT' as const,
    authorizer: jwtAuthorizer,
    integration,
  }));
  return {
    logicalId: 'ApiHttpApi',
    apiId: 'a1b2c3d4e5',
    routes: [
      ...secured,
      { routeKey: 'GET /api/health', authorizationType: 'NONE', integration },
      { routeKey: 'GET /api/openapi.json', authorizationType: 'NONE', integration },
      { routeKey: 'GET /api/admin/{proxy+}', authorizationType: 'JWT', authorizer: jwtAuthorizer, authorizationScopes: ['mediaflow/admin'], integration },
      { routeKey: 'GET /slow', authorizationType: 'NONE', integration: { ...integration, timeoutMs: 50 } },
    ],
    stage: { name: '$default' },
    ...overrides,
  };
}

describe('HTTP API', () => {
  let issuer: Issuer;
  let api: HttpApi | undefined;
  let invoker: RecordingInvoker;
  let logs: SimEvent[];
  let clock: Date;

  const start = async (overrides: Partial<HttpApiOptions> = {}): Promise<HttpApi> => {
    const started = await startHttpApi({
      api: apiSpec(),
      invoker,
      jwks: async (wanted) => {
        if (wanted !== issuer.issuer) throw new Error(`No issuer ${wanted}`);
        return issuer.jwks();
      },
      log: (event) => logs.push(event),
      now: () => clock,
      ...overrides,
    });
    api = started;
    return started;
  };
  const get = (path: string, token?: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${url()}${path}`, { ...init, headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(init.headers as Record<string, string> | undefined) } });

  const url = (): string => {
    if (!api) throw new Error('start() the API first');
    return api.url;
  };

  beforeEach(async () => {
    api = undefined;
    clock = new Date();
    logs = [];
    invoker = new RecordingInvoker();
    issuer = await startIssuer({ pool, users: [alice], issuer: ISSUER, now: () => clock });
  });
  afterEach(async () => {
    await api?.close();
    await issuer.close();
  });

  it('signs in with PKCE over HTTP and hands the function the token\'s sub', async () => {
    await start();
    const tokens = await signInWithPkce({ issuerUrl: issuer.url, clientId: 'gallery-client', redirectUri: GALLERY_CALLBACK, username: 'alice', password: alice.password });
    invoker.respondWith(() => ({ result: { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: ['seen=1'], body: '{"items":[]}' } }));

    const response = await get('/api/v1/media?limit=5&tag=a&tag=b', tokens.access_token, { headers: { cookie: 'a=1; b=2' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [] });
    expect(response.headers.get('set-cookie')).toBe('seen=1');
    expect(response.headers.get('apigw-requestid')).toEqual(expect.any(String));

    expect(invoker.calls).toHaveLength(1);
    expect(invoker.calls[0]?.functionName).toBe(FUNCTION_ARN);
    const event = invoker.lastEvent<ProxyEventV2>();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /api/{proxy+}',
      rawPath: '/api/v1/media',
      rawQueryString: 'limit=5&tag=a&tag=b',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { limit: '5', tag: 'a,b' },
      pathParameters: { proxy: 'v1/media' },
      isBase64Encoded: false,
      requestContext: { accountId: '123456789012', apiId: 'a1b2c3d4e5', stage: '$default', routeKey: 'GET /api/{proxy+}', http: { method: 'GET', path: '/api/v1/media', sourceIp: '127.0.0.1' } },
    });
    expect(event.headers['authorization']).toBe(`Bearer ${tokens.access_token}`);
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.requestContext.authorizer?.jwt.claims).toMatchObject({ sub: alice.sub, client_id: 'gallery-client', token_use: 'access', username: 'alice', exp: String(claimsOf(tokens.access_token)['exp']) });
    expect(event.requestContext.authorizer?.jwt.scopes).toEqual(['openid', 'email', 'profile']);
    expect(logs).toEqual([expect.objectContaining({ kind: 'info', source: 'http-api:a1b2c3d4e5', detail: expect.objectContaining({ status: 200, routeKey: 'GET /api/{proxy+}', owner: alice.sub }) })]);
  });

  it('answers 401 with www-authenticate for a missing, expired, foreign or wrongly addressed token', async () => {
    await start();
    const expectUnauthorized = async (response: Response, description: string): Promise<void> => {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
      expect(response.headers.get('www-authenticate')).toBe(`Bearer scope="" error="invalid_token" error_description="${description}"`);
    };
    await expectUnauthorized(await get('/api/v1/media'), 'the identity source is missing');

    const { access_token } = await issuer.tokensFor('alice', 'gallery-client');
    clock = new Date(clock.getTime() + 60 * 60 * 1000);
    await expectUnauthorized(await get('/api/v1/media', access_token), 'the token has expired');

    const foreign = await startIssuer({ pool, users: [alice], now: () => clock, issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' });
    try {
      await expectUnauthorized(await get('/api/v1/media', (await foreign.tokensFor('alice', 'gallery-client')).access_token), 'the token\'s kid is not in the issuer\'s JWKS');
    } finally {
      await foreign.close();
    }
    // Signed with the trusted issuer's key id but naming another issuer: the `iss` check refuses it.
    const key = await createSigningKey();
    const forged = signJwt({ sub: 'x', iss: 'https://elsewhere.example', client_id: 'gallery-client', exp: clock.getTime() / 1000 + 60 }, key);
    const jwks = issuer.jwks();
    await api?.close();
    await start({ jwks: async () => ({ keys: [...jwks.keys, key.publicJwk] }) });
    await expectUnauthorized(await get('/api/v1/media', forged), 'the token does not have a valid issuer');

    await expectUnauthorized(await get('/api/v1/media', (await issuer.tokensFor('alice', 'other-client')).access_token), 'the token does not have a valid audience');
    expect(invoker.calls).toHaveLength(0);
    expect(logs.at(-1)?.detail).toMatchObject({ status: 401, authorizerError: 'the token does not have a valid audience' });
  });

  it('accepts an ID token only when its aud is one of the audiences', async () => {
    await start();
    const ok = await get('/api/v1/media', (await issuer.tokensFor('alice', 'gallery-client')).id_token);
    expect(ok.status).toBe(200);
    expect(invoker.lastEvent<ProxyEventV2>().requestContext.authorizer?.jwt.claims).toMatchObject({ aud: 'gallery-client', token_use: 'id', email_verified: 'true' });
    expect((await get('/api/v1/media', (await issuer.tokensFor('alice', 'other-client')).id_token)).status).toBe(401);
  });

  it('answers 403 when the token has none of the route\'s scopes', async () => {
    await start();
    const response = await get('/api/admin/users', (await issuer.tokensFor('alice', 'gallery-client')).access_token);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden' });
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('routes open routes without a token, prefers them to {proxy+} and answers 404 when nothing matches', async () => {
    await start();
    const health = await get('/api/health');
    expect(health.status).toBe(200);
    const event = invoker.lastEvent<ProxyEventV2>();
    expect(event.routeKey).toBe('GET /api/health');
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event).not.toHaveProperty('pathParameters');

    const missing = await get('/elsewhere');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Not Found' });
    expect((await get('/api/health', undefined, { method: 'OPTIONS' })).status).toBe(404);
  });

  it('sends what no route matches to $default and ANY routes', async () => {
    await start({
      api: apiSpec({
        routes: [
          { routeKey: 'ANY /items/{id}', authorizationType: 'NONE', integration },
          { routeKey: '$default', authorizationType: 'NONE', integration },
        ],
      }),
    });
    expect((await get('/items/7', undefined, { method: 'DELETE' })).status).toBe(200);
    expect(invoker.lastEvent<ProxyEventV2>()).toMatchObject({ routeKey: 'ANY /items/{id}', pathParameters: { id: '7' } });
    expect((await get('/anything')).status).toBe(200);
    expect(invoker.lastEvent<ProxyEventV2>().routeKey).toBe('$default');
  });

  it('passes binary bodies base64-encoded and returns base64 responses as bytes', async () => {
    await start();
    const token = (await issuer.tokensFor('alice', 'gallery-client')).access_token;
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    invoker.respondWith((event) => ({ result: { statusCode: 200, headers: { 'content-type': 'image/png' }, body: (event as ProxyEventV2).body, isBase64Encoded: true } }));
    const response = await get('/api/v1/uploads', token, { method: 'POST', body: bytes, headers: { 'content-type': 'image/png' } });
    expect(invoker.lastEvent<ProxyEventV2>()).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);

    await get('/api/v1/media', token, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(invoker.lastEvent<ProxyEventV2>()).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
  });

  it('infers 200 JSON for results without statusCode', async () => {
    await start();
    invoker.respondWith(() => ({ result: { hello: 'world' } }));
    const response = await get('/api/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ hello: 'world' });
  });

  it('throttles with 429 once the stage\'s burst is used, until the rate refills it', async () => {
    await start({ api: apiSpec({ stage: { name: '$default', throttle: { burstLimit: 2, rateLimit: 1 } } }) });
    expect((await get('/api/health')).status).toBe(200);
    expect((await get('/api/health')).status).toBe(200);
    const throttled = await get('/api/health');
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toEqual({ message: 'Too Many Requests' });
    clock = new Date(clock.getTime() + 1000);
    expect((await get('/api/health')).status).toBe(200);
    expect(invoker.calls).toHaveLength(3);
  });

  it('answers 503 when the function outlives the integration timeout and 500 when it fails', async () => {
    await start();
    let release: () => void = () => undefined;
    invoker.respondWith(() => new Promise((resolve) => (release = () => resolve({ result: 'late' }))));
    const slow = await get('/slow');
    release();
    expect(slow.status).toBe(503);
    expect(await slow.json()).toEqual({ message: 'Service Unavailable' });

    invoker.respondWith(() => ({ error: { errorType: 'TypeError', errorMessage: 'boom' } }));
    const failed = await get('/api/health');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    expect(logs.at(-1)?.detail).toMatchObject({ status: 500, integrationError: 'TypeError: boom' });

    invoker.respondWith(() => ({ result: { statusCode: 'two hundred' } }));
    expect((await get('/api/health')).status).toBe(500);
  });

  it('refuses payloads over the limit with 413 before the function runs', async () => {
    await start({ maxPayloadBytes: 1024 });
    const response = await get('/api/health', undefined, { method: 'GET' });
    expect(response.status).toBe(200);
    const tooLarge = await fetch(`${url()}/api/v1/uploads`, { method: 'POST', body: Buffer.alloc(1025), headers: { 'content-type': 'application/octet-stream' } });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(invoker.calls).toHaveLength(1);
  });

  it('answers CORS preflights itself and puts the configured headers on responses', async () => {
    const cors = { AllowOrigins: ['https://d111.cloudfront.net'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['authorization', 'content-type'], ExposeHeaders: ['etag'], MaxAge: 600 };
    await start({ api: apiSpec({ cors }) });
    const preflight = await fetch(`${url()}/api/v1/media`, {
      method: 'OPTIONS',
      headers: { origin: 'https://d111.cloudfront.net', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://d111.cloudfront.net');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    expect(invoker.calls).toHaveLength(0);

    const refused = await fetch(`${url()}/api/v1/media`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    invoker.respondWith(() => ({ result: { statusCode: 200, headers: { 'access-control-allow-origin': '*' }, body: 'ok' } }));
    const simple = await get('/api/health', undefined, { headers: { origin: 'https://d111.cloudfront.net' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://d111.cloudfront.net');
    expect(simple.headers.get('access-control-expose-headers')).toBe('etag');
  });

  it('lets a supplied verifier replace the built-in JWT checks, a rejection meaning 401', async () => {
    await start({ verifyJwt: async (token) => {
      if (token !== 'opaque-test-token') throw new Error('unknown token');
      return { sub: 'custom-owner', groups: ['a', 'b'] };
    } });
    expect((await get('/api/v1/media', 'opaque-test-token')).status).toBe(200);
    expect(invoker.lastEvent<ProxyEventV2>().requestContext.authorizer).toEqual({ jwt: { claims: { sub: 'custom-owner', groups: '[a b]' }, scopes: null } });
    const refused = await get('/api/v1/media', 'other');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('unknown token');
  });

  it('refuses at start what it does not emulate', async () => {
    await expect(start({ api: apiSpec({ routes: [{ routeKey: 'GET /x', authorizationType: 'AWS_IAM', integration }] }) })).rejects.toThrow('AWS_IAM authorization is not emulated');
    await expect(start({ api: apiSpec({ routes: [{ routeKey: 'GET /x', authorizationType: 'NONE', integration: { ...integration, payloadFormatVersion: '1.0' } }] }) })).rejects.toThrow('payload format 2.0');
  });
});
