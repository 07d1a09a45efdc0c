import { ArnFormat, Duration, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, LayerVersion, Runtime, Tracing, type Code, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { OWNER_TAGS_INDEX } from '@mediaflow/storage/dynamodb';
import { Construct } from 'constructs';
import type { PipelineQueue } from './events.js';
import { ORIGINALS_PREFIX, RENDITIONS_PREFIX } from './storage.js';

/** The functions of `apps/lambdas` (`build.mjs` bundles each into `dist/<name>/index.mjs`). */
export const MEDIA_FUNCTIONS = ['api', 'ingest', 'image', 'document', 'audio', 'tagging', 'video-submit', 'video-complete'] as const;
export type MediaFunctionName = (typeof MEDIA_FUNCTIONS)[number];

export interface MediaComputeProps {
  /** The bundle of each function, by function name (`Code.fromAsset('apps/lambdas/dist/<name>')`). */
  readonly code: (functionName: MediaFunctionName) => Code;
  /** `sharp` is mounted at /opt/nodejs/node_modules, `mediaTools` puts ffmpeg and ffprobe at /opt/bin. */
  readonly layers: { readonly sharp: Code; readonly mediaTools: Code };
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
   * Where video-submit sends its jobs. Without it (and without {@link MediaCompute.useMediaConvert})
   * the function gets neither the settings nor the permissions, and cannot start.
   */
  readonly mediaConvert?: MediaConvertTarget;
  /**
   * Tagging functions running at once (Lambda's floor for an SQS source is 2). Rekognition calls in
   * flight are shared out between them: see {@link REKOGNITION_CALLS_IN_FLIGHT}.
   */
  readonly taggingMaxConcurrency?: number;
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
}

/** Where a function joins a VPC. */
export interface FunctionNetwork {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly securityGroups: readonly ISecurityGroup[];
}

/** MediaConvert's queue for video-submit's jobs and the role those jobs run with (`MediaTranscoding.role`, `.queueArn`). */
export interface MediaConvertTarget {
  readonly roleArn: string;
  readonly queueArn: string;
}

/** The latest Node.js runtime this CDK knows: cdk-nag's L1 asks for it, and the node22 bundles run unchanged on it. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/**
 * Rekognition's default quota for DetectLabels and DetectModerationLabels in most regions, in
 * transactions per second. The tagging functions together keep at most this many calls in flight;
 * a call takes a few hundred milliseconds, and throttled calls are retried with backoff by the tagger.
 */
export const REKOGNITION_CALLS_IN_FLIGHT = 5;

/** Lambda refuses a lower maximum concurrency on an SQS event source. */
const MIN_SQS_CONCURRENCY = 2;

/** The service's default upload limit (`ServiceConfigSchema.maxUploadBytes`), which applies when none is given. */
const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

/** Lambda's /tmp: 512 MiB included, up to 10 GiB. */
const MIN_SCRATCH_MIB = 512;
const MAX_SCRATCH_MIB = 10_240;
const MIB = 1024 ** 2;

/** How a function is fed from its queue. */
interface QueueFeed {
  readonly queue: string;
  readonly batchSize: number;
  readonly batchingWindow?: Duration;
  /** Functions running at once for this queue; tagging's comes from the props. */
  readonly maxConcurrency: number;
  /** Runs each event once through Powertools Idempotency (needs the idempotency table). */
  readonly idempotent: boolean;
  /** The job time limit the function reads, kept below its timeout so a slow job fails its item instead of being killed. */
  readonly timeLimitVariable?: 'AUDIO_TIME_LIMIT_SECONDS' | 'VIDEO_TIME_LIMIT_SECONDS';
}

/** What a function may do under one prefix of the media bucket, and why (the reason of its cdk-nag acknowledgement). */
interface PrefixAccess {
  readonly actions: readonly string[];
  readonly why: string;
}

interface FunctionPlan {
  readonly description: string;
  /** MiB. Lambda gives CPU in proportion to memory (one vCPU at 1769 MB), so CPU-bound steps get more than they need in RAM. */
  readonly memory: number;
  /** For functions that no queue feeds; consumers take their queue's consumer timeout. */
  readonly timeout?: Duration;
  readonly feed?: QueueFeed;
  readonly layers: readonly ('sharp' | 'mediaTools')[];
  /** Whole originals copied to /tmp (ffmpeg and ffprobe seek in a file), with room for what is written beside them. */
  readonly scratch?: { readonly extraMiB: number };
  readonly originals?: PrefixAccess;
  readonly renditions?: PrefixAccess;
  /** Lists `renditions/` (a retry clears an item's prefix; video-complete collects what MediaConvert wrote). */
  readonly listsRenditions?: boolean;
  /** The HTTP API lists by owner and by tag; the queue consumers only read and write single items. */
  readonly queriesMediaTable?: boolean;
}

/** Replacing renditions: clear what an earlier attempt left, put the new ones (a put larger than a part is a multipart upload, aborted on failure). */
const RENDITION_WRITE = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];

