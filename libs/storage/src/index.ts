/**
 * `@mediaflow/storage`: helpers shared by the storage adapters. The adapters themselves live
 * behind subpath exports so that a bundle only loads what it uses:
 *
 * - `@mediaflow/storage/fs`: ObjectStore and MultipartUploads on a local directory
 * - `@mediaflow/storage/sqlite`: MediaRepository on SQLite
 * - `@mediaflow/storage/cloudfront`: the EdgeCache on a CloudFront distribution (invalidations)
 */
export { StorageError } from './errors.js';
export { assertSafeKeyPrefix, assertSafeObjectKey, MAX_OBJECT_KEY_BYTES, objectKeyProblem } from './object-key.js';
