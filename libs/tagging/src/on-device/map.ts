import type { DetectedLabel, ModerationLabel, TaggerResult } from '@mediaflow/domain';
import { judgePhotograph, PHOTOGRAPH_RULE, type ImageStatistics, type PhotographRule, type PhotographVerdict } from './image-stats.js';
import { OBJECT_RULES, selectObjects, type Box, type KeptObject, type ObjectRules, type RawObject } from './objects.js';
import { sceneLabels, type SceneMeasures } from './scene.js';

/** What the worker's models found in one image, before any interpretation. */
export interface RawDetections {
  /** The object detector's detections (COCO class index, score 0..1, box as shares of the image). */
  objects: RawObject[];
  /** The face detector's faces: score 0..1 and box. */
  faces: { score: number; box: Box }[];
  /** nsfwjs class probabilities (Drawing, Hentai, Neutral, Porn, Sexy). */
  nsfw: { className: string; probability: number }[];
  /** The scene measures of `worker/scene-model.mjs` (pages, screenshots); absent from older workers. */
  scene?: SceneMeasures;
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
  /** A face scored at least this is counted... */
  faceMinConfidence: number;
  /** ...unless its box covers more than this share of the image (wine glasses, sofas, soft noise). */
  faceMaxArea: number;
  /** Whether the face detector ran: without it the result has no `faces` (unknown is not 0). */
  facesLooked?: boolean;
  objectRules?: ObjectRules;
  photographRule?: PhotographRule;
}

/** Everything decided about one image: the port's result and the evidence behind it. */
export interface OnDeviceAnalysis {
  result: TaggerResult;
  statistics: ImageStatistics;
  photograph: PhotographVerdict;
  /** The detections that cleared the rules (none for a picture that is not a photograph). */
  objects: KeptObject[];
  /** What the models reported, before any rule. */
  raw: RawDetections;
}

/**
 * Interprets the worker's raw detections for one image. Object labels and faces come only from
 * photographs (`judgePhotograph`), scene labels (`sceneLabels`: document, screenshot) from any picture; labels only from detections that clear `selectObjects`; `faces`
 * counts the faces scored at least `faceMinConfidence` whose box is not most of the picture (a
 * count, nothing about who; no label: the pipeline makes its `people` facet from the count).
 * Moderation labels are passed on for `moderate` to judge, for every picture.
 */
export function analyse(raw: RawDetections, statistics: ImageStatistics, options: MapOptions): OnDeviceAnalysis {
  const photograph = judgePhotograph(statistics, options.photographRule ?? PHOTOGRAPH_RULE);
  const objects = photograph.photograph ? selectObjects(raw.objects, options.objectRules ?? OBJECT_RULES) : [];
  // Scene labels are for exactly what is not a photograph (pages, screenshots): never gated.
  const labels: DetectedLabel[] = [...objects.map((o) => ({ name: o.name, confidence: o.score })), ...sceneLabels(raw.scene)];
  const faces = photograph.photograph
    ? raw.faces.filter((face) => clamp(face.score) >= options.faceMinConfidence && face.box[2] * face.box[3] <= options.faceMaxArea).length
    : 0;
  const moderation: ModerationLabel[] = raw.nsfw.flatMap((c) => {
    const label = NSFW_LABELS[c.className];
    return label === undefined ? [] : [{ ...label, confidence: clamp(c.probability) }];
  });
  const result: TaggerResult = options.facesLooked === false ? { labels, moderation } : { labels, moderation, faces };
  return { result, statistics, photograph, objects, raw };
}

/** The `Tagger` port's result for one image; see `analyse`. */
export function toTaggerResult(raw: RawDetections, statistics: ImageStatistics, options: MapOptions): TaggerResult {
  return analyse(raw, statistics, options).result;
}

function clamp(score: number): number {
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}
