import { Duration } from 'aws-cdk-lib';
import { EVENT_SOURCE_CONCURRENCY, LAMBDA_FFMPEG, ON_DEVICE_TAGGER, type CloudTagger, type CloudVideoTranscoder, type QueueConsumerName } from '@mediaflow/cost-model';
import { LAMBDA_FUNCTIONS, type DeployedEnvKey, type LambdaFunctionName } from '@mediaflow/workers';

/** The functions of `apps/lambdas` (`build.mjs` bundles each into `dist/<name>/index.mjs`). */
export const MEDIA_FUNCTIONS = LAMBDA_FUNCTIONS;
export type MediaFunctionName = LambdaFunctionName;

/**
 * Rekognition's default quota for each of DetectLabels, DetectModerationLabels, DetectFaces and
 * DetectText in most regions, in transactions per second. The tagging function keeps at most this
 * many tagging calls in flight (and its text feed as many DetectText calls);
 * a call takes a few hundred milliseconds, and throttled calls are retried with backoff by the tagger.
 */
export const REKOGNITION_CALLS_IN_FLIGHT = 5;

/**
 * The Rekognition operations a function calls for each queue it consumes, when its plan calls
 * Rekognition: the tagger's labels, moderation labels and face count for `tagging`, the text
 * reader's DetectText for `text`. A function is granted those of the queues it is wired to only.
 */
export const REKOGNITION_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  tagging: ['DetectLabels', 'DetectModerationLabels', 'DetectFaces'],
  text: ['DetectText'],
};

/** Lambda refuses a lower maximum concurrency on an SQS event source, and a higher one than {@link MAX_SQS_CONCURRENCY}. */
export const MIN_SQS_CONCURRENCY = EVENT_SOURCE_CONCURRENCY.min;
export const MAX_SQS_CONCURRENCY = EVENT_SOURCE_CONCURRENCY.max;

/**
 * Each queue consumer's maximum concurrency, by function name: the capacity plan's for the stage's
 * scale (`stackLimits` of `@mediaflow/cost-model`, `-c scale=...`).
 */
export type ConsumerConcurrency = Readonly<Record<QueueConsumerName, number>>;

/** The service's default upload limit (`ServiceConfigSchema.maxUploadBytes`), which applies when none is given. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

/** Lambda's /tmp: 512 MiB included, up to 10 GiB. */
const MIN_SCRATCH_MIB = 512;
const MAX_SCRATCH_MIB = 10_240;
const MIB = 1024 ** 2;

/** How a function is fed from its queue, as deployed ({@link feedOf}). */
export interface QueueFeed extends PlannedFeed {
  /** Functions running at once for this queue: the stage's capacity plan chooses ({@link ConsumerConcurrency}). */
  readonly maxConcurrency: number;
}

/** How a function is fed from its queue, decided by its plan; how many run at once is the stage's. */
export interface PlannedFeed {
  readonly queue: string;
  readonly batchSize: number;
  readonly batchingWindow?: Duration;
  /** Runs each event once through Powertools Idempotency (needs the idempotency table). */
  readonly idempotent: boolean;
  /** The job time limit the function reads, kept below its timeout so a slow job fails its item instead of being killed. */
  readonly timeLimitVariable?: Extract<DeployedEnvKey, `${string}_TIME_LIMIT_SECONDS`>;
  /** The topology may leave this queue out (tagging): the function is then left out with it. */
  readonly optional?: boolean;
}

/**
 * The layers a function may mount: `sharp` (linux-arm64 addon and libvips), `mediaTools` (ffmpeg and
 * ffprobe), `taggerModels` (the on-device tagger's libraries and models: WebAssembly, any architecture).
 */
export type LayerName = 'sharp' | 'mediaTools' | 'taggerModels';

/** What a function may do under one prefix of the media bucket, and why (the reason of its cdk-nag acknowledgement). */
export interface PrefixAccess {
  readonly actions: readonly string[];
  readonly why: string;
}

