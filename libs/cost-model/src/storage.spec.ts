import { InvalidAssumptionsError } from './errors.js';
import { ageProfile, earlyDeletionGbMonths, shareOlderThan, splitByClass, stockGbMonths, validateStorageRules } from './storage.js';
import { ORIGINALS_POLICIES, originalsStorageRules, type OriginalsStorageRules } from './storage-rules.js';

// 100 GB of 10 objects each: about 10 GB an object, far above every 128 KB minimum.
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

describe('shareOlderThan', () => {
  it('moves last month\'s uploads across a 30-day mark half-way through this month', () => {
    expect(shareOlderThan(1, 30)).toBe(0.5);
    expect(shareOlderThan(3, 90)).toBe(0.5);
  });

  it('spreads a slice ±30 days around its age in months', () => {
    // age 1, 45 days: v = 0.5 → (1 − 0.5)² ÷ 2
    expect(shareOlderThan(1, 45)).toBeCloseTo(0.125, 12);
    // age 1, 15 days: v = −0.5 → 1 − 0.5² ÷ 2
    expect(shareOlderThan(1, 15)).toBeCloseTo(0.875, 12);
    expect(shareOlderThan(1, 60)).toBe(0);
    expect(shareOlderThan(2, 30)).toBe(1);
  });

  it('counts this month\'s uploads from their arrival', () => {
    expect(shareOlderThan(0, 0)).toBe(1);
    // (30 − 15)² ÷ 30²
    expect(shareOlderThan(0, 15)).toBeCloseTo(0.25, 12);
    expect(shareOlderThan(0, 30)).toBe(0);
  });
});

describe('splitByClass', () => {
  const slices = ageProfile(months(100, 100, 100, 100, 100), 36);

  it('keeps everything in Standard without a lifecycle rule', () => {
    // 4 × 100 + 50
    expect(splitByClass(slices, originalsStorageRules('standard'))).toMatchObject({ standard: 450, standardIa: 0, glacierIr: 0, transitions: { STANDARD_IA: 0 } });
  });

  it('moves originals to Standard-IA at 30 days', () => {
    // Standard: age 0 (50) + half of age 1 (50) = 100; IA: half of age 1 (50) + ages 2-4 (300) = 350
    // transitions: the 1,000 objects of age 1
    expect(splitByClass(slices, originalsStorageRules('standard-then-ia'))).toMatchObject({ standard: 100, standardIa: 350, transitions: { STANDARD_IA: 1000 } });
  });

  it('ages Intelligent-Tiering objects through the access tiers', () => {
    // frequent: 50 + 50; infrequent: 50 + 100 + 50; archive instant: 50 + 100; monitored: 5 × 1,000 objects,
    // all moved in on arrival: this month's 1,000 transitions
    expect(splitByClass(slices, originalsStorageRules('intelligent-tiering'))).toMatchObject({
      standard: 0,
      itFrequent: 100,
      itInfrequent: 200,
      itArchiveInstant: 150,
      itObjects: 5000,
      transitions: { INTELLIGENT_TIERING: 1000 },
    });
  });

  it('moves originals to Glacier Instant Retrieval the day after upload', () => {
    const split = splitByClass(slices, originalsStorageRules('glacier-ir'));
    // age 0: 50 × (29 ÷ 30)² in Glacier IR; age 1: 100 × (1 − (1 ÷ 30)² ÷ 2); ages 2-4 in full
    const glacier = 50 * (29 / 30) ** 2 + 100 * (1 - (1 / 30) ** 2 / 2) + 300;
    expect(split.glacierIr).toBeCloseTo(glacier, 9);
    expect(split.standard).toBeCloseTo(450 - glacier, 9);
    // 29/30 of this month's uploads and the last 1/30 of last month's reach day 1 this month
    expect(split.transitions.GLACIER_IR).toBeCloseTo(1000, 9);
  });

  it('reads the download share of every original past its first month from the class holding it', () => {
    const split = splitByClass(slices, originalsStorageRules('glacier-ir'), { downloadShare: 0.01 });
    const inGlacier = 100 * (1 - (1 / 30) ** 2 / 2) + 300;
    expect(split.downloads.GLACIER_IR.gb).toBeCloseTo(0.01 * inGlacier, 9);
    expect(split.downloads.GLACIER_IR.objects).toBeCloseTo(0.01 * inGlacier * 10, 9);
    expect(split.downloads.STANDARD.gb).toBeCloseTo(0.01 * (400 - inGlacier), 9);
  });

  it('keeps downloaded Intelligent-Tiering objects out of the colder tiers for 30 and 90 days', () => {
    const quiet = splitByClass(slices, originalsStorageRules('intelligent-tiering'));
    const read = splitByClass(slices, originalsStorageRules('intelligent-tiering'), { downloadShare: 0.1 });
    // archive instant: 150 GB-months idle for 90 days, of which e^(−0.1 × 3) were not downloaded
    expect(read.itArchiveInstant).toBeCloseTo(150 * Math.exp(-0.3), 9);
    // infrequent or colder: 350 idle for 30 days, e^(−0.1) of it unread
    expect(read.itInfrequent + read.itArchiveInstant).toBeCloseTo(350 * Math.exp(-0.1), 9);
    expect(read.itFrequent + read.itInfrequent + read.itArchiveInstant).toBeCloseTo(450, 9);
    expect(read.itFrequent).toBeGreaterThan(quiet.itFrequent);
  });

  it('leaves objects under the rule\'s minimum size in Standard, and bills 128 KB minimums when a rule moves smaller ones', () => {
    // 1 GB of 1,048,576 objects: 1 KiB each
    const tiny = ageProfile([{ gib: 1, objects: 1_048_576 }, { gib: 1, objects: 1_048_576 }], 36);
    expect(splitByClass(tiny, originalsStorageRules('glacier-ir'))).toMatchObject({ standard: 1.5, glacierIr: 0, transitions: { GLACIER_IR: 0 } });
    const anySize: OriginalsStorageRules = { ...originalsStorageRules('glacier-ir'), minimumObjectBytes: 0 };
    // each 1 KiB object in Glacier IR is billed as 128 KiB
    expect(splitByClass(tiny, anySize).glacierIr).toBeCloseTo(128 * (1 - (1 / 30) ** 2 / 2 + 0.5 * (29 / 30) ** 2), 9);
  });
});

