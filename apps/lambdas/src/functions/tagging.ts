import { moderate, normaliseLabels, ON_DEVICE_MODERATION_POLICY, ON_DEVICE_NORMALISE_OPTIONS } from '@mediaflow/tagging';
import { OnDeviceTagger } from '@mediaflow/tagging/on-device';
import { RekognitionTagger } from '@mediaflow/tagging/rekognition';
import type { TaggingDeps, TaggingStepDeps } from '@mediaflow/media-service';
import { taggingHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import type { LambdaEnv } from '../config.js';
import { awsIdempotency } from '../idempotency.js';
import { queueConsumer } from '../consumer.js';

/** `media.processed`: labels and moderation from the tagger the configuration names (`TAGGER`). */
export function createTaggingHandler(runtime: Runtime<TaggingStepDeps>) {
  return queueConsumer(runtime, taggingHandler, { kind: 'unknown' });
}

/**
 * The tagger `TAGGER` names, with the label and moderation policies tuned for it (the two score
 * differently). `on-device`: Human's detectors and nsfwjs in one worker thread, its models from the
 * `tagger-models` layer; the tagging step hands it the rendition's bytes, read from S3. The worker
 * starts on the first image, or on `OnDeviceTagger.ready()`. `rekognition`: the service, reading
 * large renditions from the bucket itself.
 */
export function taggingFor(config: LambdaEnv): TaggingDeps {
  if (config.TAGGER === 'rekognition') {
    return {
      tagger: new RekognitionTagger({ bucket: config.REKOGNITION_BUCKET ?? config.MEDIA_BUCKET, maxConcurrency: config.REKOGNITION_MAX_CONCURRENCY }),
      tags: (labels) => normaliseLabels(labels),
      moderate: (labels, now) => moderate(labels, {}, now),
    };
  }
  return {
    tagger: new OnDeviceTagger(config.TAGGER_WORKER_PATH === undefined ? {} : { workerPath: config.TAGGER_WORKER_PATH }),
    tags: (labels) => normaliseLabels(labels, ON_DEVICE_NORMALISE_OPTIONS),
    moderate: (labels, now) => moderate(labels, ON_DEVICE_MODERATION_POLICY, now),
  };
}

export const handler = coldStart(async () => {
  const runtime = awsRuntime('tagging', (config) => ({ tagging: taggingFor(config) }), awsIdempotency);
  // Built once per container: the models load here, in the cold start, rather than inside the
  // first record's time, and a layer that cannot load them fails the invocation before any record.
  const { tagger } = runtime.deps.tagging;
  if (tagger instanceof OnDeviceTagger) await tagger.ready();
  return createTaggingHandler(runtime);
});
