import type { Placeholder } from '@mediaflow/domain';
import { rgbaToThumbHash } from 'thumbhash';

/** ThumbHash encodes images of at most this many pixels on each side. */
export const PLACEHOLDER_MAX_EDGE = 100;

function hex(value: number): string {
  return Math.round(Math.min(255, Math.max(0, value)))
    .toString(16)
    .padStart(2, '0');
}

/**
 * The most common colour of an RGBA image, as `#rrggbb`: pixels are grouped into 4096 buckets
 * (4 bits per channel) and the fullest bucket's mean is returned, so a photo of a red car on a
 * grey road says grey, not the brownish average of both. Mostly transparent pixels are ignored;
 * a fully transparent image gives white, the colour it is shown on.
 *
 * @example
 * dominantColor(new Uint8Array([255, 0, 0, 255]), 1, 1); // '#ff0000'
 */
export function dominantColor(rgba: Uint8Array, width: number, height: number): string {
  const count = new Uint32Array(4096);
  const sums = new Float64Array(4096 * 3);
  const pixels = Math.min(width * height, Math.floor(rgba.length / 4));
  for (let p = 0; p < pixels; p++) {
    const i = p * 4;
    if ((rgba[i + 3] ?? 0) < 128) continue;
    const r = rgba[i] ?? 0;
    const g = rgba[i + 1] ?? 0;
    const b = rgba[i + 2] ?? 0;
    const bucket = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    count[bucket] = (count[bucket] ?? 0) + 1;
    sums[bucket * 3] = (sums[bucket * 3] ?? 0) + r;
    sums[bucket * 3 + 1] = (sums[bucket * 3 + 1] ?? 0) + g;
    sums[bucket * 3 + 2] = (sums[bucket * 3 + 2] ?? 0) + b;
  }
  let best = -1;
  let bestCount = 0;
  for (let bucket = 0; bucket < 4096; bucket++) {
    const n = count[bucket] ?? 0;
    if (n > bestCount) {
      best = bucket;
      bestCount = n;
    }
  }
  if (best < 0) return '#ffffff';
  const mean = (channel: number): number => (sums[best * 3 + channel] ?? 0) / bestCount;
  return `#${hex(mean(0))}${hex(mean(1))}${hex(mean(2))}`;
}

/**
 * The ThumbHash of an RGBA image of at most 100x100 pixels, base64-encoded.
 *
 * @throws RangeError when the image is larger than 100x100 (scale it down first).
 */
export function thumbhashOf(rgba: Uint8Array, width: number, height: number): string {
  if (width > PLACEHOLDER_MAX_EDGE || height > PLACEHOLDER_MAX_EDGE) {
    throw new RangeError(`thumbhash input must be at most ${PLACEHOLDER_MAX_EDGE}x${PLACEHOLDER_MAX_EDGE}, got ${width}x${height}`);
  }
  return Buffer.from(rgbaToThumbHash(width, height, rgba)).toString('base64');
}

/** The placeholder (ThumbHash and dominant colour) of a small RGBA image. */
export function placeholderOf(rgba: Uint8Array, width: number, height: number): Placeholder {
  return { thumbhash: thumbhashOf(rgba, width, height), dominantColor: dominantColor(rgba, width, height) };
}
