export { CostModelError, InvalidAssumptionsError, PriceTableError } from './errors.js';
export { flat, tieredCost, type Tier, type TierCharge, type TieredCost } from './tiers.js';
export {
  PRICE_REGION,
  PRICES_TAKEN,
  PRICE_TABLE,
  SERVICE_NAMES,
  getMeter,
  listMeters,
  type FreeAllowance,
  type Meter,
  type ServiceId,
} from './prices.js';
export { quantity, type Quantity } from './quantity.js';
export {
  WORKLOAD_KEYS,
  WorkloadSchema,
  deriveWorkload,
  parseWorkload,
  scaleWorkload,
  type DerivedWorkload,
  type Workload,
  type WorkloadInput,
} from './workload.js';
export { ageProfile, splitByClass, stockGbMonths, type AgeSlice, type ClassSplit, type MonthlyAddition, type OriginalsPolicy } from './storage.js';
export { ArchitectureSchema, BASELINE, MEDIAFLOW, parseArchitecture, type Architecture } from './architectures.js';
export { costByService, monthState, priceMonth, priceWorkload, type Bill, type BillLine, type MonthState, type PricingOptions } from './pricing.js';
export { compareArchitectures, explainDifference, type CompareOptions, type Comparison, type ComparisonRow } from './compare.js';
export { growthMultiplier, projectCosts, type ProjectionOptions, type ProjectionRow } from './projection.js';
export {
  bar,
  describeTiers,
  formatNumber,
  formatUsd,
  formatUsdShort,
  pluralUnit,
  renderLogBarChart,
  renderTable,
  toCsv,
  wrap,
  type ChartOptions,
  type ChartRow,
  type Column,
} from './format.js';
