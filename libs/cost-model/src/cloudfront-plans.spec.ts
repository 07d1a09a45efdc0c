import { MEDIAFLOW, parseArchitecture } from './architectures.js';
import { stackLimits } from './capacity.js';
import { CLOUDFRONT_PLANS, PLAN_USAGE_CEILING, chooseCloudFrontPricing, payAsYouGoCost, planFee, planFits } from './cloudfront-plans.js';
import { InvalidAssumptionsError } from './errors.js';
import { cloudFrontUsage, monthState, priceMonth } from './pricing.js';
import { deriveWorkload, parseWorkload } from './workload.js';

const plan = (tier: string) => {
  const found = CLOUDFRONT_PLANS.find((p) => p.tier === tier);
  if (found === undefined) throw new Error(`no ${tier} plan`);
  return found;
};

describe('CloudFront flat-rate plans', () => {
  it('lists each plan with its fee from the price table', () => {
    expect(CLOUDFRONT_PLANS.map((p) => [p.tier, planFee(p)])).toEqual([
      ['FREE', 0],
      ['PRO', 15],
      ['BUSINESS', 200],
      ['PREMIUM', 1000],
    ]);
  });

  it('fits a month only within the usage ceiling of both allowances', () => {
    const business = plan('BUSINESS');
    const edge = { requests: business.requests * PLAN_USAGE_CEILING, transferGiB: business.transferGiB * PLAN_USAGE_CEILING };
    expect(planFits(business, edge)).toBe(true);
    expect(planFits(business, { ...edge, requests: edge.requests + 1 })).toBe(false);
    expect(planFits(business, { ...edge, transferGiB: edge.transferGiB + 1 })).toBe(false);
  });

  it('chooses the cheapest plan that fits when it is cheaper than paying by usage', () => {
    expect(chooseCloudFrontPricing({ requests: 500_000, transferGiB: 50 }).pricing).toBe('FREE');
    expect(chooseCloudFrontPricing({ requests: 7_000_000, transferGiB: 2048 })).toMatchObject({ pricing: 'PRO', cost: 15 });
    // 9M requests is over 80% of Pro's 10M, so Business.
    expect(chooseCloudFrontPricing({ requests: 9_000_000, transferGiB: 3072 }).pricing).toBe('BUSINESS');
  });

  it('pays by usage when that is no dearer than the cheapest plan that fits', () => {
    // 150M requests fit only Premium ($1,000); by usage they cost $150 plus $8.50 of transfer.
    const choice = chooseCloudFrontPricing({ requests: 150_000_000, transferGiB: 100 });
    expect(choice.pricing).toBe('PAY_AS_YOU_GO');
    expect(choice.cost).toBeCloseTo(158.5, 6);
    expect(choice.reason).toMatch(/PREMIUM/);
  });

  it('pays by usage when no plan fits, and says by how much', () => {
    const choice = chooseCloudFrontPricing({ requests: 3.5e9, transferGiB: 490_000 });
    expect(choice).toMatchObject({ pricing: 'PAY_AS_YOU_GO', cost: payAsYouGoCost({ requests: 3.5e9, transferGiB: 490_000 }) });
    expect(choice.reason).toMatch(/700% of its 500M requests/);
  });

  it('refuses usage that is not a count', () => {
    expect(() => chooseCloudFrontPricing({ requests: -1, transferGiB: 0 })).toThrow(InvalidAssumptionsError);
    expect(() => chooseCloudFrontPricing({ requests: 0, transferGiB: Number.NaN })).toThrow(InvalidAssumptionsError);
  });

  it("prices Mediaflow's month 0 on the Business plan, in place of the usage lines, and invalidations beside it", () => {
    const state = monthState(parseWorkload());
    const lines = priceMonth(MEDIAFLOW, [state]).lines.filter((line) => line.service === 'cloudfront');
    expect(lines.map((line) => [line.meterId, line.cost])).toEqual([
      ['cloudfront.plan.business', 200],
      ['cloudfront.invalidation', 0],
    ]);
    expect(lines[0]?.usage.formula).toMatch(/44% of its 125M requests, 15% of its 50 TB; pay-as-you-go would be \$706\.62/);

    const byUsage = parseArchitecture({ ...MEDIAFLOW, cloudFrontPricing: 'pay-as-you-go' });
    const usageLines = priceMonth(byUsage, [state]).lines.filter((line) => line.service === 'cloudfront');
    expect(usageLines.map((line) => line.meterId)).toEqual(['cloudfront.transfer', 'cloudfront.requests', 'cloudfront.invalidation']);
    expect(usageLines.reduce((sum, line) => sum + line.cost, 0)).toBeCloseTo(706.62, 2);
  });

  it('prices a path per deleted or held item, the first 1,000 a month free only with the free tier, and none without a CDN for media', () => {
    // 10,000 DAU × 8 uploads × 30.4 days = 2,432,000 items; 1% deleted + 0.5% held = 36,480 paths.
    const state = monthState(parseWorkload({ deletedShare: 0.01, flaggedShare: 0.005 }));
    const line = priceMonth(MEDIAFLOW, [state]).lines.find((l) => l.meterId === 'cloudfront.invalidation');
    expect(line?.usage.value).toBeCloseTo(72_960, 6);
    expect(line?.usage.formula).toMatch(/^itemsPerMonth × \(deletedShare 0\.01 \+ flaggedShare 0\.005\) × 2 \[two wildcard paths per item/);
    expect(line?.cost).toBeCloseTo(364.8, 6);
    expect(priceMonth(MEDIAFLOW, [state], { freeTier: true }).lines.find((l) => l.meterId === 'cloudfront.invalidation')?.cost).toBeCloseTo(359.8, 6);
    const presigned = parseArchitecture({ ...MEDIAFLOW, mediaDelivery: 's3-presigned' });
    expect(priceMonth(presigned, [state]).lines.some((l) => l.meterId === 'cloudfront.invalidation')).toBe(false);
  });

  it('measures the same month for the bill and for the capacity plan', () => {
    const usage = cloudFrontUsage(MEDIAFLOW, deriveWorkload(parseWorkload()));
    expect(usage?.requests.value).toBeCloseTo(55_388_800, 0);
    expect(stackLimits({ month: 0 }).cloudFrontPricing).toBe('BUSINESS');
    expect(stackLimits({ month: 36 }).cloudFrontPricing).toBe('PAY_AS_YOU_GO');
  });
});
