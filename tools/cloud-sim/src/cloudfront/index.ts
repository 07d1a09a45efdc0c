export { cacheTtlSeconds, DEFAULT_ERROR_CACHING_SECONDS, EdgeCache, parseCacheControl, type CacheDirectives, type CachedResponse, type TtlInput } from './caching.js';
export { compress, isCompressibleType, normalizeAcceptEncoding, shouldCompress, type EdgeEncoding } from './compression.js';
export {
  startDistribution,
  type DistributionOrigins,
  type DistributionStats,
  type HttpOriginRequest,
  type OriginResponse,
  type RunningDistribution,
  type S3OriginRequest,
  type StartDistributionOptions,
} from './distribution.js';
export { FunctionExecutionError, UnsupportedDistributionError } from './errors.js';
export {
  formatQueryString,
  FunctionRunner,
  parseQueryString,
  type FunctionEvent,
  type FunctionOutcome,
  type FunctionRequest,
  type FunctionResponse,
  type FunctionRunnerOptions,
  type FunctionValue,
} from './function-runtime.js';
export { matchesPathPattern, selectBehavior } from './path-pattern.js';
export {
  managedCachePolicy,
  managedOriginRequestPolicy,
  readCachePolicy,
  readOriginRequestPolicy,
  type CachePolicy,
  type OriginRequestPolicy,
  type OriginRequestPolicySpec,
  type Selection,
} from './policies.js';
export { applyResponseHeadersPolicy, type CorsRequest } from './response-headers.js';