/**
 * Memory, timeouts, batching and object access of every function, in one place. The consumers'
 * timeouts come from `consumerTimeouts` (the queues' visibility is derived from the same values);
 * the others are set here.
 *
 * | function       | memory | timeout          | /tmp                   | batch, window | max concurrency |
 * | -------------- | ------ | ---------------- | ---------------------- | ------------- | --------------- |
 * | api            | 1024   | 15 s             | 512 MiB                | -             | -               |
 * | ingest         | 1024   | consumer (30 s)  | 512 MiB                | 10            | 10              |
 * | image          | 2048   | consumer (90 s)  | 512 MiB                | 1             | 10              |
 * | document       | 512    | consumer (30 s)  | 512 MiB                | 10            | 5               |
 * | audio          | 2048   | consumer (330 s) | upload limit + 1 GiB   | 1             | 5               |
 * | tagging        | 512    | consumer (60 s)  | 512 MiB                | 5, 5 s        | props (2)       |
 * | video-submit   | 1024   | consumer (30 s)  | upload limit + 512 MiB | 1             | 5               |
 * | video-complete | 1536   | 60 s             | 512 MiB                | EventBridge   | -               |
 */
export const FUNCTION_PLANS: Readonly<Record<MediaFunctionName, FunctionPlan>> = {
  api: {
    description: 'Mediaflow HTTP API (API Gateway HTTP API, JWT authorizer)',
    // Presigning and DynamoDB round trips: more CPU shortens cold starts and tail latency, not much RAM is used.
    memory: 1024,
    // The HTTP API gives up on an integration after 30 s; the function stops first, so the failure is its own, logged with the request.
    timeout: Duration.seconds(15),
    layers: [],
    // Presigned single and multipart PUTs (create, part and complete are all s3:PutObject), the HEAD after a
    // completed multipart upload, and deleting an item's original. Renditions are served by CloudFront:
    // the function never reads them (its /media route refuses every token), it only deletes them with their item.
    originals: { actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], why: 'presigns uploads of new originals (single and multipart), reads back a completed upload and deletes the original of an item its owner deletes' },
    renditions: { actions: ['s3:DeleteObject'], why: 'deletes the renditions of an item its owner deletes' },
    listsRenditions: true,
    queriesMediaTable: true,
  },
  ingest: {
    description: 'Mediaflow ingest: S3 notifications of new originals (SQS)',
    // Hashes whole originals S3 kept no SHA-256 for (multipart uploads) within its timeout: CPU-bound.
    memory: 1024,
    // Cheap per message, and S3 sends bursts: batches keep the invocations few; no window, uploads show up at once.
    feed: { queue: 'ingest', batchSize: 10, maxConcurrency: 10, idempotent: false },
    layers: [],
    originals: { actions: ['s3:GetObject', 's3:DeleteObject'], why: 'sniffs and hashes each new original, and deletes one that is refused, a duplicate or has no item' },
  },
  image: {
    description: 'Mediaflow image step: renditions with sharp (SQS)',
    // libvips holds the decoded image and encodes several sizes and formats: memory and CPU bound.
    memory: 2048,
    // One image per invocation: each gets the whole timeout and memory, and batch records would run in parallel.
    feed: { queue: 'image', batchSize: 1, maxConcurrency: 10, idempotent: true },
    layers: ['sharp'],
    originals: { actions: ['s3:GetObject'], why: 'reads the original it renders' },
    renditions: { actions: RENDITION_WRITE, why: 'replaces the renditions of the item it renders (a retry clears those of the attempt before)' },
    listsRenditions: true,
  },
  document: {
    description: 'Mediaflow document step: kept as uploaded (SQS)',
    // Only a DynamoDB update and an SNS publish per message.
    memory: 512,
    feed: { queue: 'document', batchSize: 10, maxConcurrency: 5, idempotent: true },
    layers: [],
  },
  audio: {
    description: 'Mediaflow audio step: previews, waveform and cover with ffmpeg and sharp (SQS)',
    // ffmpeg encodes two previews and the waveform: CPU bound.
    memory: 2048,
    // One recording per invocation: /tmp is sized for one original.
    feed: { queue: 'audio', batchSize: 1, maxConcurrency: 5, idempotent: true, timeLimitVariable: 'AUDIO_TIME_LIMIT_SECONDS' },
    layers: ['sharp', 'mediaTools'],
    // The original, then the previews and waveform written next to it before they are stored.
    scratch: { extraMiB: 1024 },
    originals: { actions: ['s3:GetObject'], why: 'copies the original it transcodes to /tmp' },
    renditions: { actions: RENDITION_WRITE, why: 'replaces the previews, waveform and cover of the item it transcodes (a retry clears those of the attempt before)' },
    listsRenditions: true,
  },
  tagging: {
    description: 'Mediaflow tagging: labels and moderation from Rekognition (SQS)',
    // Reads one small rendition into memory and waits on Rekognition.
    memory: 512,
    // Not urgent: a short window fills batches; records share the function's Rekognition slots.
    feed: { queue: 'tagging', batchSize: 5, batchingWindow: Duration.seconds(5), maxConcurrency: MIN_SQS_CONCURRENCY, idempotent: true },
    layers: [],
    // Rekognition reads renditions over 5 MB from S3 itself, with the caller's permissions.
    renditions: { actions: ['s3:GetObject'], why: 'reads the renditions it looks at and lets Rekognition read the large ones from S3 under its permissions' },
  },
  'video-submit': {
    description: 'Mediaflow video step: probe with ffprobe, then a MediaConvert job (SQS)',
    // ffprobe is light; the CPU share goes to copying the original to /tmp within the timeout.
    memory: 1024,
    // One video per invocation: /tmp is sized for one original.
    feed: { queue: 'video', batchSize: 1, maxConcurrency: 5, idempotent: true, timeLimitVariable: 'VIDEO_TIME_LIMIT_SECONDS' },
    layers: ['mediaTools'],
    scratch: { extraMiB: 512 },
    originals: { actions: ['s3:GetObject'], why: 'copies the original it probes to /tmp' },
    renditions: { actions: ['s3:DeleteObject'], why: 'clears the rendition prefix of the item before MediaConvert writes to it, so the completion lists only this job\u2019s outputs' },
    listsRenditions: true,
  },
  'video-complete': {
    description: 'Mediaflow video completion: MediaConvert job state changes (EventBridge)',
    // Renders the poster like a photo with sharp; frames are at most the ladder's top rung.
    memory: 1536,
    // Lists the item's outputs, renders one poster, writes a few objects; asynchronous, so no caller waits.
    timeout: Duration.seconds(60),
    layers: ['sharp'],
    renditions: {
      actions: ['s3:GetObject', ...RENDITION_WRITE],
      why: 'reads the poster MediaConvert wrote, stores its renditions, and clears the prefix of an item deleted meanwhile',
    },
    listsRenditions: true,
  },
};

