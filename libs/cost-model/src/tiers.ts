import { PriceTableError } from './errors.js';

/**
 * One band of a tiered price. `upTo` is the cumulative usage (in the meter's unit) at which the band
 * ends, `null` for the last, open-ended band. `price` is in USD per `per` units of the meter.
 */
export interface Tier {
  readonly upTo: number | null;
  readonly price: number;
}

/** How much of a quantity fell into one band, and what that part cost. */
export interface TierCharge {
  readonly from: number;
  readonly to: number;
  readonly quantity: number;
  readonly price: number;
  readonly cost: number;
}

export interface TieredCost {
  readonly quantity: number;
  /** Units given away by the free tier (always taken from the first, dearest band). */
  readonly free: number;
  readonly cost: number;
  readonly charges: readonly TierCharge[];
}

/** A flat price is a single open-ended band. */
export function flat(price: number): readonly Tier[] {
  return [{ upTo: null, price }];
}

function validate(tiers: readonly Tier[]): void {
  if (tiers.length === 0) throw new PriceTableError('a price needs at least one tier');
  let previous = 0;
  tiers.forEach((tier, index) => {
    const last = index === tiers.length - 1;
    if (tier.price < 0) throw new PriceTableError(`tier ${index} has a negative price`);
    if (last !== (tier.upTo === null)) {
      throw new PriceTableError('only the last tier may be open-ended, and it must be');
    }
    if (tier.upTo !== null) {
      if (tier.upTo <= previous) throw new PriceTableError(`tier ${index} does not rise above ${previous}`);
      previous = tier.upTo;
    }
  });
}

/**
 * Prices `quantity` units across usage bands, AWS style: each band's price applies only to the
 * units inside it, and bands are counted on the month's total usage. A free allowance removes the
 * first `free` units, i.e. it is deducted from the first band, as AWS lists "first 1M requests free".
 *
 * @param per the number of units the band prices are quoted for (1 for "per GB", 1e6 for "per 1M requests")
 * @example
 * // SQS: $0.40 per 1M up to 100B, $0.30 next 100B; 1M free
 * tieredCost(3_000_000, [{ upTo: 100e9, price: 0.4 }, { upTo: null, price: 0.3 }], 1e6, 1_000_000).cost // 0.8
 */
export function tieredCost(quantity: number, tiers: readonly Tier[], per = 1, free = 0): TieredCost {
  validate(tiers);
  if (!Number.isFinite(quantity) || quantity < 0) {
    throw new PriceTableError(`quantity must be a finite number >= 0, got ${quantity}`);
  }
  if (per <= 0) throw new PriceTableError('per must be > 0');
  const freeUnits = Math.min(quantity, Math.max(0, free));
  const charges: TierCharge[] = [];
  let from = 0;
  for (const tier of tiers) {
    const to = tier.upTo ?? Number.POSITIVE_INFINITY;
    // Billable part of this band: above both the band start and the free allowance, below usage.
    const start = Math.max(from, freeUnits);
    const end = Math.min(to, quantity);
    if (end > start) {
      const units = end - start;
      charges.push({ from, to, quantity: units, price: tier.price, cost: (units * tier.price) / per });
    }
    if (to >= quantity) break;
    from = to;
  }
  const cost = charges.reduce((sum, charge) => sum + charge.cost, 0);
  return { quantity, free: freeUnits, cost, charges };
}
