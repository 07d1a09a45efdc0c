// Pixel measures for the on-device scene signal: is this a page of text, or a screenshot?
//
// None of the npm packages checked ships a general image or scene classifier's weights (Human's
// model collection has face, body, hand and COCO object models; @tensorflow-models/mobilenet,
// @teachablemachine/image, ml5 and @paddlejs-models/mobilenet fetch their weights at run time;
// nsfwjs's MobileNetV2 has only its five moderation classes), so this is not a model: it measures
// a few properties of the pixels that pages and screenshots have and photographs do not. Deciding
// from these numbers (thresholds, labels, confidence) is done by typed, tested code,
// `src/on-device/scene.ts`; this file only measures, like the worker only runs models.
//
// Interface (plain ESM, no dependencies, synchronous; 2-4 ms for a 640 px image on an idle core,
// more on a busy one; the first call compiles the loops and takes about 0.25 s, so warm it up):
//   measureScene({ data: Uint8Array, width, height }) -> SceneMeasures
//     data: packed RGB, width x height x 3 bytes (what the worker decodes for the detectors).
//     Throws a TypeError for pixels of the wrong shape.
//   SceneMeasures (all shares are 0..1 of the image's pixels):
//     { width, height,
//       background: { share, luma, chroma },  the luma band holding the most pixels: its share,
//                                             its middle luma (0..255) and mean chroma (0..255)
//       topColourShare,  share of the 8 most common colours (4 bits a channel)
//       flatShare,       pixels whose right and lower neighbours are the same luma (within 2)
//       panelShare,      pixels inside flat areas of another shade than the most common one
//                        (toolbars, sidebars, buttons, alternating rows)
//       inkShare,        pixels that stand out from the background by 64 luma or more
//       midShare,        pixels between background and ink (the tones of a photograph; on a
//                        page only the anti-aliased rims of letters)
//       strokeDensity,   narrow ink runs across a row (the strokes of letters) per 1000 pixels
//       textLines }      bands of rows crossed by many narrow strokes, no taller than a line of
//                        text, with quiet rows above and below
//   SCENE_MEASURES_VERSION: bumped when a measure changes meaning, so thresholds can be re-checked.

export const SCENE_MEASURES_VERSION = 1;

/** Luma within this of the background's middle luma is background. */
const BACKGROUND_BAND = 20;
/** Luma this far from the background is ink (text, lines, icons). */
const INK_CONTRAST = 64;
/** Neighbours whose luma differs by at most this are flat (JPEG leaves a little noise). */
const FLAT_STEP = 2;
/** A flat pixel whose chroma exceeds the background's by this much is a panel, whatever its luma. */
const CHROMA_STEP = 24;

/**
 * @param {{ data: Uint8Array, width: number, height: number }} pixels
 * @returns {{ width: number, height: number, background: { share: number, luma: number, chroma: number },
 *   topColourShare: number, flatShare: number, panelShare: number, inkShare: number, midShare: number,
 *   strokeDensity: number, textLines: number }}
 */
