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

/**
 * Kinds that the document step keeps as they are. Video and audio go there too until their
 * pipelines are wired in, so that every upload still ends `ready` or `failed`.
 */
export const AS_IS_KINDS: readonly MediaKind[] = ['document', 'other', 'video', 'audio'];

/**
 * The local pipeline, mirroring the cloud one (S3 -> ingest; SNS -> per-kind SQS queues with DLQs).
 * Image work is CPU-bound: one job per core is the sweet spot on small machines.
 */
export function pipelineQueues(cores: number): QueueDefinition[] {
  return [
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
      name: 'document',
      deadLetter: 'document-dlq',
      visibilityTimeoutSeconds: 60,
      maxReceives: 5,
      concurrency: 2,
      filter: { type: ['media.uploaded'], kind: AS_IS_KINDS },
    },
  ];
}
