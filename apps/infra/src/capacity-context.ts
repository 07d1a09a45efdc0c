import {
  CLOUD_TAGGERS,
  CLOUD_VIDEO_TRANSCODERS,
  CLOUDFRONT_PLAN_TIERS,
  parseCapacityOptions,
  parseCapacityScale,
  type CapacityScale,
  type CloudFrontPricing,
  type CloudTagger,
  type CloudVideoTranscoder,
} from '@mediaflow/cost-model';
import { InvalidContextError } from './guard-rails.js';

/** The context keys that size a stage's limits. */
export const CAPACITY_KEYS = ['scale', 'peakFactor', 'tagger', 'videoTranscoder', 'cloudFrontPlan'] as const;

/** What a stage's limits are sized for; the capacity plan's defaults (month 0, a peak of 4x, on-device tagging) where absent. */
export interface CapacityContext {
  readonly scale?: CapacityScale;
  readonly peakFactor?: number;
  /** What tags the pictures; it decides the tagging function's memory, layers, grants and limit. */
  readonly tagger?: CloudTagger;
  /** Who transcodes video; it decides the video function's memory, layers, grants and limit. */
  readonly videoTranscoder?: CloudVideoTranscoder;
  /** How the distribution is paid for, in place of what the capacity plan chooses for the scale. */
  readonly cloudFrontPlan?: CloudFrontPricing;
}

/** The values `-c cloudFrontPlan=` takes, as written on the command line. */
export const CLOUDFRONT_PLAN_CONTEXT = ['pay-as-you-go', ...CLOUDFRONT_PLAN_TIERS.map((tier) => tier.toLowerCase())] as const;

const absent = (value: unknown): boolean => value === undefined || value === '';

/**
 * Reads the capacity settings from CDK context values: `scale` is `month0` to `month120` (the cost
 * model's projection) or a whole number of daily active users; `peakFactor` the busiest rate over
 * the day's average, from 1 to 100; `tagger` is `on-device` (the default) or `rekognition`;
 * `cloudFrontPlan` is `pay-as-you-go` or a flat-rate plan (`business`), by default the one the
 * capacity plan chooses for the scale.
 * `mediaflow cost --capacity` prints the limits each gives.
 *
 * @example parseCapacityContext({ scale: 'month36' }) // { scale: { month: 36 } }
 * @throws InvalidContextError naming the setting, rather than sizing the stage for something else
 */
export function parseCapacityContext(context: Readonly<Record<string, unknown>>): CapacityContext {
  const { scale, peakFactor, tagger, videoTranscoder, cloudFrontPlan } = context;
  let parsed: CapacityContext = {};
  if (!absent(scale)) {
    try {
      parsed = { scale: parseCapacityScale(String(scale)) };
    } catch (error) {
      throw new InvalidContextError(`invalid context: -c scale=${String(scale)}: must be month0 to month120 or a whole number of daily active users`, { cause: error });
    }
  }
  if (!absent(peakFactor)) {
    const value = typeof peakFactor === 'number' ? peakFactor : Number(String(peakFactor).trim() === '' ? Number.NaN : peakFactor);
    try {
      parsed = { ...parsed, peakFactor: parseCapacityOptions({ peakToAverage: value }).peakToAverage };
    } catch (error) {
      throw new InvalidContextError(`invalid context: -c peakFactor=${String(peakFactor)}: must be a number from 1 to 100`, { cause: error });
    }
  }
  if (!absent(tagger)) {
    const known: readonly unknown[] = CLOUD_TAGGERS;
    if (!known.includes(tagger)) throw new InvalidContextError(`invalid context: -c tagger=${String(tagger)}: must be ${CLOUD_TAGGERS.join(' or ')}`);
    parsed = { ...parsed, tagger: tagger as CloudTagger };
  }
  if (!absent(videoTranscoder)) {
    const known: readonly unknown[] = CLOUD_VIDEO_TRANSCODERS;
    if (!known.includes(videoTranscoder)) throw new InvalidContextError(`invalid context: -c videoTranscoder=${String(videoTranscoder)}: must be ${CLOUD_VIDEO_TRANSCODERS.join(' or ')}`);
    parsed = { ...parsed, videoTranscoder: videoTranscoder as CloudVideoTranscoder };
  }
  if (!absent(cloudFrontPlan)) {
    const written = String(cloudFrontPlan).toLowerCase();
    const tier = CLOUDFRONT_PLAN_TIERS.find((each) => each.toLowerCase() === written);
    if (tier === undefined && written !== 'pay-as-you-go') {
      throw new InvalidContextError(`invalid context: -c cloudFrontPlan=${String(cloudFrontPlan)}: must be one of ${CLOUDFRONT_PLAN_CONTEXT.join(', ')}`);
    }
    parsed = { ...parsed, cloudFrontPlan: tier ?? 'PAY_AS_YOU_GO' };
  }
  return parsed;
}
