import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DistributionSpec } from '../specs.js';
import type { SimLog } from '../types.js';
import { cacheTtlSeconds, EdgeCache } from './caching.js';
import { compress, normalizeAcceptEncoding, shouldCompress, type EdgeEncoding } from './compression.js';
import { edgeErrorPage } from './error-page.js';
import { UnsupportedDistributionError } from './errors.js';
import {
  addValue,
  allValues,
  formatQueryString,
  FunctionRunner,
  parseQueryString,
  type FunctionEvent,
  type FunctionRequest,
  type FunctionResponse,
  type FunctionValue,
} from './function-runtime.js';
import { matchesPathPattern } from './path-pattern.js';
import {
  managedOriginRequestPolicy,
  readCachePolicy,
  readOriginRequestPolicy,
  record,
  selects,
  union,
  type CachePolicy,
  type OriginRequestPolicySpec,
  type Selection,
} from './policies.js';
import { applyResponseHeadersPolicy } from './response-headers.js';
import { checkSignedRequest } from './signed-requests.js';

/** A read CloudFront makes of an S3 origin, signed as the distribution through origin access control. */
export interface S3OriginRequest {
  method: 'GET' | 'HEAD';
  /** The object key: the path after the origin path, percent-decoded, without the leading `/`. */
  key: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The distribution's ARN, the `aws:SourceArn` the bucket policy sees for `cloudfront.amazonaws.com`. */
  sourceArn: string;
}

/** A request CloudFront forwards to a custom origin. */
export interface HttpOriginRequest {
  method: string;
  /** The origin path followed by the (possibly rewritten) request path, still percent-encoded. */
  path: string;
  /** The forwarded query string without `?`, as the viewer spelled it; empty when none. */
  query: string;
  /** Lower-case names; `host` is the origin's domain unless a policy forwards the viewer's. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface OriginResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Each `Set-Cookie` the origin sent, which one header value cannot hold. */
  setCookies?: string[];
  body: Buffer;
}

/** The emulated services behind the distribution's origins. */
export interface DistributionOrigins {
  s3(bucketName: string, request: S3OriginRequest): Promise<OriginResponse>;
  http(originId: string, request: HttpOriginRequest): Promise<OriginResponse>;
}

export interface StartDistributionOptions {
  distribution: DistributionSpec;
  origins: DistributionOrigins;
  log: SimLog;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Milliseconds since the epoch; the cache's clock. */
  now?: () => number;
  /** Configurations of origin request policies that are not managed ones, by id. */
  originRequestPolicies?: readonly OriginRequestPolicySpec[];
  /** Time budget of one CloudFront Function invocation. Default 1000 ms. */
  functionTimeoutMs?: number;
  /** The edge cache, for a caller that invalidates it (CloudFront's CreateInvalidation); a fresh one by default. */
  cache?: EdgeCache;
}

export interface DistributionStats {
  hits: number;
  misses: number;
}

export interface RunningDistribution {
  /** `http://127.0.0.1:<port>`, standing for `https://<distribution domain>`. */
  url: string;
  close(): Promise<void>;
  stats(): DistributionStats;
}

type Origin = DistributionSpec['origins'][number];
type BehaviorSpec = DistributionSpec['behaviors'][number];

interface Behavior {
  spec: BehaviorSpec;
  origin: Origin;
  allowed: ReadonlySet<string>;
  cached: ReadonlySet<string>;
  cachePolicy: CachePolicy;
  /** What reaches the origin: the cache policy's values plus the origin request policy's. */
  forward: { headers: Selection; cookies: Selection; queryStrings: Selection };
  viewerRequest?: FunctionRunner;
  viewerResponse?: FunctionRunner;
}

/** A response on its way to the viewer. */
interface EdgeResponse {
  status: number;
  statusText?: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** `Set-Cookie` lines beyond what `headers` can hold (a function may set several). */
  setCookies?: string[];
  body: Buffer;
  xCache: string;
  ageSeconds?: number;
}

