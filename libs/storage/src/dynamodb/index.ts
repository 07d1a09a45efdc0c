/**
 * `@mediaflow/storage/dynamodb`: the cloud's media repository (with the moderators' review queue),
 * albums and share links on one DynamoDB table, the API's per-caller rate limit counted in the same
 * table, that table's definition as data (for tests and for the infrastructure), and the offline
 * backfill of the review index.
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
  ALBUM_MEMBERS_PER_TRANSACTION,
  DynamoAlbumRepository,
  DynamoAlbumRepositoryConfigSchema,
  type DynamoAlbumRepositoryConfig,
  type DynamoAlbumRepositoryConfigInput,
} from './dynamo-album-repository.js';
export {
  DynamoShareLinkRepository,
  DynamoShareLinkRepositoryConfigSchema,
  type DynamoShareLinkRepositoryConfig,
  type DynamoShareLinkRepositoryConfigInput,
} from './dynamo-share-repository.js';
export { backfillReviewIndex, type BackfillOptions, type BackfillResult } from './backfill.js';
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
  REVIEW_INDEX,
  REVIEW_PARTITION,
  type MediaTableDefinition,
} from './table.js';