/**
 * What a function does with the media table (`FunctionGrants.useMediaTable`):
 * - `items`: reads and writes single items (and moves the timeline's month counters), the queue consumers;
 * - `api`: everything the HTTP API does (lists, search, albums, share links, the review queue);
 * - `purge`: finds items due for purge across owners (the review index's `PURGE#` partitions) and
 *   deletes them for good, with what that changes in albums and share links;
 * - `read`: reads items, listings and albums, writes nothing (the archive builder).
 */
export type MediaTableUse = 'items' | 'api' | 'purge' | 'read';

/** An EventBridge schedule that invokes a function no queue feeds, and why at that rate. */
export interface PlannedSchedule {
  readonly every: Duration;
  readonly why: string;
}

export interface FunctionPlan {
  readonly description: string;
  /** MiB. Lambda gives CPU in proportion to memory (one vCPU at 1769 MB), so CPU-bound steps get more than they need in RAM. */
  readonly memory: number;
  /** For functions that no queue feeds; consumers take their queue's consumer timeout. */
  readonly timeout?: Duration;
  readonly feed?: PlannedFeed;
  /**
   * Other queues the same code consumes, each through an event source of its own at the function's
   * concurrency and within its timeout (the tagging function also reads text). Their queues must
   * show a message again no sooner than the function's timeout, and dead-letter after as many receives.
   */
  readonly alsoFeeds?: readonly PlannedFeed[];
  readonly layers: readonly LayerName[];
  /** Whole originals copied to /tmp (ffmpeg and ffprobe seek in a file), with room for what is written beside them. */
  readonly scratch?: { readonly extraMiB: number };
  readonly originals?: PrefixAccess;
  readonly renditions?: PrefixAccess;
  /** Archives under `downloads/{owner}/{archive}/`: their records and zips. */
  readonly downloads?: PrefixAccess;
  /** Lists `renditions/` (a retry clears an item's prefix; video-complete collects what MediaConvert wrote). */
  readonly listsRenditions?: boolean;
  /**
   * Lists the whole bucket, and why: S3 answers a read of a missing key 404 only to a caller that may
   * list the bucket (403 otherwise), and a listing grant conditioned on a prefix does not count there.
   */
  readonly listsBucket?: string;
  /**
   * Deletes items for good: with it, every version of their objects at once (`s3:ListBucketVersions`
   * under `originals/` and `renditions/`, `s3:DeleteObjectVersion` there, `PURGE_OBJECT_VERSIONS`).
   */
  readonly deletesForGood?: boolean;
  /** What it does with the media table; single items when not said. */
  readonly mediaTable?: MediaTableUse;
  /** Queues zips for the archive function (`ARCHIVE_QUEUE_URL`, `sqs:SendMessage` on that queue alone). */
  readonly sendsArchiveJobs?: boolean;
  /** Invoked by an EventBridge schedule (asynchronously), not by a queue or a caller. */
  readonly schedule?: PlannedSchedule;
  /** Instances at most (reserved concurrency): a scheduled sweep runs alone. */
  readonly reservedConcurrency?: number;
  /** Publishes domain events on the topic (every function but the archive builder, which changes no item); true when not said. */
  readonly publishesEvents?: boolean;
  /** Enforces the upload limit: where uploads start (api) and where their bytes are checked (ingest). */
  readonly enforcesUploadLimit?: boolean;
  /** Runs in the stage's VPC when it has one, with the cache's URL: what lives there serves the HTTP API only. */
  readonly joinsApiNetwork?: boolean;
  /**
   * Calls Rekognition (the operations of {@link REKOGNITION_OPERATIONS} for the queues it consumes),
   * whose rate the account shares out.
   */
  readonly callsRekognition?: boolean;
  /** The tagger the function's code runs (its `TAGGER`): the tagging function's only. */
  readonly tagger?: CloudTagger;
  /** Who transcodes the videos it probes (its `VIDEO_TRANSCODER`): the video function's only. */
  readonly videoTranscoder?: CloudVideoTranscoder;
  /** Counts each caller's requests in the media table (`RATE#` items), so every instance enforces one limit per caller. */
  readonly limitsCallers?: boolean;
  /** Served through CloudFront: refuses a request without the distribution's origin secret (`ORIGIN_VERIFY_SECRET`). */
  readonly behindDistribution?: boolean;
  /** Signs the CloudFront cookies `/media/*` asks for (`MEDIA_SIGNING_*`), with the private key it reads from its secret. */
  readonly signsMediaCookies?: boolean;
  /**
   * Invalidates an item's edge copies on the distribution (`DISTRIBUTION_ID`,
   * `cloudfront:CreateInvalidation`) when it deletes the item or moderation holds it.
   */
  readonly invalidatesEdge?: boolean;
}

