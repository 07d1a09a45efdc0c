import { cocoClass, type CocoClass } from './coco.js';

/** A box as shares of the image: left, top, width, height (0..1). */
export type Box = readonly [x: number, y: number, width: number, height: number];

/** One detection as the worker reports it: a COCO class index, a score and a box. */
export interface RawObject {
  classIndex: number;
  score: number;
  box: Box;
}

/** A detection that cleared every rule. */
export interface KeptObject {
  name: CocoClass;
  score: number;
  box: Box;
}

export interface ObjectRules {
  /** The score a detection of this class needs; `defaultThreshold` for classes not listed. */
  thresholds: Readonly<Partial<Record<CocoClass, number>>>;
  defaultThreshold: number;
  /** Smaller boxes (share of the image's area) are dropped: the detector guesses at specks. */
  minBoxArea: number;
  /** Two boxes of one class overlapping this much (intersection over union) are one object. */
  sameClassOverlap: number;
  /** Boxes of different classes overlapping this much are one object seen two ways: the stronger stays. */
  otherClassOverlap: number;
}

/**
 * Calibrated on the labelled set (34 real photographs) at the detector's 384 px input: per class,
 * above every wrong detection of that class and under its true ones where the photographs showed
 * both; the default is above every wrong detection of any class in them (0.33 at most). The table
 * of scores is in libs/tagging/README.md. Person stays under two toy figurines (0.75, 0.68): no
 * threshold separates them from real people (0.38-0.74).
 */
export const OBJECT_RULES: ObjectRules = {
  thresholds: {
    person: 0.35,
    boat: 0.3,
    sheep: 0.3,
    'dining table': 0.3,
    'wine glass': 0.35,
  },
  defaultThreshold: 0.4,
  minBoxArea: 0.002,
  sameClassOverlap: 0.45,
  otherClassOverlap: 0.6,
};

/** The threshold a class's detections must reach under these rules. */
export function thresholdOf(name: CocoClass, rules: ObjectRules = OBJECT_RULES): number {
  return rules.thresholds[name] ?? rules.defaultThreshold;
}

/** Intersection over union of two boxes; 0 when either is empty. */
export function overlap(a: Box, b: Box): number {
  const width = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const height = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = a[2] * a[3] + b[2] * b[3] - intersection;
  return union > 0 ? intersection / union : 0;
}

function clampBox(box: Box): Box | undefined {
  if (!box.every(Number.isFinite) || box[2] <= 0 || box[3] <= 0) return undefined;
  if (box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 1 && box[1] + box[3] <= 1) return box;
  const x = Math.min(1, Math.max(0, box[0]));
  const y = Math.min(1, Math.max(0, box[1]));
  const right = Math.min(1, Math.max(0, box[0] + box[2]));
  const bottom = Math.min(1, Math.max(0, box[1] + box[3]));
  return right > x && bottom > y ? [x, y, right - x, bottom - y] : undefined;
}

/**
 * The detections worth a label, strongest first: known classes with a usable box of at least
 * `minBoxArea`; of boxes that overlap (one class at `sameClassOverlap`, different classes at
 * `otherClassOverlap`) only the strongest; then only those that reach their class's threshold.
 * Suppression comes before the thresholds on purpose: when the detector's best guess for a region
 * is not confident enough, a weaker second guess for the same region is not kept either.
 *
 * @example
 * selectObjects([
 *   { classIndex: 16, score: 0.31, box: [0.2, 0.2, 0.5, 0.6] },  // dog
 *   { classIndex: 15, score: 0.72, box: [0.21, 0.2, 0.5, 0.6] }, // cat, same place
 * ]) // [{ name: 'cat', score: 0.72, box: [...] }]
 */
export function selectObjects(objects: readonly RawObject[], rules: ObjectRules = OBJECT_RULES): KeptObject[] {
  const candidates: KeptObject[] = [];
  for (const object of objects) {
    const name = cocoClass(object.classIndex);
    const box = clampBox(object.box);
    if (name === undefined || box === undefined || !Number.isFinite(object.score)) continue;
    if (box[2] * box[3] < rules.minBoxArea) continue;
    candidates.push({ name, score: Math.min(1, Math.max(0, object.score)), box });
  }
  candidates.sort((a, b) => b.score - a.score);
  const survivors: KeptObject[] = [];
  for (const candidate of candidates) {
    const suppressed = survivors.some(
      (kept) => overlap(kept.box, candidate.box) >= (kept.name === candidate.name ? rules.sameClassOverlap : rules.otherClassOverlap),
    );
    if (!suppressed) survivors.push(candidate);
  }
  return survivors.filter((object) => object.score >= thresholdOf(object.name, rules));
}