export function measureScene(pixels) {
  const { data, width, height } = pixels ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new TypeError('scene pixels need a positive integer width and height');
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
    throw new TypeError('scene pixels must be packed RGB, width x height x 3 bytes');
  }
  const n = width * height;
  const luma = new Uint8Array(n);
  const chroma = new Uint8Array(n);
  const lumaCount = new Uint32Array(256);
  const chromaSumByLuma = new Float64Array(256);
  const colourCount = new Uint32Array(4096);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = data[p];
    const g = data[p + 1];
    const b = data[p + 2];
    const y = (77 * r + 150 * g + 29 * b) >> 8;
    const max = r > g ? (r > b ? r : b) : g > b ? g : b;
    const min = r < g ? (r < b ? r : b) : g < b ? g : b;
    luma[i] = y;
    chroma[i] = max - min;
    lumaCount[y]++;
    chromaSumByLuma[y] += max - min;
    colourCount[((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4)]++;
  }

  // The background: the luma band (2 x BACKGROUND_BAND wide) that holds the most pixels.
  let bandCount = 0;
  for (let y = 0; y <= 2 * BACKGROUND_BAND; y++) bandCount += lumaCount[y];
  let bestCount = bandCount;
  let bestLow = 0;
  for (let low = 1; low + 2 * BACKGROUND_BAND <= 255; low++) {
    bandCount += lumaCount[low + 2 * BACKGROUND_BAND] - lumaCount[low - 1];
    if (bandCount > bestCount) {
      bestCount = bandCount;
      bestLow = low;
    }
  }
  const bgLuma = bestLow + BACKGROUND_BAND;
  let bgChromaSum = 0;
  for (let y = bestLow; y <= bestLow + 2 * BACKGROUND_BAND; y++) bgChromaSum += chromaSumByLuma[y];
  const bgChroma = bestCount > 0 ? bgChromaSum / bestCount : 0;
  // The single most common luma: a panel is a flat area of any other shade, however close (dark
  // themes put their sidebars a few levels off the background).
  let modeLuma = 0;
  for (let y = 1; y < 256; y++) if (lumaCount[y] > lumaCount[modeLuma]) modeLuma = y;
  const panelChroma = bgChroma + CHROMA_STEP;

  const sorted = Array.from(colourCount).sort((a, b) => b - a);
  let top = 0;
  for (let k = 0; k < 8; k++) top += sorted[k];

  // Strokes: runs of ink across a row no wider than a letter's stroke, with non-ink on both sides.
  // A row crossed by many of them is a row of text. A line of text is a band of rows that are not
  // quiet, holding at least two rows of text, no taller than a line, with quiet rows (at most a
  // quarter of a text row's strokes: a descender or two) above and below. Long runs (bars, blocks,
  // borders) are no strokes; texture and scattered dots leave no quiet rows, so their bands run
  // taller than any line.
  const maxStroke = Math.max(3, Math.round(width / 100));
  const minStrokesPerRow = Math.max(8, Math.floor(width / 40));
  const maxQuietStrokes = Math.floor(minStrokesPerRow / 4);
  const maxLineHeight = Math.max(6, Math.floor(height / 16));
  let flat = 0;
  let panel = 0;
  let ink = 0;
  let mid = 0;
  let strokes = 0;
  let textLines = 0;
  let bandHeight = 0;
  let bandTextRows = 0;
  // One pass, row by row; the row after the last is quiet, so a line may touch the bottom edge.
  for (let row = 0; row <= height; row++) {
    let rowStrokes = 0;
    if (row < height) {
      let run = 0;
      const base = row * width;
      for (let col = 0; col < width; col++) {
        const i = base + col;
        const y = luma[i];
        const contrast = y > bgLuma ? y - bgLuma : bgLuma - y;
        if (contrast >= INK_CONTRAST) {
          ink++;
          run++;
        } else {
          if (contrast > BACKGROUND_BAND) mid++;
          if (run > 0 && run <= maxStroke && col > run) rowStrokes++;
          run = 0;
        }
        if (col + 1 < width && Math.abs(luma[i + 1] - y) > FLAT_STEP) continue;
        if (row + 1 < height && Math.abs(luma[i + width] - y) > FLAT_STEP) continue;
        flat++;
        if (col > 0 && Math.abs(luma[i - 1] - y) > FLAT_STEP) continue;
        if (row > 0 && Math.abs(luma[i - width] - y) > FLAT_STEP) continue;
        if (Math.abs(y - modeLuma) > 2 * FLAT_STEP || chroma[i] > panelChroma) panel++;
      }
    }
    strokes += rowStrokes;
    if (row < height && rowStrokes > maxQuietStrokes) {
      bandHeight++;
      if (rowStrokes >= minStrokesPerRow) bandTextRows++;
    } else {
      if (bandTextRows >= 2 && bandHeight <= maxLineHeight) textLines++;
      bandHeight = 0;
      bandTextRows = 0;
    }
  }

  return {
    width,
    height,
    background: { share: round(bestCount / n), luma: bgLuma, chroma: round(bgChroma) },
    topColourShare: round(top / n),
    flatShare: round(flat / n),
    panelShare: round(panel / n),
    inkShare: round(ink / n),
    midShare: round(mid / n),
    strokeDensity: round((strokes / n) * 1000),
    textLines,
  };
}

function round(value) {
  return Math.round(value * 10_000) / 10_000;
}