/** Replacing renditions: clear what an earlier attempt left, put the new ones (a put larger than a part is a multipart upload, aborted on failure). */
const RENDITION_WRITE = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];

/** Not urgent: a short window fills batches. */
const TAGGING_FEED: PlannedFeed = { queue: 'tagging', batchSize: 5, batchingWindow: Duration.seconds(5), idempotent: true, optional: true };
/**
 * The text step (OCR of tagged pictures), in the tagging function: the same reader's code, layer
 * and grants as the tagger. Optional like tagging: a topology without the text queue leaves it out.
 * One picture per invocation: the reader takes pictures one at a time with 20 s each, so a batch of
 * slow pages could outlast the 60 s timeout, and every record in it would be received again.
 */
const TEXT_FEED: PlannedFeed = { queue: 'text', batchSize: 1, idempotent: true, optional: true };

/**
 * The tagging function for each tagger (`-c tagger=on-device|rekognition`): it consumes the tagging
 * queue and, with the same reader's choice, the text queue (OCR of what was tagged). Its timeout is
 * the tagging queue's consumer timeout (60 s) either way, and the text queue's is the same: on-device,
 * the worst tagging invocation measured is a cold start (2.3 s on one core) and a batch of 5 videos
 * of 4 frames at the slowest image (0.63 s), about 15 s; a picture to read, on one x86
 * core, costs the OCR engine's start (2.5-2.7 s) and a first reading of about 3.5 s (later ones
 * 0.8-1.2 s at 1,280-2,048 px), each reading bounded by the reader's own 20 s and one picture per
 * invocation, which leaves room for an arm64 core slower than the one measured.
 */
export const TAGGING_PLANS: Readonly<Record<CloudTagger, FunctionPlan>> = {
  'on-device': {
    description: 'Mediaflow tagging: labels, faces and moderation, and text, from the on-device models (SQS)',
    // The models run on one thread, one image at a time, and need a whole vCPU, which Lambda gives at
    // 1,769 MB: below it every image takes longer by the share of CPU lost (the same GB-seconds, slower),
    // above it a second vCPU would sit idle. The process peaked at 346 MiB (ON_DEVICE_TAGGER).
    memory: ON_DEVICE_TAGGER.lambdaMiB,
    feed: TAGGING_FEED,
    alsoFeeds: [TEXT_FEED],
    // sharp decodes and shrinks the picture in the tagger's worker; the models and their runtime are the other layer.
    layers: ['sharp', 'taggerModels'],
    renditions: {
      actions: ['s3:GetObject'],
      why: 'reads the renditions it tags and reads text in (a picture\u2019s small rendition, a video\u2019s poster and thumbnails, an audio item\u2019s cover)',
    },
    tagger: 'on-device',
    invalidatesEdge: true,
  },
  rekognition: {
    description: 'Mediaflow tagging: labels, faces and moderation, and text, from Rekognition (SQS)',
    // Reads one small rendition into memory and waits on Rekognition.
    memory: 512,
    // Records share the function's Rekognition slots.
    feed: TAGGING_FEED,
    alsoFeeds: [TEXT_FEED],
    // sharp for the text gate: a picture without rows of print is not sent to DetectText (a call
    // priced like DetectLabels); the gate decodes a small greyscale copy in tens of milliseconds.
    layers: ['sharp'],
    // Rekognition reads renditions over 5 MB from S3 itself, with the caller's permissions.
    renditions: { actions: ['s3:GetObject'], why: 'reads the renditions it looks at and lets Rekognition read the large ones from S3 under its permissions' },
    callsRekognition: true,
    tagger: 'rekognition',
    invalidatesEdge: true,
  },
};

