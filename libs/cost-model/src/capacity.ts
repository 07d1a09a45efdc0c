import { z } from 'zod';
import { MEDIAFLOW } from './architectures.js';
import { chooseCloudFrontPricing, type CloudFrontPricing, type CloudFrontPricingChoice, type CloudFrontUsage } from './cloudfront-plans.js';
import { InvalidAssumptionsError } from './errors.js';
import { LAMBDA_FFMPEG } from './lambda-ffmpeg.js';
import { ON_DEVICE_TAGGER } from './on-device-tagger.js';
import { cloudFrontUsage } from './pricing.js';
import { growthMultiplier } from './projection.js';
import { deriveWorkload, parseWorkload, type Workload } from './workload.js';

/**
 * How much concurrency and request rate the workload needs at peak, function by function, and the
 * limits a stage should be deployed with for it. Pure: the same numbers feed `mediaflow cost
 * --capacity` and the stack (`-c scale=...`), so the two cannot drift apart.
 *
 * Each function's work arrives at an average rate (the workload's monthly count spread over the
 * month's seconds), the busiest minutes carry {@link CapacityOptions.peakToAverage} times that, and
 * by Little's law the instances busy at once are the peak rate times the time one event takes.
 * Batching is ignored (each record is counted for its whole duration, as if records of a batch ran
 * one after the other), so the figures are an upper bound for the batched consumers.
 */

/** The functions of `apps/lambdas`, by the names the stack deploys them under. */
export const CAPACITY_FUNCTIONS = ['api', 'ingest', 'image', 'document', 'audio', 'tagging', 'video', 'video-complete', 'trash-purge', 'archive'] as const;
export type CapacityFunctionName = (typeof CAPACITY_FUNCTIONS)[number];

/** The functions an SQS event source feeds: their limit is the event source's maximum concurrency. */
export const QUEUE_CONSUMERS = ['ingest', 'image', 'document', 'audio', 'tagging', 'video', 'archive'] as const satisfies readonly CapacityFunctionName[];
export type QueueConsumerName = (typeof QUEUE_CONSUMERS)[number];

/** What Lambda accepts as an SQS event source's maximum concurrency. */
export const EVENT_SOURCE_CONCURRENCY = { min: 2, max: 1000 } as const;

/**
 * Alarms fire at this share of a limit. The default headroom is its inverse, so a limit's alarm
 * fires exactly when the modelled peak is reached: demand has outgrown the model before it hits the limit.
 */
export const ALARM_SHARE = 0.8;

/** The stage's burst is this many seconds of its steady rate (API Gateway's default pairs 10,000/s with 5,000, we allow more). */
export const API_BURST_SECONDS = 2;

const SECONDS_PER_DAY = 86_400;

/**
 * What tags the pictures in the cloud: the on-device models in the tagging function (the default),
 * or Rekognition (`-c tagger=rekognition`).
 */
export const CLOUD_TAGGERS = ['on-device', 'rekognition'] as const;
export type CloudTagger = (typeof CLOUD_TAGGERS)[number];

/**
 * Who transcodes video in the cloud: the video function's own ffmpeg ladder, MediaConvert for the
 * long videos (`lambda`, the default), or MediaConvert for all (`-c videoTranscoder=mediaconvert`).
 */
export const CLOUD_VIDEO_TRANSCODERS = ['lambda', 'mediaconvert'] as const;
export type CloudVideoTranscoder = (typeof CLOUD_VIDEO_TRANSCODERS)[number];

