import { InvalidAssumptionsError } from './errors.js';
import { meterCost } from './prices.js';

/**
 * CloudFront's flat-rate plans (since 2025-11-18): one distribution and one apex domain for a fixed
 * monthly fee, with a WAF web ACL (required), DDoS protection, Route 53 DNS, standard-log ingestion
 * and S3 storage credits included, and no overage charges: over a plan's monthly allowance AWS may
 * slow delivery or ask for a larger plan. Fees and allowances are those of the CloudFront pricing
 * page and developer guide (`PRICES_TAKEN`; see the prices caveat in docs/cost.md).
 */
export const CLOUDFRONT_PLAN_TIERS = ['FREE', 'PRO', 'BUSINESS', 'PREMIUM'] as const;
export type CloudFrontPlanTier = (typeof CLOUDFRONT_PLAN_TIERS)[number];

/** How a distribution is billed: by usage, or one of the flat-rate plans. */
export type CloudFrontPricing = 'PAY_AS_YOU_GO' | CloudFrontPlanTier;

export interface CloudFrontPlan {
  readonly tier: CloudFrontPlanTier;
  /** The price table's meter for the monthly fee. */
  readonly meterId: string;
  /** HTTP(S) requests a month the plan covers (requests a web ACL blocks do not count). */
  readonly requests: number;
  /** Data transfer to viewers a month, GB (binary, as AWS's tables count it). */
  readonly transferGiB: number;
}

const TB = 1024;

export const CLOUDFRONT_PLANS: readonly CloudFrontPlan[] = [
  { tier: 'FREE', meterId: 'cloudfront.plan.free', requests: 1_000_000, transferGiB: 100 },
  { tier: 'PRO', meterId: 'cloudfront.plan.pro', requests: 10_000_000, transferGiB: 50 * TB },
  { tier: 'BUSINESS', meterId: 'cloudfront.plan.business', requests: 125_000_000, transferGiB: 50 * TB },
  { tier: 'PREMIUM', meterId: 'cloudfront.plan.premium', requests: 500_000_000, transferGiB: 50 * TB },
];

/**
 * The share of a plan's allowances a month may use for the model to choose that plan. A plan has
 * no overage charge, but traffic over its allowance may be slowed, and AWS warns at 50%, 80% and
 * 100%: keeping the modelled month at or under the 80% warning leaves a fifth of the plan for
 * busier months and days than the workload's average.
 */
export const PLAN_USAGE_CEILING = 0.8;

/** What passes the distribution in a month. */
export interface CloudFrontUsage {
  readonly requests: number;
  readonly transferGiB: number;
}

/** How a month's CloudFront traffic is cheapest billed, and what the alternatives would cost. */
export interface CloudFrontPricingChoice {
  readonly pricing: CloudFrontPricing;
  /** The month's cost under the choice, USD. */
  readonly cost: number;
  /** The same month by usage (transfer and requests), USD. */
  readonly payAsYouGoCost: number;
  /** The chosen plan, when one is chosen. */
  readonly plan?: CloudFrontPlan;
  /** Why: the usage against the plan's allowances, or why no plan fits. */
  readonly reason: string;
}

const share = (used: number, allowed: number): string => `${Math.round((used / allowed) * 100)}%`;

/** The monthly fee of a plan, from the price table. */
export function planFee(plan: CloudFrontPlan): number {
  return meterCost(plan.meterId, 1).cost;
}

/** Whether `usage` stays within {@link PLAN_USAGE_CEILING} of both of the plan's allowances. */
export function planFits(plan: CloudFrontPlan, usage: CloudFrontUsage): boolean {
  return usage.requests <= plan.requests * PLAN_USAGE_CEILING && usage.transferGiB <= plan.transferGiB * PLAN_USAGE_CEILING;
}

/** The pay-as-you-go cost of a month's CloudFront usage, USD. */
export function payAsYouGoCost(usage: CloudFrontUsage, options: { freeTier?: boolean } = {}): number {
  const freeTier = options.freeTier === true;
  return meterCost('cloudfront.transfer', usage.transferGiB, freeTier).cost + meterCost('cloudfront.requests', usage.requests, freeTier).cost;
}

/**
 * The cheapest way to pay for a month of CloudFront traffic: pay-as-you-go, or the cheapest
 * flat-rate plan whose allowances the month stays well within ({@link planFits}).
 *
 * @throws InvalidAssumptionsError for negative or non-finite usage
 * @example
 * chooseCloudFrontPricing({ requests: 55e6, transferGiB: 7_700 }).pricing // 'BUSINESS'
 * chooseCloudFrontPricing({ requests: 3.5e9, transferGiB: 490_000 }).pricing // 'PAY_AS_YOU_GO'
 */
export function chooseCloudFrontPricing(usage: CloudFrontUsage, options: { freeTier?: boolean } = {}): CloudFrontPricingChoice {
  for (const [name, value] of Object.entries(usage)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidAssumptionsError(`CloudFront ${name} must be a finite number >= 0, got ${String(value)}`);
  }
  const payg = payAsYouGoCost(usage, options);
  const fitting = CLOUDFRONT_PLANS.filter((plan) => planFits(plan, usage)).sort((a, b) => planFee(a) - planFee(b));
  const plan = fitting[0];
  const used = (p: CloudFrontPlan): string =>
    `${share(usage.requests, p.requests)} of its ${(p.requests / 1e6).toLocaleString('en-US')}M requests, ${share(usage.transferGiB, p.transferGiB)} of its ${(p.transferGiB / TB).toLocaleString('en-US')} TB`;
  if (plan === undefined) {
    const largest = CLOUDFRONT_PLANS[CLOUDFRONT_PLANS.length - 1];
    const over = largest === undefined ? '' : `: the month would use ${used(largest)}`;
    return { pricing: 'PAY_AS_YOU_GO', cost: payg, payAsYouGoCost: payg, reason: `no flat-rate plan keeps the month within ${PLAN_USAGE_CEILING * 100}% of its allowances${over}` };
  }
  const fee = planFee(plan);
  if (fee >= payg) {
    return { pricing: 'PAY_AS_YOU_GO', cost: payg, payAsYouGoCost: payg, reason: `pay-as-you-go is no dearer than the ${plan.tier} plan, the cheapest that fits` };
  }
  return { pricing: plan.tier, cost: fee, payAsYouGoCost: payg, plan, reason: `the month uses ${used(plan)}` };
}