/** One video per invocation: /tmp is sized for one original and what is made of it. */
const VIDEO_FEED: PlannedFeed = { queue: 'video', batchSize: 1, idempotent: true, timeLimitVariable: 'VIDEO_TIME_LIMIT_SECONDS' };

/**
 * The video function for each transcoder (`-c videoTranscoder=lambda|mediaconvert`). Either way it
 * copies the original to /tmp and probes it; with `lambda` (the default) it also transcodes the
 * videos whose estimate fits well inside its time (`placeVideo` of `@mediaflow/video-pipeline`) and
 * hands the rest to MediaConvert, with `mediaconvert` it hands every video to MediaConvert.
 */
export const VIDEO_PLANS: Readonly<Record<CloudVideoTranscoder, FunctionPlan>> = {
  lambda: {
    description: 'Mediaflow video step: the ffmpeg ladder here, or a MediaConvert job for long videos (SQS)',
    memory: LAMBDA_FFMPEG.memoryMb,
    feed: VIDEO_FEED,
    // ffmpeg and ffprobe for the ladder, sharp for the poster's renditions.
    layers: ['sharp', 'mediaTools'],
    // The original, and beside it the ladder, preview and stills of the longest video placed here.
    scratch: { extraMiB: LAMBDA_FFMPEG.scratchExtraMiB },
    originals: { actions: ['s3:GetObject'], why: 'copies the original it probes and transcodes to /tmp' },
    renditions: {
      actions: RENDITION_WRITE,
      why: 'replaces the ladder, preview and stills of the item it transcodes (a retry clears those of the attempt before), and clears the prefix before a MediaConvert job writes to it',
    },
    listsRenditions: true,
    videoTranscoder: 'lambda',
  },
  mediaconvert: {
    description: 'Mediaflow video step: probe with ffprobe, then a MediaConvert job (SQS)',
    // ffprobe is light; the CPU share goes to copying the original to /tmp within the timeout.
    memory: 1024,
    feed: VIDEO_FEED,
    layers: ['mediaTools'],
    scratch: { extraMiB: 512 },
    originals: { actions: ['s3:GetObject'], why: 'copies the original it probes to /tmp' },
    renditions: { actions: ['s3:DeleteObject'], why: 'clears the rendition prefix of the item before MediaConvert writes to it, so the completion lists only this job\u2019s outputs' },
    listsRenditions: true,
    videoTranscoder: 'mediaconvert',
  },
};

/**
 * Memory, timeouts, batching and object access of every function, in one place. The consumers'
 * timeouts come from `CONSUMER_TIMEOUTS` (the queues' visibility is derived from the same values);
 * the others are set here.
 *
 * How many of each consumer run at once is not a plan's: it follows the stage's demand, from the
 * capacity plan for its scale (`-c scale=...`, {@link ConsumerConcurrency}); month 0 is shown.
 *
 * | function       | memory | timeout          | /tmp                   | batch, window | max concurrency (month 0) |
 * | -------------- | ------ | ---------------- | ---------------------- | ------------- | ------------------------- |
 * | api            | 1024   | 15 s             | 512 MiB                | -             | - (stage throttle 24/s)   |
 * | ingest         | 1024   | consumer (120 s) | 512 MiB                | 10            | 4                         |
 * | image          | 2048   | consumer (90 s)  | 512 MiB                | 1             | 18                        |
 * | document       | 512    | consumer (30 s)  | 512 MiB                | 10            | 5                         |
 * | audio          | 2048   | consumer (330 s) | upload limit + 1 GiB   | 1             | 5                         |
 * | tagging        | 1769   | consumer (60 s)  | 512 MiB                | 5, 5 s        | 4 (demand; 5 with Rekognition: its rate) |
 * | video          | 3538   | consumer (900 s) | upload limit + 1 GiB   | 1             | 30                        |
 * | video-complete | 1536   | 60 s             | 512 MiB                | EventBridge   | -                         |
 * | trash-purge    | 512    | 900 s            | 512 MiB                | schedule, 1 h | 1 (reserved)              |
 * | archive        | 1769   | consumer (900 s) | 512 MiB                | 1             | 5 (at least: exports run long) |
 *
 * The tagging function is the on-device tagger's by default ({@link TAGGING_PLANS}, `-c tagger=...`);
 * the video function transcodes the videos that fit its time by default, with MediaConvert for the
 * rest ({@link VIDEO_PLANS}, `-c videoTranscoder=...`: 1024 MB, upload limit + 512 MiB, 2 at month 0
 * when MediaConvert transcodes every video).
 */