export const CapacityOptionsSchema = z.object({
  /**
   * The tagger the tagging function runs. On-device, its instances are bounded by nothing but the
   * demand (each runs the models on its own vCPU); with Rekognition, by the quota shared between them.
   */
  tagger: z.enum(CLOUD_TAGGERS).default('on-device'),
  /** The on-device tagger's time per picture in a tagging invocation (measured: `ON_DEVICE_TAGGER`). */
  onDeviceMsPerImage: z.number().positive().default(ON_DEVICE_TAGGER.billedMsPerImage),
  /**
   * Who transcodes video. With `lambda`, a video function instance works on one video for the
   * ladder's time (`LAMBDA_FFMPEG`: seconds per second of video × the workload's duration) when the
   * video is short enough for it; otherwise only for the probe and the MediaConvert job (videoJobMs).
   */
  videoTranscoder: z.enum(CLOUD_VIDEO_TRANSCODERS).default('lambda'),
  /** The ladder's wall seconds per second of video in the video function (measured: `LAMBDA_FFMPEG`). */
  ffmpegSecondsPerVideoSecond: z.number().positive().default(LAMBDA_FFMPEG.secondsPerVideoSecond * LAMBDA_FFMPEG.coreSlowdown),
  /**
   * The busiest minutes' rate over the day's average. A personal media app's traffic follows its
   * users' evenings (most uploads and viewing in a few hours, little at night), so about 2-3x the
   * average for the busiest hour; 4 leaves room for bursts inside that hour. An assumption: measure
   * it (the API's Count metric, the queues' NumberOfMessagesSent) and pass what you see.
   */
  peakToAverage: z.number().min(1).max(100).default(4),
  /** Limits are the modelled peak times this; 1.25 = 1 / {@link ALARM_SHARE}. */
  headroom: z.number().min(1).max(10).default(1 / ALARM_SHARE),
  /** Demand doubles every this many months (the projection's default). */
  doublingMonths: z.number().positive().default(6),
  /**
   * One caller's API requests: a steady rate and a burst. A gallery page costs a few calls and an
   * upload two or three (start, complete, a status read), so a burst of 200 admits a person dropping
   * a folder of 60 photos at once, and 20 a second caps a script well below the stage's own rate.
   */
  perCallerPerSecond: z.number().positive().max(10_000).default(20),
  perCallerBurst: z.number().int().min(1).max(10_000).default(200),
  /**
   * Rekognition's default quota for each of DetectLabels, DetectModerationLabels, DetectFaces and
   * DetectText in most regions, in transactions per second; the tagging function keeps at most this
   * many tagging calls in flight (its text feed as many again, one DetectText each).
   * Raise it with a quota increase first.
   */
  rekognitionTps: z.number().int().min(1).max(10_000).default(5),
  /** The limit of consumers the workload gives no rate for (audio and documents are not in it yet). */
  unmodelledConcurrency: z.number().int().min(EVENT_SOURCE_CONCURRENCY.min).max(EVENT_SOURCE_CONCURRENCY.max).default(5),
  /** Lambda's concurrent executions quota per account and region; new accounts may have less. Raise it on request. */
  accountConcurrency: z.number().int().positive().default(1000),
  /**
   * Share of the day's active users who ask for a zip (a selection, or an export of the library)
   * that day. No usage data yet: 1% is an assumption (an export is rare; a download of an event's
   * photos a few times a year per user). `mediaflow cost --capacity` shows what it gives.
   */
  archiveShareOfUsers: z.number().min(0).max(1).default(0.01),
  /** A zip's size (MiB): about 50 photos and a few short clips. An assumption, as is the share. */
  archiveMiB: z.number().positive().default(200),
  /**
   * How fast the archive function copies a zip, S3 to S3, in MiB a second: one stream read and
   * uploaded in parts, with its CRC-32 and SHA-256, on one vCPU. Assumed, not measured in Lambda.
   */
  archiveMiBPerSecond: z.number().positive().default(50),
  /** An archive's fixed time (ms): its records, the plan (one read per item, a HEAD per file), the upload's completion. */
  archiveOverheadMs: z.number().nonnegative().default(1000),
  /** How often the trash's purge runs (its EventBridge schedule), in seconds. */
  purgeEverySeconds: z.number().positive().default(3600),
  /**
   * A purge run that finds nothing due (ms): a Query of each day of the look-back (91: the 90 days
   * of the DynamoDB adapter's `PURGE_LOOKBACK_DAYS` and the cut-off's own), one after another at
   * about 20 ms, on a warm or cold function. Items due add `purgeItemMs` each; the workload deletes
   * nothing by default (`deletedShare`), so a run costs this.
   */
  purgeRunMs: z.number().nonnegative().default(2000),
  /** One item deleted for good by the purge (ms): a few DynamoDB writes, the S3 listing and delete of its versions, an invalidation, an SNS publish. */
  purgeItemMs: z.number().nonnegative().default(150),
});
export type CapacityOptions = z.infer<typeof CapacityOptionsSchema>;
export type CapacityOptionsInput = z.input<typeof CapacityOptionsSchema>;

