import { MEDIAFLOW, parseArchitecture, type Architecture } from './architectures.js';
import { InvalidAssumptionsError } from './errors.js';
import { costByService, monthState, priceMonth, type MonthState, type PricingOptions } from './pricing.js';
import { growthMultiplier } from './projection.js';
import { ORIGINALS_POLICIES, ORIGINALS_STORAGE_RULES, type OriginalsPolicy } from './storage-rules.js';
import { scaleWorkload, type Workload } from './workload.js';

export interface StorageChoiceOptions extends PricingOptions {
  /** Months after month 0 to price (default 36). */
  readonly months?: number;
  /** Demand doubles every this many months (default 6), as in `projectCosts`. */
  readonly doublingMonths?: number;
  /** The architecture whose originals policy is varied (default {@link MEDIAFLOW}). */
  readonly architecture?: Architecture;
  readonly policies?: readonly OriginalsPolicy[];
}

/** What one originals policy costs, month by month. */
export interface OriginalsPolicyCost {
  readonly policy: OriginalsPolicy;
  readonly description: string;
  /** The month's S3 bill (originals and renditions: storage, requests, transitions, retrievals), month 0 first. */
  readonly monthly: readonly number[];
  /** Sum of `monthly`. */
  readonly total: number;
}

/**
 * Prices every originals policy against the same growing workload (month 0 to `months`, storage
 * accumulating as in `projectCosts`). Only the S3 bill differs between them: downloads leave S3
 * the same way whatever the class, so their egress is left out of the comparison.
 * @example compareOriginalsPolicies(parseWorkload()).map((row) => [row.policy, row.total])
 */
export function compareOriginalsPolicies(workload: Workload, options: StorageChoiceOptions = {}): OriginalsPolicyCost[] {
  const months = options.months ?? 36;
  const doubling = options.doublingMonths ?? 6;
  if (!Number.isInteger(months) || months < 0) throw new InvalidAssumptionsError(`months must be an integer >= 0, got ${months}`);
  if (!(doubling > 0)) throw new InvalidAssumptionsError(`doublingMonths must be > 0, got ${doubling}`);
  const history: MonthState[] = Array.from({ length: months + 1 }, (_, month) => monthState(scaleWorkload(workload, growthMultiplier(month, doubling))));
  const base = options.architecture ?? MEDIAFLOW;
  return (options.policies ?? ORIGINALS_POLICIES).map((policy) => {
    const arch = parseArchitecture({ ...base, originalsStorage: policy });
    const monthly = history.map((_, month) => costByService(priceMonth(arch, history.slice(0, month + 1), options)).get('s3') ?? 0);
    return { policy, description: ORIGINALS_STORAGE_RULES[policy].description, monthly, total: monthly.reduce((sum, cost) => sum + cost, 0) };
  });
}

/**
 * The originals policy with the lowest S3 bill over the whole period (`compareOriginalsPolicies`).
 * @example chooseOriginalsPolicy(parseWorkload()).policy // DEFAULT_ORIGINALS_POLICY
 */
export function chooseOriginalsPolicy(workload: Workload, options: StorageChoiceOptions = {}): OriginalsPolicyCost {
  const [first, ...rest] = compareOriginalsPolicies(workload, options);
  if (first === undefined) throw new InvalidAssumptionsError('no originals policy to choose from');
  return rest.reduce((best, row) => (row.total < best.total ? row : best), first);
}
