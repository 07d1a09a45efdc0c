import { z } from 'zod';
import { InvalidAssumptionsError } from './errors.js';
import { ON_DEVICE_TEXT_READER } from './on-device-tagger.js';
import { BYTES_PER_MIB, KIB_PER_GIB, MIB_PER_GIB, quantity, type Quantity } from './quantity.js';

const positive = () => z.number().positive();
const nonNegative = () => z.number().nonnegative();
const ratio = () => z.number().min(0).max(1);

/**
 * Every assumption of the workload, with the default used for the 10k DAU estimate. All are
 * overridable; sizes are binary (MiB/KiB), bit rates decimal (Mbps), as encoders and AWS use them.
 */
export const WorkloadSchema = z.object({
  /** Daily active users (the brief: 10,000). */
  dau: nonNegative().default(10_000),
  /** Images uploaded per active user per day (the brief: 6). */
  imagesPerUserPerDay: nonNegative().default(6),
  /** Videos uploaded per active user per day (the brief: 2). */
  videosPerUserPerDay: nonNegative().default(2),
  daysPerMonth: positive().default(30.4),
  /** DAU/MAU "stickiness"; MAU = DAU / ratio. 0.4 is typical of a personal media app. */
  dauMauRatio: z.number().positive().max(1).default(0.4),

  // Originals and renditions
  /** A phone photo (12 MP JPEG/HEIC). */
  imageOriginalMiB: positive().default(3),
  /** 4 sizes (256/640/1280/2048) x WebP, AVIF, JPEG fallback. */
  imageRenditionCount: z.number().int().nonnegative().default(12),
  imageRenditionSetMiB: nonNegative().default(1.2),
  /** Average clip length. The brief gave none; phone clips are short. */
  videoSeconds: positive().default(20),
  /** Phone 1080p H.264/HEVC source. */
  videoSourceMbps: positive().default(16),
  /** HLS rungs at 720p or above (billed as HD): 1080p and 720p. */
  videoHdRungs: z.number().int().nonnegative().default(2),
  /** HLS rungs below 720p (billed as SD): 480p. */
  videoSdRungs: z.number().int().nonnegative().default(1),
  /** Sum of the ladder's bit rates (5 + 3 + 1 Mbps). */
  videoLadderMbps: nonNegative().default(9),
  /** The short silent MP4 preview (SD). */
  videoPreviewSeconds: nonNegative().default(6),
  videoPreviewMbps: nonNegative().default(1.5),
  hlsSegmentSeconds: positive().default(6),
  /** Frames sampled from each video for labels and moderation. */
  videoFramesTagged: z.number().int().nonnegative().default(3),
  /**
   * Share of pictures the text step's print gate lets through to a read (OCR on-device, DetectText
   * with Rekognition). Measured on the labelled set (`ON_DEVICE_TEXT_READER.gateShare`: 5 of 34
   * photographs); no library's mix is to hand, and screenshots and documents raise it.
   */
  textShare: ratio().default(ON_DEVICE_TEXT_READER.gateShare),

  // Viewing (a personal library: the owner views their own items)
  imageViewsPerItem: nonNegative().default(5),
  /** A medium/large rendition in WebP/AVIF. */
  imageViewMiB: nonNegative().default(0.3),
  thumbnailViewsPerItem: nonNegative().default(20),
  thumbnailKiB: nonNegative().default(20),
  videoViewsPerItem: nonNegative().default(3),
  videoWatchFraction: ratio().default(0.7),
  /** The rung players settle on, on average. */
  videoPlaybackMbps: nonNegative().default(3),
  /**
   * Share of stored originals (past their first month) their owners download in a month. Not
   * measured: every view is served from renditions (DESIGN.md), and an original is only read again
   * by "download original" (`GET /api/v1/media/{id}/original`, a presigned S3 GET). 1% a month is
   * each original downloaded about once in eight years; AWS prices Glacier Instant Retrieval for
   * data read about once a quarter (https://aws.amazon.com/s3/storage-classes/), some 33% a month.
   * docs/cost.md gives the share at which the storage choice for originals would change.
   */
  originalDownloadShare: ratio().default(0.01),

  // Deletes and moderation holds: each has CloudFront drop the item's edge copies (one wildcard path)
  /**
   * Items their owners delete in a month, as a share of the month's uploads. No measured basis (no
   * usage data yet, and none published for personal libraries), so 0: the invalidation line keeps
   * its formula at no cost, and docs/cost.md gives what each percentage point adds.
   */
  deletedShare: ratio().default(0),
  /**
   * Items the tagging step holds for moderation (`flagged`) in a month, as a share of the month's
   * uploads. No measured basis (it depends on the library and on the moderation policy's
   * thresholds), so 0, as for `deletedShare`.
   */
  flaggedShare: ratio().default(0),

  // API and app
  sessionsPerUserPerDay: nonNegative().default(3),
  apiCallsPerSession: nonNegative().default(8),
  /** Create-upload plus one status poll. */
  apiCallsPerUpload: nonNegative().default(2),
  apiResponseKiB: nonNegative().default(4),
  appShellKiB: nonNegative().default(600),
  appShellFiles: nonNegative().default(12),
  /** Hashed asset names let browsers keep the app between sessions. */
  appShellBrowserCacheRatio: ratio().default(0.8),
  dnsQueriesPerUserPerDay: nonNegative().default(10),

  // Data
  dynamoItemKiB: positive().default(2),
  tagsPerItem: nonNegative().default(10),
  /** One tag index item (PK=OWNER#o#TAG#t, SK=MEDIA#id) with a small projection. */
  tagItemKiB: positive().default(0.3),
  /** Read units per API call: a page of 50 two-KiB items, eventually consistent (100 KiB / 4 KiB / 2). */
  dynamoReadUnitsPerApiCall: nonNegative().default(12.5),
  dynamoReadUnitsPerItemProcessed: nonNegative().default(4),
  searchDocKiB: positive().default(3),
  /**
   * Write units one item costs over its life in the DynamoDB design, search index included, as the
   * adapter writes it (libs/storage/src/dynamodb/search-capacity.medium.ts: upload started 2,
   * arrived 14 (the owner's storage counter included), date taken learned 34, tagged with ~10
   * labels 82, ready 5). Transactions bill each
   * row twice; postings move when the date taken does (it is part of their sort key).
   */
  dynamoWriteUnitsPerItem: nonNegative().default(137),
  /** Write units of the text step's save (libs/storage search-capacity.medium.ts: a sign's 12 words, 34). */
  textWriteUnits: nonNegative().default(34),
  /** Search postings an item keeps (one per distinct word: file name, labels, camera, title; at most 40). */
  searchPostingsPerItem: nonNegative().default(20),
  /** One posting (PK=SEARCH#owner#xx, SK=word#takenAt#id, kind and field mask) with DynamoDB's 100-byte item overhead. */
  searchPostingKiB: positive().default(0.25),

  // Lambda: average duration (ms) and memory (MiB) per invocation
  apiHandlerMs: nonNegative().default(120),
  apiHandlerMiB: positive().default(512),
  ingestMs: nonNegative().default(800),
  ingestMiB: positive().default(1024),
  imageWorkerMs: nonNegative().default(5000),
  imageWorkerMiB: positive().default(2048),
  videoJobMs: nonNegative().default(600),
  videoJobMiB: positive().default(256),
  tagImageMs: nonNegative().default(1200),
  tagVideoMs: nonNegative().default(4000),
  taggerMiB: positive().default(1024),
  /**
   * The text step on every picture, a read aside: the rendition from S3 (about 70 ms, as for
   * tagging) and the gate (`ON_DEVICE_TEXT_READER.gateMs`, 24 ms measured) and the save.
   */
  textStepMs: nonNegative().default(100),
  /** One DetectText call's wait when Rekognition reads (not measured: half of `tagImageMs`, its two calls). */
  textCallMs: nonNegative().default(600),
  indexerMs: nonNegative().default(200),
  indexerMiB: positive().default(256),
  logKiBPerInvocation: nonNegative().default(1.5),

  // Storage history
  /** Months an upload (original, renditions, records) is kept before deletion. */
  retentionMonths: z.number().int().positive().default(36),
  /** For a single-month estimate: earlier months of uploads at the same rate still stored. */
  historyMonths: z.number().int().nonnegative().default(0),
});