/** A month of the projection (demand × 2^(month / doublingMonths)), or a number of daily active users. */
export type CapacityScale = { readonly month: number } | { readonly dau: number };

/** Months the capacity table covers by default: today and the end of the 36-month projection. */
export const CAPACITY_MONTHS: readonly number[] = [0, 36];

/** One function at one scale. */
export interface FunctionCapacity {
  readonly name: CapacityFunctionName;
  /** What invokes it: API Gateway, an SQS event source, EventBridge (asynchronous), or an EventBridge schedule. */
  readonly trigger: 'http' | 'queue' | 'eventbridge' | 'schedule';
  /** Events a second over the day; undefined when the workload has no rate for this function. */
  readonly averagePerSecond?: number;
  readonly peakPerSecond?: number;
  /** Time one event takes, ms (the workload's assumption). */
  readonly durationMs?: number;
  /** Instances busy at the peak: peak rate × duration. */
  readonly peakConcurrency?: number;
  /** The maximum concurrency the stack gives its event source (a scheduled function: its reserved concurrency); undefined where it sets none. */
  readonly limit?: number;
  /** Where the rate, duration and limit come from, and which bound, if any, capped the limit. */
  readonly basis: string;
}

/** The HTTP API at one scale: requests a second, and the stage throttle that follows. */
export interface ApiCapacity {
  readonly averagePerSecond: number;
  readonly peakPerSecond: number;
  /** The stage's steady requests a second: peak × headroom, never below one caller's own rate. */
  readonly rateLimit: number;
  /** The stage's burst: {@link API_BURST_SECONDS} of its rate, never below one caller's burst. */
  readonly burstLimit: number;
}

/** One caller's share: what the API function itself admits per owner, with shared state. */
export interface CallerLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** Peak demand and the stack's limits at one scale. */
export interface CapacityPlan {
  /** "month 0", "month 36", "250,000 DAU". */
  readonly label: string;
  readonly month?: number;
  readonly dau: number;
  readonly options: CapacityOptions;
  readonly functions: readonly FunctionCapacity[];
  readonly api: ApiCapacity;
  readonly perCaller: CallerLimit;
  /** DetectLabels, DetectModerationLabels, DetectFaces and DetectText calls a second at the peak, against the quota (none with the on-device tagger). */
  readonly rekognition: { readonly peakCallsPerSecond: number; readonly quota: number };
  /** Sum of every function's peak concurrency, against the account's quota. */
  readonly totalPeakConcurrency: number;
  /**
   * The distribution's month at this scale and how it is cheapest paid for: a flat-rate plan the
   * month stays well within, or pay-as-you-go (`chooseCloudFrontPricing`). The stack subscribes to
   * the plan.
   */
  readonly cloudFront: CloudFrontUsage & CloudFrontPricingChoice;
}

/** What the stack is deployed with for a scale: the subset of {@link CapacityPlan} it reads. */
export interface StackLimits {
  readonly label: string;
  /** Maximum concurrency of each queue consumer's event source. */
  readonly maxConcurrency: Readonly<Record<QueueConsumerName, number>>;
  /** The HTTP API stage's default throttle. */
  readonly api: { readonly rateLimit: number; readonly burstLimit: number };
  readonly perCaller: CallerLimit;
  /** The CloudFront flat-rate plan the stage subscribes to, or pay-as-you-go. */
  readonly cloudFrontPricing: CloudFrontPricing;
}

/**
 * Parses options, filling defaults.
 * @throws InvalidAssumptionsError naming every bad field
 */
export function parseCapacityOptions(input: unknown = {}): CapacityOptions {
  const result = CapacityOptionsSchema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidAssumptionsError(`invalid capacity options: ${detail}`, { cause: result.error });
  }
  return result.data;
}

/**
 * Reads a scale as the stack's context gives it: `month<N>` (0-120) or a whole number of daily
 * active users.
 *
 * @throws InvalidAssumptionsError for anything else
 * @example parseCapacityScale('month36') // { month: 36 }
 * @example parseCapacityScale('250000') // { dau: 250000 }
 */
