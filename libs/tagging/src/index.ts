export { isTransientServiceError, toTaggingError } from './errors.js';
export { moderate, moderationCategory, ModerationPolicySchema, ON_DEVICE_MODERATION_POLICY, type ModerationPolicy } from './moderation.js';
export { canonicalTagName, normaliseLabels, NormaliseOptionsSchema, ON_DEVICE_NORMALISE_OPTIONS, type NormaliseOptions } from './normalise.js';
export { backoffDelay, RetryOptionsSchema, sleep, withRetry, type RetryHooks, type RetryOptions } from './retry.js';
export { Semaphore, singular, SYNONYMS } from '@mediaflow/domain';
export { COCO_PARENTS } from './vocabulary.js';
