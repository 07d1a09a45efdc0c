import { record } from './policies.js';

/**
 * A behaviour's response headers policy applied to a response on its way to the viewer, from the
 * cache or the origin alike. Each header the policy adds either replaces the origin's (`Override`)
 * or yields to it.
 */

/** What of the viewer's request the CORS part of a policy looks at. */
export interface CorsRequest {
  method: string;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
}

const ALL_METHODS = 'GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE';

/**
 * The response headers after the policy: security headers, custom headers, CORS, then removals.
 * Header names in `headers` and the result are lower-case.
 *
 * @example
 * applyResponseHeadersPolicy(policy, { 'content-type': 'text/html' }, { method: 'GET', headers: {} });
 */
export function applyResponseHeadersPolicy(
  policy: Readonly<Record<string, unknown>> | undefined,
  headers: Readonly<Record<string, string>>,
  request: CorsRequest,
): Record<string, string> {
  const result = { ...headers };
  if (policy === undefined) return result;
  const config = 'ResponseHeadersPolicyConfig' in policy ? record(policy['ResponseHeadersPolicyConfig']) : policy;
  const set = (name: string, value: string, override: unknown) => {
    const key = name.toLowerCase();
    if (isTrue(override) || result[key] === undefined) result[key] = value;
  };

  const security = record(config['SecurityHeadersConfig']);
  const hsts = record(security['StrictTransportSecurity']);
  if (hsts['AccessControlMaxAgeSec'] !== undefined) {
    const value = [`max-age=${Number(hsts['AccessControlMaxAgeSec'])}`, isTrue(hsts['IncludeSubdomains']) ? 'includeSubDomains' : '', isTrue(hsts['Preload']) ? 'preload' : '']
      .filter((part) => part !== '')
      .join('; ');
    set('strict-transport-security', value, hsts['Override']);
  }
  const csp = record(security['ContentSecurityPolicy']);
  if (typeof csp['ContentSecurityPolicy'] === 'string') set('content-security-policy', csp['ContentSecurityPolicy'], csp['Override']);
  if (security['ContentTypeOptions'] !== undefined) set('x-content-type-options', 'nosniff', record(security['ContentTypeOptions'])['Override']);
  const frame = record(security['FrameOptions']);
  if (typeof frame['FrameOption'] === 'string') set('x-frame-options', frame['FrameOption'], frame['Override']);
  const referrer = record(security['ReferrerPolicy']);
  if (typeof referrer['ReferrerPolicy'] === 'string') set('referrer-policy', referrer['ReferrerPolicy'], referrer['Override']);
  const xss = record(security['XSSProtection']);
  if (xss['Protection'] !== undefined) set('x-xss-protection', xssValue(xss), xss['Override']);

  for (const item of items(config['CustomHeadersConfig'])) {
    if (typeof item['Header'] === 'string' && typeof item['Value'] === 'string') set(item['Header'], item['Value'], item['Override']);
  }

  const cors = record(config['CorsConfig']);
  if (Object.keys(cors).length > 0) applyCors(cors, result, request);

  for (const item of items(config['RemoveHeadersConfig'])) {
    if (typeof item['Header'] === 'string') delete result[item['Header'].toLowerCase()];
  }
  return result;
}

function xssValue(xss: Record<string, unknown>): string {
  if (!isTrue(xss['Protection'])) return '0';
  if (isTrue(xss['ModeBlock'])) return '1; mode=block';
  if (typeof xss['ReportUri'] === 'string') return `1; report=${xss['ReportUri']}`;
  return '1';
}

/** CORS answers only a request with an allowed `Origin`; a preflight also gets methods, headers and max age. */
function applyCors(cors: Record<string, unknown>, result: Record<string, string>, request: CorsRequest): void {
  const origin = request.headers['origin'];
  if (origin === undefined) return;
  const allowedOrigins = strings(cors['AccessControlAllowOrigins']);
  const anyOrigin = allowedOrigins.includes('*');
  if (!anyOrigin && !allowedOrigins.includes(origin)) return;
  if (!isTrue(cors['OriginOverride']) && result['access-control-allow-origin'] !== undefined) return;
  result['access-control-allow-origin'] = anyOrigin ? '*' : origin;
  if (isTrue(cors['AccessControlAllowCredentials'])) result['access-control-allow-credentials'] = 'true';
  const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (preflight) {
    const methods = strings(cors['AccessControlAllowMethods']);
    result['access-control-allow-methods'] = methods.includes('ALL') ? ALL_METHODS : methods.join(', ');
    const allowHeaders = strings(cors['AccessControlAllowHeaders']);
    if (allowHeaders.length > 0) result['access-control-allow-headers'] = allowHeaders.join(', ');
    if (cors['AccessControlMaxAgeSec'] !== undefined) result['access-control-max-age'] = String(Number(cors['AccessControlMaxAgeSec']));
  } else {
    const expose = strings(cors['AccessControlExposeHeaders']);
    if (expose.length > 0) result['access-control-expose-headers'] = expose.join(', ');
  }
}

function items(value: unknown): Array<Record<string, unknown>> {
  const list = record(value)['Items'];
  return Array.isArray(list) ? list.map(record) : [];
}

function strings(value: unknown): string[] {
  const list = record(value)['Items'];
  return Array.isArray(list) ? list.map(String) : [];
}

/** CloudFormation booleans may be written as strings. */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