export const FUNCTION_PLANS: Readonly<Record<MediaFunctionName, FunctionPlan>> = {
  api: {
    description: 'Mediaflow HTTP API (API Gateway HTTP API, JWT authorizer)',
    // Presigning and DynamoDB round trips: more CPU shortens cold starts and tail latency, not much RAM is used.
    memory: 1024,
    // The HTTP API gives up on an integration after 30 s; the function stops first, so the failure is its own, logged with the request.
    timeout: Duration.seconds(15),
    layers: [],
    // Presigned single and multipart PUTs (create, part and complete are all s3:PutObject), presigned GETs of
    // originals for their owners' downloads (GET /api/v1/media/{id}/original), the HEAD after a
    // completed multipart upload, the parts an upload being resumed holds (ListParts), aborting the
    // upload of an item deleted while uploading, and deleting an item's original. Renditions are served by CloudFront:
    // the function never reads them (it serves no /media route), it only deletes them with their item.
    originals: {
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
      why: 'presigns uploads of new originals (single and multipart) and their owners\' downloads of them, lists the parts of an upload being resumed, reads back a completed upload, and aborts the upload or deletes the original of an item its owner deletes',
    },
    renditions: { actions: ['s3:DeleteObject'], why: 'deletes the renditions of an item its owner deletes' },
    // An archive's request is written here, its outcome and zip read back (the zip through a
    // presigned GET), and an owner's archives older than a day removed when they ask for another.
    downloads: {
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      why: 'records the zips its owners ask for, reads back where each stands, presigns their downloads, and removes an owner\u2019s archives older than a day',
    },
    listsRenditions: true,
    listsBucket:
      'reads archive records that do not exist yet (an outcome while the zip is being built) or are another owner\u2019s, which must be not found rather than refused, and lists an owner\u2019s archives under downloads/',
    deletesForGood: true,
    mediaTable: 'api',
    sendsArchiveJobs: true,
    enforcesUploadLimit: true,
    joinsApiNetwork: true,
    limitsCallers: true,
    behindDistribution: true,
    signsMediaCookies: true,
    invalidatesEdge: true,
  },
  ingest: {
    description: 'Mediaflow ingest: S3 notifications of new originals (SQS)',
    // Hashes whole originals S3 kept no SHA-256 for (multipart uploads) within its timeout: CPU-bound.
    memory: 1024,
    // Cheap per message, and S3 sends bursts: batches keep the invocations few; no window, uploads show up at once.
    feed: { queue: 'ingest', batchSize: 10, idempotent: false },
    layers: [],
    originals: { actions: ['s3:GetObject', 's3:DeleteObject'], why: 'sniffs and hashes each new original, and deletes one that is refused, a duplicate or has no item' },
    enforcesUploadLimit: true,
  },
  image: {
    description: 'Mediaflow image step: renditions with sharp (SQS)',
    // libvips holds the decoded image and encodes several sizes and formats: memory and CPU bound.
    memory: 2048,
    // One image per invocation: each gets the whole timeout and memory, and batch records would run in parallel.
    feed: { queue: 'image', batchSize: 1, idempotent: true },
    layers: ['sharp'],
    originals: { actions: ['s3:GetObject'], why: 'reads the original it renders' },
    renditions: { actions: RENDITION_WRITE, why: 'replaces the renditions of the item it renders (a retry clears those of the attempt before)' },
    listsRenditions: true,
  },
  document: {
    description: 'Mediaflow document step: kept as uploaded (SQS)',
    // Only a DynamoDB update and an SNS publish per message.
    memory: 512,
    feed: { queue: 'document', batchSize: 10, idempotent: true },
    layers: [],
  },
  audio: {
    description: 'Mediaflow audio step: previews, waveform and cover with ffmpeg and sharp (SQS)',
    // ffmpeg encodes two previews and the waveform: CPU bound.
    memory: 2048,
    // One recording per invocation: /tmp is sized for one original.
    feed: { queue: 'audio', batchSize: 1, idempotent: true, timeLimitVariable: 'AUDIO_TIME_LIMIT_SECONDS' },
    layers: ['sharp', 'mediaTools'],
    // The original, then the previews and waveform written next to it before they are stored.
    scratch: { extraMiB: 1024 },
    originals: { actions: ['s3:GetObject'], why: 'copies the original it transcodes to /tmp' },
    renditions: { actions: RENDITION_WRITE, why: 'replaces the previews, waveform and cover of the item it transcodes (a retry clears those of the attempt before)' },
    listsRenditions: true,
  },
  tagging: TAGGING_PLANS['on-device'],
  video: VIDEO_PLANS.lambda,
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
  'trash-purge': {
    description: 'Mediaflow trash retention: deletes for good what has been in the trash past its time (EventBridge schedule)',
    // DynamoDB, S3 and CloudFront round trips one item after another: waiting, not computing.
    memory: 512,
    // Batches of 100 until nothing is due; a backlog larger than a run deletes (some thousands of
    // items) is taken up by the next run.
    timeout: Duration.minutes(15),
    layers: [],
    // Its objects go by version (ListObjectVersions, DeleteObjects with version ids): no plain delete or listing.
    deletesForGood: true,
    mediaTable: 'purge',
    invalidatesEdge: true,
    schedule: {
      every: Duration.hours(1),
      why: 'The retention is counted in days, so an hour late is nothing; each run then has an hour of the trash to delete, well within one invocation, and a run that finds nothing costs a few reads (one Query per day of the look-back).',
    },
    // Two runs at once would race for the same items (safely: every delete is conditional), reading twice.
    reservedConcurrency: 1,
  },
  archive: {
    description: 'Mediaflow archives: zips of a selection or of a whole library, streamed into S3 (SQS)',
    // CPU for the CRC-32 and SHA-256 of the stream and TLS both ways, one whole vCPU (1,769 MB); the
    // memory itself is a few parts of the multipart upload in flight (4 of 8-16 MiB) and the runtime.
    memory: 1769,
    // One archive per invocation: the whole timeout (15 minutes) for one zip.
    feed: { queue: 'archive', batchSize: 1, idempotent: false },
    layers: [],
    originals: { actions: ['s3:GetObject'], why: 'reads the originals it puts in a zip' },
    renditions: { actions: ['s3:GetObject'], why: 'reads the renditions it puts in a zip of a selection' },
    downloads: {
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      why: 'reads the archive asked for, writes its zip as a multipart upload (aborted on failure) and its outcome',
    },
    listsBucket:
      'reads the outcome of an archive before it exists and the originals of a selection that may be gone (file_missing), which must be not found rather than refused, and lists an owner\u2019s originals for an export',
    mediaTable: 'read',
    publishesEvents: false,
  },
};

