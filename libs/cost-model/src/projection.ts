import { BASELINE, MEDIAFLOW, type Architecture } from './architectures.js';
import { monthState, priceMonth, type MonthState, type PricingOptions } from './pricing.js';
import { InvalidAssumptionsError } from './errors.js';
import { scaleWorkload, type Workload } from './workload.js';

export interface ProjectionOptions extends PricingOptions {
  /** Months after month 0 to project (default 36). */
  readonly months?: number;
  /** Demand doubles every this many months (default 6). */
  readonly doublingMonths?: number;
  readonly architectures?: readonly Architecture[];
}

export interface ProjectionRow {
  readonly month: number;
  /** 2^(month / doublingMonths) */
  readonly multiplier: number;
  readonly dau: number;
  readonly uploadsPerMonth: number;
  /** Originals and renditions billed this month, GB-month (retention applied). */
  readonly storedGb: number;
  /** Monthly cost, USD, by architecture id. */
  readonly costs: Readonly<Record<string, number>>;
}

/** Demand multiplier of month `m` when demand doubles every `doublingMonths`: 2^(m / doublingMonths). */
export function growthMultiplier(month: number, doublingMonths = 6): number {
  return 2 ** (month / doublingMonths);
}

/**
 * Projects monthly cost from month 0 (the given workload) to `months`, with every per-user rate
 * held and daily users growing by {@link growthMultiplier}. Storage accumulates month by month and
 * is deleted at the workload's retention (the workload's `historyMonths` is ignored: month 0 starts empty).
 */
export function projectCosts(workload: Workload, options: ProjectionOptions = {}): ProjectionRow[] {
  const months = options.months ?? 36;
  const doubling = options.doublingMonths ?? 6;
  if (!Number.isInteger(months) || months < 0) throw new InvalidAssumptionsError(`months must be an integer >= 0, got ${months}`);
  if (!(doubling > 0)) throw new InvalidAssumptionsError(`doublingMonths must be > 0, got ${doubling}`);
  const architectures = options.architectures ?? [BASELINE, MEDIAFLOW];
  const history: MonthState[] = [];
  const rows: ProjectionRow[] = [];
  for (let month = 0; month <= months; month++) {
    const multiplier = growthMultiplier(month, doubling);
    const state = monthState(scaleWorkload(workload, multiplier));
    history.push(state);
    const costs: Record<string, number> = {};
    for (const arch of architectures) costs[arch.id] = priceMonth(arch, history, options).total;
    const retained = history.slice(Math.max(0, history.length - workload.retentionMonths));
    const storedGb = retained.reduce((sum, h, i) => {
      const weight = i === retained.length - 1 ? 0.5 : 1;
      return sum + weight * (h.derived.originalsGiBPerMonth.value + h.derived.renditionsGiBPerMonth.value);
    }, 0);
    rows.push({
      month,
      multiplier,
      dau: state.workload.dau,
      uploadsPerMonth: state.derived.itemsPerMonth.value,
      storedGb,
      costs,
    });
  }
  return rows;
}
