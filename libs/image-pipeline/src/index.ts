export { mapLimit, Semaphore } from '@mediaflow/domain';
export { Deadline } from './deadline.js';
export { toMediaError } from './errors.js';
export { exifDateToIso, exifTagsToFacts, readExif, type ExifFacts, type ExifTags } from './exif.js';
export { crc32, readHeader } from './header.js';
export { decodeHeic, type HeicDecodeOptions, type RgbaImage } from './heic.js';
export { HEIC_WORKER_FILE, heicWorkerPath } from './heic-worker-path.js';
export { iccDescription } from './icc.js';
export { checkInput, inspectImage, type CheckedInput, type ImageDetails, type InspectOptions } from './inspect.js';
export { checkDimensions, checkInputBytes, defaultLimits, resolveLimits } from './limits.js';
export { PLACEHOLDER_MAX_EDGE, dominantColor, placeholderOf, thumbhashOf } from './placeholder.js';
export { fitLongEdge, planRenditions } from './plan.js';
export { defaultPolicy } from './policy.js';
export { SharpImageProcessor, type ProcessedImage, type SharpImageProcessorOptions } from './processor.js';
export { avifSlots, heicSlots, renderImage, type RenderOptions } from './render.js';
export { ALLOWED_LOADERS, configureSharp, type SharpSettings } from './sharp-setup.js';
export { detectFormat, mimeOf, sniffImage } from './sniff.js';
export type {
  AvifSettings,
  EncoderSettings,
  HeaderInfo,
  ImageLimits,
  InputFormat,
  JpegSettings,
  OutputFormat,
  PlannedRendition,
  RenditionPlan,
  RenditionPolicy,
  RenditionSize,
  SniffResult,
  WebpSettings,
} from './types.js';
