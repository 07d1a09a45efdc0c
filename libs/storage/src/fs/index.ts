/**
 * `@mediaflow/storage/fs`: the local stack's object storage on a directory, and the local stand-in
 * for S3's presigned URLs that its HTTP server mounts.
 */
export { FsMultipartUploads, MAX_PARTS } from './fs-multipart-uploads.js';
export { FsObjectStore } from './fs-object-store.js';
export type { FsObjectStoreOptions } from './options.js';
export { presignedHandler, type CreatedObject, type PresignedHandlerOptions, type UploadTarget } from './presigned-handler.js';
export {
  MAX_PRESIGN_SECONDS,
  PRESIGNED_PATH,
  verifyPresigned,
  type PresignedGrant,
  type PresignedRequestToVerify,
  type VerifiedPresigned,
} from './presign.js';
