/** Rekognition's limits on the image of a request, and the formats it reads. */

/** Inline `Image.Bytes`, after base64 decoding. */
export const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;
/** An image read from `Image.S3Object`. */
export const MAX_S3_IMAGE_BYTES = 15 * 1024 * 1024;

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
}

/** What the image's leading bytes say it is; Rekognition reads JPEG and PNG only. */
export function sniffImageFormat(bytes: Uint8Array): 'jpeg' | 'png' | undefined {
  if (startsWith(bytes, JPEG)) return 'jpeg';
  if (startsWith(bytes, PNG)) return 'png';
  return undefined;
}