export function parseCapacityScale(raw: string): CapacityScale {
  const text = raw.trim();
  const month = /^month(\d{1,3})$/.exec(text);
  if (month?.[1] !== undefined && Number(month[1]) <= 120) return { month: Number(month[1]) };
  if (/^\d{1,9}$/.test(text) && Number(text) > 0) return { dau: Number(text) };
  throw new InvalidAssumptionsError(`a scale is month0 to month120 or a whole number of daily active users, not "${raw}"`);
}

/** Rounds up, ignoring floating-point noise (13.000000000002 is 13). */
function ceil(value: number): number {
  return Math.ceil(Number(value.toPrecision(12)));
}

function clampConsumer(needed: number): { limit: number; capped?: string } {
  if (needed > EVENT_SOURCE_CONCURRENCY.max) return { limit: EVENT_SOURCE_CONCURRENCY.max, capped: `capped at ${EVENT_SOURCE_CONCURRENCY.max}, the most Lambda allows an event source` };
  return { limit: Math.max(EVENT_SOURCE_CONCURRENCY.min, needed) };
}

/**
 * Peak demand and limits of every function and of the API at one scale.
 *
 * @throws InvalidAssumptionsError for a malformed scale or options
 * @example
 * const plan = planCapacity(parseWorkload(), { month: 36 });
 * plan.functions.find((f) => f.name === 'image')?.peakConcurrency // ≈ 889 at 5 s an image
 */