/** Media table actions of the repository's get and update (an update is a transaction that puts the item and puts or deletes its tag and content-hash rows). */
const MEDIA_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'];
/** Powertools Idempotency's record lifecycle: conditional put, read, completion update, delete on failure. */
const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/**
 * One IAM role per function, each with only what its code does; one log group per function with
 * a retention; every queue of the pipeline consumed by its function with partial batch failures.
 *
 * @example
 * const compute = new MediaCompute(this, 'Compute', {
 *   code: assets.functionCode, layers: assets.layers,
 *   media, mediaTable, idempotencyTable, topic, queues: events.queues, mediaBaseUrl, consumerTimeouts: CONSUMER_TIMEOUTS,
 * });
 * // The job state changes' rule targets video-complete; video-submit then learns the queue and role.
 * const transcoding = new MediaTranscoding(this, 'Transcoding', { media, onJobStateChange: compute.videoComplete });
 * compute.useMediaConvert({ roleArn: transcoding.role.roleArn, queueArn: transcoding.queueArn });
 */
export class MediaCompute extends Construct {
  readonly functions: ReadonlyMap<MediaFunctionName, LambdaFunction>;
  readonly layers: { readonly sharp: ILayerVersion; readonly mediaTools: ILayerVersion };
  private readonly members: ReadonlyMap<MediaFunctionName, MediaFunction>;

