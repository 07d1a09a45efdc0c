import { z } from 'zod';
import type { Moderation, ModerationLabel } from '@mediaflow/domain';

const Threshold = z.number().min(0).max(1);

export const ModerationPolicySchema = z.object({
  /**
   * Top-level categories (a label's parent, or the label itself when it has none), lower case, and
   * the confidence (0..1) from which a label in that category holds the item for review.
   */
  categories: z.record(z.string().min(1), Threshold).default({
    explicit: 0.6,
    'explicit nudity': 0.6,
    'non-explicit nudity of intimate parts and kissing': 0.8,
    suggestive: 0.9,
    violence: 0.7,
    'visually disturbing': 0.7,
    'hate symbols': 0.6,
  }),
  /** The threshold for categories not listed; `undefined` records them without flagging. */
  otherCategories: Threshold.optional(),
  /** Labels below this confidence are not kept on the item at all. */
  recordFrom: Threshold.default(0.5),
});
export type ModerationPolicy = z.infer<typeof ModerationPolicySchema>;

/**
 * Thresholds for the on-device detector (nsfwjs), set above its highest scores on the safe
 * photographs of the labelled set (see the README): a cocktail glass scored 0.78 "Porn" and a
 * clothed group 0.76 "Sexy". Scores under `recordFrom` are not kept on the item either, so a
 * drink does not carry "Explicit Nudity 0.78".
 */
export const ON_DEVICE_MODERATION_POLICY: ModerationPolicy = ModerationPolicySchema.parse({
  categories: { 'explicit nudity': 0.9, suggestive: 0.9 },
  recordFrom: 0.8,
});

const MAX_LABELS = 50;

/** The category a moderation label is judged under: its top-level ancestor's name, lower case. */
export function moderationCategory(label: ModerationLabel): string {
  const top = label.parent !== undefined && label.parent.trim() !== '' ? label.parent : label.name;
  return top.trim().toLowerCase();
}

function thresholdOf(label: ModerationLabel, policy: ModerationPolicy): number | undefined {
  return policy.categories[moderationCategory(label)] ?? policy.otherCategories;
}

/**
 * The moderation verdict for an item: `flagged` (the service holds the item for review) when any
 * label reaches its category's threshold, otherwise `safe`. The labels worth keeping are recorded,
 * the most confident first.
 *
 * @example
 * moderate([{ name: 'Explicit Nudity', confidence: 0.97 }], ModerationPolicySchema.parse({}), now)
 * // { verdict: 'flagged', labels: [...], checkedAt: now.toISOString() }
 */
export function moderate(labels: readonly ModerationLabel[], policy: Partial<ModerationPolicy> = {}, now: Date = new Date()): Moderation {
  const resolved = ModerationPolicySchema.parse(policy);
  let flagged = false;
  const kept: ModerationLabel[] = [];
  for (const label of labels) {
    const threshold = thresholdOf(label, resolved);
    if (threshold !== undefined && label.confidence >= threshold) flagged = true;
    if (label.confidence >= resolved.recordFrom || (threshold !== undefined && label.confidence >= threshold)) kept.push(label);
  }
  kept.sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
  return { verdict: flagged ? 'flagged' : 'safe', labels: kept.slice(0, MAX_LABELS), checkedAt: now.toISOString() };
}
