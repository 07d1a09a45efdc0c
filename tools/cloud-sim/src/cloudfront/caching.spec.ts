import { cacheTtlSeconds, EdgeCache, invalidationCovers, parseCacheControl, uriOfCacheKey } from './caching.js';
import { managedCachePolicy, readCachePolicy } from './policies.js';

const optimized = readCachePolicy(managedCachePolicy('658327ea-f89d-4fab-a63d-7e88639e58f6'));
const disabled = readCachePolicy(managedCachePolicy('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'));
const nowMs = Date.parse('2025-01-01T00:00:00Z');
const ttl = (status: number, headers: Record<string, string>, policy = optimized) => cacheTtlSeconds({ status, headers, policy, nowMs });

describe('parseCacheControl', () => {
  it('reads the directives a shared cache obeys', () => {
    expect(parseCacheControl('public, max-age=60, s-maxage="120"')).toEqual({ maxAge: 60, sMaxAge: 120, noStore: false, noCache: false, private: false });
    expect(parseCacheControl('private, no-store')).toMatchObject({ private: true, noStore: true });
  });
});

describe('cacheTtlSeconds', () => {
  it('uses DefaultTTL when the origin says nothing', () => {
    expect(ttl(200, {})).toBe(86400);
  });

  it('clamps max-age into [MinTTL, MaxTTL] and prefers s-maxage', () => {
    expect(ttl(200, { 'cache-control': 'max-age=0' })).toBe(1);
    expect(ttl(200, { 'cache-control': 'max-age=999999999' })).toBe(31536000);
    expect(ttl(200, { 'cache-control': 'max-age=60, s-maxage=600' })).toBe(600);
  });

  it('keeps no-store, no-cache and private responses only for a MinTTL above zero', () => {
    expect(ttl(200, { 'cache-control': 'no-store' })).toBe(1);
    expect(ttl(200, { 'cache-control': 'private' }, { ...optimized, minTtl: 0 })).toBe(0);
  });

  it('reads Expires against the origin Date', () => {
    expect(ttl(200, { date: 'Wed, 01 Jan 2025 00:00:00 GMT', expires: 'Wed, 01 Jan 2025 00:05:00 GMT' })).toBe(300);
  });

  it('never caches under CachingDisabled', () => {
    expect(ttl(200, { 'cache-control': 'max-age=3600' }, disabled)).toBe(0);
    expect(ttl(404, {}, disabled)).toBe(0);
  });

  it('caches errors for the error caching minimum TTL, 10 s unless configured', () => {
    expect(ttl(403, {})).toBe(10);
    expect(cacheTtlSeconds({ status: 404, headers: {}, policy: optimized, nowMs, errorCachingMinTtl: 30 })).toBe(30);
  });

  it('does not cache statuses CloudFront does not cache', () => {
    expect(ttl(201, { 'cache-control': 'max-age=60' })).toBe(0);
    expect(ttl(302, {})).toBe(0);
  });
});

describe('EdgeCache', () => {
  it('serves an entry with its age until it expires', () => {
    const cache = new EdgeCache();
    cache.put('k', { status: 200, headers: {}, body: Buffer.from('x') }, 60, nowMs);
    expect(cache.get('k', nowMs + 59_999)?.ageSeconds).toBe(59);
    expect(cache.get('k', nowMs + 60_000)).toBeUndefined();
  });

  it('keeps nothing with a TTL of 0 and drops the oldest beyond its size', () => {
    const cache = new EdgeCache(2);
    cache.put('zero', { status: 200, headers: {}, body: Buffer.alloc(0) }, 0, nowMs);
    expect(cache.get('zero', nowMs)).toBeUndefined();
    for (const key of ['a', 'b', 'c']) cache.put(key, { status: 200, headers: {}, body: Buffer.alloc(0) }, 60, nowMs);
    expect(cache.get('a', nowMs)).toBeUndefined();
    expect(cache.get('c', nowMs)).toBeDefined();
  });
});

describe('invalidation', () => {
  const key = (uri: string, encoding = '') => JSON.stringify(['GET', uri, encoding, '', [], []]);
  const response = { status: 200, headers: {}, body: Buffer.from('x') };

  it('reads the URI out of a distribution cache key', () => {
    expect(uriOfCacheKey(key('/media/a.webp', 'br'))).toBe('/media/a.webp');
    expect(uriOfCacheKey('not json')).toBeUndefined();
  });

  it('matches a path exactly, or everything under a trailing wildcard', () => {
    expect(invalidationCovers('/media/renditions/u/m/*', '/media/renditions/u/m/hls/720p/seg1.ts')).toBe(true);
    expect(invalidationCovers('/media/renditions/u/m/*', '/media/renditions/u/m2/thumb.webp')).toBe(false);
    expect(invalidationCovers('/media/a.webp', '/media/a.webp')).toBe(true);
    expect(invalidationCovers('/media/a.webp', '/media/A.webp')).toBe(false);
    expect(invalidationCovers('/*', '/anything')).toBe(true);
  });

  it('drops every variant of the covered URIs and keeps the rest', () => {
    const cache = new EdgeCache();
    cache.put(key('/media/renditions/u/m/thumb.webp'), response, 60, 0);
    cache.put(key('/media/renditions/u/m/thumb.webp', 'gzip'), response, 60, 0);
    cache.put(key('/media/renditions/u/m/hls/master.m3u8'), response, 60, 0);
    cache.put(key('/media/renditions/u/m2/thumb.webp'), response, 60, 0);
    expect(cache.invalidate(['/media/renditions/u/m/*'])).toBe(3);
    expect(cache.get(key('/media/renditions/u/m/thumb.webp'), 1)).toBeUndefined();
    expect(cache.get(key('/media/renditions/u/m2/thumb.webp'), 1)).toBeDefined();
    expect(cache.invalidate(['/media/renditions/u/m/*'])).toBe(0);
  });
});
