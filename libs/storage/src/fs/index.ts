/**
 * `@mediaflow/storage/fs`: the local stack's object storage on a directory, and the presigned URL
 * check its HTTP server uses.
 */
export { FsMultipartUploads, MAX_PARTS } from './fs-multipart-uploads.js';
export { FsObjectStore } from './fs-object-store.js';
export type { FsObjectStoreOptions } from './options.js';
export {
  MAX_PRESIGN_SECONDS,
  PRESIGNED_PATH,
  verifyPresigned,
  type PresignedGrant,
  type PresignedRequestToVerify,
  type VerifiedPresigned,
} from './presign.js';
