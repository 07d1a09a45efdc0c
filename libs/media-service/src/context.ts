import { DEFAULT_TRASH_RETENTION_DAYS } from '@mediaflow/domain';
import type {
  AlbumRepository,
  ArchiveJobQueue,
  AudioProcessor,
  Clock,
  DetectedLabel,
  EdgeCache,
  Moderation,
  ModerationLabel,
  Rendition,
  Tag,
  Tagger,
  TextReader,
  EventBus,
  IdGenerator,
  ImageProcessor,
  MediaFacts,
  MediaRepository,
  MultipartUploads,
  ObjectStore,
  MediaSearch,
  ReviewQueue,
  ShareLinkRepository,
  VideoJobTranscoder,
  VideoTranscoder,
} from '@mediaflow/domain';
import { z } from 'zod';

const ByteLimitSchema = z.number().int().positive();

export const ServiceConfigSchema = z.object({
  /** The largest original accepted, in bytes. */
  maxUploadBytes: ByteLimitSchema.default(2 * 1024 ** 3),
  /**
   * The largest original accepted of each kind, in bytes, checked at ingest once the bytes say what
   * they are, before anything reads them whole; a kind left out has `maxUploadBytes` only. Images
   * are decoded in memory, so theirs defaults to the image pipeline's input limit, and the image
   * step stops reading an original there too.
   */
  maxBytesByKind: z
    .object({
      image: ByteLimitSchema.default(200 * 1024 ** 2),
      video: ByteLimitSchema.optional(),
      audio: ByteLimitSchema.optional(),
      document: ByteLimitSchema.optional(),
      other: ByteLimitSchema.optional(),
    })
    .prefault({}),
  /** How long a presigned upload URL stays valid. */
  uploadUrlTtlSeconds: z.number().int().positive().max(7 * 24 * 3600).default(3600),
  /**
   * How long a presigned part URL of a multipart upload stays valid: a client asks for more
   * (`POST /api/v1/uploads/{id}/parts`) as it goes, so a leaked URL is short-lived.
   */
  uploadPartUrlTtlSeconds: z.number().int().positive().max(7 * 24 * 3600).default(900),
  /**
   * How long after it started a multipart upload may be resumed. It matches the bucket's rule that
   * aborts incomplete multipart uploads after a day; the sweeper removes the item only after it.
   */
  uploadResumeWindowSeconds: z.number().int().positive().max(30 * 24 * 3600).default(24 * 3600),
  /** How long a presigned download URL (originals, documents) stays valid. */
  downloadUrlTtlSeconds: z.number().int().positive().max(7 * 24 * 3600).default(900),
  /** Above this size an upload goes in presigned parts. */
  multipartThresholdBytes: z.number().int().positive().default(64 * 1024 ** 2),
  multipartPartBytes: z.number().int().min(5 * 1024 ** 2).default(16 * 1024 ** 2),
  /** Public base of rendition URLs: `/media` locally, the CloudFront origin in AWS. */
  mediaBaseUrl: z.string().default('/media'),
  /**
   * The longest a video job (download, probe, transcode) may run before the item fails with
   * `timeout`. Queues that carry video jobs need a visibility timeout above it.
   */
  videoTimeLimitSeconds: z.number().int().positive().default(1800),
  /** The same for an audio job (previews, waveform, tags, cover). */
  audioTimeLimitSeconds: z.number().int().positive().default(300),
  /**
   * Transcode progress is written onto the item, and each write is a conditional repository
   * update: at most one per interval and only after the job advanced by the step.
   */
  progressIntervalSeconds: z.number().positive().default(2),
  progressStep: z.number().positive().max(1).default(0.05),
  /** How long an item stays in the trash before it is removed for good. */
  trashRetentionDays: z.number().int().min(1).max(3650).default(DEFAULT_TRASH_RETENTION_DAYS),
  /**
   * How many bytes each user may store (originals and renditions, the trash included); unset, no
   * limit. Enforced where the repository keeps usage (`MediaRepository.usage`).
   */
  storageQuotaBytes: z.number().int().positive().optional(),
  /**
   * A delete for good also removes the older versions of the item's objects, where the store keeps
   * versions (S3's versioned bucket; the function needs s3:ListBucketVersions and
   * s3:DeleteObjectVersion). Off, they stay until the bucket's lifecycle rule expires them.
   */
  purgeObjectVersions: z.boolean().default(false),
});
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;

/**
 * What every use case needs: the records, the objects, the events, ids, time and settings. Each
 * app's composition root wires them; a step that needs more says so in its own deps type below, so
 * a processor left out where a step is wired fails the typecheck, not a job.
 */
