import { MEDIAFLOW } from './architectures.js';
import { InvalidAssumptionsError } from './errors.js';
import { chooseOriginalsPolicy, compareOriginalsPolicies } from './storage-choice.js';
import { DEFAULT_ORIGINALS_POLICY, ORIGINALS_POLICIES } from './storage-rules.js';
import { parseWorkload } from './workload.js';

describe('compareOriginalsPolicies', () => {
  const rows = compareOriginalsPolicies(parseWorkload());

  it('prices every candidate for month 0 to month 36', () => {
    expect(rows.map((row) => row.policy)).toEqual([...ORIGINALS_POLICIES]);
    for (const row of rows) {
      expect(row.monthly).toHaveLength(37);
      expect(row.total).toBeCloseTo(row.monthly.reduce((sum, cost) => sum + cost, 0), 6);
    }
  });

  it('bills the same month 0 for every policy that moves nothing before 30 days', () => {
    const month0 = (policy: string) => rows.find((row) => row.policy === policy)?.monthly[0];
    expect(month0('standard-then-ia')).toBeCloseTo(month0('standard') ?? Number.NaN, 9);
    expect(month0('standard-then-glacier-ir')).toBeCloseTo(month0('standard') ?? Number.NaN, 9);
  });

  it('rejects a negative number of months', () => {
    expect(() => compareOriginalsPolicies(parseWorkload(), { months: -1 })).toThrow(InvalidAssumptionsError);
  });
});

describe('chooseOriginalsPolicy', () => {
  it('finds the deployed default cheapest over 36 months when originals are read once, then downloaded rarely', () => {
    const workload = parseWorkload();
    expect(workload.originalDownloadShare).toBe(0.01);
    const chosen = chooseOriginalsPolicy(workload);
    expect(chosen.policy).toBe(DEFAULT_ORIGINALS_POLICY);
    expect(MEDIAFLOW.originalsStorage).toBe(DEFAULT_ORIGINALS_POLICY);
    const others = compareOriginalsPolicies(workload).filter((row) => row.policy !== chosen.policy);
    expect(others).toHaveLength(ORIGINALS_POLICIES.length - 1);
    for (const row of others) expect([row.policy, row.total > chosen.total]).toEqual([row.policy, true]);
  });

  it('keeps that choice without downloads and up to about a quarter of originals downloaded a month', () => {
    for (const originalDownloadShare of [0, 0.1, 0.25]) expect(chooseOriginalsPolicy(parseWorkload({ originalDownloadShare })).policy).toBe('glacier-ir');
  });

  it('turns to Intelligent-Tiering once originals are read as often as Glacier IR\'s retrieval fee stops paying', () => {
    // 40% a month: each original downloaded more than once a quarter
    expect(chooseOriginalsPolicy(parseWorkload({ originalDownloadShare: 0.4 })).policy).toBe('intelligent-tiering');
  });
});
