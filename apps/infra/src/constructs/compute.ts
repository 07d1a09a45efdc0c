import { AspectPriority, Aspects, Token, type Duration } from 'aws-cdk-lib';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, LayerVersion, type Code, type Function as LambdaFunction, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { CallerLimit, CloudTagger, CloudVideoTranscoder } from '@mediaflow/cost-model';
import { DynamoRateLimiterConfigSchema } from '@mediaflow/storage/dynamodb';
import { archiveQueue } from '@mediaflow/workers';
import { Construct } from 'constructs';
import { LogRetention } from '../log-retention.js';
import type { PipelineQueue } from './events.js';
import { planEnvironment } from './function-environment.js';
import type { MediaConvertTarget } from './function-grants.js';
import {
  consumedQueues,
  DEFAULT_MAX_UPLOAD_BYTES,
  feedsOf,
  functionPlans,
  functionTimeout,
  MEDIA_FUNCTIONS,
  type ConsumerConcurrency,
  type FunctionPlan,
  type LayerName,
  type MediaFunctionName,
} from './function-plans.js';
import { FUNCTION_RUNTIME, MediaFunction, type FunctionNetwork } from './media-function.js';

/** The queue of zips to build: the archive function consumes it, the api function sends to it. */
const ARCHIVE_QUEUE = archiveQueue().name;

export interface MediaComputeProps {
  /** The bundle of each function, by function name (`Code.fromAsset('apps/lambdas/dist/<name>')`). */
  readonly code: (functionName: MediaFunctionName) => Code;
  /**
   * `sharp` is mounted at /opt/nodejs/node_modules, `mediaTools` puts ffmpeg and ffprobe at /opt/bin,
   * `taggerModels` the on-device tagger's libraries, models and worker at /opt/nodejs/node_modules.
   * A layer no function uses is not deployed.
   */
  readonly layers: { readonly [Name in LayerName]: Code };
  /**
   * What tags the pictures: the on-device models in the tagging function (the default), or
   * Rekognition, which the function is then granted and limited for.
   */
  readonly tagger?: CloudTagger;
  /** Who transcodes video: the video function's ffmpeg ladder, MediaConvert for long videos (the default), or MediaConvert for all. */
  readonly videoTranscoder?: CloudVideoTranscoder;
  /**
   * The media bucket: `originals/{owner}/{id}` and `renditions/{owner}/{id}/...`. Its encryption must
   * be S3-managed: no function is granted any KMS key.
   */
  readonly media: IBucket;
  /** The media table (AWS-owned encryption, as for the bucket). */
  readonly mediaTable: ITableV2;
  /** Powertools Idempotency's table, for the queue consumers that run each event once. */
  readonly idempotencyTable: ITableV2;
  /** The domain events' topic, encrypted with the AWS managed key (whose key policy lets the account's principals publish). */
  readonly topic: ITopic;
  /** The pipeline's queues by name (`MediaEvents.queues`); each gets its consumer. */
  readonly queues: ReadonlyMap<string, PipelineQueue>;
  /** Public origin of renditions (the CloudFront distribution); may be a token. */
  readonly mediaBaseUrl: string;
  /** Timeout of each queue's consumer, by queue name (`CONSUMER_TIMEOUTS`); the queues' visibility is derived from the same values. */
  readonly consumerTimeouts: Readonly<Record<string, Duration>>;
  /**
   * Where video sends its jobs. Without it (and without {@link MediaCompute.useMediaConvert})
   * the function gets neither the settings nor the permissions, and cannot start.
   */
  readonly mediaConvert?: MediaConvertTarget;
  /**
   * Each queue consumer's maximum concurrency (Lambda takes 2 to 1000 for an SQS source): the
   * capacity plan's for the stage's scale, `stackLimits(scale).maxConcurrency` of `@mediaflow/cost-model`.
   * With Rekognition, its calls in flight are shared out between the tagging functions: see `REKOGNITION_CALLS_IN_FLIGHT`.
   */
  readonly maxConcurrency: ConsumerConcurrency;
  /**
   * Requests one caller may make, which the api function counts in the media table so that all its
   * instances enforce one limit (`stackLimits(scale).perCaller`). Without it the api function limits no caller itself.
   */
  readonly callerRateLimit?: CallerLimit;
  /** What each user may store, which the api function checks at `POST /uploads`; no quota unless given. */
  readonly storageQuotaBytes?: number;
  /** How long the functions' logs are kept; a month by default. */
  readonly logRetention?: RetentionDays;
  /** The largest original accepted (the service's default, 2 GiB, otherwise); also sizes /tmp of the functions that download originals. */
  readonly maxUploadBytes?: number;
  /**
   * Runs the api function in these subnets, with these groups (`MediaCache.apiNetwork`), to reach
   * what lives in a VPC. The queue consumers stay outside: they need nothing there, and a VPC
   * would only cost them endpoints.
   */
  readonly apiNetwork?: FunctionNetwork;
  /** The api function's `CACHE_URL` (`rediss://host:port`, may be a token); reachable only from {@link apiNetwork}. */
  readonly cacheUrl?: string;
  /**
   * What CloudFront sends the API in `x-origin-verify` (`OriginSecret.value`, a dynamic reference):
   * the api function's `ORIGIN_VERIFY_SECRET`, without which it asks no request for the header.
   */
  readonly apiOriginSecret?: string;
  /**
   * The key `/media/*` checks signed cookies with (`MediaSigning`): the api function gets its id and
   * the secret holding its private key (`MEDIA_SIGNING_*`), and may read that one secret. Without
   * it the api function signs nothing.
   */
  readonly mediaSigning?: { readonly keyId: string; readonly secretArn: string };
}

