import type { ImageInspection, MediaFacts } from '@mediaflow/domain';
import sharp, { type Metadata } from 'sharp';
import { Deadline } from './deadline.js';
import { toMediaError } from './errors.js';
import { readExif, type ExifFacts } from './exif.js';
import { readHeader } from './header.js';
import { iccDescription } from './icc.js';
import { checkDimensions, checkInputBytes, defaultLimits } from './limits.js';
import { configureSharp } from './sharp-setup.js';
import { mimeOf, sniffImage } from './sniff.js';
import type { HeaderInfo, ImageLimits, InputFormat } from './types.js';

/** What `inspectImage` learns beyond the domain's `ImageInspection`. */
export interface ImageDetails extends ImageInspection {
  format: InputFormat;
  /** The embedded ICC profile's description, e.g. `Display P3`; absent without a profile. */
  iccProfile?: string;
  isProgressive: boolean;
  isPalette: boolean;
}

export interface InspectOptions {
  limits?: ImageLimits;
  /** Wall-clock budget for the inspection. */
  timeoutMs?: number;
  /** Shared with a render that follows, so that both count against one job budget. */
  deadline?: Deadline;
}

/** The result of the checks every job starts with: sniffed, limited, header read. */
export interface CheckedInput {
  format: InputFormat;
  header: HeaderInfo | undefined;
  metadata: Metadata;
  /** Frames of an animation (GIF, WebP); 1 for everything else. */
  frames: number;
}

const ANIMATED_FORMATS: ReadonlySet<InputFormat> = new Set(['gif', 'webp']);

/**
 * Sniffs the bytes, enforces the input-size and pixel limits from the container header (before
 * any decoding), then lets libvips read the header too, under `limitInputPixels`. Nothing here
 * decodes pixels.
 *
 * @throws UnsupportedMediaError, LimitExceededError, CorruptMediaError, TimeoutError.
 */
export async function checkInput(input: Uint8Array, limits: ImageLimits, deadline: Deadline): Promise<CheckedInput> {
  configureSharp();
  checkInputBytes(input.length, limits);
  const sniffed = sniffImage(input);
  const header = readHeader(input, sniffed.format);
  if (header !== undefined) checkDimensions(header, limits);

  let metadata: Metadata;
  try {
    metadata = await deadline.run(sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' }).metadata());
  } catch (error) {
    throw toMediaError(error, 'reading the image header');
  }
  const format = refineFormat(sniffed.format, metadata);
  const frames = ANIMATED_FORMATS.has(format) ? Math.max(1, metadata.pages ?? 1) : 1;
  // The decoder's own reading of the header: catches what our parsers could not read (or misread).
  checkDimensions({ width: metadata.width, height: metadata.pageHeight ?? metadata.height, frames }, limits);
  return { format, header, metadata, frames };
}

/** The HEIF container holds AVIF (AV1) or HEIC (HEVC); the decoder's header read says which. */
function refineFormat(sniffed: InputFormat, metadata: Metadata): InputFormat {
  if (sniffed !== 'avif' && sniffed !== 'heic') return sniffed;
  if (metadata.compression === 'av1') return 'avif';
  if (metadata.compression === 'hevc') return 'heic';
  return sniffed;
}

const BIT_DEPTH: Readonly<Record<string, number>> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, double: 64 };

const COLOR_SPACE: Readonly<Record<string, string>> = { srgb: 'srgb', rgb16: 'srgb', 'b-w': 'gray', grey16: 'gray', cmyk: 'cmyk', lab: 'lab' };

function factsOf(checked: CheckedInput, exif: ExifFacts): MediaFacts {
  const { metadata, format, frames } = checked;
  const facts: MediaFacts = {
    format,
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
    frames,
    hasAlpha: metadata.hasAlpha,
    colorSpace: COLOR_SPACE[metadata.space] ?? metadata.space,
  };
  if (metadata.orientation !== undefined && metadata.orientation >= 1 && metadata.orientation <= 8) {
    facts.orientation = metadata.orientation;
  }
  const bitDepth = metadata.bitsPerSample ?? BIT_DEPTH[metadata.depth];
  if (bitDepth !== undefined) facts.bitDepth = bitDepth;
  if (frames === 1 && (metadata.pages ?? 1) > 1) facts.pages = metadata.pages;
  if (exif.capturedAt !== undefined) facts.capturedAt = exif.capturedAt;
  if (exif.camera !== undefined) facts.camera = exif.camera;
  if (exif.exposure !== undefined) facts.exposure = exif.exposure;
  return facts;
}

/**
 * Inspects an image without decoding its pixels: the real format (from the bytes, never the
 * name), upright dimensions, orientation, frames, alpha, colour space and ICC profile, bit depth,
 * and EXIF facts (capture time, camera, lens, exposure). The GPS position is returned apart, in
 * `gps`, so that callers can drop it; it never enters `facts`.
 *
 * @throws UnsupportedMediaError (SVG, PDF, anything not accepted), LimitExceededError (bytes,
 *   pixels, frames x pixels), CorruptMediaError (unreadable header), TimeoutError.
 * @example
 * const { facts, mime, gps } = await inspectImage(bytes);
 * // facts: { format: 'jpeg', width: 3000, height: 4000, orientation: 6, camera: { make: 'Canon' }, ... }
 */
export async function inspectImage(input: Uint8Array, options: InspectOptions = {}): Promise<ImageDetails> {
  const limits = options.limits ?? defaultLimits;
  const deadline = options.deadline ?? new Deadline(options.timeoutMs ?? 10_000, 'image inspection');
  const checked = await checkInput(input, limits, deadline);
  const { metadata, format } = checked;

  let exif: ExifFacts = {};
  if (metadata.exif !== undefined) exif = await deadline.run(readExif(metadata.exif));
  else if (format === 'tiff') exif = await deadline.run(readExif(input));

  const details: ImageDetails = {
    facts: factsOf(checked, exif),
    mime: mimeOf(format),
    format,
    isProgressive: metadata.isProgressive,
    isPalette: metadata.isPalette,
  };
  if (exif.gps !== undefined) details.gps = exif.gps;
  const icc = iccDescription(metadata.icc);
  if (icc !== undefined) details.iccProfile = icc;
  return details;
}
