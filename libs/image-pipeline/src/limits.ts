import { LimitExceededError } from '@mediaflow/domain';
import type { ImageLimits } from './types.js';

/**
 * Defaults sized for a 2-core worker with a few hundred MB to spare: 100 MP covers every phone and
 * most medium-format cameras; 500 MP over all frames is a 1080p animation of about 240 frames.
 */
export const defaultLimits: Readonly<ImageLimits> = Object.freeze({
  maxInputBytes: 200 * 1024 * 1024,
  maxPixels: 100_000_000,
  maxAnimationPixels: 500_000_000,
});

/** `defaultLimits` with the given fields replaced. */
export function resolveLimits(overrides: Partial<ImageLimits> = {}): ImageLimits {
  return { ...defaultLimits, ...overrides };
}

/** @throws LimitExceededError when the input is larger than `maxInputBytes`. */
export function checkInputBytes(bytes: number, limits: ImageLimits): void {
  if (bytes > limits.maxInputBytes) {
    throw new LimitExceededError(`input of ${bytes} bytes exceeds the limit of ${limits.maxInputBytes} bytes`, {
      details: { limit: 'maxInputBytes', value: bytes, max: limits.maxInputBytes },
    });
  }
}

/**
 * Checks announced dimensions against the limits, before anything is decoded.
 *
 * @throws LimitExceededError naming the limit that was exceeded.
 * @example
 * checkDimensions({ width: 50_000, height: 50_000, frames: 1 }, defaultLimits); // throws
 */
export function checkDimensions(size: { width: number; height: number; frames: number }, limits: ImageLimits): void {
  const pixels = size.width * size.height;
  if (pixels > limits.maxPixels) {
    throw new LimitExceededError(
      `image of ${size.width}x${size.height} (${pixels} pixels) exceeds the limit of ${limits.maxPixels} pixels`,
      { details: { limit: 'maxPixels', value: pixels, max: limits.maxPixels } },
    );
  }
  const total = pixels * size.frames;
  if (size.frames > 1 && total > limits.maxAnimationPixels) {
    throw new LimitExceededError(
      `animation of ${size.frames} frames of ${size.width}x${size.height} (${total} pixels) exceeds the limit of ${limits.maxAnimationPixels} pixels`,
      { details: { limit: 'maxAnimationPixels', value: total, max: limits.maxAnimationPixels } },
    );
  }
}
