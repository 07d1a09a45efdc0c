/**
 * An API Gateway HTTP API with its `$default` stage (auto-deployed): throttling, CORS preflights,
 * route selection, the JWT authorizer, the Lambda proxy integration (payload 2.0) with its timeout,
 * and the gateway's own error answers, each logged as a compact access log line.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../oidc/listen.js';
import { DEFAULT_ACCOUNT, type InvokeResult } from '../types.js';
import { checkScopes, identityToken, tokenScopes, verifyJwtToken } from './authorizer.js';
import { isPreflight, parseCors, preflightHeaders, withCorsHeaders } from './cors.js';
import { GatewayError, InsufficientScopeError, MalformedIntegrationResponseError, UnauthorizedError, UnsupportedApiError } from './errors.js';
import { buildEventV2, type EventContext, type IncomingRequest } from './event.js';
import { mapResultV2, type HttpReply } from './response.js';
import { RouteTable } from './routes.js';
import { stageBucket } from './throttle.js';
import type { ApiRoute, HttpApi, HttpApiOptions, JwtClaims } from './types.js';

/** API Gateway's request payload limit. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** HTTP APIs cap an integration at 30 seconds, which is also the default. */
export const MAX_INTEGRATION_TIMEOUT_MS = 30_000;

function gatewayReply(status: number, message: string, headers: Array<[string, string]> = []): HttpReply {
  return { status, headers: [['content-type', 'application/json'], ...headers], body: Buffer.from(JSON.stringify({ message })) };
}

/** The one place gateway refusals become responses. */
function replyForError(error: GatewayError): HttpReply {
  if (error instanceof InsufficientScopeError) {
    const scopes = error.expected.join(' ');
    return gatewayReply(403, 'Forbidden', [['www-authenticate', `Bearer scope="${scopes}" error="insufficient_scope" error_description="${error.message}"`]]);
  }
  if (error instanceof UnauthorizedError) {
    return gatewayReply(401, 'Unauthorized', [['www-authenticate', `Bearer scope="" error="invalid_token" error_description="${error.message}"`]]);
  }
  return gatewayReply(500, 'Internal Server Error');
}

/** Refuses, at start, what API Gateway would do and this emulation would not. */
function checkRoutes(routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    if (route.authorizationType !== 'NONE' && route.authorizationType !== 'JWT') {
      throw new UnsupportedApiError(`Route ${route.routeKey}: ${route.authorizationType} authorization is not emulated.`);
    }
    if (route.authorizationType === 'JWT' && !route.authorizer) throw new UnsupportedApiError(`Route ${route.routeKey}: JWT authorization without an authorizer.`);
    if (route.integration.type !== 'AWS_PROXY' || route.integration.payloadFormatVersion !== '2.0') {
      throw new UnsupportedApiError(`Route ${route.routeKey}: only Lambda proxy integrations with payload format 2.0 are emulated.`);
    }
  }
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // The whole body is read even past the limit so the client sees the 413, not a reset connection.
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

