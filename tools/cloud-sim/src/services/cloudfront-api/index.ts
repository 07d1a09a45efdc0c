export {
  CLOUDFRONT_XMLNS,
  CloudFrontApiError,
  createCloudFrontApi,
  parseInvalidationBatch,
  type CloudFrontApi,
  type CloudFrontApiOptions,
  type Invalidation,
  type InvalidationTarget,
} from './service.js';
