import { z } from 'zod';
import { InvalidAssumptionsError } from './errors.js';
import { LAMBDA_FFMPEG } from './lambda-ffmpeg.js';
import { ON_DEVICE_TAGGER, ON_DEVICE_TEXT_READER } from './on-device-tagger.js';
import { DEFAULT_ORIGINALS_POLICY, ORIGINALS_POLICIES } from './storage-rules.js';

const ratio = () => z.number().min(0).max(1);

/** The choices that distinguish one deployment from another, priced against the same workload. */
export const ArchitectureSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  api: z.enum(['rest', 'http']),
  /** The API is served under the CloudFront distribution (`/api/*`), so its requests pass CloudFront. */
  apiBehindCloudFront: z.boolean(),
  lambdaArch: z.enum(['x86', 'arm64']),
  search: z.enum(['opensearch', 'dynamodb-tags']),
  hosting: z.enum(['amplify', 'cloudfront-s3']),
  mediaDelivery: z.enum(['s3-presigned', 'cloudfront']),
  /** Share of CloudFront media requests served from the edge cache (renditions are immutable). */
  cdnCacheHitRatio: ratio(),
  /** Share of repeat views served from the browser cache: needs stable URLs, which presigned URLs are not. */
  browserCacheHitRatio: ratio(),
  /** Where originals go as they age (`ORIGINALS_STORAGE_RULES`). */
  originalsStorage: z.enum(ORIGINALS_POLICIES),
  mediaconvertTier: z.enum(['basic', 'professional']),
  videoTagging: z.enum(['sampled-frames', 'rekognition-video']),
  cache: z.enum(['none', 'elasticache-redis', 'elasticache-valkey']),
  cacheMiBPerDau: z.number().nonnegative(),
  cacheEcpuPerApiCall: z.number().nonnegative(),
  cognitoPlan: z.enum(['lite', 'essentials']),
  /** Log group retention; "never expire" is modelled as the data retention. */
  logRetentionMonths: z.number().int().positive(),
  /** Queues with a Lambda event source polling them (DLQs are not polled). */
  polledQueues: z.number().int().nonnegative(),
  /** Send + receive + delete, no batching (conservative). */
  sqsRequestsPerMessage: z.number().nonnegative(),
  openSearchDataNodesMin: z.number().int().nonnegative(),
  openSearchMasterNodes: z.number().int().nonnegative(),
  openSearchReplicas: z.number().int().nonnegative(),
  openSearchMinGiBPerNode: z.number().nonnegative(),
  openSearchMaxGiBPerNode: z.number().positive(),
  route53BilledQueryShare: ratio(),
  customMetrics: z.number().int().nonnegative(),
  alarms: z.number().int().nonnegative(),
  dashboards: z.number().int().nonnegative(),
  amplifyBuildMinutes: z.number().nonnegative(),
  /**
   * How the distribution is paid for: by usage, or with the cheapest CloudFront flat-rate plan
   * whose allowances the month stays well within, when that is cheaper (`cloudfront-plans.ts`).
   */
  cloudFrontPricing: z.enum(['pay-as-you-go', 'cheapest-plan']).default('pay-as-you-go'),
  /**
   * Who transcodes video: MediaConvert (the brief's design), or the project's ffmpeg ladder in the
   * video function (`lambda-ffmpeg`, Mediaflow's default), which hands videos longer than
   * `ffmpegMaxVideoSeconds` to MediaConvert. Its time per second of video and memory are measured
   * (`LAMBDA_FFMPEG`: `node tools/bench/video/run.mjs`, 2026-12-07): 1.26 s per second of video on
   * two vCPUs, in a 3,538 MB function.
   */
  videoTranscoder: z.enum(['mediaconvert', 'lambda-ffmpeg']).default('mediaconvert'),
  ffmpegSecondsPerVideoSecond: z.number().nonnegative().default(LAMBDA_FFMPEG.secondsPerVideoSecond * LAMBDA_FFMPEG.coreSlowdown),
  ffmpegMiB: z.number().positive().default(LAMBDA_FFMPEG.memoryMb),
  ffmpegMaxVideoSeconds: z.number().positive().default(LAMBDA_FFMPEG.maxPlacedSeconds),
  /**
   * Who tags: Rekognition (the brief's design), or the on-device tagger in the tagging function
   * (`lambda-model`, Mediaflow's default). Its time per frame and memory are measured
   * (`ON_DEVICE_TAGGER`: `node tools/bench/tagging/run.mjs --setups default --rounds 3 --one-core`,
   * 2026-12-07): 220 ms median per image on one core plus about 70 ms of S3 and DynamoDB work, in a
   * 1,769 MB function (one vCPU). The per-container model load (about 1.5 s) is amortised, not priced.
   */
  tagger: z.enum(['rekognition', 'lambda-model']).default('rekognition'),
  modelMsPerImage: z.number().nonnegative().default(ON_DEVICE_TAGGER.billedMsPerImage),
  modelMiB: z.number().positive().default(ON_DEVICE_TAGGER.lambdaMiB),
  /**
   * Faces counted on every tagged frame: with Rekognition a third call per frame (`DetectFaces`);
   * on-device the same model pass gives them, at no extra time. The brief priced labels and
   * moderation only.
   */
  faces: z.boolean().default(false),
  /**
   * The text step: the print gate on every picture and a read of those it lets through (`textShare`)
   * in the tagging function, on its own queue; with Rekognition a read is a `DetectText` call, on-device
   * `textReadMs` of the function (`ON_DEVICE_TEXT_READER`, measured). Not in the brief's design.
   */
  readText: z.boolean().default(false),
  textReadMs: z.number().nonnegative().default(ON_DEVICE_TEXT_READER.readMsPerImage),
});

