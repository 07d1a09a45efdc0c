/**
 * The Rekognition stand-in: `DetectLabels`, `DetectModerationLabels`, `DetectFaces` and `DetectText` over JSON 1.1
 * (`x-amz-target: RekognitionService.*`), with Rekognition's request checks (one image source,
 * 5 MB inline / 15 MB from S3, JPEG or PNG only, confidences 0-100). An `Image.S3Object` is read
 * with the caller's own permissions, as Rekognition does, so IAM is asked for `s3:GetObject` too.
 */
import type { Authorization, AwsRequest, AwsResponse, Principal, ServiceHandler, SimAccount, SimLog } from '../../types.js';
import { DEFAULT_ACCOUNT } from '../../types.js';
import { onDeviceDetector, onDeviceTextDetector, type Detection, type ImageDetector, type TextDetector } from './detector.js';
import { MAX_INLINE_IMAGE_BYTES, MAX_S3_IMAGE_BYTES, sniffImageFormat } from './image.js';
import { JsonServiceError, jsonErrorResponse, jsonResponse } from '../json-protocol.js';

export interface RekognitionObjectStore {
  /** Rejects when the object is missing or `asPrincipal` may not read it. */
  get(bucket: string, key: string, asPrincipal: Principal): Promise<Buffer>;
}

export interface RekognitionOptions {
  objects: RekognitionObjectStore;
  /** What looks at the images; the product's on-device tagger by default (see `detector.ts`). */
  detector?: ImageDetector;
  /** What reads printed text (DetectText); the product's on-device OCR by default (see `detector.ts`). */
  textDetector?: TextDetector;
  log: SimLog;
  /** For the ARNs of S3 objects; the default account's partition when omitted. */
  account?: SimAccount;
}

export interface Rekognition {
  handler: ServiceHandler;
}

type Operation = 'DetectLabels' | 'DetectModerationLabels' | 'DetectFaces' | 'DetectText';
const OPERATIONS: ReadonlySet<string> = new Set<Operation>(['DetectLabels', 'DetectModerationLabels', 'DetectFaces', 'DetectText']);

/** The model versions of the current API; reported so clients parse answers as they would. */
const LABEL_MODEL_VERSION = '3.0';
const MODERATION_MODEL_VERSION = '7.0';
const FACE_MODEL_VERSION = '7.0';
const TEXT_MODEL_VERSION = '3.0';
/** DetectFaces' `Attributes`: the two sets and the single attributes the current API names. */
const FACE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'DEFAULT',
  'ALL',
  'AGE_RANGE',
  'BEARD',
  'EMOTIONS',
  'EYE_DIRECTION',
  'EYEGLASSES',
  'EYES_OPEN',
  'GENDER',
  'MOUTH_OPEN',
  'MUSTACHE',
  'FACE_OCCLUDED',
  'SMILE',
  'SUNGLASSES',
]);
/** DetectText reads at most 100 words of an image. */
const MAX_TEXT_WORDS = 100;

/** A refusal Rekognition answers itself. */
export class RekognitionError extends JsonServiceError {}

const respond = jsonResponse;
const errorResponse = (error: RekognitionError): AwsResponse => jsonErrorResponse(error);

function invalid(message = 'Request has invalid parameters'): RekognitionError {
  return new RekognitionError('InvalidParameterException', message);
}

function operationOf(request: AwsRequest): Operation | undefined {
  const target = request.headers['x-amz-target'] ?? '';
  const [prefix, name] = target.split('.');
  return prefix === 'RekognitionService' && name !== undefined && OPERATIONS.has(name) ? (name as Operation) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBody(request: AwsRequest): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.length === 0 ? '{}' : request.body.toString('utf8'));
  } catch (error) {
    throw new RekognitionError('SerializationException', 'The request body is not valid JSON', 400, { cause: error });
  }
  if (!isObject(parsed)) throw new RekognitionError('SerializationException', 'The request body must be a JSON object');
  return parsed;
}

type ImageSource = { bytes: Buffer } | { s3: { bucket: string; key: string; version?: string } };

