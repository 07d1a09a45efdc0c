import { ModerationSchema } from '@mediaflow/domain';
import { moderate, moderationCategory, ModerationPolicySchema, ON_DEVICE_MODERATION_POLICY } from './moderation.js';

const now = new Date('2026-11-28T12:00:00.000Z');

describe('moderate', () => {
  it('is safe with no labels', () => {
    expect(moderate([], {}, now)).toEqual({ verdict: 'safe', labels: [], checkedAt: now.toISOString() });
  });

  it('flags a label over its category threshold, judged by its top-level parent', () => {
    const verdict = moderate(
      [
        { name: 'Graphic Male Nudity', confidence: 0.91, parent: 'Explicit Nudity' },
        { name: 'Explicit Nudity', confidence: 0.93 },
      ],
      {},
      now,
    );
    expect(verdict.verdict).toBe('flagged');
    expect(verdict.labels.map((l) => l.name)).toEqual(['Explicit Nudity', 'Graphic Male Nudity']);
    expect(ModerationSchema.safeParse(verdict).success).toBe(true);
  });

  it('records but does not flag labels under their threshold', () => {
    const verdict = moderate([{ name: 'Suggestive', confidence: 0.62 }], {}, now);
    expect(verdict).toEqual({ verdict: 'safe', labels: [{ name: 'Suggestive', confidence: 0.62 }], checkedAt: now.toISOString() });
  });

  it('drops labels below the recording floor', () => {
    expect(moderate([{ name: 'Violence', confidence: 0.1 }], {}, now).labels).toEqual([]);
  });

  it('ignores categories the policy does not list unless a catch-all threshold is set', () => {
    const labels = [{ name: 'Gambling', confidence: 0.99 }];
    expect(moderate(labels, {}, now).verdict).toBe('safe');
    expect(moderate(labels, { otherCategories: 0.9 }, now).verdict).toBe('flagged');
  });

  it('takes per-category thresholds from its policy', () => {
    const labels = [{ name: 'Suggestive', confidence: 0.7 }];
    expect(moderate(labels, { categories: { suggestive: 0.65 } }, now).verdict).toBe('flagged');
    expect(moderate(labels, ON_DEVICE_MODERATION_POLICY, now).verdict).toBe('safe');
  });

  it('keeps the highest scores measured on safe photographs safe and off the item (on-device policy)', () => {
    const cocktail = [
      { name: 'Explicit Nudity', confidence: 0.78 },
      { name: 'Suggestive', confidence: 0.76 },
    ];
    expect(moderate(cocktail, ON_DEVICE_MODERATION_POLICY, now)).toMatchObject({ verdict: 'safe', labels: [] });
    expect(moderate([{ name: 'Explicit Nudity', confidence: 0.93 }], ON_DEVICE_MODERATION_POLICY, now).verdict).toBe('flagged');
  });

  it('keeps at most 50 labels', () => {
    const labels = Array.from({ length: 60 }, (_, i) => ({ name: `label ${i}`, confidence: 0.9 }));
    expect(moderate(labels, {}, now).labels).toHaveLength(50);
  });
});

describe('ModerationPolicySchema', () => {
  it('has defaults for every field', () => {
    const policy = ModerationPolicySchema.parse({});
    expect(policy.categories['explicit nudity']).toBe(0.6);
    expect(policy.recordFrom).toBe(0.5);
  });

  it('rejects a threshold outside 0..1', () => {
    expect(ModerationPolicySchema.safeParse({ categories: { violence: 70 } }).success).toBe(false);
  });
});

describe('moderationCategory', () => {
  it('is the parent, or the label itself at the top, lower case', () => {
    expect(moderationCategory({ name: 'Weapons', confidence: 1, parent: 'Violence' })).toBe('violence');
    expect(moderationCategory({ name: 'Suggestive', confidence: 1, parent: '' })).toBe('suggestive');
  });
});