export type Architecture = z.infer<typeof ArchitectureSchema>;

/**
 * The design the original brief priced at about $10.8k/month: REST API, an always-on OpenSearch
 * cluster for tag search, Amplify Hosting, MediaConvert with the AWS VOD solution's multi-pass
 * templates (Professional tier), Rekognition, ElastiCache, x86 Lambda, media through presigned S3 URLs.
 */
export const BASELINE: Architecture = ArchitectureSchema.parse({
  id: 'baseline',
  label: 'Baseline (brief)',
  api: 'rest',
  apiBehindCloudFront: false,
  lambdaArch: 'x86',
  search: 'opensearch',
  hosting: 'amplify',
  mediaDelivery: 's3-presigned',
  cdnCacheHitRatio: 0,
  browserCacheHitRatio: 0,
  originalsStorage: 'standard',
  mediaconvertTier: 'professional',
  videoTagging: 'sampled-frames',
  cache: 'elasticache-redis',
  cacheMiBPerDau: 0.05,
  cacheEcpuPerApiCall: 2,
  cognitoPlan: 'essentials',
  logRetentionMonths: 36,
  polledQueues: 5,
  sqsRequestsPerMessage: 3,
  openSearchDataNodesMin: 3,
  openSearchMasterNodes: 3,
  openSearchReplicas: 1,
  openSearchMinGiBPerNode: 100,
  openSearchMaxGiBPerNode: 500,
  route53BilledQueryShare: 0.5,
  customMetrics: 30,
  alarms: 20,
  dashboards: 1,
  amplifyBuildMinutes: 180,
});

/**
 * Mediaflow's design (DESIGN.md): HTTP API behind CloudFront, tags as DynamoDB items (no search
 * cluster), arm64 Lambda, originals in the storage class the model finds cheapest for how they are
 * read (`DEFAULT_ORIGINALS_POLICY`), renditions cached by CloudFront and browsers (immutable URLs),
 * MediaConvert restricted to Basic-tier features, no cache cluster, Cognito Lite, 30-day log
 * retention, the on-device tagger in Lambda rather than Rekognition (the stack's default; a
 * stage may choose Rekognition with `-c tagger=rekognition`), and video transcoded by the ffmpeg
 * ladder in the video function, MediaConvert only for long videos (`-c videoTranscoder=mediaconvert`
 * makes it MediaConvert for all).
 */
export const MEDIAFLOW: Architecture = ArchitectureSchema.parse({
  ...BASELINE,
  id: 'mediaflow',
  label: 'Mediaflow',
  api: 'http',
  apiBehindCloudFront: true,
  lambdaArch: 'arm64',
  search: 'dynamodb-tags',
  hosting: 'cloudfront-s3',
  mediaDelivery: 'cloudfront',
  cdnCacheHitRatio: 0.6,
  browserCacheHitRatio: 0.4,
  originalsStorage: DEFAULT_ORIGINALS_POLICY,
  mediaconvertTier: 'basic',
  cache: 'none',
  cognitoPlan: 'lite',
  logRetentionMonths: 1,
  polledQueues: 7,
  videoTranscoder: 'lambda-ffmpeg',
  cloudFrontPricing: 'cheapest-plan',
  tagger: 'lambda-model',
  modelMsPerImage: ON_DEVICE_TAGGER.billedMsPerImage,
  modelMiB: ON_DEVICE_TAGGER.lambdaMiB,
  faces: true,
  readText: true,
  openSearchDataNodesMin: 0,
  openSearchMasterNodes: 0,
  route53BilledQueryShare: 0,
  amplifyBuildMinutes: 0,
});

/** Parses an architecture (e.g. a variant of {@link MEDIAFLOW} with one choice changed). */
export function parseArchitecture(input: unknown): Architecture {
  const result = ArchitectureSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidAssumptionsError(`invalid architecture: ${result.error.message}`, { cause: result.error });
  }
  return result.data;
}