export function planCapacity(workload: Workload, scale: CapacityScale, optionsInput: CapacityOptionsInput = {}): CapacityPlan {
  const options = parseCapacityOptions(optionsInput);
  let dau: number;
  let label: string;
  let month: number | undefined;
  if ('month' in scale) {
    if (!Number.isInteger(scale.month) || scale.month < 0 || scale.month > 120) throw new InvalidAssumptionsError(`month must be a whole number from 0 to 120, got ${scale.month}`);
    month = scale.month;
    dau = workload.dau * growthMultiplier(scale.month, options.doublingMonths);
    label = `month ${scale.month}`;
  } else {
    if (!Number.isFinite(scale.dau) || scale.dau <= 0) throw new InvalidAssumptionsError(`dau must be > 0, got ${scale.dau}`);
    dau = scale.dau;
    label = `${Math.round(dau).toLocaleString('en-US')} DAU`;
  }
  const w: Workload = { ...workload, dau };
  const derived = deriveWorkload(w);
  const secondsPerMonth = w.daysPerMonth * SECONDS_PER_DAY;
  const perSecond = (monthly: number) => monthly / secondsPerMonth;
  const peak = options.peakToAverage;
  const images = perSecond(derived.imagesPerMonth.value);
  const videos = perSecond(derived.videosPerMonth.value);
  const items = images + videos;

  const consumer = (name: QueueConsumerName, average: number, durationMs: number, basis: string, bound?: { limit: number; why: string }): FunctionCapacity => {
    const peakConcurrency = average * peak * (durationMs / 1000);
    const wanted = clampConsumer(ceil(peakConcurrency * options.headroom));
    const bounded = bound !== undefined && bound.limit < wanted.limit ? { limit: Math.max(EVENT_SOURCE_CONCURRENCY.min, bound.limit), capped: bound.why } : wanted;
    return {
      name,
      trigger: 'queue',
      averagePerSecond: average,
      peakPerSecond: average * peak,
      durationMs,
      peakConcurrency,
      limit: bounded.limit,
      basis: bounded.capped === undefined ? basis : `${basis}; ${bounded.capped}`,
    };
  };
  const unmodelled = (name: QueueConsumerName, what: string): FunctionCapacity => ({
    name,
    trigger: 'queue',
    limit: options.unmodelledConcurrency,
    basis: `the workload has no ${what}: a fixed limit (unmodelledConcurrency)`,
  });

  const onDevice = options.tagger === 'on-device';
  // With Rekognition: labels, moderation and faces on every frame, and DetectText on the pictures the
  // print gate lets through (the text step, in the same function from its own queue).
  const rekognitionCalls = onDevice ? 0 : ((images + videos * w.videoFramesTagged) * 3 + images * w.textShare) * peak;
  // On-device, a video costs its frames' model time (poster and thumbnails), a picture one frame's.
  const [imageTagMs, videoTagMs] = onDevice ? [options.onDeviceMsPerImage, options.onDeviceMsPerImage * w.videoFramesTagged] : [w.tagImageMs, w.tagVideoMs];
  const taggingMs = Number((items > 0 ? (images * imageTagMs + videos * videoTagMs) / items : imageTagMs).toPrecision(12));
  const apiAverage = perSecond(derived.apiRequests.value);
  const apiPeak = apiAverage * peak;
  const apiConcurrency = apiPeak * (w.apiHandlerMs / 1000);
  // Transcoded in the function: an instance works on a video for the whole ladder; else MediaConvert does, and video-complete settles it.
  const ladderHere = options.videoTranscoder === 'lambda' && w.videoSeconds <= LAMBDA_FFMPEG.maxPlacedSeconds;
  const videoMs = ladderHere ? w.videoJobMs + w.videoSeconds * options.ffmpegSecondsPerVideoSecond * 1000 : w.videoJobMs;
  const jobVideos = ladderHere ? 0 : videos;
  const videoCompleteConcurrency = jobVideos * peak * (w.videoJobMs / 1000);

  const functions: FunctionCapacity[] = [
    {
      name: 'api',
      trigger: 'http',
      averagePerSecond: apiAverage,
      peakPerSecond: apiPeak,
      durationMs: w.apiHandlerMs,
      peakConcurrency: apiConcurrency,
      basis: 'apiRequests; apiHandlerMs; bounded by the stage throttle, no limit of its own',
    },
    consumer('ingest', items, w.ingestMs, 'uploads (images + videos); ingestMs'),
    consumer('image', images, w.imageWorkerMs, 'images; imageWorkerMs'),
    unmodelled('document', 'document uploads'),
    unmodelled('audio', 'audio uploads'),
    onDevice
      ? consumer('tagging', items, taggingMs, 'uploads; on-device model, onDeviceMsPerImage per image and per video frame (videoFramesTagged); no Rekognition quota')
      : consumer('tagging', items, taggingMs, 'uploads; Rekognition, tagImageMs per image, tagVideoMs per video', {
          limit: options.rekognitionTps,
          why: `capped at ${options.rekognitionTps}, Rekognition's quota (rekognitionTps); the queue holds the rest`,
        }),
    ladderHere
      ? consumer('video', videos, videoMs, 'videos; videoJobMs + videoSeconds × ffmpegSecondsPerVideoSecond (the ladder in the function, measured)')
      : consumer('video', videos, videoMs, 'videos; videoJobMs (probe and MediaConvert job; assumed: the model has one duration per video job)'),
    {
      name: 'video-complete',
      trigger: 'eventbridge',
      averagePerSecond: jobVideos,
      peakPerSecond: jobVideos * peak,
      durationMs: w.videoJobMs,
      peakConcurrency: videoCompleteConcurrency,
      basis: ladderHere ? 'no videos go to MediaConvert at this workload\u2019s duration; invoked asynchronously, no limit of its own' : 'videos; videoJobMs (assumed); invoked asynchronously, no limit of its own',
    },
    purgeCapacity(w, derived.imagesPerMonth.value + derived.videosPerMonth.value, options),
    archiveCapacity(
      consumer(
        'archive',
        (dau * options.archiveShareOfUsers) / SECONDS_PER_DAY,
        options.archiveOverheadMs + (options.archiveMiB / options.archiveMiBPerSecond) * 1000,
        'archiveShareOfUsers of the DAU ask for a zip a day; archiveOverheadMs + archiveMiB at archiveMiBPerSecond (assumed)',
      ),
      options,
    ),
  ];
  // Same order as CAPACITY_FUNCTIONS, so tables and the stack list them alike.
  functions.sort((a, b) => CAPACITY_FUNCTIONS.indexOf(a.name) - CAPACITY_FUNCTIONS.indexOf(b.name));

  const rateLimit = Math.max(ceil(apiPeak * options.headroom), ceil(options.perCallerPerSecond));
  const distribution = cloudFrontUsage(MEDIAFLOW, derived);
  const cloudFront: CloudFrontUsage = { requests: distribution?.requests.value ?? 0, transferGiB: distribution?.transferGiB.value ?? 0 };
  return {
    label,
    ...(month === undefined ? {} : { month }),
    dau,
    options,
    functions,
    api: {
      averagePerSecond: apiAverage,
      peakPerSecond: apiPeak,
      rateLimit,
      burstLimit: Math.max(rateLimit * API_BURST_SECONDS, options.perCallerBurst),
    },
    perCaller: { perSecond: options.perCallerPerSecond, burst: options.perCallerBurst },
    rekognition: { peakCallsPerSecond: rekognitionCalls, quota: options.rekognitionTps },
    totalPeakConcurrency: functions.reduce((sum, f) => sum + (f.peakConcurrency ?? 0), 0),
    cloudFront: { ...cloudFront, ...chooseCloudFrontPricing(cloudFront) },
  };
}

