import { dirname, join } from 'node:path';
import { ValidationError, type TaggerInput } from '@mediaflow/domain';
import { moderate, normaliseLabels, ON_DEVICE_MODERATION_POLICY, ON_DEVICE_NORMALISE_OPTIONS } from '@mediaflow/tagging';
import { decodeForGate, DEFAULT_TEXT_GATE, ENGLISH_MODEL_DIR, OCR_WORKER_FILE, OnDeviceTextReader, textLikely, type OcrFiles } from '@mediaflow/tagging/ocr';
import { OnDeviceTagger } from '@mediaflow/tagging/on-device';
import { RekognitionTagger, RekognitionTextReader } from '@mediaflow/tagging/rekognition';
import type { ReceivedMessage } from '@mediaflow/domain';
import type { TaggingDeps, TaggingStepDeps, TextDeps, TextStepDeps } from '@mediaflow/media-service';
import { taggingHandler, textHandler, type HandlerOptions, type WorkerHandler } from '@mediaflow/workers';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import type { LambdaEnv } from '../config.js';
import { awsIdempotency } from '../idempotency.js';
import { queueConsumer } from '../consumer.js';

/** What the tagging function's steps need: tagging (`media.processed`) and reading text (`media.tagged`). */
export type TaggingFunctionDeps = TaggingStepDeps & TextStepDeps;

/** The event type of a message (a domain event's `type`), without trusting anything else in it. */
function eventType(message: ReceivedMessage): unknown {
  try {
    return (JSON.parse(message.body) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}

/**
 * One handler for both queues the function consumes, by the event each brings: `media.processed`
 * from the tagging queue is tagged, `media.tagged` from the text queue is read. Anything else was
 * misrouted, and fails (to the dead-letter queue after its receives).
 */
export function taggingOrText(deps: TaggingFunctionDeps, options: HandlerOptions): WorkerHandler {
  const tag = taggingHandler(deps, options);
  const read = textHandler(deps, options);
  return async (message) => {
    const type = eventType(message);
    if (type === 'media.processed') return tag(message);
    if (type === 'media.tagged') return read(message);
    throw new ValidationError(`the tagging function takes media.processed and media.tagged, not ${typeof type === 'string' ? type : 'a message without an event type'}`);
  };
}

/** `media.processed`: labels, faces and moderation; `media.tagged`: the words in the picture; from the reader the configuration names (`TAGGER`). */
export function createTaggingHandler(runtime: Runtime<TaggingFunctionDeps>) {
  return queueConsumer(runtime, taggingOrText, { kind: 'unknown' });
}

/**
 * The tagger `TAGGER` names, with the label and moderation policies tuned for it (the two score
 * differently). `on-device`: Human's detectors and nsfwjs in one worker thread, its models from the
 * `tagger-models` layer; the tagging step hands it the rendition's bytes, read from S3. The worker
 * starts on the first image, or on `OnDeviceTagger.ready()`. `rekognition`: the service, reading
 * large renditions from the bucket itself, and counting faces with DetectFaces.
 */
export function taggingFor(config: LambdaEnv): TaggingDeps {
  if (config.TAGGER === 'rekognition') {
    return {
      tagger: new RekognitionTagger({ bucket: config.REKOGNITION_BUCKET ?? config.MEDIA_BUCKET, maxConcurrency: config.REKOGNITION_MAX_CONCURRENCY }),
      tags: (labels) => normaliseLabels(labels),
      moderate: (labels, now) => moderate(labels, {}, now),
      // Rekognition takes JPEG and PNG only.
      formats: ['jpeg', 'png'],
    };
  }
  return {
    // One worker: the function is sized to one vCPU (1,769 MB), where a second worker adds about
    // 200 MB and no speed, whatever the number of processors the environment reports.
    tagger: new OnDeviceTagger({ workers: 1, ...(config.TAGGER_WORKER_PATH === undefined ? {} : { workerPath: config.TAGGER_WORKER_PATH }) }),
    tags: (labels) => normaliseLabels(labels, ON_DEVICE_NORMALISE_OPTIONS),
    moderate: (labels, now) => moderate(labels, ON_DEVICE_MODERATION_POLICY, now),
  };
}

/**
 * The OCR engine's files in the layer that holds the tagger's worker (`TAGGER_WORKER_PATH`, under
 * `.../node_modules/@mediaflow/tagging/worker/`): the text reader's worker beside it, the English
 * model and the WASM core in the same `node_modules`. Unset, the reader finds them on the module path.
 */
export function ocrFilesBeside(taggerWorkerPath: string | undefined): OcrFiles | undefined {
  if (taggerWorkerPath === undefined) return undefined;
  const marker = '/node_modules/';
  const at = taggerWorkerPath.lastIndexOf(`${marker}@mediaflow/tagging/`);
  if (at < 0) return undefined;
  const modules = taggerWorkerPath.slice(0, at + marker.length - 1);
  return {
    workerPath: join(dirname(dirname(taggerWorkerPath)), OCR_WORKER_FILE),
    langPath: join(modules, '@tesseract.js-data/eng', ENGLISH_MODEL_DIR),
    corePath: join(modules, 'tesseract.js-core'),
  };
}

/** The on-device reader's gate, for a reader that pays per call: rows of print in the picture, or not. */
async function printLikely(input: TaggerInput): Promise<boolean> {
  if (input.bytes === undefined) return true;
  return textLikely(await decodeForGate(input.bytes, DEFAULT_TEXT_GATE.edge), DEFAULT_TEXT_GATE).likely;
}

/**
 * The text reader for the same `TAGGER`: on-device, tesseract.js from the `tagger-models` layer
 * (behind its own gate; it reads WebP too); with Rekognition, DetectText behind the same gate, so a
 * picture without print is neither sent nor paid for (JPEG and PNG: what Rekognition reads).
 */
export function textFor(config: LambdaEnv): TextDeps {
  if (config.TAGGER === 'rekognition') {
    return {
      reader: new RekognitionTextReader({ bucket: config.REKOGNITION_BUCKET ?? config.MEDIA_BUCKET, maxConcurrency: config.REKOGNITION_MAX_CONCURRENCY }, undefined, { likely: printLikely }),
      formats: ['jpeg', 'png'],
    };
  }
  const files = ocrFilesBeside(config.TAGGER_WORKER_PATH);
  return { reader: new OnDeviceTextReader(files === undefined ? {} : { files }), formats: ['jpeg', 'png', 'webp'] };
}

export const handler = coldStart(async () => {
  const runtime = awsRuntime('tagging', (config) => ({ tagging: taggingFor(config), text: textFor(config) }), awsIdempotency);
  // Built once per container: the models load here, in the cold start, rather than inside the
  // first record's time, and a layer that cannot load them fails the invocation before any record.
  // The OCR engine starts with the first picture to read (a batch of tagging never pays for it).
  const { tagger } = runtime.deps.tagging;
  if (tagger instanceof OnDeviceTagger) await tagger.ready();
  return createTaggingHandler(runtime);
});
