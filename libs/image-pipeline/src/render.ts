import { mapLimit, Semaphore, type ImageRenderResult, type Placeholder, type RenderedFile } from '@mediaflow/domain';
import sharp, { type ResizeOptions, type Sharp, type SharpOptions } from 'sharp';
import { Deadline } from './deadline.js';
import { toMediaError } from './errors.js';
import { decodeHeic } from './heic.js';
import { checkInput, type CheckedInput } from './inspect.js';
import { defaultLimits } from './limits.js';
import { PLACEHOLDER_MAX_EDGE, placeholderOf } from './placeholder.js';
import { fitLongEdge } from './plan.js';
import type { EncoderSettings, ImageLimits, OutputFormat, PlannedRendition, RenditionPlan } from './types.js';

export interface RenderOptions {
  limits?: ImageLimits;
  /** Wall-clock budget for the whole render (default 60 s). */
  timeoutMs?: number;
  /** Shared with an inspection that came before, so that both count against one job budget. */
  deadline?: Deadline;
  /**
   * Outputs encoded at the same time within one job. Each encoder already uses every core
   * (`sharp.concurrency`), so more in flight mostly adds memory: measured on 2 cores, 2 was as
   * fast as 10 and kept peak memory lower.
   */
  encodeConcurrency?: number;
  /**
   * Slots for AVIF encodes, shared by every job that gets the same semaphore. libaom needs
   * about 70 MB per 1280 px encode and already uses every core, so by default the whole process
   * runs one AVIF encode at a time (`avifSlots`), which bounds memory at little cost in speed.
   */
  avifSlots?: Semaphore;
  /**
   * Slots for HEIC decodes, shared by every job that gets the same semaphore. Each decode has the
   * whole image in its worker's WebAssembly memory (the RGBA result alone is 4 bytes a pixel, 400 MB
   * at the default pixel limit), so by default the process decodes one HEIC at a time
   * (`heicSlots`). Waiting for a slot counts against the job's time budget.
   */
  heicSlots?: Semaphore;
  /** The HEIC decoder's worker script (default: `heicWorkerPath()`). */
  heicWorkerPath?: string;
}

/** The process-wide default for `RenderOptions.avifSlots`. */
export const avifSlots = new Semaphore(1);

/** The process-wide default for `RenderOptions.heicSlots`. */
export const heicSlots = new Semaphore(1);

/** How HEIC is decoded: in a worker thread, one slot at a time. */
interface HeicDecoding {
  slots: Semaphore;
  workerPath: string | undefined;
}

const CONTENT_TYPE: Readonly<Record<OutputFormat, string>> = {
  webp: 'image/webp',
  avif: 'image/avif',
  jpeg: 'image/jpeg',
};

/** Pixels in memory: 8-bit, sRGB, upright, 3 or 4 channels. */
interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

/**
 * Resize to exactly the planned size: the plan already kept the aspect ratio, and fitting again
 * could round an edge differently from the plan. The key is quoted because the workspace lint
 * rule against jasmine's focused `fit()` tests matches any identifier named `fit`.
 */
const EXACT: ResizeOptions = { 'fit': 'fill' };

function fromRaw(raw: RawImage, deadline: Deadline): Sharp {
  return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } }).timeout({
    seconds: deadline.remainingSeconds(),
  });
}