export interface CoreDeps {
  repo: MediaRepository;
  store: ObjectStore;
  bus: EventBus;
  ids: IdGenerator;
  clock: Clock;
  config: ServiceConfig;
  /**
   * The CDN in front of renditions (CloudFront in AWS), told to drop an item's copies when it is
   * deleted or held by moderation. Absent where renditions are served without an edge cache (the
   * local server).
   */
  edgeCache?: EdgeCache | undefined;
  /**
   * Where a use case reports what it carried on past (an edge invalidation that failed), as
   * `{ level, msg, ...fields }`: the function's logger in AWS. Unset, such warnings go to the console.
   */
  log?: ((entry: Record<string, unknown>) => void) | undefined;
}

/**
 * The API's use cases (uploads, queries, edits, deletes, albums, share links, moderation); multipart
 * uploads where the store has them. The processing steps need none of the extra stores, so they
 * stay out of `CoreDeps`.
 */
export interface ServiceDeps extends CoreDeps {
  multipart?: MultipartUploads | undefined;
  /** The owners' albums; a delete takes the item out of every album. */
  albums: AlbumRepository;
  /** Share links; a delete revokes the item's links, an album's delete the album's. */
  shares: ShareLinkRepository;
  /** The moderators' queue of held items across owners (the media store's own index). */
  review: ReviewQueue;
  /** Search and the timeline over the owner's items (an index the media store keeps in step). */
  search: MediaSearch;
  /** Where zips are built away from the request (AWS); absent, the local server streams them (`downloads/`). */
  archiveJobs?: ArchiveJobQueue | undefined;
}

/** Steps that copy the original to local disk (ffmpeg seeks in its input). */
export interface LocalJobDeps extends CoreDeps {
  /**
   * A local directory where video and audio jobs download originals and write transcoder outputs,
   * one subdirectory per job, removed when the job ends. Defaults to the system's temp directory.
   */
  scratchDir?: string | undefined;
}

/** The image step: renditions and a placeholder. */
export interface ImageStepDeps extends CoreDeps {
  images: ImageProcessor;
}

/** The local video step: the ladder made here (ffmpeg), the poster rendered like a photo. */
export interface VideoStepDeps extends LocalJobDeps {
  video: VideoTranscoder;
  images: ImageProcessor;
}

/**
 * Where a probed video is transcoded: `here`, by ffmpeg in this process (the cloud's video
 * function), or by a `job` of a transcoding service (MediaConvert), with why.
 */
export interface VideoPlacement {
  where: 'here' | 'job';
  reason: string;
  /** What the transcode here was estimated to take, in seconds, when it was estimated. */
  estimatedSeconds?: number | undefined;
}

/**
 * The cloud video step: a probe here, then the ladder made here (`video`) when `placeVideo` says it
 * finishes well within the job's time, else a job of a transcoding service (`jobs`).
 */
export interface CloudVideoDeps extends VideoStepDeps {
  jobs: VideoJobTranscoder;
  placeVideo(facts: MediaFacts, original: { bytes: number }): VideoPlacement;
}

/** The cloud video step's end: the job's outputs listed, its poster rendered like a photo. */
export interface VideoJobUpdateDeps extends CoreDeps {
  images: ImageProcessor;
}

/** The audio step: previews, waveform and tags; the cover rendered like a photo. */
export interface AudioStepDeps extends LocalJobDeps {
  audio: AudioProcessor;
  images: ImageProcessor;
}

/** The tagging step. */
export interface TaggingStepDeps extends CoreDeps {
  tagging: TaggingDeps;
}

/**
 * The tagging step's collaborators: a Tagger (on-device locally and in AWS by default, or Rekognition) and the policy
 * that turns its raw answer into tags and a moderation verdict (thresholds differ per tagger).
 */
export interface TaggingDeps {
  tagger: Tagger;
  /** Raw labels -> normalised `ai` tags (lower case, singular, synonyms, threshold, at most ~15). */
  tags(labels: readonly DetectedLabel[]): Tag[];
  /** Raw moderation labels -> the verdict (`flagged` above a category's threshold, else `safe`). */
  moderate(labels: readonly ModerationLabel[], now: Date): Moderation;
  /** The image formats the tagger reads, preferred first (default JPEG, PNG, WebP; Rekognition: JPEG and PNG). */
  formats?: readonly Rendition['format'][];
}

/** The text step (OCR): words read from an item's picture, for search. */
export interface TextStepDeps extends CoreDeps {
  text: TextDeps;
}

/**
 * The text step's collaborators: a TextReader (on-device tesseract locally, or Rekognition's
 * DetectText) and the rendition formats it reads (every reader takes JPEG and PNG; the on-device
 * one WebP too). Unset, `['jpeg', 'png']`.
 */
export interface TextDeps {
  reader: TextReader;
  formats?: readonly Rendition['format'][] | undefined;
}

/** Cache headers for rendition objects: their keys never change content, so cache forever. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
