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
export {
  ageProfile,
  earlyDeletionGbMonths,
  shareOlderThan,
  splitByClass,
  stockGbMonths,
  validateStorageRules,
  type AgeSlice,
  type ClassSplit,
  type MonthlyAddition,
  type ReadPattern,
  type Reads,
} from './storage.js';
export {
  DEFAULT_ORIGINALS_POLICY,
  INTELLIGENT_TIERING_TIERS,
  ORIGINALS_POLICIES,
  ORIGINALS_STORAGE_RULES,
  STORAGE_CLASS_TERMS,
  originalsStorageRules,
  type OriginalsPolicy,
  type OriginalsStorageRules,
  type S3StorageClass,
  type StorageClassTerms,
  type StorageTransition,
  type TransitionClass,
} from './storage-rules.js';
export { chooseOriginalsPolicy, compareOriginalsPolicies, type OriginalsPolicyCost, type StorageChoiceOptions } from './storage-choice.js';
export { ArchitectureSchema, BASELINE, MEDIAFLOW, parseArchitecture, type Architecture } from './architectures.js';
export {
  cloudFrontUsage,
  costByService,
  monthState,
  priceMonth,
  priceWorkload,
  type Bill,
  type BillLine,
  type CloudFrontMonth,
  type MonthState,
  type PricingOptions,
} from './pricing.js';
export {
  CLOUDFRONT_PLANS,
  CLOUDFRONT_PLAN_TIERS,
  PLAN_USAGE_CEILING,
  chooseCloudFrontPricing,
  payAsYouGoCost,
  planFee,
  planFits,
  type CloudFrontPlan,
  type CloudFrontPlanTier,
  type CloudFrontPricing,
  type CloudFrontPricingChoice,
  type CloudFrontUsage,
} from './cloudfront-plans.js';
export { compareArchitectures, explainDifference, type CompareOptions, type Comparison, type ComparisonRow } from './compare.js';
export { growthMultiplier, projectCosts, type ProjectionOptions, type ProjectionRow } from './projection.js';
export {
  ALARM_SHARE,
  API_BURST_SECONDS,
  CAPACITY_FUNCTIONS,
  CAPACITY_MONTHS,
  CLOUD_TAGGERS,
  CLOUD_VIDEO_TRANSCODERS,
  CapacityOptionsSchema,
  EVENT_SOURCE_CONCURRENCY,
  QUEUE_CONSUMERS,
  parseCapacityOptions,
  parseCapacityScale,
  planCapacity,
  stackLimits,
  type ApiCapacity,
  type CallerLimit,
  type CapacityFunctionName,
  type CapacityOptions,
  type CapacityOptionsInput,
  type CapacityPlan,
  type CapacityScale,
  type CloudTagger,
  type CloudVideoTranscoder,
  type FunctionCapacity,
  type QueueConsumerName,
  type StackLimits,
} from './capacity.js';
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
export { ON_DEVICE_TAGGER, ON_DEVICE_TEXT_READER } from './on-device-tagger.js';
export { LAMBDA_FFMPEG } from './lambda-ffmpeg.js';