export type Workload = z.infer<typeof WorkloadSchema>;
export type WorkloadInput = z.input<typeof WorkloadSchema>;

/**
 * Parses workload assumptions, filling defaults.
 * @throws InvalidAssumptionsError naming every bad field
 */
export function parseWorkload(input: unknown = {}): Workload {
  const result = WorkloadSchema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidAssumptionsError(`invalid workload assumptions: ${detail}`, { cause: result.error });
  }
  return result.data;
}

/** Names of all workload assumptions, for CLIs and docs. */
export const WORKLOAD_KEYS = Object.keys(WorkloadSchema.shape) as (keyof Workload)[];

/**
 * The monthly quantities every service sees, derived from the workload; each carries its formula.
 * Architecture-specific quantities (e.g. writes of tag items) are derived in architectures.ts.
 */
export interface DerivedWorkload {
  readonly imagesPerMonth: Quantity;
  readonly videosPerMonth: Quantity;
  readonly itemsPerMonth: Quantity;
  readonly mau: Quantity;
  readonly videoOriginalMiB: Quantity;
  readonly originalsGiBPerMonth: Quantity;
  readonly originalObjectsPerMonth: Quantity;
  readonly videoRenditionMiB: Quantity;
  readonly renditionsGiBPerMonth: Quantity;
  readonly hlsObjectsPerVideo: Quantity;
  readonly renditionObjectsPerMonth: Quantity;
  readonly billedOutputSeconds: Quantity;
  readonly hdOutputMinutes: Quantity;
  readonly sdOutputMinutes: Quantity;
  readonly videoMinutes: Quantity;
  readonly taggedFrames: Quantity;
  readonly textReads: Quantity;
  readonly apiRequests: Quantity;
  readonly apiEgressGiB: Quantity;
  readonly imageViewGiB: Quantity;
  readonly thumbnailGiB: Quantity;
  readonly videoViewGiB: Quantity;
  readonly mediaGiB: Quantity;
  readonly mediaRequests: Quantity;
  readonly appShellGiB: Quantity;
  readonly appShellRequests: Quantity;
  readonly dnsQueries: Quantity;
  readonly apiGbSeconds: Quantity;
  readonly ingestGbSeconds: Quantity;
  readonly imageGbSeconds: Quantity;
  readonly videoJobGbSeconds: Quantity;
  readonly taggingGbSeconds: Quantity;
  readonly indexerGbSeconds: Quantity;
  readonly pipelineInvocations: Quantity;
  readonly ingestGets: Quantity;
  readonly processingGets: Quantity;
  readonly uploadPuts: Quantity;
  readonly dynamoItemGiBPerMonth: Quantity;
}

