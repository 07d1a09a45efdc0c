import { isMediaError, type MediaError, type MediaErrorCode, ValidationError } from '@mediaflow/domain';
import { LinkGoneError, PasswordRequiredError, refusalReason } from '@mediaflow/media-service';
import { RateLimitedError, UnauthenticatedError, UnverifiedOriginError } from './errors.js';

/** The one place where domain error codes become HTTP statuses. */
export const STATUS_BY_CODE: Record<MediaErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  validation: 400,
  unsupported: 415,
  limit_exceeded: 413,
  forbidden: 403,
  corrupt: 422,
  timeout: 504,
  internal: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
  504: 'Gateway timeout',
  507: 'Insufficient storage',
};

/**
 * The status of a domain error: by its code, except for the refusals of share links whose code
 * is a coarser one: a link that is over (410, not 404: the visitor learns it will not come back)
 * and a link that needs its password (401, not 403: the visitor can do something about it).
 */
function statusOf(error: MediaError): number {
  if (error instanceof LinkGoneError) return 410;
  if (error instanceof PasswordRequiredError) return 401;
  return STATUS_BY_CODE[error.code];
}

/**
 * The problem's `code`: the error's specific `reason` where it has one (`held_for_review`,
 * `link_expired`, `wrong_password`, ...: what a client acts on), else its domain code.
 */
function codeOf(error: MediaError): string {
  return refusalReason(error) ?? error.code;
}

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: readonly { path: string; message: string }[];
}

export function problem(status: number, code: string, detail: string, instance?: string): Problem {
  const p: Problem = { type: `urn:mediaflow:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code };
  if (instance !== undefined) p.instance = instance;
  return p;
}

/** Error codes (`ENOSPC`, `SQLITE_BUSY`, ...) carried by an error or anything in its cause chain. */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 8; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    current = cause;
  }
  return codes;
}

/** Seconds a client waits before trying again while another process holds the database's lock. */
const LOCKED_RETRY_AFTER_SECONDS = 2;

/**
 * Failures of the machine rather than of the request, answered so that a client knows what to do
 * instead of a bare 500: a full disk (the filesystem's ENOSPC or quota, SQLite's "database or disk
 * is full") is 507, until someone frees space; a database that another process kept locked past
 * the busy timeout is 503 with Retry-After, as it clears by itself. Found by code anywhere along
 * the cause chain: the filesystem, SQLite, or a domain error wrapping them.
 */
function outage(error: unknown): 'disk_full' | 'locked' | undefined {
  const codes = errorCodes(error);
  if (codes.some((c) => c === 'ENOSPC' || c === 'EDQUOT' || c === 'SQLITE_FULL')) return 'disk_full';
  if (codes.some((c) => c.startsWith('SQLITE_BUSY') || c.startsWith('SQLITE_LOCKED'))) return 'locked';
  return undefined;
}

/**
 * Maps anything thrown to a problem: domain errors by code (keeping their message), the HTTP
 * layer's own refusals (401, 403 for a request that bypassed the distribution, 429), the machine's
 * outages (507, 503); anything else becomes a 500 whose detail says nothing about internals (the
 * error is logged by the caller).
 */
export function toProblem(error: unknown, instance?: string): Problem {
  if (error instanceof UnauthenticatedError) return problem(401, 'unauthorized', error.message, instance);
  if (error instanceof UnverifiedOriginError) return problem(403, 'forbidden', error.message, instance);
  if (error instanceof RateLimitedError) return problem(429, 'rate_limited', error.message, instance);
  switch (outage(error)) {
    case 'disk_full':
      return problem(507, 'insufficient_storage', 'the server has run out of disk space; nothing was stored', instance);
    case 'locked':
      return problem(503, 'unavailable', `the database is locked by another process; try again in ${LOCKED_RETRY_AFTER_SECONDS} s`, instance);
  }
  if (isMediaError(error)) {
    const p = problem(statusOf(error), codeOf(error), error.message, instance);
    if (error instanceof ValidationError && error.issues.length > 0) p.errors = error.issues;
    return p;
  }
  return problem(500, 'internal', 'something went wrong on our side; try again', instance);
}

/** How long the client should wait before sending the request again, when the error says so. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (error instanceof RateLimitedError) return error.retryAfterSeconds;
  return outage(error) === 'locked' ? LOCKED_RETRY_AFTER_SECONDS : undefined;
}

/**
 * The challenge of a 401 (RFC 9110 asks for one): a bearer token for the API; for a share link
 * that needs its password, `SharePassword` (sent to the link's unlock route, not in a header).
 */
function challengeOf(error: unknown): string | undefined {
  if (error instanceof UnauthenticatedError) return 'Bearer realm="mediaflow"';
  if (error instanceof PasswordRequiredError) return 'SharePassword realm="mediaflow"';
  return undefined;
}

/**
 * The answer to `error`: its problem as `application/problem+json`, with `Retry-After` when due
 * (and the `RateLimit` fields beside it for a rate refusal) and `WWW-Authenticate` on a 401.
 */
export function problemResponse(error: unknown, instance?: string): { problem: Problem; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  const wait = retryAfterSeconds(error);
  if (wait !== undefined) headers['retry-after'] = String(wait);
  if (error instanceof RateLimitedError) Object.assign(headers, error.headers);
  const challenge = challengeOf(error);
  if (challenge !== undefined) headers['www-authenticate'] = challenge;
  return { problem: toProblem(error, instance), headers };
}
