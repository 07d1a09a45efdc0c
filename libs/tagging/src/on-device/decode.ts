import sharp from 'sharp';
import { CorruptMediaError, LimitExceededError, UnsupportedMediaError } from '@mediaflow/domain';

/** Packed 8-bit RGB pixels, row by row. */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface DecodeOptions {
  /** The long edge the detector gets; larger images are shrunk (never enlarged). */
  maxEdge: number;
  maxInputPixels: number;
}

/**
 * Decodes an image for the detector: upright, sRGB, no alpha, shrunk to `maxEdge`. Runs on libuv's
 * pool, so it does not hold up the caller's event loop.
 *
 * @throws CorruptMediaError, UnsupportedMediaError or LimitExceededError for input sharp refuses.
 */
export async function decodeForDetector(bytes: Uint8Array, options: DecodeOptions): Promise<RgbPixels> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: options.maxInputPixels })
      .rotate()
      .resize(options.maxEdge, options.maxEdge, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    // A copy the caller owns: it is transferred to the worker, which sharp's own memory cannot be.
    return { data: new Uint8Array(data), width: info.width, height: info.height };
  } catch (error) {
    const message = `decoding the image for tagging failed: ${error instanceof Error ? error.message : String(error)}`;
    if (/pixel limit/i.test(message)) throw new LimitExceededError(message, { cause: error });
    if (/unsupported image format/i.test(message)) throw new UnsupportedMediaError(message, { cause: error });
    throw new CorruptMediaError(message, { cause: error });
  }
}
