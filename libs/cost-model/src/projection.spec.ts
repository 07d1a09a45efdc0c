import { BASELINE, MEDIAFLOW } from './architectures.js';
import { monthState } from './pricing.js';
import { compareArchitectures } from './compare.js';
import { InvalidAssumptionsError } from './errors.js';
import { growthMultiplier, projectCosts } from './projection.js';
import { parseWorkload, scaleWorkload } from './workload.js';

describe('growthMultiplier', () => {
  it('doubles every 6 months', () => {
    expect(growthMultiplier(0)).toBe(1);
    expect(growthMultiplier(6)).toBe(2);
    // 2^(3/6) = √2
    expect(growthMultiplier(3)).toBeCloseTo(Math.SQRT2, 12);
    // 2^(36/6) = 2^6 = 64
    expect(growthMultiplier(36)).toBe(64);
  });
});

describe('projectCosts', () => {
  const w = parseWorkload();
  const rows = projectCosts(w);

  it('covers month 0 to month 36', () => {
    expect(rows).toHaveLength(37);
    expect(rows[0]?.month).toBe(0);
    expect(rows[36]?.month).toBe(36);
  });

  it("makes month 36's workload 64x month 0's", () => {
    const first = rows[0];
    const last = rows[36];
    expect(last?.multiplier).toBe(64);
    // 10,000 × 64 = 640,000 DAU; 2,432,000 × 64 = 155,648,000 uploads a month
    expect(last?.dau).toBe(640_000);
    expect(last?.uploadsPerMonth).toBe(155_648_000);
    expect((last?.uploadsPerMonth ?? 0) / (first?.uploadsPerMonth ?? 1)).toBe(64);
  });

  it('starts from the single-month estimate', () => {
    // month 0 has no history, like parseWorkload's default historyMonths = 0
    const c = compareArchitectures(w);
    expect(rows[0]?.costs['baseline']).toBeCloseTo(c.totals.baseline, 6);
    expect(rows[0]?.costs['mediaflow']).toBeCloseTo(c.totals.mediaflow, 6);
  });

  it('accumulates storage month by month', () => {
    const a0 = monthState(w).derived;
    const a1 = monthState(scaleWorkload(w, 2 ** (1 / 6))).derived;
    const added = (d: typeof a0) => d.originalsGiBPerMonth.value + d.renditionsGiBPerMonth.value;
    // month 0: a0 ÷ 2; month 1: a0 + a1 ÷ 2
    expect(rows[0]?.storedGb).toBeCloseTo(added(a0) / 2, 6);
    expect(rows[1]?.storedGb).toBeCloseTo(added(a0) + added(a1) / 2, 6);
  });

  it('deletes at the retention age', () => {
    const short = projectCosts(parseWorkload({ retentionMonths: 2 }), { months: 5 });
    const a = (m: number) => {
      const d = monthState(scaleWorkload(w, 2 ** (m / 6))).derived;
      return d.originalsGiBPerMonth.value + d.renditionsGiBPerMonth.value;
    };
    // retention 2: month 5 holds month 4 in full and half of month 5
    expect(short[5]?.storedGb).toBeCloseTo(a(4) + a(5) / 2, 6);
  });

  it('grows every month and keeps Mediaflow below the baseline', () => {
    rows.forEach((row, i) => {
      const base = row.costs['baseline'] ?? 0;
      const mf = row.costs['mediaflow'] ?? 0;
      expect(mf).toBeLessThan(base);
      if (i > 0) expect(base).toBeGreaterThan(rows[i - 1]?.costs['baseline'] ?? 0);
    });
  });

  it('prices only the architectures asked for', () => {
    const only = projectCosts(w, { months: 1, architectures: [MEDIAFLOW] });
    expect(Object.keys(only[0]?.costs ?? {})).toEqual(['mediaflow']);
    expect(projectCosts(w, { months: 0, architectures: [BASELINE] })).toHaveLength(1);
  });

  it('rejects bad options', () => {
    expect(() => projectCosts(w, { months: -1 })).toThrow(InvalidAssumptionsError);
    expect(() => projectCosts(w, { months: 1.5 })).toThrow(InvalidAssumptionsError);
    expect(() => projectCosts(w, { doublingMonths: 0 })).toThrow(InvalidAssumptionsError);
  });
});