/** Connection-level headers that never cross a proxy. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

/**
 * Serves a distribution of the stage over HTTP: behaviours chosen by path pattern, CloudFront
 * Functions, the edge cache, compression, response headers policies, custom error responses and
 * origins' custom headers in front of the emulated origins.
 *
 * Every viewer request is treated as HTTPS, whatever the behaviour's `ViewerProtocolPolicy`: the
 * simulated distribution listens on plain HTTP on the loopback interface in place of CloudFront's
 * TLS endpoint, so a `redirect-to-https` behaviour never redirects here.
 *
 * @throws UnsupportedDistributionError when the distribution uses something the simulator does not emulate.
 * @example
 * const edge = await startDistribution({ distribution, origins: { s3: readObject, http: callApi }, log });
 * await fetch(`${edge.url}/media/renditions/u/m/thumb.webp`);
 */
export async function startDistribution(options: StartDistributionOptions): Promise<RunningDistribution> {
  const { distribution, origins, log } = options;
  const now = options.now ?? Date.now;
  const behaviors = prepareBehaviors(options);
  const cache = options.cache ?? new EdgeCache();
  const stats: DistributionStats = { hits: 0, misses: 0 };
  const via = `1.1 ${randomBytes(16).toString('hex')}.cloudfront.net (CloudFront)`;

  const fetchOrigin = async (behavior: Behavior, request: FunctionRequest, body: Buffer, encoding: EdgeEncoding | undefined, context: RequestContext): Promise<OriginResponse> => {
    const { origin } = behavior;
    const headers = forwardedHeaders(behavior, request, encoding);
    // The origin's custom headers go with every request to it, over any of the viewer's by the same name.
    Object.assign(headers, origin.customHeaders);
    if (origin.s3 !== undefined) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return edgeErrorPage(501, `The simulator forwards only GET and HEAD to S3 origins, not ${request.method}.`, context.requestId);
      }
      delete headers['host'];
      return origins.s3(origin.s3.bucketName, { method: request.method, key: objectKey(origin.originPath, request.uri), headers, sourceArn: distribution.arn });
    }
    if (!selects(behavior.forward.headers, 'host')) headers['host'] = origin.domainName;
    if (!selects(behavior.forward.headers, 'user-agent')) headers['user-agent'] = 'Amazon CloudFront';
    const forwardedFor = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = forwardedFor === undefined ? context.ip : `${forwardedFor}, ${context.ip}`;
    headers['via'] = headers['via'] === undefined ? via : `${headers['via']}, ${via}`;
    headers['x-amz-cf-id'] = context.requestId;
    const contentType = headerValue(request, 'content-type');
    if (body.length > 0) {
      headers['content-length'] = String(body.length);
      if (contentType !== undefined) headers['content-type'] = contentType;
    }
    const query = formatQueryString(pick(request.querystring, behavior.forward.queryStrings));
    return origins.http(origin.id, { method: request.method, path: `${trimSlash(origin.originPath)}${request.uri}`, query, headers, body });
  };

  /** The response for a request that reached the cache: a hit, or what the origin answered. */
  const fromCacheOrOrigin = async (behavior: Behavior, request: FunctionRequest, body: Buffer, context: RequestContext): Promise<EdgeResponse> => {
    const { cachePolicy } = behavior;
    const encoding = normalizeAcceptEncoding(headerValue(request, 'accept-encoding'), cachePolicy);
    // A range is fetched from the origin each time rather than cut from a cached object.
    const cacheable = behavior.cached.has(request.method) && cachePolicy.maxTtl > 0 && headerValue(request, 'range') === undefined;
    const key = cacheable ? cacheKey(request, cachePolicy, encoding) : undefined;
    const hit = key === undefined ? undefined : cache.get(key, now());
    if (hit !== undefined) {
      stats.hits += 1;
      return { ...hit.response, headers: { ...hit.response.headers }, xCache: xCacheFor(hit.response.status, 'Hit'), ageSeconds: hit.ageSeconds };
    }
    stats.misses += 1;
    let origin: OriginResponse;
    try {
      origin = await fetchOrigin(behavior, request, body, encoding, context);
    } catch (error) {
      log({ kind: 'invoke-error', source: 'cloudfront', message: `origin ${behavior.origin.id} failed: ${describe(error)}`, detail: { requestId: context.requestId, uri: request.uri } });
      return { ...edgeErrorPage(502, 'CloudFront could not connect to the origin.', context.requestId), xCache: 'Error from cloudfront' };
    }
    let response: OriginResponse = { status: origin.status, headers: responseHeaders(origin.headers), body: origin.body, ...(origin.setCookies === undefined ? {} : { setCookies: [...origin.setCookies] }) };
    // The body of a HEAD answer is absent; the length the origin stated for it is what the viewer gets.
    const statedLength = lowerCaseLookup(origin.headers, 'content-length');
    if (request.method === 'HEAD' && statedLength !== undefined) response.headers['content-length'] = statedLength;
    if (behavior.spec.compress && encoding !== undefined && request.method !== 'HEAD' && shouldCompress(response)) response = compressed(response, encoding);
    if (key !== undefined && request.method !== 'HEAD') {
      const errorResponse = customErrorResponse(distribution, response.status);
      const errorCachingMinTtl = errorResponse?.['ErrorCachingMinTTL'];
      const ttl = cacheTtlSeconds({
        status: response.status,
        headers: response.headers,
        policy: cachePolicy,
        nowMs: now(),
        ...(errorCachingMinTtl === undefined ? {} : { errorCachingMinTtl: Number(errorCachingMinTtl) }),
      });
      cache.put(key, response, ttl, now());
    }
    return { ...response, headers: { ...response.headers }, xCache: xCacheFor(response.status, 'Miss') };
  };

  /** A configured custom error response replaces the origin's error with its page and status. */
  const withCustomError = async (response: EdgeResponse, request: FunctionRequest, context: RequestContext): Promise<EdgeResponse> => {
    const custom = response.status >= 400 ? customErrorResponse(distribution, response.status) : undefined;
    if (custom === undefined) return response;
    const status = custom['ResponseCode'] === undefined || custom['ResponseCode'] === '' ? response.status : Number(custom['ResponseCode']);
    const pagePath = custom['ResponsePagePath'];
    if (typeof pagePath !== 'string' || pagePath === '') return { ...response, status };
    const [path = '/', query = ''] = pagePath.split('?', 2);
    const behavior = behaviorFor(behaviors, path);
    if (behavior === undefined) return response;
    const pageRequest: FunctionRequest = { ...request, method: 'GET', uri: path, querystring: parseQueryString(query), headers: omit(request.headers, 'range') };
    const page = await fromCacheOrOrigin(behavior, pageRequest, Buffer.alloc(0), context);
    // A page that cannot be fetched leaves the original error in place, as CloudFront does.
    return page.status >= 400 ? response : { ...page, status, xCache: response.xCache };
  };

  const runFunction = (runner: FunctionRunner, event: FunctionEvent, context: RequestContext): FunctionEvent['request'] | FunctionResponse | EdgeResponse => {
    try {
      const outcome = runner.run(event);
      return outcome.kind === 'request' ? outcome.request : outcome.response;
    } catch (error) {
      log({ kind: 'invoke-error', source: `cloudfront-function:${runner.spec.name}`, message: describe(error), detail: { requestId: context.requestId, eventType: event.context.eventType } });
      return { ...edgeErrorPage(503, 'The CloudFront function associated with this distribution failed or is invalid.', context.requestId), xCache: 'Error from cloudfront' };
    }
  };

  const handle = async (req: IncomingMessage, context: RequestContext): Promise<EdgeResponse> => {
    const body = await readBody(req);
    const viewerRequest = toFunctionRequest(req);
    const behavior = behaviorFor(behaviors, viewerRequest.uri);
    if (behavior === undefined) return { ...edgeErrorPage(403, 'No cache behavior matches this path.', context.requestId), xCache: 'Error from cloudfront' };
    if (!behavior.allowed.has(viewerRequest.method)) {
      return { ...edgeErrorPage(403, 'This distribution is not set up to allow the HTTP method used for this request.', context.requestId), xCache: 'Error from cloudfront' };
    }
    // A behaviour with trusted key groups checks the signature first: before its functions, and before a cached copy is served.
    const refused = signatureRefusal(behavior, viewerRequest, req, context);
    if (refused !== undefined) return refused;
    const event = (eventType: FunctionEvent['context']['eventType'], request: FunctionRequest): FunctionEvent => ({
      version: '1.0',
      context: { distributionDomainName: distribution.domainName, distributionId: distribution.id, eventType, requestId: context.requestId },
      viewer: { ip: context.ip },
      request,
    });

    let request = viewerRequest;
    if (behavior.viewerRequest !== undefined) {
      const outcome = runFunction(behavior.viewerRequest, event('viewer-request', request), context);
      if (isEdgeResponse(outcome)) return outcome;
      // A response made by the function goes straight to the viewer: no cache, no origin, no viewer-response function.
      if ('statusCode' in outcome) return functionResponse(outcome);
      request = outcome;
    }
    if (request.uri === '/' && distribution.defaultRootObject) request = { ...request, uri: `/${distribution.defaultRootObject.replace(/^\/+/, '')}` };

    let response = await fromCacheOrOrigin(behavior, request, body, context);
    response = await withCustomError(response, request, context);
    response.headers = applyResponseHeadersPolicy(behavior.spec.responseHeadersPolicy, response.headers, { method: request.method, headers: flatHeaders(request.headers) });

    if (behavior.viewerResponse !== undefined) {
      const outcome = runFunction(behavior.viewerResponse, { ...event('viewer-response', request), response: toFunctionResponse(response) }, context);
      if (isEdgeResponse(outcome)) return outcome;
      if (!('statusCode' in outcome)) throw new TypeError('a viewer-response function returned a request');
      response = { ...functionResponse(outcome), body: response.body, xCache: response.xCache, ...(response.ageSeconds === undefined ? {} : { ageSeconds: response.ageSeconds }) };
    }
    return response;
  };

  /** CloudFront's answer to a request of a signed behaviour without a valid signature for its URL; none when it may pass. */
  const signatureRefusal = (behavior: Behavior, request: FunctionRequest, req: IncomingMessage, context: RequestContext): EdgeResponse | undefined => {
    const groups = behavior.spec.trustedKeyGroups;
    if (groups === undefined || groups.length === 0) return undefined;
    // The listener stands for the distribution: the URL is the one the viewer asked CloudFront for.
    const hostHeader = headerValue(request, 'host')?.toLowerCase();
    const names = [distribution.domainName, ...(distribution.aliases ?? [])].map((name) => name.toLowerCase());
    const host = hostHeader !== undefined && names.includes(hostHeader) ? hostHeader : distribution.domainName;
    const cookies = Object.fromEntries(Object.entries(request.cookies).map(([name, entry]) => [name, allValues(entry)[0] ?? '']));
    const check = checkSignedRequest({ url: `https://${host}${req.url ?? '/'}`, cookies, ip: context.ip, now: now() }, groups.flatMap((group) => group.publicKeys));
    if (check.ok) return undefined;
    log({ kind: 'denied', source: 'cloudfront', message: `${request.method} ${request.uri}: ${check.code}: ${check.message}`, detail: { requestId: context.requestId, behavior: behavior.spec.pathPattern } });
    const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${check.code}</Code><Message>${check.message}</Message></Error>`;
    return { status: check.status, headers: { 'content-type': 'text/xml', server: 'CloudFront' }, body: Buffer.from(body), xCache: 'Error from cloudfront' };
  };

  const send = (res: ServerResponse, method: string | undefined, response: EdgeResponse, requestId: string) => {
    const headers: Record<string, string | string[]> = { ...response.headers };
    if (response.setCookies !== undefined && response.setCookies.length > 0) headers['set-cookie'] = response.setCookies;
    // A HEAD answer keeps the length the origin stated for the body it did not send.
    if (method !== 'HEAD' || headers['content-length'] === undefined) headers['content-length'] = String(response.body.length);
    if (response.ageSeconds !== undefined) headers['age'] = String(response.ageSeconds);
    headers['x-cache'] = response.xCache;
    headers['via'] = via;
    headers['x-amz-cf-pop'] = 'SIM1-P1';
    headers['x-amz-cf-id'] = requestId;
    res.statusCode = response.status;
    if (response.statusText !== undefined) res.statusMessage = response.statusText;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.end(method === 'HEAD' ? undefined : response.body);
  };

  const server = createServer((req, res) => {
    const requestId = randomBytes(42).toString('base64url');
    handle(req, { requestId, ip: viewerIp(req) }).then(
      (response) => send(res, req.method, response, requestId),
      (error: unknown) => {
        log({ kind: 'invoke-error', source: 'cloudfront', message: `request failed: ${describe(error)}`, detail: { requestId, url: req.url } });
        if (!res.headersSent) send(res, req.method, { ...edgeErrorPage(502, 'The request failed inside the simulated edge.', requestId), xCache: 'Error from cloudfront' }, requestId);
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface RequestContext {
  requestId: string;
  ip: string;
}

/** The first behaviour, in template order, whose pattern matches; the default (`*`) is last. */
function behaviorFor(behaviors: readonly Behavior[], path: string): Behavior | undefined {
  return behaviors.find((behavior) => matchesPathPattern(behavior.spec.pathPattern, path));
}

function prepareBehaviors(options: StartDistributionOptions): Behavior[] {
  const { distribution } = options;
  const custom = new Map((options.originRequestPolicies ?? []).map((policy) => [policy.id, policy]));
  return distribution.behaviors.map((spec) => {
    const origin = distribution.origins.find((candidate) => candidate.id === spec.targetOriginId);
    if (origin === undefined) throw new UnsupportedDistributionError(`behaviour ${spec.pathPattern} targets unknown origin ${spec.targetOriginId}`);
    if (origin.s3 !== undefined && !origin.s3.originAccessControl) {
      throw new UnsupportedDistributionError(`origin ${origin.id} reads S3 without origin access control, which the simulator does not emulate`);
    }
    if (origin.s3 === undefined && origin.custom === undefined) throw new UnsupportedDistributionError(`origin ${origin.id} is neither an S3 nor a custom origin`);
    const cachePolicy = readCachePolicy(spec.cachePolicy);
    let forward = { headers: cachePolicy.headers, cookies: cachePolicy.cookies, queryStrings: cachePolicy.queryStrings };
    if (spec.originRequestPolicyId !== undefined) {
      const policySpec = managedOriginRequestPolicy(spec.originRequestPolicyId) ?? custom.get(spec.originRequestPolicyId);
      if (policySpec === undefined) {
        throw new UnsupportedDistributionError(`origin request policy ${spec.originRequestPolicyId} of behaviour ${spec.pathPattern} is not managed; pass its configuration in originRequestPolicies`);
      }
      const policy = readOriginRequestPolicy(policySpec);
      forward = { headers: union(forward.headers, policy.headers), cookies: union(forward.cookies, policy.cookies), queryStrings: union(forward.queryStrings, policy.queryStrings) };
    }
    const runner = (eventType: 'viewer-request' | 'viewer-response') => {
      const association = spec.functions.find((candidate) => candidate.eventType === eventType);
      return association === undefined
        ? undefined
        : new FunctionRunner(association.function, { log: options.log, ...(options.functionTimeoutMs === undefined ? {} : { timeoutMs: options.functionTimeoutMs }) });
    };
    const viewerRequest = runner('viewer-request');
    const viewerResponse = runner('viewer-response');
    return {
      spec,
      origin,
      allowed: new Set(spec.allowedMethods.map((method) => method.toUpperCase())),
      // GET and HEAD are always cached; OPTIONS only when listed.
      cached: new Set(['GET', 'HEAD', ...spec.cachedMethods.map((method) => method.toUpperCase())]),
      cachePolicy,
      forward,
      ...(viewerRequest === undefined ? {} : { viewerRequest }),
      ...(viewerResponse === undefined ? {} : { viewerResponse }),
    };
  });
}

/** The viewer's request in the shape CloudFront Functions see: lower-case headers, cookies apart. */
function toFunctionRequest(req: IncomingMessage): FunctionRequest {
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const headers: Record<string, FunctionValue> = {};
  const cookies: Record<string, FunctionValue> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    for (const value of values ?? []) {
      if (name === 'cookie') parseCookies(value, cookies);
      else addValue(headers, name, value);
    }
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    uri: queryAt < 0 ? target : target.slice(0, queryAt),
    querystring: parseQueryString(queryAt < 0 ? '' : target.slice(queryAt + 1)),
    headers,
    cookies,
  };
}

function parseCookies(header: string, into: Record<string, FunctionValue>): void {
  for (const pair of header.split(';')) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    addValue(into, equals < 0 ? trimmed : trimmed.slice(0, equals), equals < 0 ? '' : trimmed.slice(equals + 1));
  }
}

/** What the origin receives of the viewer's headers, cookies and encoding, per the behaviour's policies. */
function forwardedHeaders(behavior: Behavior, request: FunctionRequest, encoding: EdgeEncoding | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const encodingInKey = behavior.cachePolicy.gzip || behavior.cachePolicy.brotli;
  for (const [name, entry] of Object.entries(request.headers)) {
    if (HOP_BY_HOP.has(name) || name === 'cookie' || (encodingInKey && name === 'accept-encoding')) continue;
    // Range always reaches the origin, so range requests pass through.
    if (name === 'range' || selects(behavior.forward.headers, name)) headers[name] = allValues(entry).join(', ');
  }
  if (encoding !== undefined) headers['accept-encoding'] = encoding === 'br' ? 'br,gzip' : 'gzip';
  const cookies = Object.entries(pick(request.cookies, behavior.forward.cookies)).flatMap(([name, entry]) => allValues(entry).map((value) => `${name}=${value}`));
  if (cookies.length > 0) headers['cookie'] = cookies.join('; ');
  return headers;
}

/** The entries of a query string or cookie object that a selection picks. */
function pick(values: Record<string, FunctionValue>, selection: Selection): Record<string, FunctionValue> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => selects(selection, name)));
}

/** The method group, the path and what the cache policy puts in the key, in one string. */
function cacheKey(request: FunctionRequest, policy: CachePolicy, encoding: EdgeEncoding | undefined): string {
  const methodGroup = request.method === 'OPTIONS' ? 'OPTIONS' : 'GET';
  const headers = Object.entries(request.headers)
    .filter(([name]) => selects(policy.headers, name))
    .map(([name, entry]) => [name, allValues(entry)])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));
  return JSON.stringify([
    methodGroup,
    request.uri,
    encoding ?? '',
    formatQueryString(pick(request.querystring, policy.queryStrings)),
    headers,
    Object.entries(pick(request.cookies, policy.cookies)).map(([name, entry]) => [name, allValues(entry)]),
  ]);
}

function objectKey(originPath: string | undefined, uri: string): string {
  const path = `${trimSlash(originPath)}${uri}`.replace(/^\/+/, '');
  try {
    return decodeURIComponent(path);
  } catch {
    // Not valid percent-encoding: S3 receives the bytes as they are.
    return path;
  }
}

/** An origin path as CloudFront prefixes it: leading `/`, no trailing one, or nothing. */
function trimSlash(originPath: string | undefined): string {
  if (originPath === undefined || originPath === '' || originPath === '/') return '';
  return `/${originPath.replace(/^\/+|\/+$/g, '')}`;
}

function responseHeaders(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (!HOP_BY_HOP.has(key) && key !== 'content-length') result[key] = value;
  }
  return result;
}

function lowerCaseLookup(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

function compressed(response: OriginResponse, encoding: EdgeEncoding): OriginResponse {
  const headers: Record<string, string> = { ...response.headers, 'content-encoding': encoding };
  const etag = headers['etag'];
  // The encoded bytes differ from the origin's, so a strong validator becomes a weak one.
  if (etag !== undefined && !etag.startsWith('W/')) headers['etag'] = `W/${etag}`;
  const vary = headers['vary'];
  if (vary === undefined) headers['vary'] = 'Accept-Encoding';
  else if (!/accept-encoding/i.test(vary)) headers['vary'] = `${vary}, Accept-Encoding`;
  return { status: response.status, headers, body: compress(response.body, encoding) };
}

function xCacheFor(status: number, outcome: 'Hit' | 'Miss'): string {
  return status >= 400 ? 'Error from cloudfront' : `${outcome} from cloudfront`;
}

function customErrorResponse(distribution: DistributionSpec, status: number): Record<string, unknown> | undefined {
  return distribution.customErrorResponses.map(record).find((candidate) => Number(candidate['ErrorCode']) === status);
}

function functionResponse(response: FunctionResponse): EdgeResponse {
  const headers: Record<string, string> = { server: 'CloudFront' };
  const setCookies: string[] = [];
  for (const [name, entry] of Object.entries(response.headers)) {
    if (name === 'set-cookie') setCookies.push(...allValues(entry));
    else headers[name] = allValues(entry).join(', ');
  }
  for (const [name, cookie] of Object.entries(response.cookies)) {
    const values = cookie.multiValue !== undefined && cookie.multiValue.length > 0 ? cookie.multiValue : [cookie];
    for (const value of values) setCookies.push(`${name}=${value.value}${value.attributes ? `; ${value.attributes}` : ''}`);
  }
  const body = response.body;
  const bytes = body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.data, body.encoding === 'base64' ? 'base64' : 'utf8');
  return {
    status: response.statusCode,
    ...(response.statusDescription === undefined ? {} : { statusText: response.statusDescription }),
    headers,
    setCookies,
    body: bytes,
    xCache: 'FunctionGeneratedResponse from cloudfront',
  };
}

function toFunctionResponse(response: EdgeResponse): FunctionResponse {
  const headers: Record<string, FunctionValue> = {};
  const cookies: FunctionResponse['cookies'] = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (name !== 'set-cookie') addValue(headers, name, value);
  }
  const lines = [...(response.headers['set-cookie'] === undefined ? [] : [response.headers['set-cookie']]), ...(response.setCookies ?? [])];
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';');
    const equals = pair.indexOf('=');
    const name = (equals < 0 ? pair : pair.slice(0, equals)).trim();
    cookies[name] = { value: equals < 0 ? '' : pair.slice(equals + 1).trim(), attributes: attributes.map((part) => part.trim()).join('; ') };
  }
  return { statusCode: response.status, ...(response.statusText === undefined ? {} : { statusDescription: response.statusText }), headers, cookies };
}

function isEdgeResponse(value: object): value is EdgeResponse {
  return 'xCache' in value;
}

function headerValue(request: FunctionRequest, name: string): string | undefined {
  const entry = request.headers[name];
  return entry === undefined ? undefined : allValues(entry).join(', ');
}

function flatHeaders(headers: Record<string, FunctionValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, entry]) => [name, allValues(entry).join(', ')]));
}

function omit<T>(values: Record<string, T>, name: string): Record<string, T> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key !== name));
}

function viewerIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
