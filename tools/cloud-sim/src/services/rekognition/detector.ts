/**
 * What looks at the images. Rekognition's models are not available offline, so the stand-in asks
 * a detector; the default one is the product's own on-device tagger (`@mediaflow/tagging`: a COCO
 * object detector and nsfwjs on the tfjs WASM backend, in a worker thread). Its labels are COCO
 * classes, not Rekognition's taxonomy, and it reports no parents, boxes or categories: enough for
 * a real image to get real, content-derived labels end to end, not a copy of Rekognition's answers.
 */

/** Confidences are percentages (0-100), as Rekognition reports them. */
export interface Detection {
  labels: Array<{ name: string; confidence: number; parents?: string[]; instances?: number }>;
  /** Top-level moderation labels have `parentName: ''`, as in Rekognition. */
  moderation: Array<{ name: string; parentName: string; confidence: number }>;
  /** One confidence per face seen (DetectFaces); none when the detector does not look for faces. */
  faces?: number[];
}

export type ImageDetector = (image: Buffer) => Promise<Detection>;

/** The lines of text printed in an image, top to bottom (DetectText). */
export type TextDetector = (image: Buffer) => Promise<string[]>;

/**
 * The confidence the stand-in gives each face the on-device tagger counted: that tagger reports
 * how many faces cleared its own threshold, not their scores.
 */
export const COUNTED_FACE_CONFIDENCE = 99;

/** The part of `@mediaflow/tagging/on-device`'s `OnDeviceTagger` used here. */
interface OnDeviceTagger {
  detect(input: { kind: 'image'; bytes: Uint8Array }): Promise<{
    labels: Array<{ name: string; confidence: number; parents?: string[] }>;
    moderation: Array<{ name: string; confidence: number; parent?: string }>;
    faces?: number;
  }>;
  close(): Promise<void>;
}

interface OnDeviceModule {
  OnDeviceTagger: new () => OnDeviceTagger;
}

/*
 * The tagging package is loaded on first use only, through a specifier the compiler does not
 * follow: loading its models costs seconds and memory that a stage without Rekognition calls
 * should not pay, and the simulator does not otherwise depend on the tagging package.
 */
const ON_DEVICE_MODULE = '@mediaflow/tagging/on-device';
let shared: Promise<OnDeviceTagger> | undefined;

function onDeviceTagger(): Promise<OnDeviceTagger> {
  shared ??= (import(ON_DEVICE_MODULE) as Promise<OnDeviceModule>).then((module) => new module.OnDeviceTagger());
  // A failed load is not cached: the next image tries again.
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}

function titleCase(name: string): string {
  return name.replace(/(^|[\s-])(\p{Ll})/gu, (_match, separator: string, letter: string) => `${separator}${letter.toUpperCase()}`);
}

function percent(unit: number): number {
  return Math.round(Math.min(1, Math.max(0, unit)) * 100_000) / 1000;
}

/**
 * The default detector: the on-device tagger, loaded once per process and shared by every
 * Rekognition stand-in. Names are title-cased as Rekognition spells labels (`person` → `Person`).
 */
export const onDeviceDetector: ImageDetector = async (image) => {
  const tagger = await onDeviceTagger();
  const result = await tagger.detect({ kind: 'image', bytes: image });
  return {
    labels: result.labels.map((label) => ({
      name: titleCase(label.name),
      confidence: percent(label.confidence),
      ...(label.parents && label.parents.length > 0 ? { parents: label.parents.map(titleCase) } : {}),
    })),
    moderation: result.moderation.map((label) => ({ name: label.name, parentName: label.parent ?? '', confidence: percent(label.confidence) })),
    ...(result.faces === undefined ? {} : { faces: Array.from({ length: result.faces }, () => COUNTED_FACE_CONFIDENCE) }),
  };
};

/** The part of `@mediaflow/tagging/ocr`'s `OnDeviceTextReader` used here. */
interface OnDeviceTextReader {
  read(input: { kind: 'image'; bytes: Uint8Array }): Promise<{ text: string }>;
  close?(): Promise<void>;
}

interface OcrModule {
  OnDeviceTextReader: new () => OnDeviceTextReader;
}

/* Loaded on first use only, as the tagger is: tesseract's WebAssembly and language data cost seconds. */
const OCR_MODULE = '@mediaflow/tagging/ocr';
let sharedReader: Promise<OnDeviceTextReader> | undefined;

function onDeviceTextReader(): Promise<OnDeviceTextReader> {
  sharedReader ??= (import(OCR_MODULE) as Promise<OcrModule>).then((module) => new module.OnDeviceTextReader());
  sharedReader.catch(() => {
    sharedReader = undefined;
  });
  return sharedReader;
}

/**
 * The default text detector: the product's on-device OCR (tesseract.js, English), loaded once per
 * process. The same image always reads the same: tesseract is deterministic.
 */
export const onDeviceTextDetector: TextDetector = async (image) => {
  const reader = await onDeviceTextReader();
  const { text } = await reader.read({ kind: 'image', bytes: image });
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
};

/** Stops the shared on-device tagger's worker (stage shutdown, the end of a test run). */
export async function closeOnDeviceDetector(): Promise<void> {
  const loading = shared;
  shared = undefined;
  if (loading) await (await loading.catch(() => undefined))?.close();
  const reading = sharedReader;
  sharedReader = undefined;
  if (reading) await (await reading.catch(() => undefined))?.close?.();
}