const round = (n: number) => Number(n.toPrecision(12));

/**
 * Derives the monthly quantities of a workload.
 * @example deriveWorkload(parseWorkload({ dau: 10_000 })).imagesPerMonth.value // 1_824_000
 */
export function deriveWorkload(w: Workload): DerivedWorkload {
  const d = w.daysPerMonth;
  const images = w.dau * w.imagesPerUserPerDay * d;
  const videos = w.dau * w.videosPerUserPerDay * d;
  const items = images + videos;
  const videoOriginalMiB = (w.videoSeconds * w.videoSourceMbps * 1e6) / 8 / BYTES_PER_MIB;
  const videoRenditionMiB =
    ((w.videoSeconds * w.videoLadderMbps + w.videoPreviewSeconds * w.videoPreviewMbps) * 1e6) / 8 / BYTES_PER_MIB;
  const segments = Math.ceil(w.videoSeconds / w.hlsSegmentSeconds);
  const rungs = w.videoHdRungs + w.videoSdRungs;
  // Each rung: its segments and a playlist; plus the master playlist.
  const hlsObjects = rungs * (segments + 1) + 1;
  // MediaConvert bills each output by the second with a 10 s minimum.
  const billedMain = Math.max(10, w.videoSeconds);
  const billedPreview = w.videoPreviewSeconds > 0 ? Math.max(10, w.videoPreviewSeconds) : 0;
  const watched = w.videoSeconds * w.videoWatchFraction;
  const sessions = w.dau * w.sessionsPerUserPerDay * d;
  const apiRequests = sessions * w.apiCallsPerSession + items * w.apiCallsPerUpload;
  const gbs = (count: number, ms: number, mib: number) => (count * ms * mib) / 1000 / 1024;
  const imageViewGiB = (images * w.imageViewsPerItem * w.imageViewMiB) / MIB_PER_GIB;
  const thumbnailGiB = (items * w.thumbnailViewsPerItem * w.thumbnailKiB) / KIB_PER_GIB;
  const videoViewGiB = (videos * w.videoViewsPerItem * watched * w.videoPlaybackMbps * 1e6) / 8 / 2 ** 30;
  const segmentRequestsPerView = Math.ceil(watched / w.hlsSegmentSeconds) + 2;

  return {
    imagesPerMonth: quantity('imagesPerMonth', round(images), 'images', 'dau × imagesPerUserPerDay × daysPerMonth'),
    videosPerMonth: quantity('videosPerMonth', round(videos), 'videos', 'dau × videosPerUserPerDay × daysPerMonth'),
    itemsPerMonth: quantity('itemsPerMonth', round(items), 'items', 'imagesPerMonth + videosPerMonth'),
    mau: quantity('mau', round(w.dau / w.dauMauRatio), 'MAU', 'dau ÷ dauMauRatio'),
    videoOriginalMiB: quantity('videoOriginalMiB', round(videoOriginalMiB), 'MiB', 'videoSeconds × videoSourceMbps × 10⁶ ÷ 8 ÷ 2²⁰'),
    originalsGiBPerMonth: quantity(
      'originalsGiBPerMonth',
      round((images * w.imageOriginalMiB + videos * videoOriginalMiB) / MIB_PER_GIB),
      'GB',
      '(imagesPerMonth × imageOriginalMiB + videosPerMonth × videoOriginalMiB) ÷ 1024',
    ),
    originalObjectsPerMonth: quantity('originalObjectsPerMonth', round(items), 'objects', 'itemsPerMonth'),
    videoRenditionMiB: quantity(
      'videoRenditionMiB',
      round(videoRenditionMiB),
      'MiB',
      '(videoSeconds × videoLadderMbps + videoPreviewSeconds × videoPreviewMbps) × 10⁶ ÷ 8 ÷ 2²⁰',
    ),
    renditionsGiBPerMonth: quantity(
      'renditionsGiBPerMonth',
      round((images * w.imageRenditionSetMiB + videos * videoRenditionMiB) / MIB_PER_GIB),
      'GB',
      '(imagesPerMonth × imageRenditionSetMiB + videosPerMonth × videoRenditionMiB) ÷ 1024',
    ),
    hlsObjectsPerVideo: quantity(
      'hlsObjectsPerVideo',
      hlsObjects,
      'objects',
      '(videoHdRungs + videoSdRungs) × (⌈videoSeconds ÷ hlsSegmentSeconds⌉ + 1) + 1',
    ),
    renditionObjectsPerMonth: quantity(
      'renditionObjectsPerMonth',
      round(images * w.imageRenditionCount + videos * (hlsObjects + 2)),
      'objects',
      'imagesPerMonth × imageRenditionCount + videosPerMonth × (hlsObjectsPerVideo + 2 [preview, poster])',
    ),
    billedOutputSeconds: quantity(
      'billedOutputSeconds',
      billedMain,
      's',
      'max(10, videoSeconds) per ladder output (MediaConvert 10 s minimum)',
    ),
    hdOutputMinutes: quantity(
      'hdOutputMinutes',
      round((videos * w.videoHdRungs * billedMain) / 60),
      'output minutes',
      'videosPerMonth × videoHdRungs × max(10, videoSeconds) ÷ 60',
    ),
    sdOutputMinutes: quantity(
      'sdOutputMinutes',
      round((videos * (w.videoSdRungs * billedMain + billedPreview)) / 60),
      'output minutes',
      'videosPerMonth × (videoSdRungs × max(10, videoSeconds) + max(10, videoPreviewSeconds)) ÷ 60',
    ),
    videoMinutes: quantity('videoMinutes', round((videos * w.videoSeconds) / 60), 'minutes', 'videosPerMonth × videoSeconds ÷ 60'),
    taggedFrames: quantity(
      'taggedFrames',
      round(images + videos * w.videoFramesTagged),
      'frames',
      'imagesPerMonth + videosPerMonth × videoFramesTagged',
    ),
    textReads: quantity('textReads', round(images * w.textShare), 'images', 'imagesPerMonth × textShare [the print gate lets them through]'),
    apiRequests: quantity(
      'apiRequests',
      round(apiRequests),
      'requests',
      'dau × sessionsPerUserPerDay × daysPerMonth × apiCallsPerSession + itemsPerMonth × apiCallsPerUpload',
    ),
    apiEgressGiB: quantity('apiEgressGiB', round((apiRequests * w.apiResponseKiB) / KIB_PER_GIB), 'GB', 'apiRequests × apiResponseKiB ÷ 2²⁰'),
    imageViewGiB: quantity('imageViewGiB', round(imageViewGiB), 'GB', 'imagesPerMonth × imageViewsPerItem × imageViewMiB ÷ 1024'),
    thumbnailGiB: quantity('thumbnailGiB', round(thumbnailGiB), 'GB', 'itemsPerMonth × thumbnailViewsPerItem × thumbnailKiB ÷ 2²⁰'),
    videoViewGiB: quantity(
      'videoViewGiB',
      round(videoViewGiB),
      'GB',
      'videosPerMonth × videoViewsPerItem × videoSeconds × videoWatchFraction × videoPlaybackMbps × 10⁶ ÷ 8 ÷ 2³⁰',
    ),
    mediaGiB: quantity('mediaGiB', round(imageViewGiB + thumbnailGiB + videoViewGiB), 'GB', 'imageViewGiB + thumbnailGiB + videoViewGiB'),
    mediaRequests: quantity(
      'mediaRequests',
      round(images * w.imageViewsPerItem + items * w.thumbnailViewsPerItem + videos * w.videoViewsPerItem * segmentRequestsPerView),
      'requests',
      'imagesPerMonth × imageViewsPerItem + itemsPerMonth × thumbnailViewsPerItem + videosPerMonth × videoViewsPerItem × (⌈videoSeconds × videoWatchFraction ÷ hlsSegmentSeconds⌉ + 2)',
    ),
    appShellGiB: quantity(
      'appShellGiB',
      round((sessions * w.appShellKiB * (1 - w.appShellBrowserCacheRatio)) / KIB_PER_GIB),
      'GB',
      'dau × sessionsPerUserPerDay × daysPerMonth × appShellKiB × (1 − appShellBrowserCacheRatio) ÷ 2²⁰',
    ),
    appShellRequests: quantity(
      'appShellRequests',
      round(sessions * w.appShellFiles * (1 - w.appShellBrowserCacheRatio) + sessions),
      'requests',
      'sessions × appShellFiles × (1 − appShellBrowserCacheRatio) + sessions [index.html]',
    ),
    dnsQueries: quantity('dnsQueries', round(w.dau * w.dnsQueriesPerUserPerDay * d), 'queries', 'dau × dnsQueriesPerUserPerDay × daysPerMonth'),
    apiGbSeconds: quantity('apiGbSeconds', round(gbs(apiRequests, w.apiHandlerMs, w.apiHandlerMiB)), 'GB-second', 'apiRequests × apiHandlerMs ÷ 1000 × apiHandlerMiB ÷ 1024'),
    ingestGbSeconds: quantity('ingestGbSeconds', round(gbs(items, w.ingestMs, w.ingestMiB)), 'GB-second', 'itemsPerMonth × ingestMs ÷ 1000 × ingestMiB ÷ 1024'),
    imageGbSeconds: quantity('imageGbSeconds', round(gbs(images, w.imageWorkerMs, w.imageWorkerMiB)), 'GB-second', 'imagesPerMonth × imageWorkerMs ÷ 1000 × imageWorkerMiB ÷ 1024'),
    videoJobGbSeconds: quantity('videoJobGbSeconds', round(gbs(videos, w.videoJobMs, w.videoJobMiB)), 'GB-second', 'videosPerMonth × videoJobMs ÷ 1000 × videoJobMiB ÷ 1024'),
    taggingGbSeconds: quantity(
      'taggingGbSeconds',
      round(gbs(images, w.tagImageMs, w.taggerMiB) + gbs(videos, w.tagVideoMs, w.taggerMiB)),
      'GB-second',
      '(imagesPerMonth × tagImageMs + videosPerMonth × tagVideoMs) ÷ 1000 × taggerMiB ÷ 1024',
    ),
    indexerGbSeconds: quantity('indexerGbSeconds', round(gbs(items, w.indexerMs, w.indexerMiB)), 'GB-second', 'itemsPerMonth × indexerMs ÷ 1000 × indexerMiB ÷ 1024'),
    pipelineInvocations: quantity(
      'pipelineInvocations',
      round(items * 3 + videos),
      'invocations',
      'itemsPerMonth × 3 [ingest, process, tag] + videosPerMonth [MediaConvert completion]',
    ),
    ingestGets: quantity('ingestGets', round(items * 2), 'requests', 'itemsPerMonth × 2 [sniff first bytes, hash]'),
    processingGets: quantity(
      'processingGets',
      round(items + images * 2 + videos * w.videoFramesTagged * 2),
      'requests',
      'itemsPerMonth [worker/MediaConvert read] + taggedFrames × 2 [labels and moderation read from S3]',
    ),
    uploadPuts: quantity('uploadPuts', round(items), 'requests', 'itemsPerMonth [one presigned PUT each]'),
    dynamoItemGiBPerMonth: quantity(
      'dynamoItemGiBPerMonth',
      round((items * w.dynamoItemKiB) / KIB_PER_GIB),
      'GB',
      'itemsPerMonth × dynamoItemKiB ÷ 2²⁰',
    ),
  };
}

/** The workload with daily users multiplied by `factor` (every per-user rate kept). */
export function scaleWorkload(w: Workload, factor: number): Workload {
  return { ...w, dau: w.dau * factor };
}
