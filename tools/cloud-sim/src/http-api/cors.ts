/**
 * The API's CORS configuration (`CorsConfiguration`). With one, API Gateway answers every preflight
 * itself, whatever the routes, and sets the CORS headers of every response, ignoring the function's.
 */
import { UnsupportedApiError } from './errors.js';

export interface CorsConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: number;
  allowCredentials: boolean;
}

function field(source: Record<string, unknown>, name: string): unknown {
  // The template spells the keys PascalCase; a hand-written spec may use camelCase.
  return source[name] ?? source[name.charAt(0).toLowerCase() + name.slice(1)];
}

function strings(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new UnsupportedApiError(`CORS ${name} must be a list of strings.`);
  return value as string[];
}

export function parseCors(source: Record<string, unknown> | undefined): CorsConfig | undefined {
  if (!source) return undefined;
  const config: CorsConfig = {
    allowOrigins: strings(field(source, 'AllowOrigins'), 'AllowOrigins'),
    allowMethods: strings(field(source, 'AllowMethods'), 'AllowMethods').map((method) => method.toUpperCase()),
    allowHeaders: strings(field(source, 'AllowHeaders'), 'AllowHeaders').map((header) => header.toLowerCase()),
    exposeHeaders: strings(field(source, 'ExposeHeaders'), 'ExposeHeaders').map((header) => header.toLowerCase()),
    allowCredentials: field(source, 'AllowCredentials') === true,
  };
  const maxAge = field(source, 'MaxAge');
  if (typeof maxAge === 'number') config.maxAge = maxAge;
  return config;
}

function originAllowed(config: CorsConfig, origin: string): boolean {
  return config.allowOrigins.some((allowed) => {
    if (allowed === '*') return true;
    if (!allowed.includes('*')) return allowed.toLowerCase() === origin.toLowerCase();
    // `https://*.example.com`: a wildcard stands for one or more subdomain labels.
    const pattern = allowed.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
    return new RegExp(`^${pattern}$`, 'i').test(origin);
  });
}

function allowOriginValue(config: CorsConfig, origin: string): string {
  return config.allowOrigins.includes('*') && !config.allowCredentials ? '*' : origin;
}

export function isPreflight(method: string, headers: Record<string, string[]>): boolean {
  return method === 'OPTIONS' && headers['origin'] !== undefined && headers['access-control-request-method'] !== undefined;
}

/** The headers of API Gateway's 204 answer to a preflight; none when the origin or method is not allowed. */
export function preflightHeaders(config: CorsConfig, headers: Record<string, string[]>): Array<[string, string]> {
  const origin = headers['origin']?.[0] ?? '';
  const method = (headers['access-control-request-method']?.[0] ?? '').toUpperCase();
  if (!originAllowed(config, origin)) return [];
  if (!config.allowMethods.includes('*') && !config.allowMethods.includes(method)) return [];
  const requested = (headers['access-control-request-headers'] ?? []).join(',');
  const result: Array<[string, string]> = [['access-control-allow-origin', allowOriginValue(config, origin)]];
  result.push(['access-control-allow-methods', config.allowMethods.includes('*') ? method : config.allowMethods.join(',')]);
  if (config.allowHeaders.length > 0) {
    result.push(['access-control-allow-headers', config.allowHeaders.includes('*') ? requested.toLowerCase() : config.allowHeaders.join(',')]);
  }
  if (config.allowCredentials) result.push(['access-control-allow-credentials', 'true']);
  if (config.maxAge !== undefined) result.push(['access-control-max-age', String(config.maxAge)]);
  if (!config.allowOrigins.includes('*') || config.allowCredentials) result.push(['vary', 'origin']);
  return result;
}

/** A non-preflight response: the function's CORS headers replaced by the configuration's. */
export function withCorsHeaders(config: CorsConfig, origin: string | undefined, headers: Array<[string, string]>): Array<[string, string]> {
  const kept = headers.filter(([name]) => !name.startsWith('access-control-'));
  if (origin === undefined || !originAllowed(config, origin)) return kept;
  kept.push(['access-control-allow-origin', allowOriginValue(config, origin)]);
  if (config.exposeHeaders.length > 0) kept.push(['access-control-expose-headers', config.exposeHeaders.join(',')]);
  if (config.allowCredentials) kept.push(['access-control-allow-credentials', 'true']);
  return kept;
}
