import { ValidationError, type MediaFacts } from '@mediaflow/domain';
import { defaultPolicy } from './policy.js';
import type { PlannedRendition, RenditionPlan, RenditionPolicy, RenditionSize } from './types.js';

const SIZE_ORDER: readonly RenditionSize[] = ['thumb', 'small', 'medium', 'large'];

/**
 * Dimensions that fit inside a `longEdge` square, keeping the aspect ratio and never enlarging.
 *
 * @example
 * fitLongEdge(4000, 3000, 1280); // { width: 1280, height: 960 }
 * fitLongEdge(300, 200, 1280);   // { width: 300, height: 200 }
 */
export function fitLongEdge(width: number, height: number, longEdge: number): { width: number; height: number } {
  if (Math.max(width, height) <= longEdge) return { width, height };
  return width >= height
    ? { width: longEdge, height: Math.max(1, Math.round((height * longEdge) / width)) }
    : { width: Math.max(1, Math.round((width * longEdge) / height)), height: longEdge };
}

/** The sizes an image of this long edge can fill; at least the smallest one, at the image's own size. */
function fillableSizes(sizes: readonly RenditionSize[], longEdge: number, policy: RenditionPolicy): RenditionSize[] {
  const ordered = SIZE_ORDER.filter((s) => sizes.includes(s));
  const fillable = ordered.filter((s) => policy.sizes[s] <= longEdge);
  const smallest = ordered[0];
  return fillable.length > 0 || smallest === undefined ? fillable : [smallest];
}

/**
 * Decides which renditions to make: pure, so that it can be tested and reasoned about apart from
 * the encoders. Sizes are long edges, never upscaled; an image gets only the sizes it can fill,
 * and always at least a `thumb` (at its own size when it is smaller than that). An animation gets
 * animated WebP renditions and a still `poster` of its first frame.
 *
 * `facts.width` and `facts.height` are the upright dimensions (after EXIF orientation), as
 * `inspectImage` reports them.
 *
 * @throws ValidationError when the facts lack dimensions.
 * @example
 * planRenditions({ width: 4000, height: 3000, frames: 1 }).outputs.map((o) => `${o.name}.${o.format}`);
 * // ['thumb.webp', 'thumb.avif', 'thumb.jpeg', 'small.webp', 'small.avif', 'medium.webp', ...]
 */
export function planRenditions(facts: MediaFacts, policy: RenditionPolicy = defaultPolicy): RenditionPlan {
  const { width, height } = facts;
  if (width === undefined || height === undefined) {
    throw new ValidationError('cannot plan renditions without the image dimensions', [
      { path: width === undefined ? 'width' : 'height', message: 'required' },
    ]);
  }
  const longEdge = Math.max(width, height);
  const animated = (facts.frames ?? 1) > 1;
  const outputs: PlannedRendition[] = [];

  if (animated) {
    const sizes = fillableSizes(policy.animation.sizes, longEdge, policy);
    for (const size of sizes) {
      outputs.push({ name: size, format: 'webp', animated: true, ...fitLongEdge(width, height, policy.sizes[size]) });
    }
    const largest = outputs[outputs.length - 1];
    if (largest !== undefined) {
      for (const format of policy.animation.posterFormats) {
        outputs.push({ name: 'poster', format, animated: false, width: largest.width, height: largest.height });
      }
    }
  } else {
    const sizes = fillableSizes(SIZE_ORDER, longEdge, policy);
    for (const size of sizes) {
      const dimensions = fitLongEdge(width, height, policy.sizes[size]);
      for (const format of policy.formats[size]) outputs.push({ name: size, format, animated: false, ...dimensions });
    }
  }

  return {
    source: { width, height },
    animated,
    frames: animated ? Math.min(facts.frames ?? 1, policy.animation.maxFrames) : 1,
    outputs,
    encoders: policy.encoders,
  };
}