/**
 * The functions of `apps/lambdas` as `FUNCTION_PLANS` describes them (the tagging function's for
 * the stage's tagger, `TAGGING_PLANS`), with the sharp, media-tools and tagger-models layers: one IAM role per function, each with only what its code does; one log group
 * per function with a retention; every queue of the pipeline consumed by its function with partial
 * batch failures.
 *
 * @example
 * const compute = new MediaCompute(this, 'Compute', {
 *   code: assets.functionCode, layers: assets.layers,
 *   media, mediaTable, idempotencyTable, topic, queues: events.queues, mediaBaseUrl, consumerTimeouts: CONSUMER_TIMEOUTS,
 *   maxConcurrency: stackLimits({ month: 0 }).maxConcurrency,
 * });
 * // The job state changes' rule targets video-complete; video then learns the queue and role.
 * const transcoding = new MediaTranscoding(this, 'Transcoding', { media, onJobStateChange: compute.videoComplete });
 * compute.useMediaConvert({ roleArn: transcoding.role.roleArn, queueArn: transcoding.queueArn });
 */
export class MediaCompute extends Construct {
  readonly functions: ReadonlyMap<MediaFunctionName, LambdaFunction>;
  /** The layers some function mounts, by name. */
  readonly layers: ReadonlyMap<LayerName, ILayerVersion>;
  private readonly members: ReadonlyMap<MediaFunctionName, MediaFunction>;
  private readonly plans: Readonly<Record<MediaFunctionName, FunctionPlan>>;

