import type {
  AudioProcessor,
  Clock,
  DetectedLabel,
  Moderation,
  ModerationLabel,
  Tag,
  Tagger,
  EventBus,
  IdGenerator,
  ImageProcessor,
  MediaRepository,
  MultipartUploads,
  ObjectStore,
  VideoTranscoder,
} from '@mediaflow/domain';
import { z } from 'zod';

export const ServiceConfigSchema = z.object({
  /** The largest original accepted, in bytes. */
  maxUploadBytes: z.number().int().positive().default(2 * 1024 ** 3),
  /** How long a presigned upload URL stays valid. */
  uploadUrlTtlSeconds: z.number().int().positive().max(7 * 24 * 3600).default(3600),
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
});
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;

/** Everything the use cases need, wired by each app's composition root. */
export interface ServiceDeps {
  repo: MediaRepository;
  store: ObjectStore;
  bus: EventBus;
  ids: IdGenerator;
  clock: Clock;
  config: ServiceConfig;
  images?: ImageProcessor;
  multipart?: MultipartUploads;
  video?: VideoTranscoder;
  audio?: AudioProcessor;
  /**
   * A local directory where video and audio jobs download originals and write transcoder outputs,
   * one subdirectory per job, removed when the job ends. Defaults to the system's temp directory.
   */
  scratchDir?: string;
  /** Labels and moderation signals for the tagging step, with how to read them. */
  tagging?: TaggingDeps;
}

/**
 * The tagging step's collaborators: a Tagger (on-device locally, Rekognition in AWS) and the policy
 * that turns its raw answer into tags and a moderation verdict (thresholds differ per tagger).
 */
export interface TaggingDeps {
  tagger: Tagger;
  /** Raw labels -> normalised `ai` tags (lower case, singular, synonyms, threshold, at most ~15). */
  tags(labels: readonly DetectedLabel[]): Tag[];
  /** Raw moderation labels -> the verdict (`flagged` above a category's threshold, else `safe`). */
  moderate(labels: readonly ModerationLabel[], now: Date): Moderation;
}

/** Cache headers for rendition objects: their keys never change content, so cache forever. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
