import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { CachePolicySpec, CloudFrontFunctionSpec, DistributionSpec } from '../specs.js';
import type { SimEvent } from '../types.js';
import { startDistribution, type HttpOriginRequest, type OriginResponse, type RunningDistribution, type S3OriginRequest } from './distribution.js';
import { UnsupportedDistributionError } from './errors.js';
import { managedCachePolicy } from './policies.js';

const TEMPLATE = join(__dirname, '../../../../apps/infra/cdk.out/Mediaflow-dev.template.json');
const DISTRIBUTION_ARN = 'arn:aws:cloudfront::123456789012:distribution/E2SIMULATED';
const GALLERY_BUCKET = 'mediaflow-gallery';
const MEDIA_BUCKET = 'mediaflow-media';
const API_DOMAIN = 'api123.execute-api.us-east-1.amazonaws.com';

type Resource = { Type: string; Properties: Record<string, unknown> };

/**
 * The stage's distribution read from the synthesized template, with intrinsics resolved to fixed
 * names: the real function code, cache policy and response headers policies.
 */
function stageDistribution(): DistributionSpec {
  const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { Resources: Record<string, Resource> };
  const resources = template.Resources;
  const bucketNames: Record<string, string> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::S3::Bucket' && id.startsWith('DeliveryGallery')) bucketNames[id] = GALLERY_BUCKET;
    if (resource.Type === 'AWS::S3::Bucket' && id.startsWith('StorageMedia')) bucketNames[id] = MEDIA_BUCKET;
  }
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== 'object' || value === null) return value;
    const object = value as Record<string, unknown>;
    if ('Ref' in object) {
      const ref = String(object['Ref']);
      if (ref === 'AWS::Region') return 'us-east-1';
      if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
      if (ref.startsWith('ApiHttpApi')) return 'api123';
      return bucketNames[ref] ?? ref;
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => String(resolve(part))).join(separator);
    }
    if ('Fn::GetAtt' in object) {
      const [id, attribute] = object['Fn::GetAtt'] as [string, string];
      if (attribute === 'RegionalDomainName') return `${bucketNames[id] ?? id}.s3.us-east-1.amazonaws.com`;
      return `${id}.${attribute}`;
    }
    return Object.fromEntries(Object.entries(object).map(([key, entry]) => [key, resolve(entry)]));
  };
  const configOf = (id: unknown, key: string) => resolve(resources[String((id as { Ref: string }).Ref)]?.Properties[key]) as Record<string, unknown>;
  const functionOf = (arn: unknown): CloudFrontFunctionSpec => {
    const [id] = (arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    const properties = resources[id]?.Properties ?? {};
    return { logicalId: id, name: id, arn: `arn:aws:cloudfront::123456789012:function/${id}`, runtime: 'cloudfront-js-2.0', code: String(properties['FunctionCode']) };
  };
  const cachePolicyOf = (id: unknown): CachePolicySpec | undefined =>
    typeof id === 'string' ? managedCachePolicy(id) : { id: 'media-cache', name: 'media-cache', config: configOf(id, 'CachePolicyConfig') };

  const [distributionId, distribution] = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::CloudFront::Distribution') ?? [];
  if (distributionId === undefined || distribution === undefined) throw new Error('the template has no distribution');
  const config = distribution.Properties['DistributionConfig'] as Record<string, unknown>;
  const behavior = (raw: Record<string, unknown>, pathPattern: string): DistributionSpec['behaviors'][number] => ({
    pathPattern,
    targetOriginId: String(raw['TargetOriginId']),
    allowedMethods: (raw['AllowedMethods'] as string[] | undefined) ?? ['GET', 'HEAD'],
    cachedMethods: (raw['CachedMethods'] as string[] | undefined) ?? ['GET', 'HEAD'],
    viewerProtocolPolicy: String(raw['ViewerProtocolPolicy']),
    compress: raw['Compress'] === true,
    ...(raw['CachePolicyId'] === undefined ? {} : { cachePolicy: cachePolicyOf(raw['CachePolicyId']) as CachePolicySpec }),
    ...(typeof raw['OriginRequestPolicyId'] === 'string' ? { originRequestPolicyId: raw['OriginRequestPolicyId'] } : {}),
    ...(raw['ResponseHeadersPolicyId'] === undefined ? {} : { responseHeadersPolicy: configOf(raw['ResponseHeadersPolicyId'], 'ResponseHeadersPolicyConfig') }),
    functions: ((raw['FunctionAssociations'] as Array<Record<string, unknown>> | undefined) ?? []).map((association) => ({
      eventType: association['EventType'] as 'viewer-request' | 'viewer-response',
      function: functionOf(association['FunctionARN']),
    })),
  });
  return {
    logicalId: distributionId,
    id: 'E2SIMULATED',
    arn: DISTRIBUTION_ARN,
    domainName: 'd2simulated.cloudfront.net',
    defaultRootObject: String(config['DefaultRootObject']),
    origins: (resolve(config['Origins']) as Array<Record<string, unknown>>).map((origin) => {
      const domainName = String(origin['DomainName']);
      const customHeaders = (origin['OriginCustomHeaders'] as Array<{ HeaderName: string; HeaderValue: string }> | undefined) ?? [];
      return {
        id: String(origin['Id']),
        domainName,
        ...(customHeaders.length === 0 ? {} : { customHeaders: Object.fromEntries(customHeaders.map((header) => [header.HeaderName.toLowerCase(), header.HeaderValue])) }),
        ...(origin['S3OriginConfig'] === undefined
          ? { custom: { protocolPolicy: String((origin['CustomOriginConfig'] as Record<string, unknown>)['OriginProtocolPolicy']) } }
          : { s3: { bucketName: domainName.split('.s3.')[0] ?? '', originAccessControl: origin['OriginAccessControlId'] !== undefined } }),
      };
    }),
    behaviors: [
      ...(config['CacheBehaviors'] as Array<Record<string, unknown>>).map((raw) => behavior(raw, String(raw['PathPattern']))),
      behavior(config['DefaultCacheBehavior'] as Record<string, unknown>, '*'),
    ],
    customErrorResponses: [],
  };
}