  constructor(scope: Construct, id: string, props: MediaComputeProps) {
    super(scope, id);
    if (props.media.encryptionKey !== undefined || props.mediaTable.encryptionKey !== undefined || props.idempotencyTable.encryptionKey !== undefined) {
      throw new Error('MediaCompute grants no KMS permissions: the bucket and tables must use AWS-owned or S3-managed encryption');
    }
    const maxUploadBytes = props.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    if (!Number.isSafeInteger(maxUploadBytes) || maxUploadBytes < 1) throw new Error(`maxUploadBytes must be a positive integer, not ${maxUploadBytes}`);
    checkCallerRateLimit(props.callerRateLimit);
    // Every function parses MEDIA_BASE_URL at its cold start; a literal that would fail there fails here.
    if (!Token.isUnresolved(props.mediaBaseUrl) && !/^https?:\/\/[^/]/.test(props.mediaBaseUrl)) {
      throw new Error(`mediaBaseUrl must be an http(s) URL, not ${props.mediaBaseUrl}`);
    }
    checkCacheUrl(props);
    // A literal would be written into the template in the clear; the stack's is a dynamic reference.
    if (props.apiOriginSecret !== undefined && !Token.isUnresolved(props.apiOriginSecret)) {
      throw new Error('apiOriginSecret must be a reference to a secret (OriginSecret.value), not a literal value');
    }
    checkEveryQueueHasAConsumer(props.queues);
    Aspects.of(this).add(new LogRetention(props.logRetention), { priority: AspectPriority.MUTATING });

    const layerProps: { readonly [Name in LayerName]: { readonly id: string; readonly description: string; readonly architectures: Architecture[] } } = {
      sharp: { id: 'SharpLayer', description: 'sharp and libvips for linux-arm64, under /opt/nodejs/node_modules', architectures: [Architecture.ARM_64] },
      mediaTools: { id: 'MediaToolsLayer', description: 'ffmpeg and ffprobe for linux-arm64, under /opt/bin', architectures: [Architecture.ARM_64] },
      // JavaScript, JSON, weights and WebAssembly only: the layer's build refuses native files.
      taggerModels: {
        id: 'TaggerModelsLayer',
        description: 'The on-device tagger: Human, nsfwjs and TensorFlow.js (WebAssembly) with their models, under /opt/nodejs/node_modules',
        architectures: [Architecture.ARM_64, Architecture.X86_64],
      },
    };
    const layers = new Map<LayerName, ILayerVersion>();
    const layer = (name: LayerName): ILayerVersion => {
      const known = layers.get(name);
      if (known !== undefined) return known;
      const { id, description, architectures } = layerProps[name];
      const created = new LayerVersion(this, id, { code: props.layers[name], compatibleArchitectures: architectures, compatibleRuntimes: [FUNCTION_RUNTIME], description });
      layers.set(name, created);
      return created;
    };
    const plans = functionPlans(props.tagger ?? 'on-device', props.videoTranscoder ?? 'lambda');
    this.plans = plans;
    const archiveJobs = props.queues.get(ARCHIVE_QUEUE)?.queue;
    const resources = {
      media: props.media,
      mediaTable: props.mediaTable,
      idempotencyTable: props.idempotencyTable,
      topic: props.topic,
      ...(props.mediaSigning === undefined ? {} : { mediaSigningSecretArn: props.mediaSigning.secretArn }),
      ...(archiveJobs === undefined ? {} : { archiveQueue: archiveJobs }),
    };
    const members = new Map<MediaFunctionName, MediaFunction>();
    for (const name of MEDIA_FUNCTIONS) {
      const plan = plans[name];
      const [feed, ...others] = feedsOf(name, plan, props.maxConcurrency);
      const queue = feed === undefined ? undefined : props.queues.get(feed.queue);
      if (feed !== undefined && queue === undefined) {
        // Tagging is optional in the topology: without its queue there is nothing for the function to do.
        if (feed.optional === true) continue;
        throw new Error(`no ${feed.queue} queue for the ${name} function`);
      }
      // The other queues it reads, those the topology has (the text queue comes with tagging).
      const alsoFed = others.flatMap((other) => {
        const otherQueue = props.queues.get(other.queue);
        if (otherQueue === undefined) {
          if (other.optional === true) return [];
          throw new Error(`no ${other.queue} queue for the ${name} function`);
        }
        if (queue !== undefined && otherQueue.definition.maxReceives !== queue.definition.maxReceives) {
          // One MAX_RECEIVES tells the handler which delivery is the last, whichever queue brought it.
          throw new Error(`the ${other.queue} queue dead-letters after ${otherQueue.definition.maxReceives} receives and the ${queue.definition.name} queue after ${queue.definition.maxReceives}: the ${name} function reads both with one MAX_RECEIVES`);
        }
        return [{ plan: other, queue: otherQueue }];
      });
      const timeout = functionTimeout(name, plan, props.consumerTimeouts);
      const network = plan.joinsApiNetwork === true ? props.apiNetwork : undefined;
      const environment = planEnvironment(plan, feed, {
        mediaBucket: props.media.bucketName,
        mediaTable: props.mediaTable.tableName,
        topicArn: props.topic.topicArn,
        mediaBaseUrl: props.mediaBaseUrl,
        idempotencyTable: props.idempotencyTable.tableName,
        timeout,
        ...(queue === undefined ? {} : { maxReceives: queue.definition.maxReceives }),
        ...(feed === undefined ? {} : { consumers: feed.maxConcurrency * (1 + alsoFed.length) }),
        ...(props.maxUploadBytes === undefined ? {} : { maxUploadBytes: props.maxUploadBytes }),
        ...(props.cacheUrl === undefined ? {} : { cacheUrl: props.cacheUrl }),
        ...(props.callerRateLimit === undefined ? {} : { callerRateLimit: props.callerRateLimit }),
        ...(props.storageQuotaBytes === undefined ? {} : { storageQuotaBytes: props.storageQuotaBytes }),
        ...(props.apiOriginSecret === undefined ? {} : { originSecret: props.apiOriginSecret }),
        ...(props.mediaSigning === undefined ? {} : { mediaSigning: props.mediaSigning }),
        ...(archiveJobs === undefined ? {} : { archiveQueueUrl: archiveJobs.queueUrl }),
      });
      const member = new MediaFunction(this, name, {
        plan,
        ...(feed === undefined || queue === undefined ? {} : { feed: { plan: feed, queue } }),
        ...(alsoFed.length === 0 ? {} : { alsoFeeds: alsoFed }),
        timeout,
        code: props.code(name),
        layers: plan.layers.map(layer),
        environment,
        resources,
        maxUploadBytes,
        ...(network === undefined ? {} : { network }),
      });
      members.set(name, member);
    }

    this.members = members;
    this.functions = new Map([...members].map(([name, member]) => [name, member.fn]));
    this.layers = layers;
    if (props.mediaConvert !== undefined) this.useMediaConvert(props.mediaConvert);
  }

