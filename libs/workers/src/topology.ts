import type { MediaKind } from '@mediaflow/domain';

/** One queue of the pipeline, with its dead-letter queue and its consumer's concurrency. */
export interface QueueDefinition {
  name: string;
  deadLetter: string;
  visibilityTimeoutSeconds: number;
  maxReceives: number;
  concurrency: number;
  /** SNS-style filter policy over event attributes; absent for queues fed by the object store. */
  filter?: Record<string, readonly string[]>;
}

/** Kinds that the document step keeps as they are. */
export const AS_IS_KINDS: readonly MediaKind[] = ['document', 'other'];

/** Kinds with something to look at: images, video frames, audio covers. */
export const TAGGED_KINDS: readonly MediaKind[] = ['image', 'video', 'audio'];

/** The job time limits the queues must outlast (the service config's, in seconds). */
export interface JobLimits {
  videoTimeLimitSeconds: number;
  audioTimeLimitSeconds: number;
}

const DEFAULT_LIMITS: JobLimits = { videoTimeLimitSeconds: 1800, audioTimeLimitSeconds: 300 };

/**
 * A message must stay hidden longer than its job may run, or a second worker would start the same
 * job while the first still runs (on queues without a heartbeat, like SQS under Lambda).
 */
const VISIBILITY_MARGIN_SECONDS = 120;

/**
 * The local pipeline, mirroring the cloud one (S3 -> ingest; SNS -> per-kind SQS queues with DLQs).
 * Image work is CPU-bound: one job per core is the sweet spot on small machines. One ffmpeg
 * already uses every core, so video runs one job at a time; audio jobs are lighter and shorter.
 */
/** Kinds whose words are read (OCR): images. */
export const TEXT_KINDS: readonly MediaKind[] = ['image'];

/**
 * How long one image's OCR may take before it is skipped (the on-device reader's default budget);
 * the text queue's visibility outlasts it and the engine's start.
 */
export const TEXT_TIME_LIMIT_SECONDS = 20;

export function pipelineQueues(cores: number, limits: JobLimits = DEFAULT_LIMITS, options: { tagging?: boolean } = {}): QueueDefinition[] {
  const tagging: QueueDefinition[] = options.tagging
    ? [
        {
          // One at a time: the on-device tagger runs one image at a time in its own thread, and
          // Rekognition's rate is bounded by the account's TPS anyway.
          name: 'tagging',
          deadLetter: 'tagging-dlq',
          visibilityTimeoutSeconds: 120,
          maxReceives: 3,
          concurrency: 1,
          filter: { type: ['media.processed'], kind: TAGGED_KINDS },
        },
        {
          // Words in images (OCR), after tagging and apart from it, so that tagging keeps its pace:
          // one image at a time (the on-device engine is one thread), each within its own budget.
          name: 'text',
          deadLetter: 'text-dlq',
          visibilityTimeoutSeconds: TEXT_TIME_LIMIT_SECONDS + VISIBILITY_MARGIN_SECONDS,
          maxReceives: 3,
          concurrency: 1,
          filter: { type: ['media.tagged'], kind: TEXT_KINDS },
        },
      ]
    : [];
  return [
    ...tagging,
    { name: 'ingest', deadLetter: 'ingest-dlq', visibilityTimeoutSeconds: 60, maxReceives: 5, concurrency: 4 },
    {
      name: 'image',
      deadLetter: 'image-dlq',
      visibilityTimeoutSeconds: 120,
      maxReceives: 3,
      concurrency: Math.max(1, cores),
      filter: { type: ['media.uploaded'], kind: ['image'] },
    },
    {
      name: 'video',
      deadLetter: 'video-dlq',
      visibilityTimeoutSeconds: limits.videoTimeLimitSeconds + VISIBILITY_MARGIN_SECONDS,
      maxReceives: 3,
      concurrency: 1,
      filter: { type: ['media.uploaded'], kind: ['video'] },
    },
    {
      name: 'audio',
      deadLetter: 'audio-dlq',
      visibilityTimeoutSeconds: limits.audioTimeLimitSeconds + VISIBILITY_MARGIN_SECONDS,
      maxReceives: 3,
      concurrency: 2,
      filter: { type: ['media.uploaded'], kind: ['audio'] },
    },
    {
      name: 'document',
      deadLetter: 'document-dlq',
      visibilityTimeoutSeconds: 60,
      maxReceives: 5,
      concurrency: 2,
      filter: { type: ['media.uploaded'], kind: AS_IS_KINDS },
    },
  ];
}

/**
 * How long the archive function may take over one zip: Lambda's longest. A selection or an export
 * larger than it can copy in that time fails (its status turns `failed` after an hour).
 */
export const ARCHIVE_TIME_LIMIT_SECONDS = 900;

/**
 * The cloud's queue of zips to build (`ArchiveJobQueue`: the api function sends `{ ownerId,
 * archiveId }`, the archive function builds it into the object store). Not part of
 * {@link pipelineQueues}: no domain event feeds it, and the local server streams zips instead of
 * queueing them. Three attempts, as the processing queues have: a build that fails for good is
 * reported `failed` by the status route an hour after it was asked for.
 */
export function archiveQueue(): QueueDefinition {
  return {
    name: 'archive',
    deadLetter: 'archive-dlq',
    visibilityTimeoutSeconds: ARCHIVE_TIME_LIMIT_SECONDS + VISIBILITY_MARGIN_SECONDS,
    maxReceives: 3,
    concurrency: 1,
  };
}
