import sharp from 'sharp';
import { CorruptMediaError, LimitExceededError, UnsupportedMediaError } from '@mediaflow/domain';

/** 8-bit grey pixels, row by row. */
export interface GreyPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The rule that decides whether an image is worth reading, on a greyscale copy whose long edge is
 * `edge` px, cut into square tiles of `tile` px. A tile looks like print when
 * - at least `minEdgeShare` of its pixels step by `edgeStep` or more grey levels to their right
 *   neighbour (strokes cross it), and
 * - its grey levels split cleanly in two (ink and paper): Otsu's between-class variance is at least
 *   `minSeparation` of the tile's variance. Print on a plain ground scores 0.9 and more; grass,
 *   fleece, water and noise, which have as many edges, score 0.5-0.75 (uniform noise: exactly 0.75).
 * Print comes in lines, so the tiles that count are those in a row of `minRun` or more such tiles
 * side by side (a lone border or pole makes stacked tiles, not rows); text is likely when at least
 * `minTiles` of them are found.
 */
export interface TextGateOptions {
  edge: number;
  tile: number;
  edgeStep: number;
  minEdgeShare: number;
  minSeparation: number;
  minRun: number;
  minTiles: number;
}

/**
 * Calibrated on generated pages (12-40 px text on 1200 px, up to 3 degrees turned: 9-111 tiles in
 * rows) against photographs without text (a flock of sheep: 0; boats and boatmen: 3), noise and a
 * flat grey (0). See the README's "Text (OCR)" section.
 */
export const DEFAULT_TEXT_GATE: Readonly<TextGateOptions> = {
  edge: 800,
  tile: 16,
  edgeStep: 48,
  minEdgeShare: 0.06,
  minSeparation: 0.85,
  minRun: 3,
  minTiles: 8,
};

export interface TextGateVerdict {
  likely: boolean;
  /** Tiles that look like print and lie in rows of them (what `minTiles` is compared with). */
  tilesInRows: number;
}

/** How cleanly a tile's grey levels split in two: Otsu's best between-class variance over the total (0..1). */
function separation(histogram: Uint32Array, count: number): number {
  let sum = 0;
  let sumSquares = 0;
  for (let level = 0; level < 256; level += 1) {
    const n = histogram[level] ?? 0;
    sum += level * n;
    sumSquares += level * level * n;
  }
  const mean = sum / count;
  const total = sumSquares / count - mean * mean;
  if (total <= 0) return 0;
  let below = 0;
  let belowSum = 0;
  let best = 0;
  for (let level = 0; level < 255; level += 1) {
    const n = histogram[level] ?? 0;
    below += n;
    if (below === 0) continue;
    if (below === count) break;
    belowSum += level * n;
    const meanBelow = belowSum / below;
    const meanAbove = (sum - belowSum) / (count - below);
    const between = (below * (count - below) * (meanBelow - meanAbove) ** 2) / (count * count);
    if (between > best) best = between;
  }
  return best / total;
}

/** Whether one tile (its top-left corner at x, y) looks like print. */
function printLike(pixels: GreyPixels, x0: number, y0: number, options: TextGateOptions): boolean {
  const { data, width } = pixels;
  const { tile } = options;
  const histogram = new Uint32Array(256);
  let edges = 0;
  for (let y = y0; y < y0 + tile; y += 1) {
    const row = y * width;
    for (let x = x0; x < x0 + tile; x += 1) {
      const value = data[row + x] ?? 0;
      histogram[value] = (histogram[value] ?? 0) + 1;
      if (x + 1 < width && Math.abs((data[row + x + 1] ?? 0) - value) >= options.edgeStep) edges += 1;
    }
  }
  const count = tile * tile;
  return edges / count >= options.minEdgeShare && separation(histogram, count) >= options.minSeparation;
}

/**
 * Whether text is likely in an image (see {@link TextGateOptions} for the rule). Pure: decoding is
 * {@link decodeForGate}'s.
 *
 * @example
 * textLikely(await decodeForGate(bytes)).likely // false for a landscape, true for a page of print
 */
export function textLikely(pixels: GreyPixels, options: TextGateOptions = DEFAULT_TEXT_GATE): TextGateVerdict {
  const { tile } = options;
  let tilesInRows = 0;
  for (let y = 0; y + tile <= pixels.height; y += tile) {
    let run = 0;
    for (let x = 0; x + tile <= pixels.width; x += tile) {
      if (printLike(pixels, x, y, options)) {
        run += 1;
        continue;
      }
      if (run >= options.minRun) tilesInRows += run;
      run = 0;
    }
    if (run >= options.minRun) tilesInRows += run;
  }
  return { likely: tilesInRows >= options.minTiles, tilesInRows };
}

/**
 * Decodes an image for the gate: upright, grey, its long edge shrunk to `edge` (never enlarged).
 *
 * @throws CorruptMediaError, UnsupportedMediaError or LimitExceededError for input sharp refuses.
 */
export async function decodeForGate(bytes: Uint8Array, edge: number = DEFAULT_TEXT_GATE.edge, maxInputPixels = 100_000_000): Promise<GreyPixels> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: maxInputPixels })
      .rotate()
      .resize(edge, edge, { fit: 'inside', withoutEnlargement: true })
      // Transparent parts read as paper.
      .flatten({ background: '#ffffff' })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    throw decodeError(error);
  }
}

/** sharp's refusal as the domain's error for it (the file's fault). */
export function decodeError(error: unknown): Error {
  const message = `decoding the image for reading text failed: ${error instanceof Error ? error.message : String(error)}`;
  if (/pixel limit/i.test(message)) return new LimitExceededError(message, { cause: error });
  if (/unsupported image format/i.test(message)) return new UnsupportedMediaError(message, { cause: error });
  return new CorruptMediaError(message, { cause: error });
}
