import { ageProfile, splitByClass, stockGbMonths } from './storage.js';

const months = (...gib: number[]) => gib.map((g) => ({ gib: g, objects: g * 10 }));

describe('ageProfile and stockGbMonths', () => {
  it('bills half of the month uploads arrive in', () => {
    expect(stockGbMonths(months(100), 36)).toBe(50);
  });

  it('accumulates earlier months in full', () => {
    // 100 + 200 + 400 ÷ 2 = 500
    expect(stockGbMonths(months(100, 200, 400), 36)).toBe(500);
    expect(ageProfile(months(100, 200, 400), 36).map((s) => s.ageMonths)).toEqual([0, 1, 2]);
  });

  it('deletes uploads at the retention age', () => {
    // retention 2: month-0 uploads are gone by month 2 → 200 + 400 ÷ 2 = 400
    expect(stockGbMonths(months(100, 200, 400), 2)).toBe(400);
    // retention 1: only this month's half → 200
    expect(stockGbMonths(months(100, 200, 400), 1)).toBe(200);
  });
});

describe('splitByClass', () => {
  const slices = ageProfile(months(100, 100, 100, 100, 100), 36);

  it('keeps everything in Standard without a lifecycle rule', () => {
    // 4 × 100 + 50
    expect(splitByClass(slices, 'standard')).toMatchObject({ standard: 450, standardIa: 0, transitions: 0 });
  });

  it('moves originals to Standard-IA at 30 days', () => {
    // Standard: age 0 (50) + half of age 1 (50) = 100; IA: half of age 1 (50) + ages 2-4 (300) = 350
    // transitions: the 1,000 objects of age 1
    expect(splitByClass(slices, 'standard-then-ia')).toMatchObject({ standard: 100, standardIa: 350, transitions: 1000 });
  });

  it('ages Intelligent-Tiering objects through the access tiers', () => {
    // frequent: 50 + 50; infrequent: 50 + 100 + 50; archive instant: 50 + 100; monitored: 5 × 1,000 objects
    expect(splitByClass(slices, 'intelligent-tiering')).toMatchObject({
      itFrequent: 100,
      itInfrequent: 200,
      itArchiveInstant: 150,
      itObjects: 5000,
    });
  });
});
