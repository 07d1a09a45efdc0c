/**
 * The Lambda proxy event, payload format 2.0, built the way API Gateway builds it: lower-case headers
 * with repeated values comma-joined, the `Cookie` header moved to `cookies`, claims as strings, and a
 * body that is base64 unless its content type is text.
 */
import type { JwtClaims } from './types.js';

export interface IncomingRequest {
  method: string;
  /** The path as sent, percent-encoding kept. */
  rawPath: string;
  rawQueryString: string;
  /** Lower-case names, each with every value sent. */
  headers: Record<string, string[]>;
  body: Buffer;
  sourceIp: string;
  protocol: string;
}

export interface EventContext {
  accountId: string;
  apiId: string;
  requestId: string;
  routeKey: string;
  pathParameters: Record<string, string>;
  time: Date;
  /** Set for routes behind a JWT authorizer. */
  jwt?: { claims: JwtClaims; scopes: string[] | null };
}

export interface ProxyEventV2 {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    authorizer?: { jwt: { claims: Record<string, string>; scopes: string[] | null } };
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the CLF time API Gateway writes into `requestContext.time`. */
export function requestTime(time: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(time.getUTCDate())}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}:${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())} +0000`;
}

/**
 * A claim as the authorizer hands it on: API Gateway formats values the way Go prints them, so arrays
 * become `[a b]` and objects `map[k:v]`.
 */
export function claimString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimString).join(' ')}]`;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, item]) => `${key}:${claimString(item)}`).join(' ')}]`;
  }
  return String(value);
}

/** Content types API Gateway passes as text; everything else, form posts included, arrives base64. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/javascript' ||
    type === 'application/xml' ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

function parseQuery(rawQueryString: string): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) (values[key] ??= []).push(value);
  return values;
}

function joined(values: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, list]) => [key, list.join(',')]));
}

export function buildEventV2(request: IncomingRequest, context: EventContext): ProxyEventV2 {
  const { cookie, ...others } = request.headers;
  const headers = joined(others);
  const host = headers['host'] ?? '';
  const domainName = host.replace(/:\d+$/, '');
  const time = context.time;
  const event: ProxyEventV2 = {
    version: '2.0',
    routeKey: context.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers,
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: { method: request.method, path: request.rawPath, protocol: request.protocol, sourceIp: request.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: '$default',
      time: requestTime(time),
      timeEpoch: time.getTime(),
    },
    isBase64Encoded: false,
  };
  const cookies = (cookie ?? []).flatMap((line) => line.split(';')).map((item) => item.trim()).filter((item) => item !== '');
  if (cookies.length > 0) event.cookies = cookies;
  if (request.rawQueryString !== '') event.queryStringParameters = joined(parseQuery(request.rawQueryString));
  if (Object.keys(context.pathParameters).length > 0) event.pathParameters = { ...context.pathParameters };
  if (context.jwt) {
    const claims = Object.fromEntries(Object.entries(context.jwt.claims).map(([key, value]) => [key, claimString(value)]));
    event.requestContext.authorizer = { jwt: { claims, scopes: context.jwt.scopes } };
  }
  if (request.body.length > 0) {
    const text = isTextContentType(headers['content-type']);
    event.body = text ? request.body.toString('utf8') : request.body.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}
