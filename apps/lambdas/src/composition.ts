import { SNSClient } from '@aws-sdk/client-sns';
import { systemClock, ulidGenerator, type MessageHandler } from '@mediaflow/domain';
import { ServiceConfigSchema, type CoreDeps, type LocalJobDeps, type ServiceConfig, type ServiceDeps } from '@mediaflow/media-service';
import { SnsEventBus } from '@mediaflow/messaging/aws';
import { CloudFrontEdgeCache } from '@mediaflow/storage/cloudfront';
import { AWS_RETRY, DynamoAlbumRepository, DynamoMediaRepository, DynamoMediaSearch, DynamoShareLinkRepository } from '@mediaflow/storage/dynamodb';
import { S3MultipartUploads, S3ObjectStore, S3StoreConfigSchema } from '@mediaflow/storage/s3';
import type { Context } from 'aws-lambda';
import { loadConfig, type LambdaEnv } from './config.js';
import { Telemetry, toLogger } from './observability.js';

/** A message handler, perhaps told each invocation's Lambda context (idempotency needs it). */
export type ContextAwareHandler = MessageHandler & { useLambdaContext?: (context: Context) => void };

/**
 * Everything a function's handler is built from: tests build one from in-memory fakes. `D` is what
 * the function's step needs (`ImageStepDeps`, `CloudVideoDeps`, ...), so a function wired without
 * its processor fails the typecheck.
 */
export interface Runtime<D extends CoreDeps = ServiceDeps> {
  config: LambdaEnv;
  deps: D;
  telemetry: Telemetry;
  /** Runs each domain event once, whichever delivery brings it (Powertools Idempotency on DynamoDB). */
  once: (handler: MessageHandler) => ContextAwareHandler;
}

/** The service's settings from the environment; the rest keep the service's defaults. */
export function serviceConfig(config: LambdaEnv): ServiceConfig {
  return ServiceConfigSchema.parse({
    mediaBaseUrl: config.MEDIA_BASE_URL.replace(/\/+$/, ''),
    ...(config.MAX_UPLOAD_BYTES === undefined ? {} : { maxUploadBytes: config.MAX_UPLOAD_BYTES }),
    ...(config.VIDEO_TIME_LIMIT_SECONDS === undefined ? {} : { videoTimeLimitSeconds: config.VIDEO_TIME_LIMIT_SECONDS }),
    ...(config.AUDIO_TIME_LIMIT_SECONDS === undefined ? {} : { audioTimeLimitSeconds: config.AUDIO_TIME_LIMIT_SECONDS }),
    ...(config.UPLOAD_PART_URL_TTL_SECONDS === undefined ? {} : { uploadPartUrlTtlSeconds: config.UPLOAD_PART_URL_TTL_SECONDS }),
    ...(config.UPLOAD_RESUME_WINDOW_SECONDS === undefined ? {} : { uploadResumeWindowSeconds: config.UPLOAD_RESUME_WINDOW_SECONDS }),
    purgeObjectVersions: config.PURGE_OBJECT_VERSIONS,
    ...(config.STORAGE_QUOTA_BYTES === undefined ? {} : { storageQuotaBytes: config.STORAGE_QUOTA_BYTES }),
  });
}

/** The deps every function has in AWS: S3, DynamoDB, SNS, and Lambda's `/tmp` as the scratch space. */
export type AwsDeps = ServiceDeps & LocalJobDeps;

/**
 * The distribution's edge copies of renditions, when `DISTRIBUTION_ID` names it: invalidated under
 * the path `MEDIA_BASE_URL` serves renditions at.
 */
export function edgeCacheFor(config: LambdaEnv): CloudFrontEdgeCache | undefined {
  if (config.DISTRIBUTION_ID === undefined) return undefined;
  const base = new URL(config.MEDIA_BASE_URL).pathname.replace(/\/+$/, '');
  return new CloudFrontEdgeCache({ distributionId: config.DISTRIBUTION_ID, pathPrefix: `${base}/` });
}

/**
 * The use cases' collaborators in AWS: S3 (objects and presigned multipart uploads), DynamoDB (the
 * media table), SNS (domain events), ULIDs and the system clock, and CloudFront's edge cache where
 * `DISTRIBUTION_ID` is set. Processors that load native code
 * (sharp, ffmpeg, MediaConvert) come in `extra` from the functions that use them, so a bundle
 * carries only its own function's dependencies.
 */
export function awsServiceDeps<E extends object = Record<never, never>>(config: LambdaEnv, extra: E = {} as E): AwsDeps & E {
  const s3 = S3StoreConfigSchema.parse({ bucket: config.MEDIA_BUCKET, region: config.AWS_REGION });
  const table = { tableName: config.MEDIA_TABLE, region: config.AWS_REGION };
  const repo = new DynamoMediaRepository(table);
  return {
    repo,
    // Albums, links and the review queue live in the same table; constructing them opens nothing.
    albums: new DynamoAlbumRepository(table),
    shares: new DynamoShareLinkRepository(table),
    review: repo,
    search: new DynamoMediaSearch(table),
    store: new S3ObjectStore(s3),
    multipart: new S3MultipartUploads(s3),
    bus: new SnsEventBus({ client: new SNSClient({ ...AWS_RETRY, region: config.AWS_REGION }), topicArn: config.EVENTS_TOPIC_ARN }),
    ids: ulidGenerator,
    clock: systemClock,
    config: serviceConfig(config),
    edgeCache: edgeCacheFor(config),
    // Lambda's only writable directory; its size is the function's ephemeral storage.
    scratchDir: '/tmp/mediaflow',
    ...extra,
  };
}

/**
 * A function's runtime in AWS, from the environment (parsed here, once per cold start). Queue
 * consumers pass `once` (`awsIdempotency`), so the others do not carry Powertools Idempotency.
 *
 * @throws ConfigError naming the variables that are missing or invalid.
 */
export function awsRuntime<E extends object = Record<never, never>>(
  functionName: string,
  extra: (config: LambdaEnv) => E = () => ({}) as E,
  once: (config: LambdaEnv) => Runtime['once'] = () => () => {
    throw new Error(`${functionName} was built without idempotency`);
  },
): Runtime<AwsDeps & E> {
  const config = loadConfig(process.env);
  const telemetry = new Telemetry(functionName);
  // The use cases' warnings (a failed edge invalidation) on the function's logger.
  const deps = { ...awsServiceDeps(config, extra(config)), log: toLogger(telemetry.logger) };
  return { config, deps, telemetry, once: once(config) };
}

/**
 * A handler built on its first invocation and kept for the container's life, so importing a
 * function module (in tests, in the bundler) reads no environment and opens no client. The build
 * may be asynchronous (checking the media tools' version); one that fails is tried again on the
 * next invocation rather than failing the container for good.
 */
export function coldStart<A extends unknown[], R>(
  build: () => ((...args: A) => Promise<R>) | Promise<(...args: A) => Promise<R>>,
): (...args: A) => Promise<R> {
  let built: Promise<(...args: A) => Promise<R>> | undefined;
  return async (...args) => {
    built ??= Promise.resolve()
      .then(build)
      .catch((error: unknown) => {
        built = undefined;
        throw error;
      });
    return (await built)(...args);
  };
}

