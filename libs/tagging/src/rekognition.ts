import {
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  DetectTextCommand,
  RekognitionClient,
  type FaceDetail,
  type Image,
  type Label,
  type ModerationLabel as RekognitionModerationLabel,
  type TextDetection,
} from '@aws-sdk/client-rekognition';
import { z } from 'zod';
import {
  LimitExceededError,
  Semaphore,
  TEXT_MAX_LENGTH,
  ValidationError,
  type DetectedLabel,
  type ModerationLabel,
  type Tagger,
  type TaggerInput,
  type TaggerResult,
  type TextReader,
  type TextReading,
} from '@mediaflow/domain';
import { toTaggingError, isTransientServiceError } from './errors.js';
import { RetryOptionsSchema, withRetry, type RetryHooks } from './retry.js';

/** Rekognition takes inline image bytes up to 5 MB; larger images must be read from S3. */
export const REKOGNITION_MAX_INLINE_BYTES = 5 * 1024 * 1024;

/** What every Rekognition caller here shares: where large images are read from, the concurrency bound, the retries. */
const RekognitionCallOptionsSchema = z.object({
  /** The bucket holding renditions: used when an image is too large to send inline. */
  bucket: z.string().min(3).max(63).optional(),
  /**
   * Calls in flight at once from this instance, sized to the account's Rekognition TPS quota
   * (5 in most regions by default) divided by the number of processes calling it.
   */
  maxConcurrency: z.number().int().min(1).max(1000).default(5),
  /** Images at or above this size go by S3 reference. */
  inlineMaxBytes: z.number().int().min(1).max(REKOGNITION_MAX_INLINE_BYTES).default(REKOGNITION_MAX_INLINE_BYTES),
  retry: RetryOptionsSchema.default(RetryOptionsSchema.parse({})),
});

export const RekognitionTaggerOptionsSchema = RekognitionCallOptionsSchema.extend({
  /** DetectLabels `MaxLabels`: more than the tags kept, since synonyms merge some of them. */
  maxLabels: z.number().int().min(1).max(1000).default(30),
  /** DetectLabels `MinConfidence`, as 0..1 (sent as a percentage). */
  minConfidence: z.number().min(0).max(1).default(0.6),
  /** DetectModerationLabels `MinConfidence`, as 0..1. */
  moderationMinConfidence: z.number().min(0).max(1).default(0.5),
  /** Counts faces with DetectFaces (one more call per image, priced like DetectLabels); off, `faces` is left out. */
  faces: z.boolean().default(true),
  /**
   * A face counts from this confidence, as 0..1. DetectFaces reports faces down to about 0.5 (a
   * pattern on a shirt, a face on a poster at the back); 0.9 keeps the faces a person would point at.
   */
  faceMinConfidence: z.number().min(0).max(1).default(0.9),
});
export type RekognitionTaggerOptions = z.infer<typeof RekognitionTaggerOptionsSchema>;

/** Test seams: randomness and waiting of the backoff. */
export interface RekognitionTaggerHooks {
  random?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * How this module calls Rekognition, whatever the operation: the image as inline bytes or an S3
 * reference, every attempt through the concurrency bound, throttling and 5xx retried with backoff,
 * failures as the domain's errors.
 */
class RekognitionCalls {
  private readonly slots: Semaphore;
  private readonly retryHooks: RetryHooks;

  constructor(
    private readonly options: z.infer<typeof RekognitionCallOptionsSchema>,
    readonly client: RekognitionClient,
    hooks: RekognitionTaggerHooks,
  ) {
    this.slots = new Semaphore(options.maxConcurrency);
    this.retryHooks = { retryable: isTransientServiceError, ...hooks };
  }

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