  constructor(scope: Construct, id: string, props: MediaComputeProps) {
    super(scope, id);
    if (props.media.encryptionKey !== undefined || props.mediaTable.encryptionKey !== undefined || props.idempotencyTable.encryptionKey !== undefined) {
      throw new Error('MediaCompute grants no KMS permissions: the bucket and tables must use AWS-owned or S3-managed encryption');
    }
    const maxUploadBytes = props.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    if (!Number.isSafeInteger(maxUploadBytes) || maxUploadBytes < 1) throw new Error(`maxUploadBytes must be a positive integer, not ${maxUploadBytes}`);
    const taggingConcurrency = props.taggingMaxConcurrency ?? MIN_SQS_CONCURRENCY;
    if (!Number.isInteger(taggingConcurrency) || taggingConcurrency < MIN_SQS_CONCURRENCY || taggingConcurrency > 1000) {
      throw new Error(`taggingMaxConcurrency must be an integer from ${MIN_SQS_CONCURRENCY} to 1000, not ${taggingConcurrency}`);
    }
    // Every function parses MEDIA_BASE_URL at its cold start; a literal that would fail there fails here.
    if (!Token.isUnresolved(props.mediaBaseUrl) && !/^https?:\/\/[^/]/.test(props.mediaBaseUrl)) {
      throw new Error(`mediaBaseUrl must be an http(s) URL, not ${props.mediaBaseUrl}`);
    }
    checkCacheUrl(props);
    checkEveryQueueHasAConsumer(props.queues);

    const layers = {
      sharp: new LayerVersion(this, 'SharpLayer', {
        code: props.layers.sharp,
        compatibleArchitectures: [Architecture.ARM_64],
        compatibleRuntimes: [FUNCTION_RUNTIME],
        description: 'sharp and libvips for linux-arm64, under /opt/nodejs/node_modules',
      }),
      mediaTools: new LayerVersion(this, 'MediaToolsLayer', {
        code: props.layers.mediaTools,
        compatibleArchitectures: [Architecture.ARM_64],
        compatibleRuntimes: [FUNCTION_RUNTIME],
        description: 'ffmpeg and ffprobe for linux-arm64, under /opt/bin',
      }),
    };
    const members = new Map<MediaFunctionName, MediaFunction>();
    for (const name of MEDIA_FUNCTIONS) {
      const plan = FUNCTION_PLANS[name];
      const pipelineQueue = plan.feed === undefined ? undefined : props.queues.get(plan.feed.queue);
      // Tagging is optional in the topology: without its queue there is nothing for the function to do.
      if (plan.feed !== undefined && pipelineQueue === undefined) {
        if (name === 'tagging') continue;
        throw new Error(`no ${plan.feed.queue} queue for the ${name} function`);
      }
      const feed = plan.feed === undefined ? undefined : { ...plan.feed, ...(name === 'tagging' ? { maxConcurrency: taggingConcurrency } : {}) };
      members.set(name, new MediaFunction(this, name, { plan, feed, pipelineQueue, props, maxUploadBytes, layers }));
    }

    this.members = members;
    this.functions = new Map([...members].map(([name, member]) => [name, member.fn]));
    this.layers = layers;
    if (props.mediaConvert !== undefined) this.useMediaConvert(props.mediaConvert);
  }

