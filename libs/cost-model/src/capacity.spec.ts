import { ALARM_SHARE, CAPACITY_FUNCTIONS, EVENT_SOURCE_CONCURRENCY, parseCapacityScale, planCapacity, QUEUE_CONSUMERS, stackLimits, type CapacityPlan, type FunctionCapacity } from './capacity.js';
import { InvalidAssumptionsError } from './errors.js';
import { parseWorkload } from './workload.js';

const workload = parseWorkload();

function fn(plan: CapacityPlan, name: FunctionCapacity['name']): FunctionCapacity {
  const found = plan.functions.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no ${name} in the plan`);
  return found;
}

describe('planCapacity', () => {
  const month0 = planCapacity(workload, { month: 0 });
  const month36 = planCapacity(workload, { month: 36 });

  it('lists every function once, in the stack\u2019s order', () => {
    expect(month0.functions.map((f) => f.name)).toEqual([...CAPACITY_FUNCTIONS]);
  });

  it('spreads the month\u2019s uploads over its seconds and applies Little\u2019s law at 4x the average', () => {
    // 10,000 DAU × 6 images a day = 60,000 a day = 0.694/s; ×4 at the peak; 5 s each.
    const image = fn(month0, 'image');
    expect(image.averagePerSecond).toBeCloseTo(60_000 / 86_400, 9);
    expect(image.peakPerSecond).toBeCloseTo((4 * 60_000) / 86_400, 9);
    expect(image.peakConcurrency).toBeCloseTo(((4 * 60_000) / 86_400) * 5, 9);
    // 13.9 × 1.25 = 17.4, rounded up
    expect(image.limit).toBe(18);
    // 3 sessions × 8 calls + 8 uploads × 2 calls = 40 calls per user a day
    expect(month0.api.averagePerSecond).toBeCloseTo(400_000 / 86_400, 9);
    // The stage's burst is never below one caller's own (200), or one person's folder drop would be cut.
    expect(month0.api).toMatchObject({ rateLimit: 24, burstLimit: 200 });
    expect(fn(month0, 'api').peakConcurrency).toBeCloseTo(month0.api.peakPerSecond * 0.12, 9);
  });

  it('puts every alarm (80% of a limit) at or above the modelled peak unless a bound capped the limit', () => {
    for (const plan of [month0, month36]) {
      for (const f of plan.functions) {
        if (f.limit === undefined || f.peakConcurrency === undefined || f.basis.includes('capped')) continue;
        expect(f.limit * ALARM_SHARE).toBeGreaterThanOrEqual(f.peakConcurrency);
      }
      expect(plan.api.rateLimit * ALARM_SHARE).toBeGreaterThanOrEqual(plan.api.peakPerSecond);
    }
  });

  it('grows every rate 64-fold by month 36 and caps what Lambda cannot give', () => {
    expect(month36.dau).toBe(640_000);
    expect(month36.api.peakPerSecond).toBeCloseTo(64 * month0.api.peakPerSecond, 6);
    expect(fn(month36, 'ingest').peakConcurrency).toBeCloseTo(64 * (fn(month0, 'ingest').peakConcurrency ?? 0), 6);
    // 889 instances at the peak would need 1,112: more than one event source may have.
    expect(fn(month36, 'image').peakConcurrency).toBeCloseTo(888.89, 2);
    expect(fn(month36, 'image').limit).toBe(EVENT_SOURCE_CONCURRENCY.max);
    expect(fn(month36, 'image').basis).toMatch(/capped at 1000/);
    // The on-device tagger (the default) has no quota to share: 103.1 instances at the peak, 129 with headroom.
    expect(fn(month36, 'tagging').peakConcurrency).toBeCloseTo(103.11, 2);
    expect(fn(month36, 'tagging').limit).toBe(129);
    expect(fn(month36, 'tagging').basis).not.toMatch(/capped/);
    expect(month36.rekognition.peakCallsPerSecond).toBe(0);
    expect(month36.totalPeakConcurrency).toBeGreaterThan(month36.options.accountConcurrency);
  });

  it('times on-device tagging by the measured model: a picture one frame, a video its frames', () => {
    // 0.694 pictures/s at 290 ms and 0.231 videos/s at 3 frames × 290 ms: 435 ms on average per upload.
    const tagging = fn(month0, 'tagging');
    expect(month0.options).toMatchObject({ tagger: 'on-device', onDeviceMsPerImage: 290 });
    expect(tagging.durationMs).toBeCloseTo(435, 9);
    // 0.926 uploads/s × 4 × 0.435 s = 1.61 instances, 2.01 with headroom.
    expect(tagging.peakConcurrency).toBeCloseTo(1.61, 2);
    expect(tagging.limit).toBe(3);
    expect(fn(planCapacity(workload, { month: 0 }, { onDeviceMsPerImage: 1000 }), 'tagging').limit).toBe(7);
  });

  it('with Rekognition (-c tagger=rekognition), caps tagging at the quota the functions share', () => {
    const rekognition0 = planCapacity(workload, { month: 0 }, { tagger: 'rekognition' });
    const rekognition36 = planCapacity(workload, { month: 36 }, { tagger: 'rekognition' });
    expect(fn(rekognition0, 'tagging').durationMs).toBeCloseTo(1900, 9);
    expect(fn(rekognition36, 'tagging').limit).toBe(5);
    expect(fn(rekognition36, 'tagging').basis).toMatch(/capped at 5, Rekognition/);
    // ((0.694 pictures + 0.231 videos × 3 frames) × 3 calls (labels, moderation, faces) + 0.694 × 0.15
    // DetectText) × 4 at the peak.
    expect(rekognition0.rekognition.peakCallsPerSecond).toBeCloseTo(17.08, 2);
    expect(rekognition36.rekognition.peakCallsPerSecond).toBeCloseTo(64 * rekognition0.rekognition.peakCallsPerSecond, 6);
  });

  it('keeps every event source limit within what Lambda accepts', () => {
    for (const plan of [month0, month36, planCapacity(workload, { dau: 1 })]) {
      for (const name of QUEUE_CONSUMERS) {
        const limit = fn(plan, name).limit ?? Number.NaN;
        expect(Number.isInteger(limit)).toBe(true);
        expect(limit).toBeGreaterThanOrEqual(EVENT_SOURCE_CONCURRENCY.min);
        expect(limit).toBeLessThanOrEqual(EVENT_SOURCE_CONCURRENCY.max);
      }
    }
  });

  it('takes another peak-to-average factor, headroom and Rekognition quota', () => {
    const doubled = planCapacity(workload, { month: 0 }, { peakToAverage: 8 });
    expect(fn(doubled, 'image').peakConcurrency).toBeCloseTo(2 * (fn(month0, 'image').peakConcurrency ?? 0), 9);
    expect(fn(doubled, 'image').limit).toBe(35);
    expect(fn(planCapacity(workload, { month: 0 }, { headroom: 1 }), 'image').limit).toBe(14);
    // 7.04 instances at the peak, 8.8 with headroom: within a raised quota the limit is the demand's.
    expect(fn(planCapacity(workload, { month: 0 }, { tagger: 'rekognition', rekognitionTps: 50 }), 'tagging').limit).toBe(9);
  });

  it('gives the functions the workload has no rate for a fixed limit', () => {
    expect(fn(month0, 'audio').limit).toBe(5);
    expect(fn(month0, 'audio')).not.toHaveProperty('averagePerSecond');
    expect(fn(planCapacity(workload, { month: 36 }, { unmodelledConcurrency: 3 }), 'document').limit).toBe(3);
  });

  it('runs the trash\u2019s purge once an hour whatever the demand, one run at a time', () => {
    for (const plan of [month0, month36]) {
      expect(fn(plan, 'trash-purge')).toMatchObject({ trigger: 'schedule', averagePerSecond: 1 / 3600, peakPerSecond: 1 / 3600, durationMs: 2000, limit: 1 });
    }
    // 1% of a month's 2,432,000 uploads deleted, over its 729.6 runs: 33.3 items a run at 150 ms each, 5 s more.
    const deleting = planCapacity(parseWorkload({ deletedShare: 0.01 }), { month: 0 });
    expect(fn(deleting, 'trash-purge').durationMs).toBeCloseTo(7000, 6);
    expect(fn(planCapacity(workload, { month: 0 }, { purgeEverySeconds: 86_400 }), 'trash-purge').basis).toMatch(/24 h/);
  });

  it('sizes the archive function for the share of users asking for a zip, never below the unmodelled limit', () => {
    // 1% of 10,000 users a day: 0.00116 zips/s; 200 MiB at 50 MiB/s and a second of records, 5 s each.
    const archive = fn(month0, 'archive');
    expect(archive.averagePerSecond).toBeCloseTo(100 / 86_400, 9);
    expect(archive.durationMs).toBe(5000);
    expect(archive.peakConcurrency).toBeCloseTo((4 * 100 * 5) / 86_400, 9);
    expect(archive.limit).toBe(5);
    expect(archive.basis).toMatch(/at least unmodelledConcurrency/);
    // A tenth of 640,000 users a day, 1 GiB zips: the demand's own limit.
    const heavy = fn(planCapacity(workload, { month: 36 }, { archiveShareOfUsers: 0.1, archiveMiB: 1024 }), 'archive');
    expect(heavy.peakConcurrency).toBeCloseTo((4 * 64_000 * (1 + 1024 / 50)) / 86_400, 6);
    expect(heavy.limit).toBe(Math.ceil((heavy.peakConcurrency ?? 0) * 1.25));
  });

  it('never throttles the whole stage below one caller\u2019s own limit', () => {
    const tiny = planCapacity(workload, { dau: 10 });
    expect(tiny.api.rateLimit).toBe(tiny.perCaller.perSecond);
    expect(tiny.api.burstLimit).toBe(tiny.perCaller.burst);
  });

  it('is the same at a number of daily users as at the month that has them', () => {
    const byDau = planCapacity(workload, { dau: 640_000 });
    expect(byDau.label).toBe('640,000 DAU');
    expect(byDau.functions).toEqual(month36.functions);
    expect(byDau.api).toEqual(month36.api);
  });

  it('refuses a scale or options it cannot plan for', () => {
    expect(() => planCapacity(workload, { month: -1 })).toThrow(InvalidAssumptionsError);
    expect(() => planCapacity(workload, { month: 2.5 })).toThrow(/whole number/);
    expect(() => planCapacity(workload, { dau: 0 })).toThrow(/dau must be > 0/);
    expect(() => planCapacity(workload, { month: 0 }, { peakToAverage: 0.5 })).toThrow(/peakToAverage/);
    expect(() => planCapacity(workload, { month: 0 }, { unmodelledConcurrency: 1 })).toThrow(/unmodelledConcurrency/);
    expect(() => planCapacity(workload, { month: 0 }, { tagger: 'clip' as never })).toThrow(/tagger/);
  });
});

describe('parseCapacityScale', () => {
  it.each([
    ['month0', { month: 0 }],
    ['month36', { month: 36 }],
    [' month120 ', { month: 120 }],
    ['250000', { dau: 250_000 }],
  ])('reads %j', (raw, scale) => {
    expect(parseCapacityScale(raw)).toEqual(scale);
  });

  it.each(['', 'month', 'month121', 'month-1', 'month 3', '0', '-5', '2.5', '1e6', 'big'])('refuses %j', (raw) => {
    expect(() => parseCapacityScale(raw)).toThrow(InvalidAssumptionsError);
  });
});

describe('stackLimits', () => {
  it('is the plan\u2019s limits for the stack: every consumer, the stage throttle and one caller\u2019s share', () => {
    const plan = planCapacity(workload, { month: 36 });
    const limits = stackLimits({ month: 36 });
    expect(Object.keys(limits.maxConcurrency)).toEqual([...QUEUE_CONSUMERS]);
    for (const name of QUEUE_CONSUMERS) expect(limits.maxConcurrency[name]).toBe(fn(plan, name).limit);
    expect(limits.api).toEqual({ rateLimit: plan.api.rateLimit, burstLimit: plan.api.burstLimit });
    expect(limits.perCaller).toEqual({ perSecond: 20, burst: 200 });
    // Tagging on-device by default: 4 for month 0's demand (Rekognition's quota made it 5 before).
    // Video: the ladder in the function, 0.23 videos/s × 4 at the peak × 25.9 s each × 1.25 = 30 (2 when it only probes for MediaConvert).
    // Archives: 5 whatever the demand (an export may hold an instance 15 minutes).
    expect(stackLimits({ month: 0 }).maxConcurrency).toEqual({ ingest: 4, image: 18, document: 5, audio: 5, tagging: 3, video: 30, archive: 5 });
    expect(stackLimits({ month: 0 }, { videoTranscoder: 'mediaconvert' }).maxConcurrency.video).toBe(2);
    expect(stackLimits({ month: 0 }, { tagger: 'rekognition' }).maxConcurrency.tagging).toBe(5);
  });
});