/** Every function's plan: the tagging function's for the stage's tagger, the video function's for its transcoder. */
export function functionPlans(tagger: CloudTagger, videoTranscoder: CloudVideoTranscoder = 'lambda'): Readonly<Record<MediaFunctionName, FunctionPlan>> {
  return { ...FUNCTION_PLANS, tagging: TAGGING_PLANS[tagger], video: VIDEO_PLANS[videoTranscoder] };
}

/**
 * The plan's feed as deployed, with as many functions at once as the stage's capacity plan gives
 * this consumer; none for a function no queue feeds.
 *
 * @throws Error when the function is fed by a queue and the stage gives it no limit, or one Lambda refuses.
 * @example feedOf('image', FUNCTION_PLANS.image, stackLimits({ month: 0 }).maxConcurrency)?.maxConcurrency // 18
 */
export function feedOf(name: MediaFunctionName, plan: FunctionPlan, concurrency: ConsumerConcurrency): QueueFeed | undefined {
  if (plan.feed === undefined) return undefined;
  const limits: Readonly<Partial<Record<MediaFunctionName, number>>> = concurrency;
  const maxConcurrency = limits[name];
  if (maxConcurrency === undefined) throw new Error(`no maximum concurrency for the ${name} function, which the ${plan.feed.queue} queue feeds`);
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < MIN_SQS_CONCURRENCY || maxConcurrency > MAX_SQS_CONCURRENCY) {
    throw new Error(`the maximum concurrency of the ${name} function must be an integer from ${MIN_SQS_CONCURRENCY} to ${MAX_SQS_CONCURRENCY}, not ${maxConcurrency}`);
  }
  return { ...plan.feed, maxConcurrency };
}

