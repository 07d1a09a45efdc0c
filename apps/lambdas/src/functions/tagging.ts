import { moderate, normaliseLabels } from '@mediaflow/tagging';
import { RekognitionTagger } from '@mediaflow/tagging/rekognition';
import type { TaggingStepDeps } from '@mediaflow/media-service';
import { taggingHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { awsIdempotency } from '../idempotency.js';
import { queueConsumer } from '../consumer.js';

/** `media.processed`: labels and moderation from Rekognition, read with its default policy. */
export function createTaggingHandler(runtime: Runtime<TaggingStepDeps>) {
  return queueConsumer(runtime, taggingHandler, { kind: 'unknown' });
}

export const handler = coldStart(() =>
  createTaggingHandler(
    awsRuntime('tagging', (config) => ({
      tagging: {
        tagger: new RekognitionTagger({ bucket: config.REKOGNITION_BUCKET ?? config.MEDIA_BUCKET, maxConcurrency: config.REKOGNITION_MAX_CONCURRENCY }),
        tags: (labels) => normaliseLabels(labels),
        moderate: (labels, now) => moderate(labels, {}, now),
      },
    }), awsIdempotency),
  ),
);
