import type { RenditionPolicy } from './types.js';

/**
 * Every size, format, quality and effort setting of the image pipeline, in one place.
 *
 * Measured on 12 MP JPEGs on a 2-core machine (docs/benchmarks.md, "Image pipeline"):
 * - AVIF is the costly encoder, in time and memory. At 2048 px one AVIF took longer than all
 *   other outputs together and about 160 MB more memory per job, so `large` is WebP only;
 *   browsers that take AVIF get it up to `medium`, which is what a gallery shows.
 * - AVIF efforts 0-3 (libaom speeds 9-6) made files of the same size and PSNR within 0.1-0.6 dB;
 *   effort 3 was the best of them on smooth content for about 25% more time than effort 2.
 *   Effort 4 switches libaom to its slower tools: 5-35% smaller files but 3-5x the time, which
 *   would break the 800 ms budget for a 12 MP photo.
 * - WebP method 2 made files as small as method 4 in about 60% of the time.
 * - JPEG is only the fallback for clients without WebP, at `thumb` and `medium`; mozjpeg keeps it
 *   about 30% smaller than plain libjpeg at the same quality.
 */
export const defaultPolicy: Readonly<RenditionPolicy> = Object.freeze<RenditionPolicy>({
  sizes: { thumb: 256, small: 640, medium: 1280, large: 2048 },
  formats: {
    thumb: ['webp', 'avif', 'jpeg'],
    small: ['webp', 'avif'],
    medium: ['webp', 'avif', 'jpeg'],
    large: ['webp'],
  },
  animation: {
    maxFrames: 300,
    sizes: ['thumb', 'small', 'medium'],
    posterFormats: ['webp', 'jpeg'],
  },
  encoders: {
    webp: { quality: 80, effort: 2 },
    avif: { quality: 50, effort: 3 },
    jpeg: { quality: 80, mozjpeg: true, progressive: true },
    animatedWebp: { quality: 75, effort: 2 },
  },
});
