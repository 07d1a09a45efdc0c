import { generateKeyPairSync } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { OwnerRateLimiter } from '@mediaflow/api';
import type { Cache } from '@mediaflow/domain';
import { InMemoryCache, makeMediaItem } from '@mediaflow/domain/testing';
import { SnsEventBus } from '@mediaflow/messaging/aws';
import { DynamoRateLimiter } from '@mediaflow/storage/dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { GOOD_ENV, lambdaContext, memoryRuntime } from '../test-support.js';
import { ConfigError, loadConfig } from '../config.js';
import { callerRateLimiter, createApiHandler, gatewayRequestId, groupsClaim, mediaAccessSigner, principalFromClaims, shareOptions, withHotQueryCache } from './api.js';

/** An HTTP API (payload 2.0) request; `claims` are what the JWT authorizer verified, `headers` what is sent beside the token. */
function request(method: string, path: string, claims?: Record<string, string>, headers: Record<string, string> = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const event = {
    version: '2.0',
    routeKey: `${method} /api/{proxy+}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.com', authorization: 'Bearer eyJraWQiOiJ0ZXN0In0.e30.c2ln', 'x-forwarded-proto': 'https', ...headers },
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'jest' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: `${method} /api/{proxy+}`,
      stage: '$default',
      time: '01/Jun/2026:00:00:00 +0000',
      timeEpoch: 1780272000000,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: [] } },
    },
  };
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

describe('api function (API Gateway HTTP API v2, JWT authorizer)', () => {
  it('lists the media of the owner named by the verified claims, and only theirs', async () => {
    const { runtime, deps } = memoryRuntime('api');
    const mine = await deps.repo.create(makeMediaItem({ ownerId: 'alice', kind: 'document', status: 'ready' }));
    const theirs = await deps.repo.create(makeMediaItem({ ownerId: 'bob', kind: 'document', status: 'ready' }));
    const handler = createApiHandler(runtime);

    const res = (await handler(request('GET', '/api/v1/media', { sub: 'alice', token_use: 'access' }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;

    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body ?? '') as { items: { id: string }[] };
    expect(body.items.map((i) => i.id)).toEqual([mine.id]);
    const other = (await handler(request('GET', `/api/v1/media/${theirs.id}`, { sub: 'alice' }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(other.statusCode).toBe(404);
  });

  it('links the owner to the original for download (in the cloud, an S3 presigned GET)', async () => {
    const { runtime, deps } = memoryRuntime('api');
    const item = await deps.repo.create(makeMediaItem({ ownerId: 'alice', kind: 'document', status: 'ready' }));
    const handler = createApiHandler(runtime);
    const res = (await handler(request('GET', `/api/v1/media/${item.id}/original`, { sub: 'alice' }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toMatchObject({ url: expect.stringContaining(item.original.key) });
    const other = (await handler(request('GET', `/api/v1/media/${item.id}/original`, { sub: 'bob' }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(other.statusCode).toBe(404);
  });

  it('mounts downloads where archives are queued (the archive function builds them): 202 pending, then the status', async () => {
    const { runtime, deps } = memoryRuntime('api');
    const item = await deps.repo.create(makeMediaItem({ ownerId: 'alice', kind: 'document', status: 'ready' }));
    const post = { ...request('POST', '/api/v1/downloads', { sub: 'alice' }, { 'content-type': 'application/json' }), body: JSON.stringify({ ids: [item.id] }) };

    // Without a queue, the api function can neither stream a zip nor have one built: no such route.
    const without = (await createApiHandler(runtime)(post, lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(without.statusCode).toBe(404);

    const queued: { ownerId: string; archiveId: string }[] = [];
    const handler = createApiHandler({ ...runtime, deps: { ...deps, archiveJobs: { enqueue: async (job) => void queued.push(job) } } });
    const asked = (await handler(post, lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(asked.statusCode).toBe(202);
    const view = JSON.parse(asked.body ?? '') as { id: string; status: string };
    expect(view.status).toBe('pending');
    expect(queued).toEqual([{ ownerId: 'alice', archiveId: view.id }]);
    const status = (await handler(request('GET', `/api/v1/downloads/${view.id}`, { sub: 'alice' }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(JSON.parse(status.body ?? '')).toMatchObject({ id: view.id, status: 'pending' });
    const other = (await handler(request('GET', `/api/v1/downloads/${view.id}`, { sub: 'bob' }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(other.statusCode).toBe(404);
  });

  it('answers 401 problem+json to a request without verified claims, bearer header or not', async () => {
    const { runtime } = memoryRuntime('api');
    const handler = createApiHandler(runtime);
    const res = (await handler(request('GET', '/api/v1/media'), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body ?? '')).toMatchObject({ status: 401 });
  });
});

describe('api function: request ids', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  it('answers with API Gateway\u2019s request id, which the events the request publishes carry as their correlation id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { runtime, deps } = memoryRuntime('api');
    const bus = new SnsEventBus({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: GOOD_ENV['EVENTS_TOPIC_ARN'] ?? '' });
    const handler = createApiHandler({ ...runtime, deps: { ...deps, bus } });
    const post = { ...request('POST', '/api/v1/uploads', { sub: 'alice' }, { 'content-type': 'application/json', 'x-request-id': 'from-the-client' }), body: JSON.stringify({ filename: 'a.jpg', size: 1024 }) };

    const res = (await handler(post, lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;

    expect(res.statusCode).toBe(201);
    expect(res.headers?.['x-request-id']).toBe('JKJaXmPLvHcESHA=');
    const published = sns.commandCalls(PublishCommand).map((call) => JSON.parse(call.args[0].input.Message ?? '') as { type: string; correlationId?: string });
    expect(published).toEqual([expect.objectContaining({ type: 'media.upload_started', correlationId: 'JKJaXmPLvHcESHA=' })]);
  });

  // A refusal of the function's own (a route's auth); those of the JWT authorizer and the stage
  // throttle never reach it and carry API Gateway's apigw-requestid instead (docs/logging.md).
  it('answers a refusal of its own with the id too', async () => {
    const { runtime } = memoryRuntime('api');
    const res = (await createApiHandler(runtime)(request('GET', '/api/v1/media'), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['x-request-id']).toBe('JKJaXmPLvHcESHA=');
  });

  it('reads the id from the bindings hono/aws-lambda gives the app', () => {
    expect(gatewayRequestId({ event: request('GET', '/api/health') })).toBe('JKJaXmPLvHcESHA=');
    expect(gatewayRequestId(undefined)).toBeUndefined();
    expect(gatewayRequestId({ event: { requestContext: { requestId: 7 } } })).toBeUndefined();
  });
});

describe('the principal of verified claims', () => {
  const withClaims = (claims: Record<string, unknown>) => ({ event: { requestContext: { authorizer: { jwt: { claims, scopes: [] } } } } });

  it('reads the moderator role from the user pool groups, as API Gateway flattens them or as an array', () => {
    expect(groupsClaim('[moderator other]')).toEqual(['moderator', 'other']);
    expect(groupsClaim(['moderator'])).toEqual(['moderator']);
    expect(groupsClaim(undefined)).toEqual([]);
    expect(principalFromClaims(withClaims({ sub: 'u-1', 'cognito:groups': '[moderator]' }))).toEqual({ ownerId: 'u-1', roles: ['moderator'] });
    expect(principalFromClaims(withClaims({ sub: 'u-1', 'cognito:groups': '[admins]' }))).toEqual({ ownerId: 'u-1', roles: [] });
    expect(principalFromClaims(withClaims({ sub: 'u-1' }))).toEqual({ ownerId: 'u-1', roles: [] });
  });

  it('has no principal without a valid sub', () => {
    expect(principalFromClaims(withClaims({ 'cognito:groups': '[moderator]' }))).toBeUndefined();
    expect(principalFromClaims(withClaims({ sub: '../x' }))).toBeUndefined();
    expect(principalFromClaims(undefined)).toBeUndefined();
  });
});

describe('api function with the optional cache', () => {
  async function tagsTwice(runtime: ReturnType<typeof memoryRuntime>['runtime']): Promise<unknown[]> {
    const handler = createApiHandler(runtime);
    const out: unknown[] = [];
    for (let i = 0; i < 2; i += 1) {
      const res = (await handler(request('GET', '/api/v1/tags', { sub: 'alice' }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
      expect(res.statusCode).toBe(200);
      out.push(JSON.parse(res.body ?? ''));
    }
    return out;
  }

  it('leaves the repository alone without CACHE_URL', () => {
    const { runtime } = memoryRuntime('api');
    expect(withHotQueryCache(runtime)).toBe(runtime);
  });

  it('answers tag counts from the cache the second time', async () => {
    const { runtime, deps } = memoryRuntime('api');
    await deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'ready', tags: [{ name: 'dog', confidence: 0.9, source: 'ai' }] }));
    const counted = jest.spyOn(deps.repo, 'tagCounts');
    const cached = withHotQueryCache({ ...runtime, config: { ...runtime.config, CACHE_URL: 'rediss://cache.example.com:6379' } }, () => new InMemoryCache(deps.clock));
    const [first, second] = await tagsTwice(cached);
    expect(second).toEqual(first);
    expect(first).toEqual({ tags: [{ name: 'dog', count: 1 }] });
    expect(counted).toHaveBeenCalledTimes(1);
  });

  it('still answers when the cache cannot be reached', async () => {
    const { runtime, deps } = memoryRuntime('api');
    await deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'ready', tags: [{ name: 'cat', confidence: 0.9, source: 'ai' }] }));
    const down: Cache = {
      get: () => Promise.reject(new Error('connect ECONNREFUSED')),
      set: () => Promise.reject(new Error('connect ECONNREFUSED')),
      delete: () => Promise.reject(new Error('connect ECONNREFUSED')),
      deleteByPrefix: () => Promise.reject(new Error('connect ECONNREFUSED')),
    };
    const cached = withHotQueryCache({ ...runtime, config: { ...runtime.config, CACHE_URL: 'rediss://cache.example.com:6379' } }, () => down);
    const [first, second] = await tagsTwice(cached);
    expect(first).toEqual({ tags: [{ name: 'cat', count: 1 }] });
    expect(second).toEqual(first);
  });
});

describe('api function with a limit per caller', () => {
  it('limits nobody without the settings, and refuses half of them', () => {
    const { runtime } = memoryRuntime('api');
    expect(callerRateLimiter(runtime.config)).toBeUndefined();
    expect(() => callerRateLimiter({ ...runtime.config, OWNER_RATE_LIMIT_PER_SECOND: 5 })).toThrow(ConfigError);
    expect(() => callerRateLimiter({ ...runtime.config, OWNER_RATE_LIMIT_PER_SECOND: 5 })).toThrow(/OWNER_RATE_LIMIT_BURST/);
  });

  it('counts callers in the media table by default', () => {
    const { runtime } = memoryRuntime('api');
    expect(callerRateLimiter({ ...runtime.config, OWNER_RATE_LIMIT_PER_SECOND: 5, OWNER_RATE_LIMIT_BURST: 20 })).toBeInstanceOf(DynamoRateLimiter);
  });

  it('answers 429 with Retry-After past a caller\u2019s burst, whichever instance served the requests before', async () => {
    const { runtime } = memoryRuntime('api');
    const config = { ...runtime.config, OWNER_RATE_LIMIT_PER_SECOND: 0.001, OWNER_RATE_LIMIT_BURST: 2 };
    // One count shared by two instances of the function, as the media table is.
    let shared: OwnerRateLimiter | undefined;
    const limiter = callerRateLimiter(config, (limit) => (shared ??= new OwnerRateLimiter(limit.perSecond, limit.burst)));
    const instances = [createApiHandler({ ...runtime, config }, limiter), createApiHandler({ ...runtime, config }, limiter)];
    const get = async (instance: number, sub: string) =>
      (await (instances[instance] ?? instances[0])?.(request('GET', '/api/v1/media', { sub }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    expect((await get(0, 'alice')).statusCode).toBe(200);
    expect((await get(1, 'alice')).statusCode).toBe(200);
    const limited = await get(0, 'alice');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body ?? '')).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await get(1, 'bob')).statusCode).toBe(200);
  });
});

describe('api function behind CloudFront (ORIGIN_VERIFY_SECRET)', () => {
  const SECRET = 'hV3kQ8zR1mT6wY2cN9pB4xL7fD0gJ5sA8uE3iO6aK1nM4bZ9';

  /** The function as the stack configures it: the secret parsed from its environment like every setting. */
  function behindCloudFront(env: Record<string, string> = { ORIGIN_VERIFY_SECRET: SECRET }) {
    const { runtime, deps } = memoryRuntime('api');
    const logged: unknown[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const) jest.spyOn(runtime.telemetry.logger, level).mockImplementation((...args: unknown[]) => void logged.push(args));
    const listed = jest.spyOn(deps.repo, 'list');
    const handler = createApiHandler({ ...runtime, config: loadConfig({ ...GOOD_ENV, ...env }) });
    const call = async (headers: Record<string, string>) =>
      (await handler(request('GET', '/api/v1/media', { sub: 'alice' }, headers), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    return { call, listed, logged };
  }

  it('answers 403 problem+json to a request without the header, having read nothing', async () => {
    const { call, listed } = behindCloudFront();
    const res = await call({});
    expect(res.statusCode).toBe(403);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body ?? '')).toMatchObject({ status: 403, code: 'forbidden' });
    expect(listed).not.toHaveBeenCalled();
  });

  it('answers 403 to a wrong value, and neither logs nor echoes the header', async () => {
    const { call, listed, logged } = behindCloudFront();
    const wrong = `${SECRET.slice(0, -4)}WXYZ`;
    const res = await call({ 'x-origin-verify': wrong });
    expect(res.statusCode).toBe(403);
    expect(JSON.stringify(res)).not.toContain(wrong);
    expect(JSON.stringify(res)).not.toContain(SECRET);
    expect(JSON.stringify(logged)).not.toContain(wrong);
    expect(listed).not.toHaveBeenCalled();
  });

  it('serves a request that carries the secret, as CloudFront sends it', async () => {
    const { call, logged } = behindCloudFront();
    const res = await call({ 'x-origin-verify': SECRET });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res)).not.toContain(SECRET);
    expect(JSON.stringify(logged)).not.toContain(SECRET);
  });

  it('checks no header when the variable is unset or blank (locally, and in tests)', async () => {
    for (const env of [{}, { ORIGIN_VERIFY_SECRET: '' }]) {
      const { call } = behindCloudFront(env);
      expect((await call({})).statusCode).toBe(200);
    }
  });

  it('will not start with a secret too short to be the stack’s', () => {
    expect(() => loadConfig({ ...GOOD_ENV, ORIGIN_VERIFY_SECRET: 'short' })).toThrow(expect.objectContaining({ variables: ['ORIGIN_VERIFY_SECRET'] }));
    expect(() => loadConfig({ ...GOOD_ENV, ORIGIN_VERIFY_SECRET: 'short' })).not.toThrow(/short/);
  });
});

describe('api function signing media cookies (MEDIA_SIGNING_KEY_ID, MEDIA_SIGNING_SECRET_ARN)', () => {
  const KEY_ID = 'K2JCJMDEHXQW5F';
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:MediaSigningKey-AbCdEf';
  const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const SIGNING = { MEDIA_SIGNING_KEY_ID: KEY_ID, MEDIA_SIGNING_SECRET_ARN: SECRET_ARN };

  function signing(env: Record<string, string>) {
    const { runtime } = memoryRuntime('api');
    const logged: unknown[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const) jest.spyOn(runtime.telemetry.logger, level).mockImplementation((...args: unknown[]) => void logged.push(args));
    const config = loadConfig({ ...GOOD_ENV, ...env });
    const loads: string[] = [];
    const signer = mediaAccessSigner(config, async (arn) => (loads.push(arn), PEM));
    const handler = createApiHandler({ ...runtime, config }, undefined, signer);
    const call = async () => (await handler(request('POST', '/api/v1/media-access', { sub: 'alice' }), lambdaContext('api'))) as APIGatewayProxyStructuredResultV2;
    return { call, logged, loads, signer };
  }

  it('sets the three CloudFront cookies for the caller’s renditions, reading the key from the secret once', async () => {
    const { call, loads } = signing(SIGNING);
    const res = await call();
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(res.cookies?.map((cookie) => cookie.split('=')[0])).toEqual(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id']);
    for (const cookie of res.cookies ?? []) expect(cookie).toContain('Path=/media/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax');
    await call();
    expect(loads).toEqual([SECRET_ARN]);
  });

  it('logs neither the key id nor the private key', async () => {
    const { call, logged } = signing({ ...SIGNING, MEDIA_ACCESS_SECONDS: '600' });
    expect((await call()).cookies?.[0]).toContain('Max-Age=600');
    expect(JSON.stringify(logged)).not.toContain(KEY_ID);
    expect(JSON.stringify(logged)).not.toContain('PRIVATE KEY');
  });

  it('signs nothing without the variables (locally), and will not start with only one of them', async () => {
    const { call, signer } = signing({});
    expect(signer).toBeUndefined();
    const res = await call();
    expect(JSON.parse(res.body ?? '')).toEqual({ expiresAt: null });
    expect(res.cookies ?? []).toEqual([]);
    expect(() => mediaAccessSigner(loadConfig({ ...GOOD_ENV, MEDIA_SIGNING_KEY_ID: KEY_ID }))).toThrow(ConfigError);
    expect(() => loadConfig({ ...GOOD_ENV, ...SIGNING, MEDIA_ACCESS_SECONDS: '30' })).toThrow(expect.objectContaining({ variables: ['MEDIA_ACCESS_SECONDS'] }));
  });

  it('serves share links\u2019 visitors with signed URLs of the same key and one unlock secret every instance derives alike', async () => {
    const config = loadConfig({ ...GOOD_ENV, ...SIGNING });
    const loads: string[] = [];
    const load = async (arn: string) => (loads.push(arn), PEM);
    const [first, second] = await Promise.all([shareOptions(config, load), shareOptions(config, load)]);
    expect(loads).toEqual([SECRET_ARN, SECRET_ARN]);
    expect(first?.secret.equals(second?.secret ?? Buffer.alloc(0))).toBe(true);
    expect(first?.secret.toString('utf8')).not.toContain('PRIVATE KEY');
    const grant = (await first?.grants?.grant('alice', '01JQ0000000000000000000002', new Date(Date.now() + 600_000))) ?? '';
    const params = new URLSearchParams(grant);
    expect(params.get('Key-Pair-Id')).toBe(KEY_ID);
    const policy = JSON.parse(Buffer.from((params.get('Policy') ?? '').replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString('utf8')) as { Statement: Array<{ Resource: string }> };
    expect(policy.Statement[0]?.Resource).toBe('https://d111111abcdef8.cloudfront.net/media/renditions/alice/01JQ0000000000000000000002/*');
    expect(first?.attempts).toBeDefined();
    await expect(shareOptions(loadConfig(GOOD_ENV), load)).resolves.toBeUndefined();
  });
});