interface StoredObject {
  body: Buffer;
  contentType: string;
  cacheControl?: string;
}

/**
 * The stage's buckets as CloudFront sees them through origin access control: the gallery bucket
 * readable by the distribution, the media bucket only under `renditions/`, and a missing key a 403
 * because the distribution may not list.
 */
class Origins {
  readonly objects = new Map<string, StoredObject>();
  readonly s3Calls: Array<S3OriginRequest & { bucket: string }> = [];
  readonly httpCalls: Array<HttpOriginRequest & { originId: string }> = [];
  apiResponse: OriginResponse = { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"items":[]}') };

  put(bucket: string, key: string, object: StoredObject): void {
    this.objects.set(`${bucket}/${key}`, object);
  }

  readonly s3 = async (bucket: string, request: S3OriginRequest): Promise<OriginResponse> => {
    this.s3Calls.push({ bucket, ...request });
    const granted = request.sourceArn === DISTRIBUTION_ARN && (bucket === GALLERY_BUCKET || request.key.startsWith('renditions/'));
    const object = granted ? this.objects.get(`${bucket}/${request.key}`) : undefined;
    if (object === undefined) {
      return { status: 403, headers: { 'content-type': 'application/xml' }, body: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>') };
    }
    const headers: Record<string, string> = { 'content-type': object.contentType, etag: '"abc"', ...(object.cacheControl === undefined ? {} : { 'cache-control': object.cacheControl }) };
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers['range'] ?? '');
    if (range !== null) {
      const [start, end] = [Number(range[1]), Number(range[2])];
      return { status: 206, headers: { ...headers, 'content-range': `bytes ${start}-${end}/${object.body.length}` }, body: object.body.subarray(start, end + 1) };
    }
    if (request.method === 'HEAD') return { status: 200, headers: { ...headers, 'content-length': String(object.body.length) }, body: Buffer.alloc(0) };
    return { status: 200, headers, body: object.body };
  };