function imageSource(body: Record<string, unknown>): ImageSource {
  const image = body['Image'];
  if (!isObject(image)) throw invalid('Image is required');
  const { Bytes: bytes, S3Object: s3 } = image;
  if ((bytes === undefined) === (s3 === undefined)) throw invalid('Image needs exactly one of Bytes and S3Object');
  if (bytes !== undefined) {
    if (typeof bytes !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(bytes)) throw invalid('Image.Bytes must be base64');
    return { bytes: Buffer.from(bytes, 'base64') };
  }
  if (!isObject(s3) || typeof s3['Bucket'] !== 'string' || typeof s3['Name'] !== 'string' || s3['Bucket'] === '' || s3['Name'] === '') {
    throw invalid('Image.S3Object needs Bucket and Name');
  }
  const version = s3['Version'];
  return { s3: { bucket: s3['Bucket'], key: s3['Name'], ...(typeof version === 'string' ? { version } : {}) } };
}

function confidence(body: Record<string, unknown>, fallback: number): number {
  const value = body['MinConfidence'];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) throw invalid('MinConfidence must be between 0 and 100');
  return value;
}

/** Labels as Rekognition lists them: one per name (the highest confidence), most confident first. */
function labelsOf(detection: Detection, minConfidence: number, maxLabels: number | undefined): unknown[] {
  const byName = new Map<string, { name: string; confidence: number; parents: Set<string>; instances: number }>();
  for (const label of detection.labels) {
    const entry = byName.get(label.name) ?? { name: label.name, confidence: 0, parents: new Set<string>(), instances: 0 };
    entry.confidence = Math.max(entry.confidence, label.confidence);
    for (const parent of label.parents ?? []) entry.parents.add(parent);
    entry.instances += label.instances ?? 0;
    byName.set(label.name, entry);
  }
  const kept = [...byName.values()].filter((label) => label.confidence >= minConfidence).sort((a, b) => b.confidence - a.confidence);
  return kept.slice(0, maxLabels ?? kept.length).map((label) => ({
    Name: label.name,
    Confidence: label.confidence,
    // The detector counts instances but gives no boxes; each instance carries the label's confidence.
    Instances: Array.from({ length: label.instances }, () => ({ Confidence: label.confidence })),
    Parents: [...label.parents].map((name) => ({ Name: name })),
    Aliases: [],
    Categories: [],
  }));
}

function moderationOf(detection: Detection, minConfidence: number): unknown[] {
  const names = new Map(detection.moderation.map((label) => [label.name, label.parentName]));
  // Rekognition's taxonomy has three levels; a parent the detector did not report sits one level up.
  const level = (name: string, seen: ReadonlySet<string> = new Set()): number => {
    const parent = names.get(name) ?? '';
    if (parent === '') return 1;
    if (!names.has(parent) || seen.has(parent)) return 2;
    return Math.min(3, 1 + level(parent, new Set([...seen, name])));
  };
  return detection.moderation
    .filter((label) => label.confidence >= minConfidence)
    .sort((a, b) => b.confidence - a.confidence)
    .map((label) => ({ Name: label.name, ParentName: label.parentName, Confidence: label.confidence, TaxonomyLevel: level(label.name) }));
}

/**
 * Faces as DetectFaces lists them, most confident first. The detector gives no boxes: each face
 * gets a deterministic box of its own in a row across the image, and no landmarks, pose or quality
 * beyond what DEFAULT names with neutral values, so a client reading them parses an answer.
 */
function facesOf(detection: Detection): unknown[] {
  // Rekognition's own floor: it reports no face under 50.
  const faces = (detection.faces ?? []).filter((confidence) => confidence >= 50).sort((a, b) => b - a);
  const width = faces.length === 0 ? 0 : 1 / faces.length;
  return faces.map((confidence, index) => ({
    BoundingBox: { Width: width * 0.8, Height: 0.3, Left: index * width + width * 0.1, Top: 0.2 },
    Confidence: confidence,
    Landmarks: [],
    Pose: { Roll: 0, Yaw: 0, Pitch: 0 },
    Quality: { Brightness: 50, Sharpness: 50 },
  }));
}

