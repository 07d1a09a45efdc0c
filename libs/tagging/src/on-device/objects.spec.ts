import { COCO_CLASSES, cocoClass } from './coco.js';
import { OBJECT_RULES, overlap, selectObjects, thresholdOf, type ObjectRules, type RawObject } from './objects.js';

const index = (name: string): number => COCO_CLASSES.indexOf(name as (typeof COCO_CLASSES)[number]);
const RULES: ObjectRules = {
  thresholds: { person: 0.4, cat: 0.35 },
  defaultThreshold: 0.5,
  minBoxArea: 0.002,
  sameClassOverlap: 0.45,
  otherClassOverlap: 0.6,
};

describe('cocoClass', () => {
  it('names the detector\u2019s class indices and nothing outside them', () => {
    expect(COCO_CLASSES).toHaveLength(80);
    expect(cocoClass(0)).toBe('person');
    expect(cocoClass(15)).toBe('cat');
    expect(cocoClass(79)).toBe('toothbrush');
    expect([cocoClass(80), cocoClass(-1), cocoClass(1.5), cocoClass(Number.NaN)]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('overlap', () => {
  it('is intersection over union', () => {
    expect(overlap([0, 0, 0.5, 0.5], [0, 0, 0.5, 0.5])).toBe(1);
    expect(overlap([0, 0, 0.5, 0.5], [0.25, 0, 0.5, 0.5])).toBeCloseTo(1 / 3);
    expect(overlap([0, 0, 0.2, 0.2], [0.5, 0.5, 0.2, 0.2])).toBe(0);
    expect(overlap([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });
});

describe('selectObjects', () => {
  it('keeps a detection that clears its class\u2019s threshold and drops one that does not', () => {
    const kept = selectObjects(
      [
        { classIndex: index('person'), score: 0.42, box: [0.1, 0.1, 0.3, 0.6] },
        { classIndex: index('laptop'), score: 0.45, box: [0.6, 0.5, 0.3, 0.3] },
      ],
      RULES,
    );
    expect(kept).toEqual([{ name: 'person', score: 0.42, box: [0.1, 0.1, 0.3, 0.6] }]);
  });

  it('drops specks under the minimum box area', () => {
    const speck: RawObject = { classIndex: index('person'), score: 0.9, box: [0.5, 0.5, 0.04, 0.04] };
    const small: RawObject = { classIndex: index('person'), score: 0.9, box: [0.5, 0.5, 0.05, 0.05] };
    expect(selectObjects([speck], RULES)).toEqual([]);
    expect(selectObjects([small], RULES)).toHaveLength(1);
  });

  it('keeps the stronger of two classes seen in one place (a cat is not also a dog)', () => {
    const kept = selectObjects(
      [
        { classIndex: index('dog'), score: 0.55, box: [0.2, 0.2, 0.5, 0.6] },
        { classIndex: index('cat'), score: 0.72, box: [0.22, 0.21, 0.5, 0.58] },
      ],
      RULES,
    );
    expect(kept.map((o) => o.name)).toEqual(['cat']);
  });

  it('keeps two classes whose boxes only touch (a person on a horse, a cup on a table)', () => {
    const kept = selectObjects(
      [
        { classIndex: index('person'), score: 0.8, box: [0.3, 0.1, 0.3, 0.5] },
        { classIndex: index('horse'), score: 0.7, box: [0.2, 0.35, 0.6, 0.55] },
      ],
      RULES,
    );
    expect(kept.map((o) => o.name)).toEqual(['person', 'horse']);
  });

  it('merges duplicates of one class and keeps separate objects of that class', () => {
    const kept = selectObjects(
      [
        { classIndex: index('person'), score: 0.8, box: [0.1, 0.1, 0.3, 0.6] },
        { classIndex: index('person'), score: 0.6, box: [0.12, 0.12, 0.3, 0.6] },
        { classIndex: index('person'), score: 0.5, box: [0.6, 0.1, 0.3, 0.6] },
      ],
      RULES,
    );
    expect(kept.map((o) => o.score)).toEqual([0.8, 0.5]);
  });

  it('suppresses before thresholds: a weak guess under a stronger one that failed its bar is not kept', () => {
    const kept = selectObjects(
      [
        { classIndex: index('laptop'), score: 0.45, box: [0.2, 0.2, 0.5, 0.5] },
        { classIndex: index('person'), score: 0.41, box: [0.2, 0.2, 0.5, 0.5] },
      ],
      RULES,
    );
    expect(kept).toEqual([]);
  });

  it('ignores unknown classes, empty or broken boxes and scores that are not numbers, and clips boxes to the image', () => {
    const kept = selectObjects(
      [
        { classIndex: 91, score: 0.9, box: [0.1, 0.1, 0.5, 0.5] },
        { classIndex: index('person'), score: Number.NaN, box: [0.1, 0.1, 0.5, 0.5] },
        { classIndex: index('person'), score: 0.9, box: [0.1, 0.1, 0, 0.5] },
        { classIndex: index('person'), score: 0.9, box: [Number.POSITIVE_INFINITY, 0.1, 0.5, 0.5] },
        { classIndex: index('cat'), score: 1.2, box: [-0.2, 0.5, 0.6, 0.8] },
      ],
      RULES,
    );
    expect(kept).toEqual([{ name: 'cat', score: 1, box: [0, 0.5, expect.closeTo(0.4), 0.5] }]);
  });
});

describe('OBJECT_RULES', () => {
  it('has a threshold for every class, none under the detector\u2019s floor', () => {
    for (const name of COCO_CLASSES) {
      expect(thresholdOf(name)).toBeGreaterThanOrEqual(0.2);
      expect(thresholdOf(name)).toBeLessThanOrEqual(1);
    }
    for (const name of Object.keys(OBJECT_RULES.thresholds)) expect(COCO_CLASSES).toContain(name);
  });
});
