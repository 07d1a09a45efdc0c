import type { DetectedLabel, ModerationLabel, TaggerResult } from '@mediaflow/domain';

/** What the worker's models found in one image, before any interpretation. */
export interface RawDetections {
  /** COCO objects from the object detector, scores 0..1. */
  objects: { label: string; score: number }[];
  /** Face detector scores, one per face. */
  faces: number[];
  /** nsfwjs class probabilities (Drawing, Hentai, Neutral, Porn, Sexy). */
  nsfw: { className: string; probability: number }[];
}

/**
 * nsfwjs classes in the moderation vocabulary Rekognition uses, so one policy shape serves both
 * taggers. Drawing and Neutral say nothing about safety and are dropped.
 */
const NSFW_LABELS: Readonly<Record<string, Omit<ModerationLabel, 'confidence'>>> = {
  Porn: { name: 'Explicit Nudity' },
  Hentai: { name: 'Illustrated Explicit Nudity', parent: 'Explicit Nudity' },
  Sexy: { name: 'Suggestive' },
};

export interface MapOptions {
  /** A face scored at least this counts as a person in the picture. */
  faceMinConfidence: number;
}

/**
 * The worker's raw detections as the `Tagger` port's result. A confident face adds `person` (the
 * object detector misses people whose body is mostly out of frame); thresholds for tags and
 * verdicts are applied later by `normaliseLabels` and `moderate`.
 */
export function toTaggerResult(raw: RawDetections, options: MapOptions): TaggerResult {
  const labels: DetectedLabel[] = raw.objects.map((o) => ({ name: o.label, confidence: clamp(o.score) }));
  const face = Math.max(0, ...raw.faces.filter((score) => score >= options.faceMinConfidence));
  if (face > 0) labels.push({ name: 'person', confidence: clamp(face) });
  const moderation: ModerationLabel[] = raw.nsfw.flatMap((c) => {
    const label = NSFW_LABELS[c.className];
    return label === undefined ? [] : [{ ...label, confidence: clamp(c.probability) }];
  });
  return { labels, moderation };
}

function clamp(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}
