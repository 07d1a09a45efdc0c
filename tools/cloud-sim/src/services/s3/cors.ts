import type { BucketSpec } from '../../specs.js';
import { S3Error } from './errors.js';

export type CorsRule = BucketSpec['cors'][number];

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/** S3's CORS patterns: exact, or with one `*` standing for any run of characters. */
function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

/** The first rule allowing `origin` and `method` (and, for a preflight, every requested header). */
export function matchCorsRule(rules: readonly CorsRule[], origin: string, method: string, requestHeaders: readonly string[] = []): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((o) => wildcardMatch(o, origin)) &&
      rule.allowedMethods.some((m) => m.toUpperCase() === method.toUpperCase()) &&
      requestHeaders.every((h) => rule.allowedHeaders.some((a) => wildcardMatch(a.toLowerCase(), h.toLowerCase()))),
  );
}

function allowHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const headers: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: VARY,
  };
  // S3 allows credentials only for an origin it names; `*` with credentials is invalid CORS.
  if (!anyOrigin) headers['access-control-allow-credentials'] = 'true';
  if (rule.exposedHeaders.length > 0) headers['access-control-expose-headers'] = rule.exposedHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  return headers;
}

/**
 * Answers a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from the
 * bucket's rules: the allow headers when a rule matches, else S3's refusal (403 AccessForbidden;
 * 400 without an origin or method).
 */
export function preflightHeaders(rules: readonly CorsRule[], requestHeaders: Record<string, string>): Record<string, string> {
  const origin = requestHeaders['origin'];
  const method = requestHeaders['access-control-request-method'];
  if (origin === undefined) throw new S3Error('BadRequest');
  if (method === undefined) throw new S3Error('BadRequest', { message: 'Invalid Access-Control-Request-Method header.' });
  const asked = (requestHeaders['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  if (rules.length === 0) throw new S3Error('AccessForbidden', { message: 'CORSResponse: CORS is not enabled for this bucket.', fields: { Method: method } });
  const rule = matchCorsRule(rules, origin, method, asked);
  if (rule === undefined) throw new S3Error('AccessForbidden', { fields: { Method: method } });
  const headers = allowHeaders(rule, origin);
  if (asked.length > 0) headers['access-control-allow-headers'] = asked.join(', ');
  return headers;
}

/** The CORS headers of an actual request from a browser (one with `Origin`), when a rule allows it. */
export function actualCorsHeaders(rules: readonly CorsRule[], method: string, requestHeaders: Record<string, string>): Record<string, string> {
  const origin = requestHeaders['origin'];
  if (origin === undefined) return {};
  const rule = matchCorsRule(rules, origin, method);
  return rule === undefined ? {} : allowHeaders(rule, origin);
}