/**
 * Text as DetectText lists it: each line (`LINE`, ids first) then its words (`WORD`, `ParentId`
 * the line's), at most 100 words, above the word filter's MinConfidence. The reader gives no
 * confidence or boxes: every detection is 99, each line a band of its own, top to bottom.
 */
function textOf(lines: readonly string[], minConfidence: number): unknown[] {
  const confidence = 99;
  if (confidence < minConfidence) return [];
  const kept: string[][] = [];
  let words = 0;
  for (const line of lines) {
    const left = MAX_TEXT_WORDS - words;
    if (left <= 0) break;
    const lineWords = line.split(/\s+/).filter((w) => w !== '').slice(0, left);
    if (lineWords.length === 0) continue;
    kept.push(lineWords);
    words += lineWords.length;
  }
  const band = kept.length === 0 ? 0 : 1 / kept.length;
  const geometry = (row: number, index = 0, count = 1) => {
    const box = { Width: 0.9 / count, Height: band * 0.8, Left: 0.05 + (0.9 / count) * index, Top: row * band + band * 0.1 };
    return {
      BoundingBox: box,
      Polygon: [
        { X: box.Left, Y: box.Top },
        { X: box.Left + box.Width, Y: box.Top },
        { X: box.Left + box.Width, Y: box.Top + box.Height },
        { X: box.Left, Y: box.Top + box.Height },
      ],
    };
  };
  const lineDetections = kept.map((lineWords, row) => ({ DetectedText: lineWords.join(' '), Type: 'LINE', Id: row, Confidence: confidence, Geometry: geometry(row) }));
  let id = kept.length;
  const wordDetections = kept.flatMap((lineWords, row) =>
    lineWords.map((word, index) => ({ DetectedText: word, Type: 'WORD', Id: id++, ParentId: row, Confidence: confidence, Geometry: geometry(row, index, lineWords.length) })),
  );
  return [...lineDetections, ...wordDetections];
}

function wordFilterConfidence(body: Record<string, unknown>): number {
  const filters = body['Filters'];
  if (filters === undefined) return 0;
  if (!isObject(filters)) throw invalid('Filters must be an object');
  const wordFilter = filters['WordFilter'];
  if (wordFilter === undefined) return 0;
  if (!isObject(wordFilter)) throw invalid('Filters.WordFilter must be an object');
  return confidence(wordFilter, 0);
}

/**
 * A Rekognition endpoint for the gateway.
 *
 * @example
 * const rekognition = createRekognition({ objects: { get: (b, k, who) => s3.getAs(b, k, who) }, log });
 * gateway.register('rekognition', rekognition.handler);
 */