  readonly http = async (originId: string, request: HttpOriginRequest): Promise<OriginResponse> => {
    this.httpCalls.push({ originId, ...request });
    return this.apiResponse;
  };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A plain HTTP request that, unlike fetch, leaves a compressed body as it came. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const INDEX_HTML = `<!doctype html><html><head><title>Mediaflow</title></head><body>${'<div class="item"></div>'.repeat(100)}</body></html>`;

describe('startDistribution with the stage distribution', () => {
  let clock: number;
  let origins: Origins;
  let events: SimEvent[];
  let edge: RunningDistribution;
  const spec = stageDistribution();

  const start = async (distribution: DistributionSpec = spec) => {
    edge = await startDistribution({ distribution, origins, log: (entry: SimEvent) => events.push(entry), now: () => clock });
    return edge;
  };

  beforeEach(() => {
    clock = Date.parse('2025-01-01T00:00:00Z');
    origins = new Origins();
    events = [];
    origins.put(GALLERY_BUCKET, 'index.html', { body: Buffer.from(INDEX_HTML), contentType: 'text/html' });
    origins.put(GALLERY_BUCKET, 'assets/app.js', { body: Buffer.from('console.log("mediaflow gallery");\n'.repeat(100)), contentType: 'application/javascript' });
    origins.put(MEDIA_BUCKET, 'renditions/u1/m1/thumb.webp', { body: Buffer.alloc(4000, 7), contentType: 'image/webp', cacheControl: 'max-age=60' });
    origins.put(MEDIA_BUCKET, 'originals/u1/m1/a.jpg', { body: Buffer.from('original'), contentType: 'image/jpeg' });
  });

  afterEach(async () => {
    await edge.close();
  });

  it('serves index.html for app routes and the root, with the gallery headers', async () => {
    await start();
    for (const path of ['/', '/albums/42']) {
      const reply = await send(`${edge.url}${path}`);
      expect(reply.status).toBe(200);
      expect(reply.body.toString()).toBe(INDEX_HTML);
    }
    const reply = await send(`${edge.url}/albums/42`);
    expect(reply.headers['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self';.*connect-src 'self' https:\/\//);
    expect(reply.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains; preload');
    expect(reply.headers['x-frame-options']).toBe('DENY');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(reply.headers['via']).toMatch(/^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    expect(reply.headers['x-amz-cf-id']).toMatch(/^[A-Za-z0-9_-]{56}$/);
    expect(origins.s3Calls.map((call) => [call.bucket, call.key, call.sourceArn])).toEqual([[GALLERY_BUCKET, 'index.html', DISTRIBUTION_ARN]]);
  });

  it('caches per CachingOptimized: a miss, then hits with an age, and MinTTL 1 s for max-age=0', async () => {
    origins.put(GALLERY_BUCKET, 'config.json', { body: Buffer.from('{}'), contentType: 'application/json', cacheControl: 'max-age=0' });
    await start();
    const first = await send(`${edge.url}/assets/app.js`);
    expect(first.headers['x-cache']).toBe('Miss from cloudfront');
    expect(first.headers['age']).toBeUndefined();
    clock += 5_000;
    const second = await send(`${edge.url}/assets/app.js`);
    expect(second.headers['x-cache']).toBe('Hit from cloudfront');
    expect(second.headers['age']).toBe('5');
    expect(second.body.equals(first.body)).toBe(true);

    await send(`${edge.url}/config.json`);
    clock += 999;
    expect((await send(`${edge.url}/config.json`)).headers['x-cache']).toBe('Hit from cloudfront');
    clock += 1;
    expect((await send(`${edge.url}/config.json`)).headers['x-cache']).toBe('Miss from cloudfront');
    expect(edge.stats()).toEqual({ hits: 2, misses: 3 });
  });

  it('serves renditions under /media from the media bucket for their max-age', async () => {
    await start();
    const reply = await send(`${edge.url}/media/renditions/u1/m1/thumb.webp?response-content-type=text/html`);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(Buffer.alloc(4000, 7))).toBe(true);
    expect(reply.headers['content-type']).toBe('image/webp');
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(reply.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(origins.s3Calls.map((call) => [call.bucket, call.key])).toEqual([[MEDIA_BUCKET, 'renditions/u1/m1/thumb.webp']]);

    clock += 59_000;
    expect((await send(`${edge.url}/media/renditions/u1/m1/thumb.webp`)).headers['x-cache']).toBe('Hit from cloudfront');
    clock += 1_000;
    expect((await send(`${edge.url}/media/renditions/u1/m1/thumb.webp`)).headers['x-cache']).toBe('Miss from cloudfront');
  });

  it('answers 404 from the media function for originals without asking the bucket', async () => {
    await start();
    const reply = await send(`${edge.url}/media/originals/u1/m1/a.jpg`);
    expect(reply.status).toBe(404);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['x-cache']).toBe('FunctionGeneratedResponse from cloudfront');
    expect(origins.s3Calls).toEqual([]);
  });

  it("passes the bucket's 403 AccessDenied through and keeps it for 10 s", async () => {
    await start();
    const reply = await send(`${edge.url}/media/renditions/u1/m1/missing.webp`);
    expect(reply.status).toBe(403);
    expect(reply.headers['content-type']).toBe('application/xml');
    expect(reply.body.toString()).toContain('<Code>AccessDenied</Code>');
    expect(reply.headers['x-cache']).toBe('Error from cloudfront');
    expect(reply.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains; preload');

    clock += 9_000;
    await send(`${edge.url}/media/renditions/u1/m1/missing.webp`);
    expect(origins.s3Calls).toHaveLength(1);
    clock += 1_000;
    await send(`${edge.url}/media/renditions/u1/m1/missing.webp`);
    expect(origins.s3Calls).toHaveLength(2);
  });

  it('compresses a compressible object per the viewer and keeps each encoding apart in the cache', async () => {
    await start();
    const brotli = await send(`${edge.url}/assets/app.js`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(brotli.body).toString()).toBe('console.log("mediaflow gallery");\n'.repeat(100));
    expect(brotli.headers['etag']).toBe('W/"abc"');
    expect(brotli.headers['vary']).toBe('Accept-Encoding');

    const gzip = await send(`${edge.url}/assets/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe('console.log("mediaflow gallery");\n'.repeat(100));
    expect(gzip.headers['x-cache']).toBe('Miss from cloudfront');

    const plain = await send(`${edge.url}/assets/app.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
  });

  it('passes a range request to the origin', async () => {
    await start();
    const reply = await send(`${edge.url}/media/renditions/u1/m1/thumb.webp`, { headers: { range: 'bytes=0-9' } });
    expect(reply.status).toBe(206);
    expect(reply.headers['content-range']).toBe('bytes 0-9/4000');
    expect(reply.body).toHaveLength(10);
    expect(origins.s3Calls[0]?.headers['range']).toBe('bytes=0-9');
  });

  it('forwards /api requests with everything but Host and never caches them', async () => {
    origins.apiResponse = { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=3600', 'x-frame-options': 'SAMEORIGIN' }, body: Buffer.from('{"ok":true}') };
    await start();
    const reply = await send(`${edge.url}/api/items?limit=10&cursor=a%2Fb`, {
      method: 'POST',
      headers: { authorization: 'Bearer token', cookie: 'session=s1; theme=dark', 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: '{"title":"x"}',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('{"ok":true}');
    expect(reply.headers['x-frame-options']).toBe('DENY');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['content-security-policy']).toBeUndefined();
    expect(reply.headers['content-encoding']).toBeUndefined();

    const [call] = origins.httpCalls;
    expect(call).toMatchObject({ method: 'POST', path: '/api/items', query: 'limit=10&cursor=a%2Fb', body: Buffer.from('{"title":"x"}') });
    expect(call?.originId).toBe(spec.behaviors.find((behavior: DistributionSpec['behaviors'][number]) => behavior.pathPattern === '/api/*')?.targetOriginId);
    expect(call?.headers).toMatchObject({ host: API_DOMAIN, authorization: 'Bearer token', cookie: 'session=s1; theme=dark', 'content-type': 'application/json', 'x-forwarded-for': '127.0.0.1' });

    await send(`${edge.url}/api/items`);
    const again = await send(`${edge.url}/api/items`);
    expect(again.headers['x-cache']).toBe('Miss from cloudfront');
    expect(origins.httpCalls).toHaveLength(3);
    expect(edge.stats().hits).toBe(0);
  });

  it('adds the API origin\u2019s secret header to what it forwards there, over one the viewer sent, and to nothing else', async () => {
    const apiOrigin = spec.origins.find((origin) => origin.domainName === API_DOMAIN);
    // The template holds a dynamic reference, resolved on deploy; this reader leaves it as written.
    const secret = apiOrigin?.customHeaders?.['x-origin-verify'];
    expect(secret).toMatch(/^\{\{resolve:secretsmanager:ApiOriginSecret[0-9A-F]+:SecretString:v\d+::\}\}$/);
    await start();
    await send(`${edge.url}/api/v1/media`, { headers: { authorization: 'Bearer token', 'x-origin-verify': 'forged' } });
    await send(`${edge.url}/assets/app.js`, { headers: { 'x-origin-verify': 'forged' } });
    expect(origins.httpCalls.map((call) => call.headers['x-origin-verify'])).toEqual([secret]);
    expect(origins.s3Calls.map((call) => call.headers['x-origin-verify'])).toEqual([undefined]);
    for (const origin of spec.origins.filter((other) => other !== apiOrigin)) expect(origin.customHeaders).toBeUndefined();
  });

  it("refuses methods the behaviour does not allow with CloudFront's 403 page", async () => {
    await start();
    const reply = await send(`${edge.url}/media/renditions/u1/m1/thumb.webp`, { method: 'DELETE' });
    expect(reply.status).toBe(403);
    expect(reply.headers['content-type']).toBe('text/html');
    expect(reply.headers['x-cache']).toBe('Error from cloudfront');
    expect(reply.body.toString()).toContain('<H1>403 ERROR</H1>');
    expect(origins.s3Calls).toEqual([]);
  });

  it('forwards an uncached HEAD and keeps the length the origin stated', async () => {
    await start();
    const reply = await send(`${edge.url}/assets/app.js`, { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String('console.log("mediaflow gallery");\n'.repeat(100).length));
    expect(origins.s3Calls.map((call) => call.method)).toEqual(['HEAD']);
  });

  it('answers HEAD from the cached GET with the length of the body', async () => {
    await start();
    await send(`${edge.url}/assets/app.js`);
    const reply = await send(`${edge.url}/assets/app.js`, { method: 'HEAD' });
    expect(reply.headers['x-cache']).toBe('Hit from cloudfront');
    expect(reply.headers['content-length']).toBe(String('console.log("mediaflow gallery");\n'.repeat(100).length));
    expect(reply.body).toHaveLength(0);
  });
});

describe('startDistribution with functions and settings of its own', () => {
  let clock: number;
  let origins: Origins;
  let events: SimEvent[];
  let edge: RunningDistribution | undefined;

  /** One behaviour in front of the gallery bucket. */
  const distribution = (overrides: Partial<DistributionSpec['behaviors'][number]> = {}, extra: Partial<DistributionSpec> = {}): DistributionSpec => ({
    logicalId: 'Distribution',
    id: 'E2SIMULATED',
    arn: DISTRIBUTION_ARN,
    domainName: 'd2simulated.cloudfront.net',
    origins: [{ id: 'gallery', domainName: `${GALLERY_BUCKET}.s3.us-east-1.amazonaws.com`, s3: { bucketName: GALLERY_BUCKET, originAccessControl: true } }],
    behaviors: [
      {
        pathPattern: '*',
        targetOriginId: 'gallery',
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        viewerProtocolPolicy: 'redirect-to-https',
        compress: true,
        cachePolicy: managedCachePolicy('658327ea-f89d-4fab-a63d-7e88639e58f6') as CachePolicySpec,
        functions: [],
        ...overrides,
      },
    ],
    customErrorResponses: [],
    ...extra,
  });
  const viewerRequest = (code: string): DistributionSpec['behaviors'][number]['functions'] => [
    { eventType: 'viewer-request', function: { logicalId: 'Fn', name: 'fn', arn: 'arn:aws:cloudfront::123456789012:function/fn', runtime: 'cloudfront-js-2.0', code } },
  ];
  const start = async (spec: DistributionSpec) => {
    edge = await startDistribution({ distribution: spec, origins, log: (entry: SimEvent) => events.push(entry), now: () => clock });
    return edge;
  };

  beforeEach(() => {
    clock = Date.parse('2025-01-01T00:00:00Z');
    origins = new Origins();
    events = [];
    edge = undefined;
    origins.put(GALLERY_BUCKET, 'index.html', { body: Buffer.from(INDEX_HTML), contentType: 'text/html' });
  });

  afterEach(async () => {
    await edge?.close();
  });

  it('answers 503 when a function throws, and logs why', async () => {
    const { url } = await start(distribution({ functions: viewerRequest("function handler() { throw new Error('bad function'); }") }));
    const reply = await send(`${url}/index.html`);
    expect(reply.status).toBe(503);
    expect(reply.body.toString()).toContain('<H1>503 ERROR</H1>');
    expect(events).toEqual([expect.objectContaining({ kind: 'invoke-error', source: 'cloudfront-function:fn', message: expect.stringContaining('bad function') })]);
    expect(origins.s3Calls).toEqual([]);
  });

  it('sends a response returned by a function as it is', async () => {
    const code = `function handler() {
      return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/signin' } },
        cookies: { seen: { value: '1', attributes: 'Path=/; Secure' } }, body: { encoding: 'text', data: 'moved' } };
    }`;
    const { url } = await start(distribution({ functions: viewerRequest(code) }));
    const reply = await send(`${url}/anything`);
    expect(reply.status).toBe(302);
    expect(reply.headers['location']).toBe('/signin');
    expect(reply.headers['set-cookie']).toEqual(['seen=1; Path=/; Secure']);
    expect(reply.body.toString()).toBe('moved');
  });

  it('sends the request as the function rewrote it', async () => {
    const code = "function handler(event) { event.request.uri = '/index.html'; event.request.headers['x-from-function'] = { value: 'yes' }; return event.request; }";
    const { url } = await start(distribution({ functions: viewerRequest(code) }));
    expect((await send(`${url}/somewhere`)).body.toString()).toBe(INDEX_HTML);
    expect(origins.s3Calls[0]?.key).toBe('index.html');
  });

  it('never caches under CachingDisabled', async () => {
    const { url } = await start(distribution({ cachePolicy: managedCachePolicy('4135ea2d-6df8-44a3-9df3-4b5a84be39ad') as CachePolicySpec }));
    await send(`${url}/index.html`);
    const second = await send(`${url}/index.html`);
    expect(second.headers['x-cache']).toBe('Miss from cloudfront');
    expect(origins.s3Calls).toHaveLength(2);
    expect(edge?.stats()).toEqual({ hits: 0, misses: 2 });
  });

  it("keeps the origin's header when the policy does not override", async () => {
    origins.put(GALLERY_BUCKET, 'page.html', { body: Buffer.from('<p>hi</p>'), contentType: 'text/html', cacheControl: 'max-age=5' });
    const responseHeadersPolicy = {
      CustomHeadersConfig: { Items: [{ Header: 'Cache-Control', Value: 'no-cache', Override: false }, { Header: 'X-Stage', Value: 'dev', Override: true }] },
    };
    const { url } = await start(distribution({ responseHeadersPolicy }));
    const reply = await send(`${url}/page.html`);
    expect(reply.headers['cache-control']).toBe('max-age=5');
    expect(reply.headers['x-stage']).toBe('dev');
  });

  it('replaces an origin error with a configured custom error response', async () => {
    const { url } = await start(distribution({}, { customErrorResponses: [{ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 }] }));
    const reply = await send(`${url}/missing.txt`);
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe(INDEX_HTML);
    await send(`${url}/missing.txt`);
    expect(origins.s3Calls.filter((call) => call.key === 'missing.txt')).toHaveLength(2);
  });

  it('refuses an S3 origin without origin access control', async () => {
    const spec = distribution();
    spec.origins = [{ id: 'gallery', domainName: 'x', s3: { bucketName: GALLERY_BUCKET, originAccessControl: false } }];
    await expect(start(spec)).rejects.toThrow(UnsupportedDistributionError);
  });
});