async function toRaw(pipeline: Sharp, deadline: Deadline, doing: string): Promise<RawImage> {
  try {
    const { data, info } = await deadline.run(pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
    if (info.channels !== 3 && info.channels !== 4) throw new Error(`unexpected ${info.channels} channels after conversion to sRGB`);
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    throw toMediaError(error, doing);
  }
}

/** True when every pixel's alpha is 255: the alpha channel then only costs bytes. */
function isOpaque(raw: RawImage): boolean {
  if (raw.channels !== 4) return true;
  for (let i = 3; i < raw.data.length; i += 4) if (raw.data[i] !== 255) return false;
  return true;
}

function dropAlpha(raw: RawImage): RawImage {
  const pixels = raw.width * raw.height;
  const data = Buffer.allocUnsafe(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    data[p * 3] = raw.data[p * 4] ?? 0;
    data[p * 3 + 1] = raw.data[p * 4 + 1] ?? 0;
    data[p * 3 + 2] = raw.data[p * 4 + 2] ?? 0;
  }
  return { data, width: raw.width, height: raw.height, channels: 3 };
}

function encode(pipeline: Sharp, format: OutputFormat, encoders: EncoderSettings): Sharp {
  switch (format) {
    case 'webp':
      return pipeline.webp({ quality: encoders.webp.quality, effort: encoders.webp.effort });
    case 'avif':
      return pipeline.avif({ quality: encoders.avif.quality, effort: encoders.avif.effort });
    case 'jpeg':
      // JPEG has no alpha: transparent parts are shown on white, as a browser shows them on a page.
      return pipeline.flatten({ background: '#ffffff' }).jpeg({
        quality: encoders.jpeg.quality,
        mozjpeg: encoders.jpeg.mozjpeg,
        progressive: encoders.jpeg.progressive,
      });
  }
}

async function toFile(pipeline: Sharp, output: PlannedRendition, deadline: Deadline): Promise<RenderedFile> {
  try {
    const { data, info } = await deadline.run(pipeline.toBuffer({ resolveWithObject: true }));
    return {
      name: output.name,
      format: output.format,
      contentType: CONTENT_TYPE[output.format],
      body: data,
      width: info.width,
      // An animation is encoded as one tall strip of frames; each frame is `pageHeight` high.
      height: info.pageHeight ?? info.height,
    };
  } catch (error) {
    throw toMediaError(error, `encoding ${output.name}.${output.format}`);
  }
}

/**
 * Opens the source for decoding: libvips for everything but HEIC, which libheif-wasm decodes in a
 * worker thread that the deadline terminates when the time runs out.
 */
async function openSource(
  input: Uint8Array,
  checked: CheckedInput,
  limits: ImageLimits,
  deadline: Deadline,
  frames: number,
  heic: HeicDecoding,
): Promise<Sharp> {
  if (checked.format === 'heic') {
    const { signal } = deadline;
    const image = await heic.slots.use(() => decodeHeic(input, { limits, signal, workerPath: heic.workerPath }), signal);
    return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).timeout({
      seconds: deadline.remainingSeconds(),
    });
  }
  const options: SharpOptions = {
    failOn: 'error',
    autoOrient: true,
    limitInputPixels: frames > 1 ? limits.maxAnimationPixels : limits.maxPixels,
  };
  if (frames > 1) options.pages = frames;
  return sharp(input, options).timeout({ seconds: deadline.remainingSeconds() });
}

/**
 * Still outputs: one decode (with shrink-on-load) straight to the largest planned size, then every
 * smaller size resized from those pixels, then one encode per output. Measured against one clone
 * of the source per output (each re-reading the whole JPEG), this did the same set in about 2/3
 * of the time.
 */
async function renderStill(
  source: Sharp,
  outputs: readonly PlannedRendition[],
  encoders: EncoderSettings,
  deadline: Deadline,
  concurrency: number,
  slots: Semaphore,
): Promise<{ files: RenderedFile[]; placeholder: Placeholder }> {
  const largest = outputs.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  let top = await toRaw(source.resize(largest.width, largest.height, EXACT).toColourspace('srgb'), deadline, 'decoding the image');
  if (top.channels === 4 && isOpaque(top)) top = dropAlpha(top);

  const sizes = new Map<string, Promise<RawImage>>();
  const rawFor = (width: number, height: number): Promise<RawImage> => {
    const key = `${width}x${height}`;
    let raw = sizes.get(key);
    if (raw === undefined) {
      raw =
        width === top.width && height === top.height
          ? Promise.resolve(top)
          : toRaw(fromRaw(top, deadline).resize(width, height, EXACT), deadline, `resizing to ${key}`);
      sizes.set(key, raw);
    }
    return raw;
  };

  // Largest first: the slow encodes start early and the small ones fill the gaps.
  const area = (i: number): number => (outputs[i]?.width ?? 0) * (outputs[i]?.height ?? 0);
  const order = outputs.map((_, i) => i).sort((a, b) => area(b) - area(a));
  const encoded = await mapLimit(order, concurrency, async (i) => {
    const output = outputs[i] as PlannedRendition;
    const run = async (): Promise<RenderedFile> =>
      toFile(encode(fromRaw(await rawFor(output.width, output.height), deadline), output.format, encoders), output, deadline);
    return output.format === 'avif' ? slots.use(run) : run();
  });
  const files: RenderedFile[] = new Array<RenderedFile>(outputs.length);
  order.forEach((i, k) => (files[i] = encoded[k] as RenderedFile));

  const smallest = outputs[order[order.length - 1] ?? 0] ?? largest;
  const tiny = fitLongEdge(smallest.width, smallest.height, PLACEHOLDER_MAX_EDGE);
  const pixels = await toRaw(
    fromRaw(await rawFor(smallest.width, smallest.height), deadline)
      .resize(tiny.width, tiny.height, EXACT)
      .ensureAlpha(),
    deadline,
    'computing the placeholder',
  );
  return { files, placeholder: placeholderOf(pixels.data, pixels.width, pixels.height) };
}

