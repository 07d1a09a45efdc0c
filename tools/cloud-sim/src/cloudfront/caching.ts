import type { CachePolicy } from './policies.js';

/**
 * How long the edge keeps an origin response, and the in-memory cache that keeps it. The TTL rules
 * are CloudFront's: the origin's `Cache-Control` (or `Expires`) bounded by the policy's MinTTL and
 * MaxTTL, DefaultTTL when the origin says nothing, and errors kept for the error caching minimum TTL.
 */

/** Statuses CloudFront caches as ordinary responses. */
const CACHEABLE_STATUSES: ReadonlySet<number> = new Set([200, 203, 300, 301, 410]);
/** Error statuses CloudFront caches (for the error caching minimum TTL unless the origin says otherwise). */
const CACHEABLE_ERRORS: ReadonlySet<number> = new Set([400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504]);
/** CloudFront's default `ErrorCachingMinTTL`. */
export const DEFAULT_ERROR_CACHING_SECONDS = 10;

export interface CacheDirectives {
  maxAge?: number;
  sMaxAge?: number;
  noStore: boolean;
  noCache: boolean;
  private: boolean;
}

/** The directives of a `Cache-Control` header that bear on a shared cache. */
export function parseCacheControl(value: string | undefined): CacheDirectives {
  const directives: CacheDirectives = { noStore: false, noCache: false, private: false };
  for (const part of (value ?? '').split(',')) {
    const [rawName, rawValue] = part.split('=', 2);
    const name = (rawName ?? '').trim().toLowerCase();
    const seconds = rawValue === undefined ? undefined : Number.parseInt(rawValue.trim().replace(/^"|"$/g, ''), 10);
    if (name === 'no-store') directives.noStore = true;
    else if (name === 'no-cache') directives.noCache = true;
    else if (name === 'private') directives.private = true;
    else if (name === 'max-age' && seconds !== undefined && Number.isFinite(seconds)) directives.maxAge = Math.max(0, seconds);
    else if (name === 's-maxage' && seconds !== undefined && Number.isFinite(seconds)) directives.sMaxAge = Math.max(0, seconds);
  }
  return directives;
}

export interface TtlInput {
  status: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  policy: CachePolicy;
  nowMs: number;
  /** `ErrorCachingMinTTL` of a custom error response for this status, if one is configured. */
  errorCachingMinTtl?: number;
}

/**
 * Seconds the edge keeps a response; 0 means not cached.
 *
 * @example
 * cacheTtlSeconds({ status: 200, headers: { 'cache-control': 'max-age=0' }, policy, nowMs }); // policy.minTtl
 */
export function cacheTtlSeconds(input: TtlInput): number {
  const { policy, status } = input;
  // A policy whose MaxTTL is 0 (CachingDisabled) turns caching off altogether.
  if (policy.maxTtl <= 0) return 0;
  const isError = CACHEABLE_ERRORS.has(status);
  if (!isError && !CACHEABLE_STATUSES.has(status)) return 0;
  const directives = parseCacheControl(input.headers['cache-control']);
  const clamp = (seconds: number) => Math.min(policy.maxTtl, Math.max(policy.minTtl, seconds));
  // The origin forbids shared caching; only a MinTTL above 0 makes CloudFront keep it anyway.
  if (directives.noStore || directives.noCache || directives.private) return policy.minTtl;
  const stated = directives.sMaxAge ?? directives.maxAge ?? expiresIn(input.headers, input.nowMs);
  if (stated !== undefined) return clamp(stated);
  return isError ? (input.errorCachingMinTtl ?? DEFAULT_ERROR_CACHING_SECONDS) : policy.defaultTtl;
}

/** Seconds until `Expires`, measured against the origin's `Date` when it sent one. */
function expiresIn(headers: Readonly<Record<string, string>>, nowMs: number): number | undefined {
  const expires = headers['expires'];
  if (expires === undefined) return undefined;
  const at = Date.parse(expires);
  // An unreadable Expires ("0", "-1") means already expired.
  if (Number.isNaN(at)) return 0;
  const date = headers['date'] === undefined ? Number.NaN : Date.parse(headers['date']);
  return Math.max(0, Math.floor((at - (Number.isNaN(date) ? nowMs : date)) / 1000));
}

export interface CachedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Entry {
  response: CachedResponse;
  storedAtMs: number;
  expiresAtMs: number;
}

/**
 * The URI a cache key was made for: the distribution's keys are JSON arrays of the method group,
 * the URI, then what the cache policy adds (`cacheKey` in distribution.ts).
 */
export function uriOfCacheKey(key: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(key);
    return Array.isArray(parsed) && typeof parsed[1] === 'string' ? parsed[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether an invalidation path covers a URI, as CloudFront matches them: the path exactly, or,
 * with a `*` (always the path's last character), every URI that starts with what comes before it.
 * Case-sensitive; every cached variant of a URI (encodings, query strings, headers) goes with it.
 *
 * @example
 * invalidationCovers('/media/renditions/u/m/*', '/media/renditions/u/m/hls/720p.m3u8'); // true
 * invalidationCovers('/media/renditions/u/m/*', '/media/renditions/u/m2/thumb.webp'); // false
 */
export function invalidationCovers(path: string, uri: string): boolean {
  return path.endsWith('*') ? uri.startsWith(path.slice(0, -1)) : uri === path;
}

/**
 * Responses by cache key, dropped when they expire, when an invalidation covers their URI or,
 * oldest first, when more than `maxEntries` are held. Expired entries are fetched again rather
 * than revalidated.
 */
export class EdgeCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly uriOf: (key: string) => string | undefined = uriOfCacheKey,
  ) {}

  /**
   * Drops every entry whose URI one of the invalidation paths covers ({@link invalidationCovers});
   * returns how many went. CloudFront takes a while to reach every edge location; the simulated
   * edge is one location, so the entries go at once.
   */
  invalidate(paths: readonly string[]): number {
    let dropped = 0;
    for (const key of [...this.entries.keys()]) {
      const uri = this.uriOf(key);
      if (uri !== undefined && paths.some((path) => invalidationCovers(path, uri))) {
        this.entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  get(key: string, nowMs: number): { response: CachedResponse; ageSeconds: number } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.expiresAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { response: entry.response, ageSeconds: Math.max(0, Math.floor((nowMs - entry.storedAtMs) / 1000)) };
  }

  put(key: string, response: CachedResponse, ttlSeconds: number, nowMs: number): void {
    if (ttlSeconds <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { response, storedAtMs: nowMs, expiresAtMs: nowMs + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }
}
