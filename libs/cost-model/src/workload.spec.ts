import { InvalidAssumptionsError } from './errors.js';
import { WORKLOAD_KEYS, deriveWorkload, parseWorkload, scaleWorkload } from './workload.js';

describe('parseWorkload', () => {
  it('fills the brief defaults: 10k DAU, 6 images and 2 videos a day', () => {
    const w = parseWorkload();
    expect(w.dau).toBe(10_000);
    expect(w.imagesPerUserPerDay).toBe(6);
    expect(w.videosPerUserPerDay).toBe(2);
    expect(WORKLOAD_KEYS).toContain('videoSeconds');
  });

  it('keeps overrides', () => {
    expect(parseWorkload({ dau: 5, videoSeconds: 45 })).toMatchObject({ dau: 5, videoSeconds: 45, imagesPerUserPerDay: 6 });
  });

  it('names every bad field', () => {
    expect(() => parseWorkload({ dau: -1 })).toThrow(InvalidAssumptionsError);
    expect(() => parseWorkload({ dau: -1, videoWatchFraction: 2 })).toThrow(/dau.*videoWatchFraction/);
  });
});

describe('deriveWorkload (defaults, 10k DAU)', () => {
  const d = deriveWorkload(parseWorkload());

  it('counts uploads a month', () => {
    // 10,000 × 6 × 30.4 = 1,824,000; 10,000 × 2 × 30.4 = 608,000
    expect(d.imagesPerMonth.value).toBe(1_824_000);
    expect(d.videosPerMonth.value).toBe(608_000);
    expect(d.itemsPerMonth.value).toBe(2_432_000);
    // 10,000 ÷ 0.4 = 25,000
    expect(d.mau.value).toBe(25_000);
  });

  it('sizes originals and renditions', () => {
    // 20 s × 16 Mbps = 320 Mb = 40,000,000 B = 38.14697265625 MiB
    expect(d.videoOriginalMiB.value).toBeCloseTo(38.14697265625, 9);
    // (1,824,000 × 3 + 608,000 × 38.14697265625) ÷ 1024 = (5,472,000 + 23,193,359.375) ÷ 1024 = 27,993.5150...
    expect(d.originalsGiBPerMonth.value).toBeCloseTo(28_665_359.375 / 1024, 6);
    // (20 × 9 + 6 × 1.5) Mb = 189 Mb = 23,625,000 B = 22.530555... MiB
    expect(d.videoRenditionMiB.value).toBeCloseTo(23_625_000 / 1_048_576, 9);
    // 3 rungs × (⌈20 ÷ 6⌉ = 4 segments + 1 playlist) + 1 master = 16
    expect(d.hlsObjectsPerVideo.value).toBe(16);
    // 1,824,000 × 12 + 608,000 × (16 + 2) = 21,888,000 + 10,944,000 = 32,832,000
    expect(d.renditionObjectsPerMonth.value).toBe(32_832_000);
  });

  it('bills MediaConvert output minutes with the 10 s minimum', () => {
    // HD: 608,000 × 2 rungs × 20 s ÷ 60 = 405,333.33 min
    expect(d.hdOutputMinutes.value).toBeCloseTo(405_333.333333, 4);
    // SD: 608,000 × (1 × 20 s + max(10, 6 s) preview) ÷ 60 = 608,000 × 30 ÷ 60 = 304,000 min
    expect(d.sdOutputMinutes.value).toBeCloseTo(304_000, 6);
    // 5 s clips bill 10 s per output: HD 608,000 × 2 × 10 ÷ 60 = 202,666.67
    const short = deriveWorkload(parseWorkload({ videoSeconds: 5 }));
    expect(short.hdOutputMinutes.value).toBeCloseTo(202_666.666667, 4);
    expect(short.billedOutputSeconds.value).toBe(10);
  });

  it('counts tagged frames, text reads, API calls and Lambda GB-seconds', () => {
    // 1,824,000 + 608,000 × 3 frames = 3,648,000
    expect(d.taggedFrames.value).toBe(3_648_000);
    // 1,824,000 pictures × 0.15 the print gate lets through (measured on the labelled set)
    expect(d.textReads.value).toBe(273_600);
    // 10,000 × 3 sessions × 30.4 × 8 calls (7,296,000) + 2,432,000 × 2 (4,864,000) = 12,160,000
    expect(d.apiRequests.value).toBe(12_160_000);
    // 1,824,000 × 5 s × 2 GB = 18,240,000 GB-s
    expect(d.imageGbSeconds.value).toBeCloseTo(18_240_000, 3);
    // 12,160,000 × 0.12 s × 0.5 GB = 729,600 GB-s
    expect(d.apiGbSeconds.value).toBeCloseTo(729_600, 3);
  });

  it('derives viewing traffic', () => {
    // 1,824,000 × 5 views × 0.3 MiB ÷ 1024 = 2,671.875 GB
    expect(d.imageViewGiB.value).toBeCloseTo(2671.875, 6);
    // 608,000 × 3 views × 14 s × 3 Mbps = 76,608,000 Mb = 9,576,000,000,000 B ÷ 2³⁰ = 8,918.31 GB
    expect(d.videoViewGiB.value).toBeCloseTo(9_576_000_000_000 / 2 ** 30, 6);
    // requests: 1,824,000 × 5 + 2,432,000 × 20 + 608,000 × 3 × (⌈14 ÷ 6⌉ + 2 = 5) = 9,120,000 + 48,640,000 + 9,120,000
    expect(d.mediaRequests.value).toBe(66_880_000);
  });

  it('gives every quantity a name matching its key, a unit and a formula', () => {
    for (const [key, q] of Object.entries(d)) {
      expect(q.name).toBe(key);
      expect(q.unit.length).toBeGreaterThan(0);
      expect(q.formula.length).toBeGreaterThan(3);
      expect(Number.isFinite(q.value)).toBe(true);
    }
  });
});

describe('scaleWorkload', () => {
  it('multiplies daily users and keeps per-user rates', () => {
    const w = scaleWorkload(parseWorkload(), 64);
    expect(w.dau).toBe(640_000);
    expect(w.imagesPerUserPerDay).toBe(6);
    // 640,000 × 6 × 30.4 = 116,736,000 = 64 × 1,824,000
    expect(deriveWorkload(w).imagesPerMonth.value).toBe(116_736_000);
  });
});
