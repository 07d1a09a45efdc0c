import type { Duration } from 'aws-cdk-lib';
import type { CallerLimit } from '@mediaflow/cost-model';
import { FUNCTION_ENV_KEYS, type DeployedEnvKey } from '@mediaflow/workers';
import { jobTimeLimitSeconds, rekognitionConcurrency, type FunctionPlan, type MediaFunctionName, type QueueFeed } from './function-plans.js';

/** Where the `tagger-models` layer puts the on-device tagger's worker (under /opt/nodejs/node_modules). */
export const TAGGER_WORKER_PATH = '/opt/nodejs/node_modules/@mediaflow/tagging/worker/on-device-worker.mjs';

/**
 * Environment variables of a function by name, from the list the functions parse them by
 * (`@mediaflow/workers`' `lambda-env.ts`): a misspelt name does not compile. Values may be tokens.
 */
export type FunctionEnvironment = { [Key in DeployedEnvKey]?: string };

/** What a function's environment is made of, beyond its plan. Values may be tokens. */
export interface EnvironmentInputs {
  readonly mediaBucket: string;
  readonly mediaTable: string;
  readonly topicArn: string;
  readonly mediaBaseUrl: string;
  readonly idempotencyTable: string;
  /** How long one invocation may run (`functionTimeout`). */
  readonly timeout: Duration;
  /** The consumed queue's `maxReceiveCount`, for the functions a queue feeds. */
  readonly maxReceives?: number;
  /** How many of the function may run at once over all the queues that feed it; its first feed's concurrency when not given. */
  readonly consumers?: number;
  /** The upload limit the stage sets; none leaves the service's default to the functions. */
  readonly maxUploadBytes?: number;
  /** The API cache's `rediss://` URL, for the functions that join the API's network. */
  readonly cacheUrl?: string;
  /** Requests one caller may make, for the functions that limit callers; none leaves them unlimited. */
  readonly callerRateLimit?: CallerLimit;
  readonly storageQuotaBytes?: number;
  /** What CloudFront sends the API in `x-origin-verify` (a dynamic reference), for the functions behind the distribution. */
  readonly originSecret?: string;
  /** The CloudFront public key's id and the secret holding its private key, for the functions that sign media cookies. */
  readonly mediaSigning?: { readonly keyId: string; readonly secretArn: string };
  /** The archive queue's URL, for the functions that send archive jobs. */
  readonly archiveQueueUrl?: string;
}

/**
 * The environment a function starts with, decided from its plan alone: what it reads and nothing
 * else. MediaConvert's settings are added once the queue exists (`MediaFunction.submitJobsTo`).
 */
export function planEnvironment(plan: FunctionPlan, feed: QueueFeed | undefined, inputs: EnvironmentInputs): FunctionEnvironment {
  const environment: FunctionEnvironment = {
    MEDIA_BUCKET: inputs.mediaBucket,
    MEDIA_TABLE: inputs.mediaTable,
    EVENTS_TOPIC_ARN: inputs.topicArn,
    MEDIA_BASE_URL: inputs.mediaBaseUrl,
    NODE_OPTIONS: '--enable-source-maps',
  };
  if (feed?.idempotent === true) environment.IDEMPOTENCY_TABLE = inputs.idempotencyTable;
  // The handler fails the item on the last receive, before the queue dead-letters the message.
  if (feed !== undefined && inputs.maxReceives !== undefined) environment.MAX_RECEIVES = String(inputs.maxReceives);
  if (inputs.maxUploadBytes !== undefined && plan.enforcesUploadLimit === true) environment.MAX_UPLOAD_BYTES = String(inputs.maxUploadBytes);
  if (feed?.timeLimitVariable !== undefined) environment[feed.timeLimitVariable] = String(jobTimeLimitSeconds(inputs.timeout));
  if (plan.layers.includes('mediaTools')) {
    // Where the media-tools layer puts them; said here, next to the layer, rather than left to a default in the functions.
    environment.FFMPEG_PATH = '/opt/bin/ffmpeg';
    environment.FFPROBE_PATH = '/opt/bin/ffprobe';
  }
  if (plan.tagger !== undefined) environment.TAGGER = plan.tagger;
  if (plan.videoTranscoder !== undefined) environment.VIDEO_TRANSCODER = plan.videoTranscoder;
  // Said here, next to the layer, as the media tools' paths are: the worker runs from the layer that holds its models.
  if (plan.layers.includes('taggerModels')) environment.TAGGER_WORKER_PATH = TAGGER_WORKER_PATH;
  if (plan.callsRekognition === true && feed !== undefined) environment.REKOGNITION_MAX_CONCURRENCY = String(rekognitionConcurrency(inputs.consumers ?? feed.maxConcurrency));
  if (plan.joinsApiNetwork === true && inputs.cacheUrl !== undefined) environment.CACHE_URL = inputs.cacheUrl;
  if (plan.limitsCallers === true && inputs.callerRateLimit !== undefined) {
    environment.OWNER_RATE_LIMIT_PER_SECOND = String(inputs.callerRateLimit.perSecond);
    environment.OWNER_RATE_LIMIT_BURST = String(inputs.callerRateLimit.burst);
  }
  // The function that limits callers is the one that starts uploads, where the quota is checked.
  if (plan.limitsCallers === true && inputs.storageQuotaBytes !== undefined) environment.STORAGE_QUOTA_BYTES = String(inputs.storageQuotaBytes);
  if (plan.behindDistribution === true && inputs.originSecret !== undefined) environment.ORIGIN_VERIFY_SECRET = inputs.originSecret;
  if (plan.signsMediaCookies === true && inputs.mediaSigning !== undefined) {
    environment.MEDIA_SIGNING_KEY_ID = inputs.mediaSigning.keyId;
    environment.MEDIA_SIGNING_SECRET_ARN = inputs.mediaSigning.secretArn;
  }
  // Granted with it (s3:ListBucketVersions, s3:DeleteObjectVersion): a delete for good takes every version.
  if (plan.deletesForGood === true) environment.PURGE_OBJECT_VERSIONS = 'true';
  if (plan.sendsArchiveJobs === true && inputs.archiveQueueUrl !== undefined) environment.ARCHIVE_QUEUE_URL = inputs.archiveQueueUrl;
  return environment;
}

/**
 * The variables as Lambda takes them, each checked against what the function is declared to read
 * (`FUNCTION_ENV_KEYS`), so the stack and the functions cannot drift apart unnoticed.
 *
 * @throws Error naming a variable the function does not read.
 * @example
 * functionEnvironment('api', { MEDIA_BUCKET: bucket.bucketName, NODE_OPTIONS: '--enable-source-maps' });
 */
export function functionEnvironment(name: MediaFunctionName, variables: FunctionEnvironment): Record<string, string> {
  const read: ReadonlySet<string> = new Set(FUNCTION_ENV_KEYS[name]);
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    if (!read.has(key)) throw new Error(`the ${name} function does not read ${key} (FUNCTION_ENV_KEYS of @mediaflow/workers)`);
    environment[key] = value;
  }
  return environment;
}
