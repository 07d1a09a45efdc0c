import {
  PRICE_REGION,
  PRICES_TAKEN,
  compareArchitectures,
  projectCosts,
  type Bill,
  type Comparison,
  type ProjectionRow,
  type Workload,
} from '@mediaflow/cost-model';
import type { CostOptions } from './cost-options.js';

/** Everything `mediaflow cost` reports, in one structure (the JSON output). */
export interface CostReport {
  readonly pricesTaken: string;
  readonly region: string;
  readonly freeTier: boolean;
  readonly architectures: readonly string[];
  readonly workload: Workload;
  readonly derived: readonly { name: string; value: number; unit: string; formula: string }[];
  readonly services: readonly { service: string; name: string; costs: Record<string, number>; difference?: number; reason?: string }[];
  readonly totals: Readonly<Record<string, number>>;
  readonly lines: Readonly<Record<string, readonly { service: string; meter: string; description: string; usage: number; unit: string; formula: string; cost: number }[]>>;
  readonly projection: readonly { month: number; multiplier: number; dau: number; uploadsPerMonth: number; storedGb: number; costs: Record<string, number> }[];
}

/** Computes the report for parsed options (pure: no output). */
export function buildCostReport(options: CostOptions): CostReport {
  const comparison: Comparison = compareArchitectures(options.workload, {
    freeTier: options.freeTier,
    baseline: options.baseline,
    mediaflow: options.mediaflow,
  });
  const chosen = options.arch === 'both' ? (['baseline', 'mediaflow'] as const) : ([options.arch] as const);
  const bills: Record<string, Bill> = { baseline: comparison.baseline, mediaflow: comparison.mediaflow };
  const projection: ProjectionRow[] = projectCosts(options.workload, {
    months: options.months,
    freeTier: options.freeTier,
    architectures: chosen.map((id) => (id === 'baseline' ? options.baseline : options.mediaflow)),
  });
  const services = comparison.rows
    .filter((row) => chosen.some((id) => row[id] !== 0 || options.arch === 'both'))
    .map((row) => {
      const costs: Record<string, number> = {};
      for (const id of chosen) costs[id] = row[id];
      return options.arch === 'both'
        ? { service: row.service, name: row.name, costs, difference: row.difference, reason: row.reason }
        : { service: row.service, name: row.name, costs };
    });
  const totals: Record<string, number> = {};
  const lines: Record<string, CostReport['lines'][string]> = {};
  for (const id of chosen) {
    const bill = bills[id];
    if (!bill) continue;
    totals[id] = bill.total;
    lines[id] = bill.lines.map((l) => ({
      service: l.service,
      meter: l.meterId,
      description: l.description,
      usage: l.usage.value,
      unit: l.usage.unit,
      formula: `${l.usage.name} = ${l.usage.formula}`,
      cost: l.cost,
    }));
  }
  return {
    pricesTaken: PRICES_TAKEN,
    region: PRICE_REGION,
    freeTier: options.freeTier,
    architectures: chosen,
    workload: options.workload,
    derived: Object.values(comparison.derived),
    services,
    totals,
    lines,
    projection: projection.map((p) => ({ ...p, costs: { ...p.costs } })),
  };
}
