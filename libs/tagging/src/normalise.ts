import { z } from 'zod';
import { normalizeTagName, singular, synonymOf, type DetectedLabel, type Tag } from '@mediaflow/domain';
import { OBJECT_RULES } from './on-device/objects.js';
import { COCO_PARENTS } from './vocabulary.js';

export const NormaliseOptionsSchema = z.object({
  /** Labels below this confidence (0..1) are dropped. */
  minConfidence: z.number().min(0).max(1).default(0.7),
  /** At most this many tags per item, the most confident first. */
  maxLabels: z.number().int().min(1).max(100).default(15),
  /** Also tag the parent category (dog -> animal) so a search for the category finds the item. */
  parentsAsTags: z.boolean().default(true),
});
export type NormaliseOptions = z.infer<typeof NormaliseOptionsSchema>;

/**
 * The on-device tagger applies its own per-class thresholds (`OBJECT_RULES`, calibrated on the
 * labelled photographs) before its labels get here; this floor is the lowest of them, so that it
 * never cuts a label those rules kept. Rekognition's labels use the default 0.7.
 */
export const ON_DEVICE_NORMALISE_OPTIONS: NormaliseOptions = NormaliseOptionsSchema.parse({
  minConfidence: Math.min(OBJECT_RULES.defaultThreshold, ...Object.values(OBJECT_RULES.thresholds)),
});

/**
 * The canonical tag name of one label: the domain's spelling rules, then singular, then synonyms.
 * `undefined` when nothing usable is left.
 *
 * @example
 * canonicalTagName('Puppies') // 'dog'
 */
export function canonicalTagName(raw: string): string | undefined {
  const spelled = normalizeTagName(raw);
  if (spelled === undefined) return undefined;
  const one = singular(spelled);
  return synonymOf(one) ?? one;
}

function parentOf(label: DetectedLabel, name: string): string | undefined {
  for (const raw of label.parents ?? []) {
    const parent = canonicalTagName(raw);
    if (parent !== undefined && parent !== name) return parent;
  }
  return Object.hasOwn(COCO_PARENTS, name) ? COCO_PARENTS[name] : undefined;
}

/**
 * Turns a tagger's labels into the item's AI tags: canonical names, confident ones only, one tag per
 * name (the highest confidence wins), most confident first, parents after their children while room
 * is left.
 *
 * @example
 * normaliseLabels([{ name: 'Puppy', confidence: 0.93, parents: ['Animal'] }])
 * // [{ name: 'dog', confidence: 0.93, source: 'ai', parent: 'animal' },
 * //  { name: 'animal', confidence: 0.93, source: 'ai' }]
 */
export function normaliseLabels(labels: readonly DetectedLabel[], options: Partial<NormaliseOptions> = {}): Tag[] {
  const { minConfidence, maxLabels, parentsAsTags } = NormaliseOptionsSchema.parse(options);
  const best = new Map<string, Tag>();
  for (const label of labels) {
    if (!(label.confidence >= minConfidence)) continue;
    const name = canonicalTagName(label.name);
    if (name === undefined) continue;
    const confidence = Math.min(1, label.confidence);
    const known = best.get(name);
    const parent = parentOf(label, name) ?? known?.parent;
    if (known !== undefined && known.confidence >= confidence) {
      if (known.parent === undefined && parent !== undefined) known.parent = parent;
      continue;
    }
    best.set(name, { name, confidence, source: 'ai', ...(parent === undefined ? {} : { parent }) });
  }
  const tags = [...best.values()].sort(byConfidence).slice(0, maxLabels);
  if (!parentsAsTags) return tags;
  const parents = new Map<string, Tag>();
  for (const tag of tags) {
    if (tag.parent === undefined || best.has(tag.parent) || parents.has(tag.parent)) continue;
    parents.set(tag.parent, { name: tag.parent, confidence: tag.confidence, source: 'ai' });
  }
  return [...tags, ...[...parents.values()].sort(byConfidence)].slice(0, maxLabels);
}

function byConfidence(a: Tag, b: Tag): number {
  return b.confidence - a.confidence || a.name.localeCompare(b.name);
}