/**
 * Every queue that feeds the function as deployed, its own first ({@link feedOf}), then the others
 * its plan consumes ({@link FunctionPlan.alsoFeeds}), at the same concurrency.
 */
export function feedsOf(name: MediaFunctionName, plan: FunctionPlan, concurrency: ConsumerConcurrency): QueueFeed[] {
  const first = feedOf(name, plan, concurrency);
  if (first === undefined) return [];
  return [first, ...(plan.alsoFeeds ?? []).map((feed) => ({ ...feed, maxConcurrency: first.maxConcurrency }))];
}

/**
 * How long one invocation may run: a consumer as long as its queue's consumer timeout (which the
 * queue's visibility is derived from), any other function as its plan says.
 *
 * @throws Error when neither gives one.
 */
export function functionTimeout(name: MediaFunctionName, plan: FunctionPlan, consumerTimeouts: Readonly<Record<string, Duration>>): Duration {
  const timeout = plan.feed === undefined ? plan.timeout : consumerTimeouts[plan.feed.queue];
  if (timeout === undefined) throw new Error(`no timeout for the ${name} function${plan.feed === undefined ? '' : ` (consumer timeout of the ${plan.feed.queue} queue)`}`);
  return timeout;
}

/** The queues some function consumes: a queue nobody consumes fills up silently. */
export function consumedQueues(): ReadonlySet<string> {
  return new Set(MEDIA_FUNCTIONS.flatMap((name) => [FUNCTION_PLANS[name].feed, ...(FUNCTION_PLANS[name].alsoFeeds ?? [])].flatMap((feed) => feed?.queue ?? [])));
}

/**
 * The job's own time limit: short of the function's timeout by a tenth (at least 5 s), so a slow
 * job ends with `TimeoutError` and has time to clean up and fail its item instead of being killed.
 */
export function jobTimeLimitSeconds(timeout: Duration): number {
  const seconds = timeout.toSeconds();
  return seconds - Math.max(5, Math.ceil(seconds / 10));
}

/**
 * Rekognition calls one function keeps in flight, so that all of them together stay within the
 * account's rate: `consumers` is how many may run at once, over every queue that feeds it.
 */
export function rekognitionConcurrency(consumers: number): number {
  return Math.max(1, Math.floor(REKOGNITION_CALLS_IN_FLIGHT / consumers));
}

/**
 * /tmp for one original of the largest size accepted, and what the job writes beside it.
 *
 * @throws Error when that is more than Lambda's 10 GiB.
 */
export function scratchMiB(maxUploadBytes: number, extraMiB: number, name: string): number {
  const needed = Math.ceil(maxUploadBytes / MIB) + extraMiB;
  if (needed > MAX_SCRATCH_MIB) {
    throw new Error(`the ${name} function copies originals to /tmp, which holds at most ${MAX_SCRATCH_MIB} MiB; ${needed} MiB would be needed for uploads of ${maxUploadBytes} bytes`);
  }
  return Math.max(MIN_SCRATCH_MIB, needed);
}
