/**
 * `@mediaflow/storage/dynamodb`: the cloud's media repository on one DynamoDB table, the API's
 * per-caller rate limit counted in the same table, and that table's definition as data (for tests
 * and for the infrastructure).
 */
export {
  createDynamoClient,
  DynamoMediaRepositoryConfigSchema,
  type DynamoMediaRepositoryConfig,
  type DynamoMediaRepositoryConfigInput,
} from './config.js';
export { AWS_RETRY } from '../aws-credentials.js';
export { DynamoMediaRepository, MAX_TRANSACTION_ACTIONS } from './dynamo-media-repository.js';
export {
  DynamoRateLimiter,
  DynamoRateLimiterConfigSchema,
  type DynamoRateLimiterConfig,
  type DynamoRateLimiterConfigInput,
} from './dynamo-rate-limiter.js';
export {
  ABANDONED_UPLOAD_TTL_SECONDS,
  createMediaTable,
  MEDIA_TABLE,
  MEDIA_TTL_ATTRIBUTE,
  mediaKeys,
  OWNER_TAGS_INDEX,
  RATE_KEY_PREFIX,
  type MediaTableDefinition,
} from './table.js';