export function createRekognition(options: RekognitionOptions): Rekognition {
  const partition = (options.account ?? DEFAULT_ACCOUNT).partition;
  const detect = options.detector ?? onDeviceDetector;
  const readText = options.textDetector ?? onDeviceTextDetector;

  async function imageBytes(source: ImageSource, principal: Principal): Promise<Buffer> {
    let bytes: Buffer;
    if ('bytes' in source) {
      bytes = source.bytes;
      if (bytes.length > MAX_INLINE_IMAGE_BYTES) throw new RekognitionError('ImageTooLargeException', 'Image size is too large.');
    } else {
      try {
        bytes = await options.objects.get(source.s3.bucket, source.s3.key, principal);
      } catch (error) {
        throw new RekognitionError('InvalidS3ObjectException', 'Unable to get object metadata from S3. Check object key, region and/or access permissions.', 400, { cause: error });
      }
      if (bytes.length > MAX_S3_IMAGE_BYTES) throw new RekognitionError('ImageTooLargeException', 'Image size is too large.');
    }
    if (sniffImageFormat(bytes) === undefined) throw new RekognitionError('InvalidImageFormatException', 'Request has invalid image format');
    return bytes;
  }

  async function run(operation: Operation, request: AwsRequest): Promise<AwsResponse> {
    const body = parseBody(request);
    const source = imageSource(body);
    if (operation === 'DetectLabels') {
      const minConfidence = confidence(body, 55);
      const maxLabels = body['MaxLabels'];
      if (maxLabels !== undefined && (typeof maxLabels !== 'number' || !Number.isInteger(maxLabels) || maxLabels < 0)) throw invalid('MaxLabels must be a non-negative integer');
      const features = body['Features'];
      if (features !== undefined && (!Array.isArray(features) || features.some((f) => f !== 'GENERAL_LABELS' && f !== 'IMAGE_PROPERTIES'))) {
        throw invalid('Features may hold GENERAL_LABELS and IMAGE_PROPERTIES');
      }
      const bytes = await imageBytes(source, request.principal);
      const general = features === undefined || features.includes('GENERAL_LABELS');
      // IMAGE_PROPERTIES (colours, sharpness) is not emulated: the answer simply has none.
      const labels = general ? labelsOf(await detectWith(bytes, detect), minConfidence, maxLabels as number | undefined) : [];
      return respond(200, { Labels: labels, LabelModelVersion: LABEL_MODEL_VERSION });
    }
    if (operation === 'DetectFaces') {
      const attributes = body['Attributes'];
      if (attributes !== undefined && (!Array.isArray(attributes) || attributes.some((a) => typeof a !== 'string' || !FACE_ATTRIBUTES.has(a)))) {
        throw invalid('Attributes may hold DEFAULT, ALL or single face attributes');
      }
      const bytes = await imageBytes(source, request.principal);
      return respond(200, { FaceDetails: facesOf(await detectWith(bytes, detect)), FaceModelVersion: FACE_MODEL_VERSION });
    }
    if (operation === 'DetectText') {
      const minConfidence = wordFilterConfidence(body);
      const bytes = await imageBytes(source, request.principal);
      return respond(200, { TextDetections: textOf(await detectWith(bytes, readText), minConfidence), TextModelVersion: TEXT_MODEL_VERSION });
    }
    const minConfidence = confidence(body, 50);
    const bytes = await imageBytes(source, request.principal);
    return respond(200, { ModerationLabels: moderationOf(await detectWith(bytes, detect), minConfidence), ModerationModelVersion: MODERATION_MODEL_VERSION });
  }

  /** What a detector says of the image; its failure is Rekognition's own (a 500 the client retries). */
  async function detectWith<T>(bytes: Buffer, detector: (image: Buffer) => Promise<T>): Promise<T> {
    try {
      return await detector(bytes);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log({ kind: 'info', source: 'rekognition', message: `the detector failed: ${message}` });
      throw new RekognitionError('InternalServerError', 'Amazon Rekognition experienced a service issue. Try your call again.', 500, { cause: error });
    }
  }

  const handler: ServiceHandler = {
    authorizations(request) {
      const operation = operationOf(request);
      if (operation === undefined) return [];
      const authorizations: Authorization[] = [{ action: `rekognition:${operation}`, resource: '*' }];
      let source: ImageSource | undefined;
      try {
        source = imageSource(parseBody(request));
      } catch {
        // A malformed request is answered by `handle`; IAM decides on the action alone.
      }
      if (source && 's3' in source) {
        const resource = `arn:${partition}:s3:::${source.s3.bucket}/${source.s3.key}`;
        authorizations.push({ action: 's3:GetObject', resource });
        if (source.s3.version !== undefined) authorizations.push({ action: 's3:GetObjectVersion', resource });
      }
      return authorizations;
    },

    async handle(request) {
      try {
        const operation = operationOf(request);
        if (operation === undefined) throw new RekognitionError('UnknownOperationException', `cloud-sim does not emulate ${request.headers['x-amz-target'] ?? 'this operation'}`);
        return await run(operation, request);
      } catch (error) {
        if (error instanceof RekognitionError) return errorResponse(error);
        throw error;
      }
    },

    denied(_request, message) {
      return errorResponse(new RekognitionError('AccessDeniedException', message));
    },
  };

  return { handler };
}