async function renderAnimation(
  source: Sharp,
  outputs: readonly PlannedRendition[],
  encoders: EncoderSettings,
  deadline: Deadline,
): Promise<RenderedFile[]> {
  const files: RenderedFile[] = [];
  for (const output of outputs) {
    const pipeline = source
      .clone()
      .resize(output.width, output.height, EXACT)
      .toColourspace('srgb')
      .webp({ quality: encoders.animatedWebp.quality, effort: encoders.animatedWebp.effort });
    files.push(await toFile(pipeline, output, deadline));
  }
  return files;
}

/**
 * Executes a plan: decodes once, auto-orients, converts to sRGB 8-bit, strips every piece of
 * metadata (EXIF with GPS, XMP, IPTC, comments, ICC; trailing bytes are gone since every output
 * is a fresh encode), keeps alpha in WebP/AVIF and flattens it on white in JPEG, and computes a
 * ThumbHash and dominant colour. Animations become animated WebP plus a still `poster`.
 *
 * The input is sniffed and checked against the limits again here: `render` never trusts that its
 * caller inspected the same bytes.
 *
 * @throws UnsupportedMediaError, LimitExceededError, CorruptMediaError (with the decoder's reason),
 *   TimeoutError.
 * @example
 * const inspection = await inspectImage(bytes);
 * const { files, placeholder } = await renderImage(bytes, planRenditions(inspection.facts));
 */
export async function renderImage(input: Uint8Array, plan: RenditionPlan, options: RenderOptions = {}): Promise<ImageRenderResult> {
  const limits = options.limits ?? defaultLimits;
  const deadline = options.deadline ?? new Deadline(options.timeoutMs ?? 60_000, 'image render');
  const concurrency = options.encodeConcurrency ?? 2;
  const checked = await checkInput(input, limits, deadline);
  const heic: HeicDecoding = { slots: options.heicSlots ?? heicSlots, workerPath: options.heicWorkerPath };

  const stills = plan.outputs.filter((o) => !o.animated);
  const animations = plan.outputs.filter((o) => o.animated);
  const files: RenderedFile[] = [];
  let placeholder: Placeholder = {};

  if (animations.length > 0 && checked.frames > 1) {
    const frames = Math.min(plan.frames, checked.frames);
    files.push(...(await renderAnimation(await openSource(input, checked, limits, deadline, frames, heic), animations, plan.encoders, deadline)));
  }
  const still = animations.length > 0 && checked.frames <= 1
    // The plan expected an animation that the bytes do not hold: render its sizes as stills.
    ? [...animations.map((o) => ({ ...o, animated: false })), ...stills]
    : stills;
  if (still.length > 0) {
    const result = await renderStill(await openSource(input, checked, limits, deadline, 1, heic), still, plan.encoders, deadline, concurrency, options.avifSlots ?? avifSlots);
    files.push(...result.files);
    placeholder = result.placeholder;
  }
  return { files, placeholder };
}