  async call<T>(operation: string, signal: AbortSignal | undefined, send: (options: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    const sendOptions = signal === undefined ? {} : { abortSignal: signal };
    try {
      return await withRetry(() => this.slots.use(() => send(sendOptions), signal), this.options.retry, this.retryHooks, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toTaggingError(error, `Rekognition ${operation}`);
    }
  }
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
 * The faces DetectFaces found at or above `minConfidence` (0..1): a count only. DEFAULT attributes
 * come with landmarks and pose, which are read for nothing and kept nowhere.
 */
export function countFaces(details: readonly FaceDetail[] | undefined, minConfidence: number): number {
  return (details ?? []).filter((face) => unit(face.Confidence) >= minConfidence).length;
}

/**
 * Labels, moderation labels and a face count from Amazon Rekognition for one image (a rendition):
 * DetectLabels, DetectModerationLabels and DetectFaces in parallel, each on inline bytes when
 * small enough, otherwise on the object in the renditions bucket. Throttling and 5xx answers are
 * retried with exponential backoff and full jitter; calls from this instance (three per image) are
 * bounded by `maxConcurrency`. The client should be made with `maxAttempts: 1` so that retries
 * happen here (and under the concurrency bound) only; the default client is. No face identity,
 * landmark or attribute is kept: only how many faces cleared `faceMinConfidence`.
 *
 * @example
 * const tagger = new RekognitionTagger({ bucket: 'media-renditions', maxConcurrency: 5 });
 * const { labels, moderation, faces } = await tagger.detect({ kind: 'image', bytes, objectKey }, signal);
 */
export class RekognitionTagger implements Tagger {
  readonly options: RekognitionTaggerOptions;
  private readonly calls: RekognitionCalls;

  constructor(options: Partial<z.input<typeof RekognitionTaggerOptionsSchema>> = {}, client?: RekognitionClient, hooks: RekognitionTaggerHooks = {}) {
    this.options = RekognitionTaggerOptionsSchema.parse(options);
    this.calls = new RekognitionCalls(this.options, client ?? new RekognitionClient({ maxAttempts: 1 }), hooks);
  }

  /** What Rekognition is asked to look at. */
  imageOf(input: TaggerInput): Image {
    return this.calls.imageOf(input);
  }

  async detect(input: TaggerInput, signal?: AbortSignal): Promise<TaggerResult> {
    signal?.throwIfAborted();
    const image = this.imageOf(input);
    const { client } = this.calls;
    const [labels, moderation, faces] = await Promise.all([
      this.calls.call('DetectLabels', signal, (options) =>
        client.send(new DetectLabelsCommand({ Image: image, MaxLabels: this.options.maxLabels, MinConfidence: this.options.minConfidence * 100 }), options),
      ),
      this.calls.call('DetectModerationLabels', signal, (options) =>
        client.send(new DetectModerationLabelsCommand({ Image: image, MinConfidence: this.options.moderationMinConfidence * 100 }), options),
      ),
      this.options.faces ? this.calls.call('DetectFaces', signal, (options) => client.send(new DetectFacesCommand({ Image: image, Attributes: ['DEFAULT'] }), options)) : undefined,
    ]);
    return {
      labels: (labels.Labels ?? []).flatMap((l) => fromRekognitionLabel(l) ?? []),
      moderation: (moderation.ModerationLabels ?? []).flatMap((l) => fromRekognitionModerationLabel(l) ?? []),
      ...(faces === undefined ? {} : { faces: countFaces(faces.FaceDetails, this.options.faceMinConfidence) }),
    };
  }
}

export const RekognitionTextReaderOptionsSchema = RekognitionCallOptionsSchema.extend({
  /**
   * A line of text is kept from this confidence, as 0..1 (also sent as DetectText's word filter).
   * Rekognition reads patterns, foliage and brick as words in the 50-80 range; printed text scores 90 and more.
   */
  minConfidence: z.number().min(0).max(1).default(0.8),
  /** The most characters kept (the domain's limit); the text is cut at a word boundary. */
  maxLength: z.number().int().min(1).max(TEXT_MAX_LENGTH).default(TEXT_MAX_LENGTH),
});
export type RekognitionTextReaderOptions = z.infer<typeof RekognitionTextReaderOptionsSchema>;

export interface RekognitionTextReaderHooks extends RekognitionTaggerHooks {
  /**
   * Whether text is likely in the image (the on-device OCR's gate, `textLikely` of
   * `@mediaflow/tagging/ocr`): when it says no, DetectText is not called and the reading is
   * `skipped: 'no text likely'`. Without it every image is sent.
   */
  likely?: (input: TaggerInput, signal?: AbortSignal) => Promise<boolean>;
}

/** Where a line sits on the image (0..1 from the top left); lines without a box come last. */
export interface PlacedLine {
  text: string;
  top: number;
  left: number;
  height: number;
}

function placed(detection: TextDetection): PlacedLine | undefined {
  const text = detection.DetectedText?.trim() ?? '';
  if (text === '') return undefined;
  const box = detection.Geometry?.BoundingBox;
  return { text, top: box?.Top ?? 1, left: box?.Left ?? 1, height: box?.Height ?? 0 };
}

/**
 * The lines in reading order: top to bottom, and left to right within a row (lines whose tops are
 * closer than half a line's height, as the columns of a sign or a table).
 */
export function readingOrder(lines: readonly PlacedLine[]): string[] {
  const byTop = [...lines].sort((a, b) => a.top - b.top || a.left - b.left);
  const rows: PlacedLine[][] = [];
  for (const line of byTop) {
    const row = rows.at(-1);
    const first = row?.[0];
    if (row !== undefined && first !== undefined && Math.abs(line.top - first.top) < Math.max(first.height, line.height) / 2) row.push(line);
    else rows.push([line]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.left - b.left).map((line) => line.text));
}

/** At most `max` characters, cut at the last space before the limit when there is one. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const boundary = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf('\n'));
  return (boundary > 0 ? cut.slice(0, boundary) : text.slice(0, max)).trimEnd();
}

/**
 * Words printed in an image, from Amazon Rekognition's DetectText: its LINE detections (each
 * already the words of one line, in order) of at least `minConfidence`, in reading order, one per
 * line, cut at `maxLength` characters. Rekognition reads at most 100 words of an image, which is
 * what a photograph of a sign, a page or a screenshot needs for search. Same image rules, retries
 * and concurrency bound as {@link RekognitionTagger}; with a `likely` hook, only images it finds
 * text likely in are sent.
 *
 * @example
 * const reader = new RekognitionTextReader({ bucket: 'media-renditions', maxConcurrency: 5 });
 * const { text } = await reader.read({ kind: 'image', bytes, objectKey }, signal);
 */
export class RekognitionTextReader implements TextReader {
  readonly options: RekognitionTextReaderOptions;
  private readonly calls: RekognitionCalls;
  private readonly likely: RekognitionTextReaderHooks['likely'];

  constructor(options: Partial<z.input<typeof RekognitionTextReaderOptionsSchema>> = {}, client?: RekognitionClient, hooks: RekognitionTextReaderHooks = {}) {
    this.options = RekognitionTextReaderOptionsSchema.parse(options);
    const { likely, ...callHooks } = hooks;
    this.calls = new RekognitionCalls(this.options, client ?? new RekognitionClient({ maxAttempts: 1 }), callHooks);
    this.likely = likely;
  }

  async read(input: TaggerInput, signal?: AbortSignal): Promise<TextReading> {
    signal?.throwIfAborted();
    const image = this.calls.imageOf(input);
    // Each call is paid for: an image the gate finds no text likely in is not sent.
    if (this.likely !== undefined && !(await this.likely(input, signal))) return { text: '', skipped: 'no text likely' };
    const { client } = this.calls;
    const answer = await this.calls.call('DetectText', signal, (options) =>
      client.send(new DetectTextCommand({ Image: image, Filters: { WordFilter: { MinConfidence: this.options.minConfidence * 100 } } }), options),
    );
    const lines = (answer.TextDetections ?? [])
      .filter((d) => d.Type === 'LINE' && unit(d.Confidence) >= this.options.minConfidence)
      .flatMap((d) => placed(d) ?? []);
    return { text: cutText(readingOrder(lines).join('\n'), this.options.maxLength) };
  }
}
