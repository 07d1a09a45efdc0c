import {
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  RekognitionClient,
  type Image,
  type Label,
  type ModerationLabel as RekognitionModerationLabel,
} from '@aws-sdk/client-rekognition';
import { z } from 'zod';
import { LimitExceededError, Semaphore, ValidationError, type DetectedLabel, type ModerationLabel, type Tagger, type TaggerInput, type TaggerResult } from '@mediaflow/domain';
import { toTaggingError, isTransientServiceError } from './errors.js';
import { RetryOptionsSchema, withRetry, type RetryHooks } from './retry.js';

/** Rekognition takes inline image bytes up to 5 MB; larger images must be read from S3. */
export const REKOGNITION_MAX_INLINE_BYTES = 5 * 1024 * 1024;

export const RekognitionTaggerOptionsSchema = z.object({
  /** The bucket holding renditions: used when an image is too large to send inline. */
  bucket: z.string().min(3).max(63).optional(),
  /** DetectLabels `MaxLabels`: more than the tags kept, since synonyms merge some of them. */
  maxLabels: z.number().int().min(1).max(1000).default(30),
  /** DetectLabels `MinConfidence`, as 0..1 (sent as a percentage). */
  minConfidence: z.number().min(0).max(1).default(0.6),
  /** DetectModerationLabels `MinConfidence`, as 0..1. */
  moderationMinConfidence: z.number().min(0).max(1).default(0.5),
  /**
   * Calls in flight at once from this process, sized to the account's Rekognition TPS quota
   * (5 in most regions by default) divided by the number of processes calling it.
   */
  maxConcurrency: z.number().int().min(1).max(1000).default(5),
  /** Images at or above this size go by S3 reference. */
  inlineMaxBytes: z.number().int().min(1).max(REKOGNITION_MAX_INLINE_BYTES).default(REKOGNITION_MAX_INLINE_BYTES),
  retry: RetryOptionsSchema.default(RetryOptionsSchema.parse({})),
});
export type RekognitionTaggerOptions = z.infer<typeof RekognitionTaggerOptionsSchema>;

/** Test seams: randomness and waiting of the backoff. */
export interface RekognitionTaggerHooks {
  random?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Rekognition's 0-100 confidence as the domain's 0..1. */
function unit(percent: number | undefined): number {
  return Math.min(1, Math.max(0, (percent ?? 0) / 100));
}

export function fromRekognitionLabel(label: Label): DetectedLabel | undefined {
  if (label.Name === undefined || label.Name === '') return undefined;
  const parents = (label.Parents ?? []).flatMap((p) => (p.Name ? [p.Name] : []));
  return { name: label.Name, confidence: unit(label.Confidence), ...(parents.length > 0 ? { parents } : {}) };
}

export function fromRekognitionModerationLabel(label: RekognitionModerationLabel): ModerationLabel | undefined {
  if (label.Name === undefined || label.Name === '') return undefined;
  const parent = label.ParentName;
  return { name: label.Name, confidence: unit(label.Confidence), ...(parent ? { parent } : {}) };
}

/**
 * Labels and moderation labels from Amazon Rekognition for one image (a rendition): inline bytes
 * when small enough, otherwise the object in the renditions bucket. Throttling and 5xx answers are
 * retried with exponential backoff and full jitter; calls from this instance are bounded by
 * `maxConcurrency`. The client should be made with `maxAttempts: 1` so that retries happen here
 * (and under the concurrency bound) only; the default client is.
 *
 * @example
 * const tagger = new RekognitionTagger({ bucket: 'media-renditions', maxConcurrency: 5 });
 * const { labels, moderation } = await tagger.detect({ kind: 'image', bytes, objectKey }, signal);
 */
export class RekognitionTagger implements Tagger {
  readonly options: RekognitionTaggerOptions;
  private readonly client: RekognitionClient;
  private readonly slots: Semaphore;
  private readonly retryHooks: RetryHooks;

  constructor(options: Partial<z.input<typeof RekognitionTaggerOptionsSchema>> = {}, client?: RekognitionClient, hooks: RekognitionTaggerHooks = {}) {
    this.options = RekognitionTaggerOptionsSchema.parse(options);
    this.client = client ?? new RekognitionClient({ maxAttempts: 1 });
    this.slots = new Semaphore(this.options.maxConcurrency);
    this.retryHooks = { retryable: isTransientServiceError, ...hooks };
  }

  /** What Rekognition is asked to look at. */
  imageOf(input: TaggerInput): Image {
    const { bytes, objectKey } = input;
    if (bytes !== undefined && bytes.byteLength < this.options.inlineMaxBytes) return { Bytes: bytes };
    if (objectKey !== undefined && this.options.bucket !== undefined) return { S3Object: { Bucket: this.options.bucket, Name: objectKey } };
    if (bytes !== undefined) {
      throw new LimitExceededError(`the image is ${bytes.byteLength} bytes, over Rekognition's inline limit, and no object key and bucket were given`, {
        details: { bytes: bytes.byteLength, limit: this.options.inlineMaxBytes },
      });
    }
    throw new ValidationError('the tagger needs image bytes, or an object key and a configured bucket');
  }

  async detect(input: TaggerInput, signal?: AbortSignal): Promise<TaggerResult> {
    signal?.throwIfAborted();
    const image = this.imageOf(input);
    const [labels, moderation] = await Promise.all([
      this.call('DetectLabels', signal, () =>
        this.client.send(
          new DetectLabelsCommand({ Image: image, MaxLabels: this.options.maxLabels, MinConfidence: this.options.minConfidence * 100 }),
          signal === undefined ? {} : { abortSignal: signal },
        ),
      ),
      this.call('DetectModerationLabels', signal, () =>
        this.client.send(
          new DetectModerationLabelsCommand({ Image: image, MinConfidence: this.options.moderationMinConfidence * 100 }),
          signal === undefined ? {} : { abortSignal: signal },
        ),
      ),
    ]);
    return {
      labels: (labels.Labels ?? []).flatMap((l) => fromRekognitionLabel(l) ?? []),
      moderation: (moderation.ModerationLabels ?? []).flatMap((l) => fromRekognitionModerationLabel(l) ?? []),
    };
  }

  private async call<T>(operation: string, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(() => this.slots.use(send, signal), this.options.retry, this.retryHooks, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toTaggingError(error, `Rekognition ${operation}`);
    }
  }
}