describe('validateStorageRules', () => {
  it('accepts every candidate policy', () => {
    for (const policy of ORIGINALS_POLICIES) expect(() => validateStorageRules(originalsStorageRules(policy))).not.toThrow();
  });

  it('refuses Standard-IA before 30 days and a class left before its minimum duration', () => {
    const base = originalsStorageRules('standard');
    expect(() => validateStorageRules({ ...base, transitions: [{ storageClass: 'STANDARD_IA', afterDays: 7 }] })).toThrow(InvalidAssumptionsError);
    expect(() =>
      validateStorageRules({
        ...base,
        transitions: [
          { storageClass: 'GLACIER_IR', afterDays: 1 },
          { storageClass: 'INTELLIGENT_TIERING', afterDays: 30 },
        ],
      }),
    ).toThrow(/90-day minimum/);
    expect(() =>
      validateStorageRules({
        ...base,
        transitions: [
          { storageClass: 'GLACIER_IR', afterDays: 120 },
          { storageClass: 'STANDARD_IA', afterDays: 30 },
        ],
      }),
    ).toThrow(/go up in age/);
  });
});

describe('earlyDeletionGbMonths', () => {
  const rules = originalsStorageRules('glacier-ir');

  it('bills nothing when originals outlive the minimum duration', () => {
    expect(earlyDeletionGbMonths(months(100, 100, 100, 100, 100), 3, originalsStorageRules('standard'))).toEqual({});
    expect(earlyDeletionGbMonths(months(100, 100), 1, originalsStorageRules('intelligent-tiering'))).toEqual({});
    expect(earlyDeletionGbMonths(months(100, 100, 100, 100, 100), 36, rules)).toEqual({});
  });

  it('bills the rest of Glacier IR\'s 90 days for originals deleted sooner', () => {
    // retention 1 month: in Glacier IR from day 1 to day 30, 61 days short: 100 GB × 61 ÷ 30
    expect(earlyDeletionGbMonths(months(100, 100), 1, rules).GLACIER_IR).toBeCloseTo((100 * 61) / 30, 9);
    // retention 3 months: 89 days, one short
    expect(earlyDeletionGbMonths(months(100, 100, 100, 100), 3, rules).GLACIER_IR).toBeCloseTo(100 / 30, 9);
  });
});
