import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authorization, AwsRequest, AwsResponse, Principal, ServiceHandler, SimLog } from '../types.js';
import { GatewayCallLog } from './call-log.js';
import type { CredentialRegistry } from './credentials.js';
import { gatewayError } from './error-shapes.js';
import { credentialScopeService, isSigned, verifySignature, type DecodedPayload } from './sigv4.js';

export interface AuthorizationDecision {
  allowed: boolean;
  reason: string;
}

export interface GatewayOptions {
  credentials: CredentialRegistry;
  /** Handlers by SigV4 signing name (`s3`, `dynamodb`, `sns`, ...). */
  services: Record<string, ServiceHandler>;
  /** The stage's IAM evaluator: may this principal do this? */
  authorize(principal: Principal, auth: Authorization): AuthorizationDecision | Promise<AuthorizationDecision>;
  log: SimLog;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  now?: () => Date;
  /** Counts calls per caller and action; a fresh one when absent. */
  calls?: GatewayCallLog;
}

export interface Gateway {
  url: string;
  port: number;
  calls: GatewayCallLog;
  close(): Promise<void>;
}

const SOURCE = 'gateway';

/**
 * The one HTTP endpoint every AWS SDK call of the stage's functions lands on: checks the SigV4
 * signature against the credentials the stage issued, asks the service which IAM actions the call
 * needs, has the stage's IAM evaluator decide each, and only then lets the service handle it.
 * Unsigned requests (a browser's CORS preflight, a plain GET) go to S3 as an anonymous principal.
 *
 * @example
 * const gateway = await startGateway({ credentials, services: { dynamodb: dynamo.handler }, authorize, log });
 * spawnFunction({ AWS_ENDPOINT_URL: gateway.url, ...credentials.issue(role) });
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const calls = options.calls ?? new GatewayCallLog();
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => serve(options, calls, now, req, body))
      .catch((error: unknown) => {
        options.log({ kind: 'invoke-error', source: SOURCE, message: `gateway failed: ${describe(error)}` });
        return gatewayError(undefined, 'InternalError', 'We encountered an internal error. Please try again.');
      })
      .then((response) => writeResponse(res, response))
      .catch(() => res.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(
  options: GatewayOptions,
  calls: GatewayCallLog,
  now: () => Date,
  req: IncomingMessage,
  rawBody: Buffer,
): Promise<AwsResponse> {
  const url = req.url ?? '/';
  const method = req.method ?? 'GET';
  let headers = flattenHeaders(req);
  let body = rawBody;
  let principal: Principal;
  let service: string;

  // A browser's CORS preflight carries no credentials of its own, even when it asks about a
  // presigned URL (whose query it repeats): S3 answers it from the bucket's CORS rules alone.
  const preflight = method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
  if (preflight || !isSigned({ url, headers })) {
    principal = { type: 'anonymous' };
    service = 's3';
  } else {
    const check = verifySignature({ method, url, headers, body }, (id) => options.credentials.lookup(id), now());
    if (!check.ok) {
      const keyId = check.accessKeyId ?? 'unknown';
      calls.record(keyId, describeKey(options, keyId), `signature:${check.code}`, false);
      options.log({
        kind: 'denied',
        source: SOURCE,
        message: `${method} ${url.split('?')[0]}: ${check.code}: ${check.message}`,
        detail: { accessKeyId: keyId, service: check.service ?? credentialScopeService({ url, headers }) },
      });
      return gatewayError(check.service, check.code, check.message);
    }
    const record = options.credentials.lookup(check.accessKeyId);
    if (record === undefined) return gatewayError(check.service, 'InvalidAccessKeyId', 'The security token included in the request is invalid.');
    principal = { type: 'role', roleArn: record.roleArn, sessionName: record.sessionName, accessKeyId: record.accessKeyId };
    service = check.service;
    if (check.payload !== undefined) ({ headers, body } = unchunked(headers, check.payload));
  }

  const handler = options.services[service];
  if (handler === undefined) {
    options.log({ kind: 'dropped', source: SOURCE, message: `no emulated service for signing name '${service}' (${method} ${url.split('?')[0]})` });
    return gatewayError(service, 'UnknownService', `The simulator does not emulate the service '${service}'.`);
  }

  const q = url.indexOf('?');
  const request: AwsRequest = {
    service,
    method,
    path: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    headers,
    body,
    principal,
  };
  const keyId = principal.type === 'role' ? principal.accessKeyId : principal.type;
  const who = principalName(principal);

  try {
    for (const auth of await handler.authorizations(request)) {
      const decision = await options.authorize(principal, auth);
      calls.record(keyId, who, auth.action, decision.allowed);
      if (!decision.allowed) {
        const message =
          `User: ${who} is not authorized to perform: ${auth.action} on resource: ${auth.resource} ` +
          `because no identity-based policy allows the ${auth.action} action`;
        options.log({
          kind: 'denied',
          source: SOURCE,
          message,
          detail: { principal: who, action: auth.action, resource: auth.resource, reason: decision.reason, context: auth.context },
        });
        return handler.denied(request, message);
      }
    }
    return await handler.handle(request);
  } catch (error) {
    options.log({
      kind: 'invoke-error',
      source: SOURCE,
      message: `${service} handler failed on ${method} ${request.path}: ${describe(error)}`,
      detail: { service, principal: who },
    });
    return gatewayError(service, 'InternalError', 'We encountered an internal error. Please try again.');
  }
}

/** Hands the service the decoded payload, with the trailing checksum headers as ordinary headers. */
function unchunked(headers: Record<string, string>, payload: DecodedPayload): { headers: Record<string, string>; body: Buffer } {
  const next: Record<string, string> = { ...headers, ...payload.trailers, 'content-length': String(payload.body.length) };
  const encodings = (headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'aws-chunked');
  if (encodings.length > 0) next['content-encoding'] = encodings.join(',');
  else delete next['content-encoding'];
  delete next['transfer-encoding'];
  return { headers: next, body: payload.body };
}

function principalName(principal: Principal): string {
  switch (principal.type) {
    case 'role':
      return `${principal.roleArn}/${principal.sessionName}`;
    case 'service':
      return principal.service;
    case 'anonymous':
      return 'anonymous';
  }
}

function describeKey(options: GatewayOptions, accessKeyId: string): string {
  const record = options.credentials.lookup(accessKeyId);
  return record === undefined ? 'unknown' : `${record.roleArn}/${record.sessionName}`;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function writeResponse(res: ServerResponse, response: AwsResponse): void {
  const body = response.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body);
  const headers: Record<string, string> = { ...response.headers };
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
