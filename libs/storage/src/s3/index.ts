/**
 * `@mediaflow/storage/s3`: the cloud's object storage on S3 (or an S3-compatible endpoint), and
 * resumable uploads in presigned parts.
 */
export { AWS_RETRY } from '../aws-credentials.js';
export { createS3Client, MAX_PART_SIZE, MAX_PRESIGN_SECONDS, MIN_PART_SIZE, S3StoreConfigSchema, type S3StoreConfig, type S3StoreConfigInput } from './config.js';
export { MAX_S3_PARTS, S3MultipartUploads } from './s3-multipart-uploads.js';
export { S3ObjectStore, type DeleteFailure, type S3AdapterDependencies, type S3PresignPutOptions } from './s3-object-store.js';
export { S3StreamedObjectWriter, streamedPartSize } from './s3-streamed-writer.js';