function traceId(time: Date): string {
  return `Root=1-${Math.floor(time.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

function accountOf(routes: readonly ApiRoute[]): string {
  const account = routes[0]?.integration.functionArn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : DEFAULT_ACCOUNT.accountId;
}

/** What the access log line records beyond the request itself. */
interface Outcome {
  routeKey: string;
  integrationStatus?: number;
  integrationError?: string;
  authorizerError?: string;
  owner?: string;
}

/**
 * Starts the API on `host:port` (127.0.0.1 and a free port by default).
 *
 * @example
 * const api = await startHttpApi({ api: spec.httpApi, invoker, jwks: async () => issuer.jwks(), log });
 * await fetch(`${api.url}/api/v1/media`, { headers: { authorization: `Bearer ${accessToken}` } });
 */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const { api, invoker, log } = options;
  const now = options.now ?? (() => new Date());
  const maxPayload = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  checkRoutes(api.routes);
  const table = new RouteTable(api.routes.map((route) => ({ routeKey: route.routeKey, route })));
  const bucket = stageBucket(api.stage.throttle, () => now().getTime());
  const cors = parseCors(api.cors);
  const accountId = accountOf(api.routes);
  let port = 0;

  const authorize = async (route: ApiRoute, headers: Record<string, string>, outcome: Outcome): Promise<EventContext['jwt']> => {
    const authorizer = route.authorizer;
    if (route.authorizationType !== 'JWT' || !authorizer) return undefined;
    try {
      const token = identityToken(authorizer.identitySource, headers);
      if (token === undefined) throw new UnauthorizedError('the identity source is missing');
      const claims: JwtClaims = options.verifyJwt
        ? await options.verifyJwt(token, authorizer).catch((error: unknown) => {
            throw new UnauthorizedError(error instanceof Error ? error.message : String(error), { cause: error });
          })
        : await verifyJwtToken(token, authorizer, options.jwks, now());
      const scopes = tokenScopes(claims);
      checkScopes(route.authorizationScopes, scopes);
      if (typeof claims['sub'] === 'string') outcome.owner = claims['sub'];
      return { claims, scopes };
    } catch (error) {
      if (error instanceof GatewayError) outcome.authorizerError = error.message;
      throw error;
    }
  };

  const integrate = async (route: ApiRoute, event: unknown, outcome: Outcome): Promise<HttpReply> => {
    const timeoutMs = Math.min(route.integration.timeoutMs ?? MAX_INTEGRATION_TIMEOUT_MS, MAX_INTEGRATION_TIMEOUT_MS);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const invocation = invoker.invoke(route.integration.functionArn, event, { type: 'RequestResponse' }).catch((error: unknown): InvokeResult => ({
      error: { errorType: 'InvokeError', errorMessage: error instanceof Error ? error.message : String(error) },
    }));
    const result = await Promise.race([invocation, timedOut]).finally(() => clearTimeout(timer));
    if (result === 'timeout') {
      outcome.integrationError = `The integration did not answer within ${timeoutMs} ms.`;
      return gatewayReply(503, 'Service Unavailable');
    }
    if (result.error) {
      outcome.integrationStatus = 200;
      outcome.integrationError = `${result.error.errorType}: ${result.error.errorMessage}`;
      return gatewayReply(500, 'Internal Server Error');
    }
    outcome.integrationStatus = 200;
    try {
      return mapResultV2(result.result);
    } catch (error) {
      if (!(error instanceof MalformedIntegrationResponseError)) throw error;
      outcome.integrationError = error.message;
      return gatewayReply(500, 'Internal Server Error');
    }
  };

  const handle = async (request: IncomingMessage, requestId: string, outcome: Outcome): Promise<HttpReply> => {
    const time = now();
    const body = await readBody(request, maxPayload);
    const method = (request.method ?? 'GET').toUpperCase();
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const rawQueryString = queryAt === -1 ? '' : target.slice(queryAt + 1);
    const headers: Record<string, string[]> = { ...request.headersDistinct } as Record<string, string[]>;

    if (bucket && !bucket.tryTake()) return gatewayReply(429, 'Too Many Requests');
    if (body === undefined) return gatewayReply(413, 'Request Entity Too Large');
    if (cors && isPreflight(method, headers)) return { status: 204, headers: preflightHeaders(cors, headers), body: Buffer.alloc(0) };

    const match = table.select(method, rawPath);
    if (!match) return gatewayReply(404, 'Not Found');
    outcome.routeKey = match.routeKey;

    const sourceIp = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    headers['x-forwarded-for'] = [...(headers['x-forwarded-for'] ?? []), sourceIp];
    headers['x-forwarded-port'] = [String(port)];
    headers['x-forwarded-proto'] = ['http'];
    headers['x-amzn-trace-id'] ??= [traceId(time)];
    const singleHeaders = Object.fromEntries(Object.entries(headers).map(([name, values]) => [name, values.join(',')]));

    const jwt = await authorize(match.route, singleHeaders, outcome);
    const incoming: IncomingRequest = { method, rawPath, rawQueryString, headers, body, sourceIp, protocol: `HTTP/${request.httpVersion}` };
    const context: EventContext = { accountId, apiId: api.apiId, requestId, routeKey: match.routeKey, pathParameters: match.pathParameters, time };
    if (jwt) context.jwt = jwt;
    const reply = await integrate(match.route, buildEventV2(incoming, context), outcome);
    return cors ? { ...reply, headers: withCorsHeaders(cors, headers['origin']?.[0], reply.headers) } : reply;
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const requestId = randomBytes(10).toString('base64');
    const outcome: Outcome = { routeKey: '-' };
    handle(request, requestId, outcome)
      .catch((error: unknown) => {
        if (error instanceof GatewayError) return replyForError(error);
        outcome.integrationError = error instanceof Error ? error.message : String(error);
        return gatewayReply(500, 'Internal Server Error');
      })
      .then((reply) => {
        for (const [name, value] of reply.headers) response.appendHeader(name, value);
        response.setHeader('content-length', reply.body.length);
        response.setHeader('apigw-requestid', requestId);
        response.writeHead(reply.status);
        response.end(reply.body);
        const detail: Record<string, unknown> = { requestId, ip: request.socket.remoteAddress, routeKey: outcome.routeKey, status: reply.status, latencyMs: Math.round(performance.now() - started) };
        for (const [key, value] of Object.entries(outcome)) if (value !== undefined && key !== 'routeKey') detail[key] = value;
        log({ kind: 'info', source: `http-api:${api.apiId}`, message: `${request.method} ${request.url} ${reply.status} (${outcome.routeKey})`, detail });
      })
      .catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  const url = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  port = Number(new URL(url).port);
  return {
    url,
    close: () => closeServer(server),
  };
}