  /**
   * Points the video function at MediaConvert: its settings and the permissions to create jobs there.
   * For compositions where the MediaConvert queue and role come after the functions (the
   * transcoding construct needs video-complete to route job state changes to).
   */
  useMediaConvert(target: MediaConvertTarget): void {
    const video = this.members.get('video');
    if (video === undefined) throw new Error('no video function');
    video.submitJobsTo(target);
  }

  /**
   * Lets the functions that delete items or hold them for moderation (`invalidatesEdge` in their
   * plan) invalidate the items' edge copies on `distribution`: its id in `DISTRIBUTION_ID` and
   * `cloudfront:CreateInvalidation` on it alone. Called once the distribution exists, which itself
   * needs the API the api function serves.
   */
  useEdgeCache(distribution: IDistribution): void {
    for (const [name, member] of this.members) {
      if (this.plans[name].invalidatesEdge !== true) continue;
      member.fn.addEnvironment('DISTRIBUTION_ID', distribution.distributionId);
      distribution.grantCreateInvalidation(member.fn);
    }
  }

  /**
   * Lets the api function delete the users of `userPool` (account deletion): its id in
   * `USER_POOL_ID`. Called once the pool exists, which the HTTP API's authorizer needs.
   */
  useUserPool(userPool: { userPoolId: string; userPoolArn: string }): void {
    const api = this.members.get('api');
    if (api === undefined) throw new Error('no api function');
    api.deleteUsersOf(userPool);
  }

  get api(): LambdaFunction {
    return this.required('api');
  }
  get ingest(): LambdaFunction {
    return this.required('ingest');
  }
  get image(): LambdaFunction {
    return this.required('image');
  }
  get document(): LambdaFunction {
    return this.required('document');
  }
  get audio(): LambdaFunction {
    return this.required('audio');
  }
  /** Absent when the pipeline has no tagging queue. */
  get tagging(): LambdaFunction | undefined {
    return this.functions.get('tagging');
  }
  get video(): LambdaFunction {
    return this.required('video');
  }
  /** The target of the EventBridge rule for MediaConvert's job state changes. */
  get videoComplete(): LambdaFunction {
    return this.required('video-complete');
  }
  /** Deletes for good, every hour, what has been in the trash past its retention. */
  get trashPurge(): LambdaFunction {
    return this.required('trash-purge');
  }
  /** Builds the zips the api function queues. */
  get archive(): LambdaFunction {
    return this.required('archive');
  }

  /** The functions an EventBridge schedule invokes, with how often: they alarm on failed runs, not on a share of invocations. */
  get schedules(): ReadonlyMap<MediaFunctionName, Duration> {
    const every = new Map<MediaFunctionName, Duration>();
    for (const name of this.members.keys()) {
      const schedule = this.plans[name].schedule;
      if (schedule !== undefined) every.set(name, schedule.every);
    }
    return every;
  }

  /** The rule of each scheduled function, by name. */
  get rules(): ReadonlyMap<MediaFunctionName, Rule> {
    return new Map([...this.members].flatMap(([name, member]) => (member.rule === undefined ? [] : [[name, member.rule] as const])));
  }

  private required(name: MediaFunctionName): LambdaFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new Error(`no ${name} function`);
    return fn;
  }
}

/** The api function builds its limiter at its cold start (`OWNER_RATE_LIMIT_*`); a limit the limiter would refuse fails here. */
function checkCallerRateLimit(limit: CallerLimit | undefined): void {
  if (limit === undefined) return;
  const checked = DynamoRateLimiterConfigSchema.pick({ perSecond: true, burst: true }).safeParse(limit);
  if (!checked.success) throw new Error(`callerRateLimit ${JSON.stringify(limit)} is not one the api function takes: ${checked.error.message}`);
}

/** A cache is only reachable from inside its VPC, and the api function parses CACHE_URL at its cold start. */
function checkCacheUrl(props: MediaComputeProps): void {
  if (props.cacheUrl === undefined) return;
  if (props.apiNetwork === undefined) throw new Error('cacheUrl needs apiNetwork: the cache is reachable only from inside its VPC');
  if (!Token.isUnresolved(props.cacheUrl) && !/^rediss?:\/\/[^/:]+(?::\d+)?\/?$/.test(props.cacheUrl)) {
    throw new Error(`cacheUrl must be a redis:// or rediss:// URL of a host and port, not ${props.cacheUrl}`);
  }
}

/** A queue nobody consumes fills up silently: every queue of the topology must belong to a function. */
function checkEveryQueueHasAConsumer(queues: ReadonlyMap<string, PipelineQueue>): void {
  const consumed = consumedQueues();
  for (const name of queues.keys()) if (!consumed.has(name)) throw new Error(`no function consumes the ${name} queue`);
}