/**
 * The trash's purge: one run per schedule period whatever the demand (a schedule has no peak), each
 * taking `purgeRunMs` and `purgeItemMs` for each item due then: the month's deletes
 * (`deletedShare` of the uploads) spread over its runs. One run at a time (reserved concurrency 1).
 */
function purgeCapacity(w: Workload, uploadsPerMonth: number, options: CapacityOptions): FunctionCapacity {
  const runsPerMonth = (w.daysPerMonth * SECONDS_PER_DAY) / options.purgeEverySeconds;
  const itemsPerRun = (uploadsPerMonth * w.deletedShare) / runsPerMonth;
  const durationMs = options.purgeRunMs + itemsPerRun * options.purgeItemMs;
  const rate = 1 / options.purgeEverySeconds;
  return {
    name: 'trash-purge',
    trigger: 'schedule',
    averagePerSecond: rate,
    peakPerSecond: rate,
    durationMs,
    peakConcurrency: rate * (durationMs / 1000),
    limit: 1,
    basis: `one run every purgeEverySeconds (${formatSeconds(options.purgeEverySeconds)}); purgeRunMs + purgeItemMs × the month's deletes (deletedShare of the uploads) per run; reserved concurrency 1`,
  };
}

/**
 * The archive function's limit is never below `unmodelledConcurrency`: an export of a large library
 * holds an instance for up to its 15 minutes, far longer than the typical zip the rate is modelled
 * on, so a few at once are normal at any scale and should neither wait nor alarm.
 */
function archiveCapacity(modelled: FunctionCapacity, options: CapacityOptions): FunctionCapacity {
  const limit = modelled.limit ?? options.unmodelledConcurrency;
  if (limit >= options.unmodelledConcurrency) return modelled;
  return { ...modelled, limit: options.unmodelledConcurrency, basis: `${modelled.basis}; at least unmodelledConcurrency (exports run up to 15 minutes)` };
}

function formatSeconds(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`;
}

/**
 * The limits a stage is deployed with at `scale`: what `mediaflow cost --capacity` prints for it.
 * The workload and options default to the model's, which is what the stack uses.
 *
 * @example
 * const limits = stackLimits({ month: 0 });
 * limits.maxConcurrency.image // 18
 * limits.api // { rateLimit: 24, burstLimit: 48 }
 */
export function stackLimits(scale: CapacityScale, options: CapacityOptionsInput = {}, workload: Workload = parseWorkload()): StackLimits {
  const plan = planCapacity(workload, scale, options);
  const limitOf = (name: QueueConsumerName): number => {
    const limit = plan.functions.find((f) => f.name === name)?.limit;
    if (limit === undefined) throw new InvalidAssumptionsError(`no limit planned for the ${name} function`);
    return limit;
  };
  const maxConcurrency = Object.fromEntries(QUEUE_CONSUMERS.map((name) => [name, limitOf(name)])) as Record<QueueConsumerName, number>;
  return {
    label: plan.label,
    maxConcurrency,
    api: { rateLimit: plan.api.rateLimit, burstLimit: plan.api.burstLimit },
    perCaller: plan.perCaller,
    cloudFrontPricing: plan.cloudFront.pricing,
  };
}
