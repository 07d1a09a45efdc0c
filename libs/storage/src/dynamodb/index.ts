/**
 * `@mediaflow/storage/dynamodb`: the cloud's media repository (with the moderators' review queue),
 * search, albums and share links on one DynamoDB table, the API's per-caller rate limit counted in
 * the same table, that table's definition as data (for tests and for the infrastructure), the
 * offline backfill that brings a table written by earlier releases up to this one, and a
 * TransactWriteItems emulation for emulators that lack it.
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
export {
  DynamoMediaSearch,
  DynamoMediaSearchConfigSchema,
  type DynamoMediaSearchConfig,
  type DynamoMediaSearchConfigInput,
  type SearchLog,
} from './dynamo-media-search.js';
export { MAX_INDEXED_WORDS, MONTH_SHARDS } from './search-index.js';
export { backfillReviewIndex, backfillTable, type BackfillOptions, type BackfillResult, type TableBackfillResult } from './backfill.js';
export { emulateTransactions } from './emulated-transactions.js';
export {
  DynamoRateLimiter,
  DynamoRateLimiterConfigSchema,
  type DynamoRateLimiterConfig,
  type DynamoRateLimiterConfigInput,
} from './dynamo-rate-limiter.js';
export {
  ABANDONED_UPLOAD_TTL_SECONDS,
  createMediaTable,
  INDEX_RELEASE_ORDER,
  MEDIA_TABLE,
  MEDIA_TTL_ATTRIBUTE,
  mediaKeys,
  MONTH_COUNTERS_LEADING_KEY,
  USAGE_COUNTERS_LEADING_KEY,
  OWNER_TAGS_INDEX,
  RATE_KEY_PREFIX,
  REVIEW_INDEX,
  REVIEW_PARTITION,
  SEARCH_INDEX,
  type MediaTableDefinition,
} from './table.js';
