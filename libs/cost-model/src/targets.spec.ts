import { BASELINE, MEDIAFLOW, parseArchitecture } from './architectures.js';
import { projectCosts } from './projection.js';
import { parseWorkload } from './workload.js';

/**
 * Mediaflow's bill as a share of the briefed design's, on the workload defaults (10,000 DAU, 6
 * images and 2 videos of 20 s per user a day) and the unchanged rendition set, as docs/cost.md
 * reports it. The targets are a tenth at month 0 and a quarter at month 36: month 0 is 8.6% (the
 * distribution on CloudFront's Business plan, $200 in place of $707 by usage) and month 36 23.1% (by
 * usage: its traffic fits no plan).
 */
describe("Mediaflow's share of the briefed design's bill", () => {
  const rows = projectCosts(parseWorkload());
  const share = (month: number) => {
    const costs = rows[month]?.costs ?? {};
    return (costs[MEDIAFLOW.id] ?? Number.NaN) / (costs[BASELINE.id] ?? Number.NaN);
  };

  it('is at most 10% in month 0', () => {
    expect(share(0)).toBeLessThanOrEqual(0.1);
  });

  it('is at most 25% in month 36', () => {
    expect(share(36)).toBeLessThanOrEqual(0.25);
  });

  it('would miss the month-0 target paying CloudFront by usage', () => {
    const byUsage = parseArchitecture({ ...MEDIAFLOW, id: 'mediaflow-payg', cloudFrontPricing: 'pay-as-you-go' });
    const [first] = projectCosts(parseWorkload(), { months: 0, architectures: [BASELINE, byUsage] });
    expect((first?.costs[byUsage.id] ?? 0) / (first?.costs[BASELINE.id] ?? 1)).toBeGreaterThan(0.1);
  });

  it('owes most of the month-0 saving over MediaConvert-for-all to the ffmpeg ladder in Lambda', () => {
    const mediaConvert = parseArchitecture({ ...MEDIAFLOW, id: 'mediaflow-mediaconvert', videoTranscoder: 'mediaconvert' });
    const both = projectCosts(parseWorkload(), { months: 0, architectures: [BASELINE, MEDIAFLOW, mediaConvert] })[0]?.costs ?? {};
    expect((both[MEDIAFLOW.id] ?? 0) / (both[BASELINE.id] ?? 1)).toBeCloseTo(share(0), 10);
    expect((both[mediaConvert.id] ?? 0) / (both[BASELINE.id] ?? 1)).toBeGreaterThan(0.4);
  });
});
