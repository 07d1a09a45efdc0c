import { CorruptMediaError, UnsupportedMediaError } from '@mediaflow/domain';

/** Decoded pixels: 8-bit RGBA, row by row, already rotated and mirrored as the file says (irot/imir). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Decodes the primary image of a HEIC file to RGBA with libheif compiled to WebAssembly
 * (`heic-decode`): sharp's prebuilt libvips reads HEIC headers but has no HEVC decoder.
 *
 * The decoder is loaded on first use (it is a few MB of WebAssembly) and runs on the calling
 * thread; callers bound its cost by checking the header's dimensions against the limits first.
 *
 * @throws UnsupportedMediaError for HEIF variants the decoder does not take; CorruptMediaError
 *   when decoding fails.
 */
export async function decodeHeic(bytes: Uint8Array): Promise<RgbaImage> {
  const loaded = await import('heic-decode');
  // Under Node's ESM loader the CommonJS export arrives as `default`; under CommonJS (jest) as is.
  const decode = (loaded.default ?? loaded) as typeof loaded.default;
  try {
    const image = await decode({ buffer: bytes });
    return { width: image.width, height: image.height, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  } catch (error) {
    if (error instanceof TypeError && /not a HEIC/i.test(error.message)) {
      throw new UnsupportedMediaError('this HEIF variant is not supported', { cause: error });
    }
    throw new CorruptMediaError(`decoding the HEIC image failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