  /**
   * Points video-submit at MediaConvert: its settings and the permissions to create jobs there.
   * For compositions where the MediaConvert queue and role come after the functions (the
   * transcoding construct needs video-complete to route job state changes to).
   */
  useMediaConvert(target: MediaConvertTarget): void {
    const videoSubmit = this.members.get('video-submit');
    if (videoSubmit === undefined) throw new Error('no video-submit function');
    videoSubmit.submitJobsTo(target);
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
  get videoSubmit(): LambdaFunction {
    return this.required('video-submit');
  }
  /** The target of the EventBridge rule for MediaConvert's job state changes. */
  get videoComplete(): LambdaFunction {
    return this.required('video-complete');
  }

  private required(name: MediaFunctionName): LambdaFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new Error(`no ${name} function`);
    return fn;
  }
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
  const consumed = new Set(MEDIA_FUNCTIONS.flatMap((name) => FUNCTION_PLANS[name].feed?.queue ?? []));
  for (const name of queues.keys()) if (!consumed.has(name)) throw new Error(`no function consumes the ${name} queue`);
}

interface MediaFunctionProps {
  readonly plan: FunctionPlan;
  readonly feed: QueueFeed | undefined;
  readonly pipelineQueue: PipelineQueue | undefined;
  readonly props: MediaComputeProps;
  readonly maxUploadBytes: number;
  readonly layers: { readonly sharp: ILayerVersion; readonly mediaTools: ILayerVersion };
}

/** One function with its role, log group and (for consumers) its queue's event source. */
class MediaFunction extends Construct {
  readonly fn: LambdaFunction;
  private readonly role: Role;
  /** Reasons for the wildcard resources of this role's policy not yet acknowledged, by cdk-nag finding. */
  private readonly wildcardReasons = new Map<string, string[]>();
  private submitsJobs = false;

