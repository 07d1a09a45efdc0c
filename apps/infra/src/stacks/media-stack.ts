import { AspectPriority, Aspects, CfnOutput, Duration, Lazy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { QUEUE_CONSUMERS, stackLimits, type CapacityScale, type CloudFrontPricing, type CloudTagger, type CloudVideoTranscoder, type StackLimits } from '@mediaflow/cost-model';
import { archiveQueue, pipelineQueues } from '@mediaflow/workers';
import type { Construct } from 'constructs';
import type { MediaAssets } from '../assets.js';
import { CLOUD_CORES, CONSUMER_TIMEOUTS, DEFAULT_SCALE } from '../config.js';
import { MediaAuth } from '../constructs/auth.js';
import { MediaBudget, type BudgetSettings } from '../constructs/budget.js';
import { MediaCache } from '../constructs/cache.js';
import { MediaCompute } from '../constructs/compute.js';
import { MediaData } from '../constructs/data.js';
import { MediaDelivery } from '../constructs/delivery.js';
import { EdgePlan } from '../constructs/edge-plan.js';
import { MediaEvents } from '../constructs/events.js';
import { MediaHttpApi } from '../constructs/http-api.js';
import { MEDIA_SIGNING_HANDLER, MediaSigning } from '../constructs/media-signing.js';
import { MediaObservability } from '../constructs/observability.js';
import { OriginSecret } from '../constructs/origin-secret.js';
import type { DeliveryDomain } from '../constructs/site-domain.js';
import { MediaStorage } from '../constructs/storage.js';
import { MediaTranscoding } from '../constructs/transcoding.js';
import { LogRetention } from '../log-retention.js';

export interface MediaStackProps extends StackProps {
  /** Stage name (`dev`, `prod`, ...): part of every resource's name and tag. */
  readonly stage: string;
  /** Function bundles, layers and the gallery build (`workspaceAssets()`). */
  readonly assets: MediaAssets;
  /** Serve the gallery at this name instead of the distribution's generated one. */
  readonly domain?: DeliveryDomain;
  /**
   * Another origin a gallery runs on (the dev server, `http://localhost:4200`): it may sign in,
   * call the API across origins and upload to the bucket.
   */
  readonly extraGalleryOrigin?: string;
  /** Whether tagging is part of the pipeline (default true). */
  readonly tagging?: boolean;
  /**
   * What tags the pictures (`-c tagger=...`): the on-device models in the tagging function (the
   * default, with the `tagger-models` layer) or Rekognition (its grants, and its rate shared out).
   */
  readonly tagger?: CloudTagger;
  /**
   * Who transcodes video (`-c videoTranscoder=...`): the video function's ffmpeg ladder with
   * MediaConvert for long videos (the default), or MediaConvert for every video.
   */
  readonly videoTranscoder?: CloudVideoTranscoder;
  /** Where alarms are e-mailed; none subscribes nobody (the alarm topic still exists). */
  readonly alarmEmail?: string;
  /**
   * A Valkey serverless cache for the API, with the VPC the API function then runs in (default
   * false). It has a fixed monthly cost; docs/deploy.md ("Optional cache") says when it pays.
   */
  readonly cache?: boolean;
  /**
   * The demand the stage's limits are sized for (`-c scale=month36`, or a number of daily users):
   * each queue consumer's maximum concurrency, the HTTP API's throttle and one caller's limit, from
   * the capacity plan `mediaflow cost --capacity` prints, with alarms at 80% of each. Default month 0.
   */
  readonly scale?: CapacityScale;
  /** The busiest rate over the day's average that the limits are planned for (`-c peakFactor=...`); the model's (4) by default. */
  readonly peakFactor?: number;
  /** CloudFront's edge locations (default `PriceClass_100`, the ones docs/cost.md prices). */
  readonly priceClass?: PriceClass;
  /**
   * A WAFv2 web ACL (scope CLOUDFRONT) to put in front of the distribution. Without one, a stage on
   * a flat-rate plan gets its own (`EdgePlan`), a stage paying by usage none.
   */
  readonly webAclArn?: string;
  /** What each user may store (`STORAGE_QUOTA_BYTES` of the api function); no quota unless given. */
  readonly storageQuotaBytes?: number;
  /**
   * How the distribution is paid for (`-c cloudFrontPlan=...`): by default the flat-rate plan the
   * capacity plan chooses for the scale (`mediaflow cost --capacity`), Business at month 0.
   */
  readonly cloudFrontPlan?: CloudFrontPricing;
  /** A monthly cost budget that e-mails as spend nears it (`MediaBudget`); none by default. */
  readonly budget?: BudgetSettings;
  /**
   * The newest media table index to declare (`-c tableIndexesUpTo=GSI2`): a table deployed before
   * several indexes were added gains one per deployment (`MediaData`). All of them by default.
   */
  readonly tableIndexesUpTo?: string;
}

/** Stages whose data outlives the stack: deleting them must never delete media or accounts. */
const RETAINED_STAGES: ReadonlySet<string> = new Set(['prod']);

/**
 * One stage of Mediaflow: only composition, every rule lives in the constructs. The order follows
 * the references: functions need the distribution's URL (renditions' base URL), the distribution
 * needs the API's host name, and sign-in URLs are handed back to Cognito once the distribution
 * exists (`allowSignInFrom`), which keeps the graph free of cycles.
 */
export class MediaStack extends Stack {
  readonly storage: MediaStorage;
  readonly data: MediaData;
  readonly events: MediaEvents;
  /** Present only when the stack was asked for a cache. */
  readonly cache: MediaCache | undefined;
  readonly compute: MediaCompute;
  readonly auth: MediaAuth;
  readonly api: MediaHttpApi;
  readonly delivery: MediaDelivery;
  /** The key `/media/*` checks signed cookies with, and the secret the api function signs them from. */
  readonly mediaSigning: MediaSigning;
  readonly transcoding: MediaTranscoding;
  readonly observability: MediaObservability;
  /** Present only when the stack was given a budget. */
  readonly budget: MediaBudget | undefined;
  /** Present only when the distribution is on a CloudFront flat-rate plan. */
  readonly edgePlan: EdgePlan | undefined;
  /** What the stage was sized for: the capacity plan's limits at its scale. */
  readonly limits: StackLimits;

  constructor(scope: Construct, id: string, props: MediaStackProps) {
    super(scope, id, props);
    const retain = RETAINED_STAGES.has(props.stage);
    const tagger = props.tagger ?? 'on-device';
    const videoTranscoder = props.videoTranscoder ?? 'lambda';
    this.limits = stackLimits(props.scale ?? DEFAULT_SCALE, { tagger, videoTranscoder, ...(props.peakFactor === undefined ? {} : { peakToAverage: props.peakFactor }) });
    Tags.of(this).add('mediaflow:stage', props.stage);
    // Every log group of the stage expires; constructs with a logRetention of their own apply theirs over it.
    Aspects.of(this).add(new LogRetention(), { priority: AspectPriority.MUTATING });

    const customOrigin = props.domain === undefined ? undefined : `https://${props.domain.domainName}`;
    const knownOrigins = [customOrigin, props.extraGalleryOrigin].filter((origin): origin is string => origin !== undefined);

    // The generated distribution domain cannot be named in the bucket's CORS rules (the
    // distribution reads from the bucket); presigned URLs carry the authority either way.
    this.storage = new MediaStorage(this, 'Storage', { uploadOrigins: customOrigin === undefined ? ['*'] : knownOrigins, retain });
    const media = this.storage.media as IBucket;
    this.data = new MediaData(this, 'Data', { retain, ...(props.tableIndexesUpTo === undefined ? {} : { indexesUpTo: props.tableIndexesUpTo }) });
    // The pipeline's queues, and the cloud's own queue of zips to build (locally they are streamed).
    const queues = [...pipelineQueues(CLOUD_CORES, undefined, { tagging: props.tagging ?? true }), archiveQueue()];
    this.events = new MediaEvents(this, 'Events', { queues, consumerTimeouts: CONSUMER_TIMEOUTS, media: this.storage.media });

    // The cache and its VPC depend on nothing else here, and the API function needs both.
    this.cache = props.cache === true ? new MediaCache(this, 'Cache', { name: `mediaflow-${props.stage.toLowerCase()}` }) : undefined;

    // What CloudFront sends the API and the api function asks for: the execute-api endpoint answers only through the distribution.
    const apiOriginSecret = new OriginSecret(this, 'ApiOriginSecret');
    // The key /media/* checks signed cookies with; the api function signs them.
    this.mediaSigning = new MediaSigning(this, 'MediaSigning', { handlerCode: props.assets.functionCode(MEDIA_SIGNING_HANDLER) });

    // The functions come before the distribution that fronts the API; the renditions' base URL
    // reaches them as a token resolved once the distribution exists.
    this.compute = new MediaCompute(this, 'Compute', {
      code: (name) => props.assets.functionCode(name),
      layers: props.assets.layers,
      media,
      mediaTable: this.data.mediaTable as ITableV2,
      idempotencyTable: this.data.idempotencyTable as ITableV2,
      topic: this.events.topic,
      queues: this.events.queues,
      mediaBaseUrl: Lazy.string({ produce: () => this.delivery.mediaBaseUrl }),
      consumerTimeouts: CONSUMER_TIMEOUTS,
      maxConcurrency: this.limits.maxConcurrency,
      tagger,
      videoTranscoder,
      callerRateLimit: this.limits.perCaller,
      ...(props.storageQuotaBytes === undefined ? {} : { storageQuotaBytes: props.storageQuotaBytes }),
      apiOriginSecret: apiOriginSecret.value,
      mediaSigning: { keyId: this.mediaSigning.keyId, secretArn: this.mediaSigning.secret.secretArn },
      ...(this.cache === undefined ? {} : { apiNetwork: this.cache.apiNetwork, cacheUrl: this.cache.cacheUrl }),
    });

    this.auth = new MediaAuth(this, 'Api', {
      retain,
      domainPrefix: `mediaflow-${props.stage}`,
      signInUrls: knownOrigins.map((origin) => `${origin}/`),
    });
    // The user pool and the HTTP API were one construct, `Api`. The HTTP API sits in the auth's
    // scope under `Default`, an id CDK leaves out of logical IDs, so both keep the logical IDs (and
    // a deployed stage its user pool and API) they had then.
    this.api = new MediaHttpApi(this.auth, 'Default', {
      handler: this.compute.api,
      tokens: this.auth,
      // Same origin through CloudFront; only a gallery served elsewhere needs CORS.
      allowedOrigins: props.extraGalleryOrigin === undefined ? [] : [props.extraGalleryOrigin],
      throttle: this.limits.api,
      retain,
    });

    const signIn = this.auth.gallerySignIn;
    const cloudFrontPricing = props.cloudFrontPlan ?? this.limits.cloudFrontPricing;
    this.edgePlan =
      cloudFrontPricing === 'PAY_AS_YOU_GO'
        ? undefined
        : new EdgePlan(this, 'EdgePlan', {
            name: `mediaflow-${props.stage.toLowerCase()}`,
            tier: cloudFrontPricing,
            perCallerPerSecond: this.limits.perCaller.perSecond,
            ...(props.webAclArn === undefined ? {} : { webAclArn: props.webAclArn }),
          });
    const webAclArn = this.edgePlan?.webAclArn ?? props.webAclArn;
    this.delivery = new MediaDelivery(this, 'Delivery', {
      media,
      accessLogs: this.storage.accessLogs as IBucket,
      apiDomainName: this.api.apiDomainName,
      apiOriginSecret,
      trustedKeyGroups: [this.mediaSigning.keyGroup],
      authOrigin: signIn.domain,
      gallery: {
        source: props.assets.gallery,
        config: (siteUrl) => ({ auth: { ...signIn, scopes: [...signIn.scopes], redirectUri: `${siteUrl}/`, logoutUri: `${siteUrl}/` } }),
      },
      retain,
      ...(props.domain === undefined ? {} : { domain: props.domain }),
      ...(props.priceClass === undefined ? {} : { priceClass: props.priceClass }),
      ...(webAclArn === undefined ? {} : { webAclArn }),
    });
    this.edgePlan?.subscribe(this.delivery.distribution);
    this.compute.useEdgeCache(this.delivery.distribution);
    this.compute.useUserPool(this.auth.userPool);
    if (customOrigin === undefined) this.auth.allowSignInFrom([`${this.delivery.siteUrl}/`]);

    this.transcoding = new MediaTranscoding(this, 'Transcoding', { media, onJobStateChange: this.compute.videoComplete });
    this.compute.useMediaConvert({ roleArn: this.transcoding.role.roleArn, queueArn: this.transcoding.queueArn });

    this.observability = new MediaObservability(this, 'Observability', {
      stage: props.stage,
      functions: this.compute.functions,
      schedules: this.compute.schedules,
      queues: this.events.queues,
      deadLetterQueues: new Map([['mediaconvert-events-dlq', this.transcoding.deadLetterQueue]]),
      // A video's message stays in the queue while its function works on it: up to the 15-minute
      // timeout when the ladder runs in the function, so twice that means videos are stuck; when
      // the function only probes and submits to MediaConvert, 15 minutes already does.
      maxMessageAge: { video: Duration.minutes(videoTranscoder === 'lambda' ? 30 : 15) },
      table: this.data.mediaTable as ITableV2,
      httpApi: this.api.httpApi as IHttpApi,
      mediaConvertQueueArn: this.transcoding.queueArn,
      // A stage without tagging has no tagging function to alarm on, though its limit is planned.
      limits: {
        concurrency: new Map(QUEUE_CONSUMERS.filter((name) => this.compute.functions.has(name)).map((name) => [name, this.limits.maxConcurrency[name]])),
        apiRequestsPerSecond: this.limits.api.rateLimit,
      },
      ...(props.alarmEmail === undefined ? {} : { alarmEmail: props.alarmEmail }),
    });
    this.budget = props.budget === undefined ? undefined : new MediaBudget(this, 'Budget', { name: `mediaflow-${props.stage}`, ...props.budget });

    new CfnOutput(this, 'GalleryUrl', { value: this.delivery.siteUrl, description: 'Open this to use Mediaflow' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId, description: 'Create users here (docs/deploy.md, "The first user")' });
    new CfnOutput(this, 'ApiEndpoint', { value: `${this.delivery.siteUrl}/api/v1`, description: 'The REST API, behind the same distribution' });
    new CfnOutput(this, 'MediaBucket', { value: this.storage.media.bucketName });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }
}
