import type { DetectedLabel } from '@mediaflow/domain';

/**
 * What `worker/scene-model.mjs` measures in an image's pixels (see the interface at the top of
 * that file). Shares are 0..1 of the image's pixels.
 *
 * These are pixel statistics, not a model's output: none of the npm packages checked ships a general
 * image or scene classifier's weights (see the top of scene-model.mjs), so the scene signal covers
 * what pixels alone can tell honestly, pages of text and screenshots. Food, drinks and landscapes still come only from
 * the object detector's classes (pizza, cup, boat, ...).
 */
export interface SceneMeasures {
  width: number;
  height: number;
  /** The luma band (41 levels wide) holding the most pixels: its share, middle luma and mean chroma. */
  background: { share: number; luma: number; chroma: number };
  /** Share of the 8 most common colours (4 bits a channel). */
  topColourShare: number;
  /** Pixels whose right and lower neighbours have the same luma (within 2). */
  flatShare: number;
  /** Pixels inside flat areas of another shade than the most common one (toolbars, sidebars). */
  panelShare: number;
  /** Pixels 64 or more luma away from the background (letters, lines, icons). */
  inkShare: number;
  /** Pixels between background and ink: a photograph's tones, a page's anti-aliased letter rims. */
  midShare: number;
  /** Narrow ink runs across rows (the strokes of letters) per 1000 pixels. */
  strokeDensity: number;
  /** Bands of rows crossed by many narrow strokes, with blank rows between them. */
  textLines: number;
}

/** The evidence a page of text must show. */
export interface DocumentRule {
  /** A light page: background luma at least this... */
  minBackgroundLuma: number;
  /** ...covering at least this share of the image... */
  minBackgroundShare: number;
  /** ...and nearly grey (paper, not a coloured wall). */
  maxBackgroundChroma: number;
  minTextLines: number;
  minStrokeDensity: number;
  /** Ink between these shares: some text, not a dark picture. */
  minInkShare: number;
  maxInkShare: number;
  /** Few in-between tones: a photograph on a white background has many. */
  maxMidShare: number;
  /** No UI panels: a page with a toolbar is a screenshot. */
  maxPanelShare: number;
}

/** The evidence a screenshot must show. */
export interface ScreenshotRule {
  /** Mostly flat, in few colours, as rendered UI is. */
  minFlatShare: number;
  minTopColourShare: number;
  /** Flat areas besides the background: bars, sidebars, buttons, rows. */
  minPanelShare: number;
  /** Some text: test patterns and colour bars are flat and few-coloured too, but have no text. */
  minTextLines: number;
  minStrokeDensity: number;
}

export interface SceneOptions {
  document: DocumentRule;
  screenshot: ScreenshotRule;
  /** At most this many scene labels per image. */
  maxLabels: number;
}

/**
 * Set on generated pages (serif and sans, 8-15 pt, spacing 1.2-1.6, PNG and JPEG), generated
 * screenshots (a mail client light, dark and as JPEG, a phone chat, a settings list), colour bars,
 * a checkerboard, a gradient, stripes, scattered dots, flat fills, noise and the test photographs
 * (boats, sheep, the people of Human's sample sheet), decoded to 512 and 640 px. Text lines part
 * them most: pages 30-100, screenshots 12-18, every photograph and pattern 0-2. Flat pixels part
 * screenshots (0.82 or more) from photographs (0.48 at most). Text of 6 pt shrunk to 512 px turns
 * grey (0.17 mid tones) and is missed: a miss is cheaper than a wrong tag. See scene.medium.ts.
 */
export const SCENE_OPTIONS: SceneOptions = {
  document: {
    minBackgroundLuma: 170,
    minBackgroundShare: 0.6,
    maxBackgroundChroma: 40,
    minTextLines: 5,
    minStrokeDensity: 8,
    minInkShare: 0.005,
    maxInkShare: 0.3,
    maxMidShare: 0.12,
    maxPanelShare: 0.05,
  },
  screenshot: {
    minFlatShare: 0.6,
    minTopColourShare: 0.8,
    minPanelShare: 0.05,
    minTextLines: 3,
    minStrokeDensity: 4,
  },
  maxLabels: 2,
};

/** The scene labels, with the parent a search for the wider category finds them by. */
export const SCENE_LABELS = {
  document: { name: 'document', parents: ['text'] },
  screenshot: { name: 'screenshot', parents: [] },
} as const satisfies Record<string, { name: string; parents: readonly string[] }>;

/**
 * Scene labels for one image's pixel measures: `document` (a page of text) and `screenshot`
 * (rendered UI with text). A label needs every bar of its rule cleared; there is no partial
 * credit. The confidence is not a probability: it starts at 0.6 when the rule holds and grows
 * with the number of text lines (to 0.95 at 20 lines over the rule's minimum), so a page with a
 * paragraph outranks one with a caption. Missing or malformed measures give no labels.
 *
 * @example
 * sceneLabels(measureScene(pixels)) // [{ name: 'document', confidence: 0.95, parents: ['text'] }]
 */
export function sceneLabels(measures: SceneMeasures | undefined, options: SceneOptions = SCENE_OPTIONS): DetectedLabel[] {
  if (measures === undefined || !isWellFormed(measures)) return [];
  const labels: DetectedLabel[] = [];
  if (isDocument(measures, options.document)) {
    labels.push(label(SCENE_LABELS.document, measures.textLines - options.document.minTextLines));
  }
  if (isScreenshot(measures, options.screenshot)) {
    labels.push(label(SCENE_LABELS.screenshot, measures.textLines - options.screenshot.minTextLines));
  }
  return labels.sort((a, b) => b.confidence - a.confidence).slice(0, Math.max(0, options.maxLabels));
}

export function isDocument(m: SceneMeasures, rule: DocumentRule): boolean {
  return (
    m.background.luma >= rule.minBackgroundLuma &&
    m.background.share >= rule.minBackgroundShare &&
    m.background.chroma <= rule.maxBackgroundChroma &&
    m.textLines >= rule.minTextLines &&
    m.strokeDensity >= rule.minStrokeDensity &&
    m.inkShare >= rule.minInkShare &&
    m.inkShare <= rule.maxInkShare &&
    m.midShare <= rule.maxMidShare &&
    m.panelShare <= rule.maxPanelShare
  );
}

export function isScreenshot(m: SceneMeasures, rule: ScreenshotRule): boolean {
  return (
    m.flatShare >= rule.minFlatShare &&
    m.topColourShare >= rule.minTopColourShare &&
    m.panelShare >= rule.minPanelShare &&
    m.textLines >= rule.minTextLines &&
    m.strokeDensity >= rule.minStrokeDensity
  );
}

function label(scene: { name: string; parents: readonly string[] }, extraLines: number): DetectedLabel {
  const confidence = Math.round((0.6 + 0.35 * Math.min(1, Math.max(0, extraLines) / 20)) * 100) / 100;
  return scene.parents.length > 0 ? { name: scene.name, confidence, parents: [...scene.parents] } : { name: scene.name, confidence };
}

/** The worker's answer crosses a thread: shares must be numbers in 0..1 and counts non-negative. */
function isWellFormed(m: SceneMeasures): boolean {
  const shares = [m.background?.share, m.topColourShare, m.flatShare, m.panelShare, m.inkShare, m.midShare];
  const counts = [m.background?.luma, m.background?.chroma, m.strokeDensity, m.textLines];
  return shares.every((v) => typeof v === 'number' && v >= 0 && v <= 1) && counts.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
}