  constructor(scope: Construct, private readonly name: MediaFunctionName, input: MediaFunctionProps) {
    super(scope, pascal(name));
    const { plan, feed, pipelineQueue, props } = input;
    const timeout = feed === undefined ? plan.timeout : props.consumerTimeouts[feed.queue];
    if (timeout === undefined) throw new Error(`no timeout for the ${name} function${feed === undefined ? '' : ` (consumer timeout of the ${feed.queue} queue)`}`);
    if (pipelineQueue !== undefined) checkVisibility(pipelineQueue, timeout);

    // Its own role, without the AWS managed basic-execution policy: logging is granted on its own log group only.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Runs the ${name} function` });
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    const network = name === 'api' ? props.apiNetwork : undefined;

    this.fn = new LambdaFunction(this, 'Function', {
      description: plan.description,
      code: props.code(name),
      handler: 'index.handler',
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: plan.memory,
      timeout,
      ...(plan.scratch === undefined ? {} : { ephemeralStorageSize: Size.mebibytes(scratchMiB(input.maxUploadBytes, plan.scratch.extraMiB, name)) }),
      layers: plan.layers.map((layer) => input.layers[layer]),
      environment: this.environment(input, timeout),
      role: this.role,
      logGroup,
      ...(network === undefined ? {} : { vpc: network.vpc, vpcSubnets: network.subnets, securityGroups: [...network.securityGroups] }),
      // Active tracing costs little (the first 100,000 traces a month are free, then sampled) and shows cold starts and durations per invocation.
      tracing: Tracing.ACTIVE,
      // Asynchronous invocation (video-complete's retries and where its failed events go) is left to
      // whoever routes events to it: CDK allows one such configuration per function.
    });

    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]);
    this.allow(['sns:Publish'], [props.topic.topicArn]);
    this.grantMediaTable(props.mediaTable, plan.queriesMediaTable === true);
    if (feed?.idempotent === true) this.allow(IDEMPOTENCY_ACTIONS, [props.idempotencyTable.tableArn]);
    this.grantObjects(props.media, plan);
    if (network !== undefined) this.grantNetworkInterfaces();
    this.unscoped('X-Ray accepts trace segments and telemetry (xray:PutTraceSegments, xray:PutTelemetryRecords) only on "*"; active tracing adds them.');
    if (name === 'tagging') {
      this.allow(['rekognition:DetectLabels', 'rekognition:DetectModerationLabels'], ['*']);
      this.unscoped('Rekognition DetectLabels and DetectModerationLabels have no resource-level permissions: they act on the image sent, not on a resource of the account.');
    }

    if (pipelineQueue !== undefined && feed !== undefined) {
      this.fn.addEventSource(
        new SqsEventSource(pipelineQueue.queue, {
          batchSize: feed.batchSize,
          ...(feed.batchingWindow === undefined ? {} : { maxBatchingWindow: feed.batchingWindow }),
          // Only the records that threw go back to the queue (the handlers answer with batchItemFailures).
          reportBatchItemFailures: true,
          maxConcurrency: feed.maxConcurrency,
        }),
      );
    }
    this.acknowledgeWildcards();
  }

  private environment(input: MediaFunctionProps, timeout: Duration): Record<string, string> {
    const { props, feed, pipelineQueue } = input;
    const environment: Record<string, string> = {
      MEDIA_BUCKET: props.media.bucketName,
      MEDIA_TABLE: props.mediaTable.tableName,
      EVENTS_TOPIC_ARN: props.topic.topicArn,
      MEDIA_BASE_URL: props.mediaBaseUrl,
      NODE_OPTIONS: '--enable-source-maps',
    };
    if (feed?.idempotent === true) environment['IDEMPOTENCY_TABLE'] = props.idempotencyTable.tableName;
    // The handler fails the item on the last receive, before the queue dead-letters the message.
    if (pipelineQueue !== undefined) environment['MAX_RECEIVES'] = String(pipelineQueue.definition.maxReceives);
    // The upload limit is enforced where uploads start (api) and where their bytes are checked (ingest).
    if (props.maxUploadBytes !== undefined && (this.name === 'api' || this.name === 'ingest')) environment['MAX_UPLOAD_BYTES'] = String(props.maxUploadBytes);
    if (feed?.timeLimitVariable !== undefined) environment[feed.timeLimitVariable] = String(jobTimeLimitSeconds(timeout));
    if (input.plan.layers.includes('mediaTools')) {
      // Where the media-tools layer puts them; said here, next to the layer, rather than left to a default in the functions.
      environment['FFMPEG_PATH'] = '/opt/bin/ffmpeg';
      environment['FFPROBE_PATH'] = '/opt/bin/ffprobe';
    }
    if (this.name === 'tagging' && feed !== undefined) {
      environment['REKOGNITION_MAX_CONCURRENCY'] = String(Math.max(1, Math.floor(REKOGNITION_CALLS_IN_FLIGHT / feed.maxConcurrency)));
    }
    if (this.name === 'api' && props.cacheUrl !== undefined) environment['CACHE_URL'] = props.cacheUrl;
    return environment;
  }

  private grantMediaTable(table: ITableV2, queries: boolean): void {
    if (!queries) {
      this.allow(MEDIA_ITEM_ACTIONS, [table.tableArn]);
      return;
    }
    // Listing reads the owner's partition (Query) and a tag's index rows resolved with BatchGetItem;
    // the tag counts read the owner-tags index, named exactly rather than as `index/*`.
    this.allow([...MEDIA_ITEM_ACTIONS, 'dynamodb:BatchGetItem', 'dynamodb:Query'], [table.tableArn]);
    this.allow(['dynamodb:Query'], [`${table.tableArn}/index/${OWNER_TAGS_INDEX}`]);
  }

  private grantObjects(media: IBucket, plan: FunctionPlan): void {
    const scopes = [
      { prefix: ORIGINALS_PREFIX, access: plan.originals },
      { prefix: RENDITIONS_PREFIX, access: plan.renditions },
    ];
    for (const { prefix, access } of scopes) {
      if (access === undefined) continue;
      const resource = media.arnForObjects(`${prefix}*`);
      this.allow(access.actions, [resource]);
      this.wildcard(
        resource,
        `The ${this.name} function ${access.why}: ${access.actions.join(', ')} on ${prefix}*. Keys are ${prefix}{owner}/{id}${prefix === RENDITIONS_PREFIX ? '/{name}' : ''}, whose owner and item are known only per request, so the prefix is the narrowest scope known at deployment.`,
      );
    }
    if (plan.listsRenditions === true) {
      // ListObjectsV2 is authorized on the bucket; the condition keeps it to listings under renditions/.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:ListBucket'],
          resources: [media.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${RENDITIONS_PREFIX}*`] } },
        }),
      );
    }
  }

  /**
   * Lambda creates, reuses and removes the function's network interfaces in the VPC with the
   * function's own role, the actions of the AWS managed AWSLambdaVPCAccessExecutionRole (which
   * cdk-nag flags as a managed policy) granted here one by one. The function's code never calls EC2.
   */
  private grantNetworkInterfaces(): void {
    this.allow(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], ['*']);
    this.unscoped('EC2 DescribeNetworkInterfaces and DescribeSubnets have no resource-level permissions; Lambda calls them with the function\u2019s role to manage its VPC network interfaces.');
    // Lambda's guide asks for every resource of the account and region here: the interfaces' ids are
    // assigned by EC2, and a narrower DeleteNetworkInterface can leave the function unable to reach the VPC.
    const ec2Resources = Stack.of(this).formatArn({ service: 'ec2', resource: '*', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.allow(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], [ec2Resources]);
    this.wildcard(
      ec2Resources,
      `Lambda creates and deletes the ${this.name} function\u2019s network interfaces (and assigns their addresses) with its role; their ids are assigned by EC2 when created, and Lambda\u2019s documentation asks for all resources of the account and region rather than a guessed pattern, which can leave the function unable to reach the VPC.`,
    );
  }

  /** Settings and permissions to create MediaConvert jobs (video-submit). */
  submitJobsTo(mediaConvert: MediaConvertTarget): void {
    if (this.submitsJobs) throw new Error(`the ${this.name} function already submits jobs to MediaConvert`);
    this.submitsJobs = true;
    this.fn.addEnvironment('MEDIACONVERT_ROLE_ARN', mediaConvert.roleArn);
    this.fn.addEnvironment('MEDIACONVERT_QUEUE_ARN', mediaConvert.queueArn);
    // CreateJob is authorized on the job (whose id MediaConvert assigns) and on the queue it is sent to.
    const jobs = Stack.of(this).formatArn({ service: 'mediaconvert', resource: 'jobs', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.allow(['mediaconvert:CreateJob'], [jobs, mediaConvert.queueArn]);
    this.wildcard(jobs, 'mediaconvert:CreateJob requires the job resource, and a job\u2019s id is assigned by MediaConvert when it is created; the queue is named exactly in the same statement.');
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [mediaConvert.roleArn],
        // The job's role, handed to MediaConvert only.
        conditions: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
      }),
    );
    this.acknowledgeWildcards();
  }

  private allow(actions: readonly string[], resources: readonly string[]): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...actions], resources: [...resources] }));
  }

  private wildcard(resource: string, reason: string): void {
    const finding = `Resource::${nagResourceName(this, resource)}`;
    this.wildcardReasons.set(finding, [...(this.wildcardReasons.get(finding) ?? []), reason]);
  }

  private unscoped(reason: string): void {
    this.wildcard('*', reason);
  }

  /**
   * The IAM5 findings this role is known to cause, each acknowledged on the role with why it cannot
   * be narrower; reasons for the same resource are given together, once.
   */
  private acknowledgeWildcards(): void {
    for (const [finding, reasons] of this.wildcardReasons) {
      Validations.of(this.role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason: reasons.join(' ') });
    }
    this.wildcardReasons.clear();
  }
}

/** Lambda would let a message reappear while its function still runs on it; CloudFormation refuses that too late. */
function checkVisibility(pipelineQueue: PipelineQueue, timeout: Duration): void {
  const visibility = (pipelineQueue.queue.node.defaultChild as CfnQueue).visibilityTimeout;
  if (visibility !== undefined && !Token.isUnresolved(visibility) && visibility <= timeout.toSeconds()) {
    throw new Error(`the ${pipelineQueue.definition.name} queue hides a message for ${visibility} s, not longer than its consumer may run (${timeout.toSeconds()} s)`);
  }
}

/**
 * The job's own time limit: short of the function's timeout by a tenth (at least 5 s), so a slow
 * job ends with `TimeoutError` and has time to clean up and fail its item instead of being killed.
 */
function jobTimeLimitSeconds(timeout: Duration): number {
  const seconds = timeout.toSeconds();
  return seconds - Math.max(5, Math.ceil(seconds / 10));
}

/** /tmp for one original of the largest size accepted, and what the job writes beside it. */
function scratchMiB(maxUploadBytes: number, extraMiB: number, name: string): number {
  const needed = Math.ceil(maxUploadBytes / MIB) + extraMiB;
  if (needed > MAX_SCRATCH_MIB) {
    throw new Error(`the ${name} function copies originals to /tmp, which holds at most ${MAX_SCRATCH_MIB} MiB; ${needed} MiB would be needed for uploads of ${maxUploadBytes} bytes`);
  }
  return Math.max(MIN_SCRATCH_MIB, needed);
}

/**
 * A policy resource as cdk-nag names it in an IAM5 finding: the resolved ARN with `Fn::Join`
 * joined, `Fn::GetAtt` as `<LogicalId.Attribute>` and `Ref` as `<Name>`. The resources must be in
 * this construct's stack: across stacks they become imports, named otherwise.
 */
function nagResourceName(scope: Construct, arn: string): string {
  const name = (value: unknown): string => {
    if (value === undefined) return '';
    if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (typeof value === 'object' && value !== null) {
      const node = value as Record<string, unknown>;
      const join = node['Fn::Join'];
      if (Array.isArray(join)) {
        const [delimiter, parts] = join as [string, unknown[]];
        return parts.map(name).join(delimiter);
      }
      if ('Fn::Sub' in node) return name(node['Fn::Sub']);
      const getAtt = node['Fn::GetAtt'];
      if (Array.isArray(getAtt)) return `<${name(getAtt[0])}.${name(getAtt[1])}>`;
      if ('Fn::ImportValue' in node) return name(node['Fn::ImportValue']);
      if ('Ref' in node) return `<${name(node['Ref'])}>`;
    }
    return JSON.stringify(value);
  };
  return name(Stack.of(scope).resolve(arn));
}

function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
