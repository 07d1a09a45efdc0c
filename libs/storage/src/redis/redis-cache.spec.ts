import { RedisCacheConfigSchema } from './redis-cache.js';

// What needs no server; the cache itself is tested against a real Redis by `test:services`
// (redis-cache.services.ts).
describe('RedisCacheConfigSchema', () => {
  it('fills in the defaults', () => {
    expect(RedisCacheConfigSchema.parse({ url: 'rediss://cache.example:6379' })).toEqual({
      url: 'rediss://cache.example:6379',
      cluster: false,
      keyPrefix: 'mediaflow:',
      connectTimeoutMs: 1000,
      commandTimeoutMs: 200,
      maxRetriesPerRequest: 1,
      scanCount: 500,
    });
  });

  it('refuses another scheme, a hash tag in the prefix and a timeout longer than a cache is worth', () => {
    expect(RedisCacheConfigSchema.safeParse({ url: 'http://cache.example' }).success).toBe(false);
    expect(RedisCacheConfigSchema.safeParse({ url: 'redis://h', keyPrefix: '{all}:' }).success).toBe(false);
    expect(RedisCacheConfigSchema.safeParse({ url: 'redis://h', commandTimeoutMs: 60_000 }).success).toBe(false);
  });
});
