/**
 * `@mediaflow/storage/redis`: the `Cache` port on Redis or Valkey, for the hot-query cache the cloud
 * can turn on (ElastiCache serverless).
 */
export {
  RedisCache,
  RedisCacheConfigSchema,
  type RedisCacheConfig,
  type RedisCacheConfigInput,
  type RedisCacheOptions,
} from './redis-cache.js';
