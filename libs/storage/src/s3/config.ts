import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { AWS_RETRY, sdkCredentials, StaticCredentialsSchema } from '../aws-credentials.js';

const MIB = 1024 * 1024;

/** S3's smallest part (every part but the last) and largest part. */
export const MIN_PART_SIZE = 5 * MIB;
export const MAX_PART_SIZE = 5 * 1024 * MIB;

/** The longest a SigV4 presigned URL may live (7 days). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/**
 * Where and how the S3 adapters talk to a bucket. Parsed once by the composition root (from the
 * environment), so the adapters never read `process.env` themselves.
 *
 * @example
 * const config = S3StoreConfigSchema.parse({ bucket: env.MEDIA_BUCKET, region: env.AWS_REGION });
 * const store = new S3ObjectStore(config);
 */
export const S3StoreConfigSchema = z.object({
  bucket: z.string().min(3).max(63),
  region: z.string().min(1).default('us-east-1'),
  /** An S3-compatible endpoint (an emulator in tests); AWS's own when omitted. */
  endpoint: z.url().optional(),
  /** Path-style URLs (`{endpoint}/{bucket}/{key}`): emulators need them, AWS does not. */
  forcePathStyle: z.boolean().default(false),
  /** Static credentials (emulators); the SDK's default provider chain (the Lambda role) when omitted. */
  credentials: StaticCredentialsSchema.optional(),
  /** Size of each part of a streamed multipart put. Larger parts: fewer requests, more memory per upload. */
  partSizeBytes: z.number().int().min(MIN_PART_SIZE).max(MAX_PART_SIZE).default(8 * MIB),
  /** Parts of one streamed put in flight at once (memory is about partSizeBytes times this). */
  queueSize: z.number().int().min(1).max(16).default(4),
  /** Keys per ListObjectsV2 page (S3's maximum is 1000); smaller only to exercise paging. */
  listPageSize: z.number().int().min(1).max(1000).default(1000),
  /**
   * `WHEN_SUPPORTED` lets the SDK add a CRC32 to every upload (S3 checks it). Emulators that do not
   * understand `aws-chunked` trailers need `WHEN_REQUIRED`.
   */
  requestChecksumCalculation: z.enum(['WHEN_SUPPORTED', 'WHEN_REQUIRED']).default('WHEN_SUPPORTED'),
});
export type S3StoreConfig = z.infer<typeof S3StoreConfigSchema>;
export type S3StoreConfigInput = z.input<typeof S3StoreConfigSchema>;

/**
 * An S3 client for `config`. `checksums: false` is for presigning: with checksums on, the SDK
 * would sign a CRC32 of the empty body into the URL and S3 would refuse every real upload.
 */
export function createS3Client(config: S3StoreConfig, checksums = true): S3Client {
  return new S3Client({
    ...AWS_RETRY,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: sdkCredentials(config.credentials) }),
    requestChecksumCalculation: checksums ? config.requestChecksumCalculation : 'WHEN_REQUIRED',
    // Checksums are asked for explicitly (head) where they are wanted; validating every GET's
    // body would make ranged and streamed reads buffer or fail on emulators.
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

