import type { MediaFacts } from '@mediaflow/domain';
import { planLadder } from './ladder.js';
import type { VideoPolicy } from './policy.js';

/**
 * What the project's ladder (`FfmpegVideoTranscoder`: every HLS rung, the poster and thumbnails,
 * the remuxed preview) costs in CPU, as `npm run bench:video` measures it: CPU seconds of the ffmpeg
 * processes per second of video, as a linear function of the pixels decoded and the pixels encoded.
 */
export interface LadderCost {
  /** CPU seconds per second of video for every million source pixels a second decoded (and scaled). */
  decodeCpuPerMegapixel: number;
  /** CPU seconds per second of video for every million output pixels a second encoded, over all rungs. */
  encodeCpuPerMegapixel: number;
  /** CPU seconds per second of video whatever the size: audio encodes, muxing, the preview remux. */
  fixedCpuPerSecond: number;
  /**
   * Of N cores, the share the ladder keeps busy (wall time × N ÷ CPU time): x264's threads and the
   * rungs running side by side in one process leave some idle, at the start and end above all.
   */
  parallelEfficiency: number;
}

/**
 * Fitted (least squares) to the ladder's CPU time on one core for five sources with light grain:
 * 1080p30, 1080p60, 2160p30, 720p30 and 480p30 (`node tools/bench/video/run.mjs --builds layer-x64
 * --cores 1,2`, 2026-12-07, the media-tools layer's x64 build, AMD EPYC; docs/benchmarks.md, "Video
 * ladder"). The fit is within 6% of each measurement but 480p30's, which it overestimates by 15%.
 * Two cores kept 84-88% busy (the least, 1080p60's, is taken).
 */
export const MEASURED_LADDER_COST: LadderCost = Object.freeze({
  decodeCpuPerMegapixel: 0.0069,
  encodeCpuPerMegapixel: 0.011,
  fixedCpuPerSecond: 0.33,
  parallelEfficiency: 0.84,
});

/**
 * How much longer a Lambda arm64 vCPU (Graviton2) takes for this work than a core of the machine
 * measured. Not measured (no Graviton here): x264 and ffmpeg 5.1's decoders have NEON code paths
 * but fewer hand-tuned ones than for x86 (the Graviton speed-ups AWS reported for H.264 came with
 * ffmpeg 6's NEON work, which Debian's 5.1 does not carry), and an EC2 x86 vCPU is one hyperthread
 * while a Graviton vCPU is a whole core. 1.5 assumes the Lambda core is a third slower; with the
 * half-of-the-limit budget below, a video placed in the function still has three times its
 * estimate before the job's limit. The function logs its real seconds per video second with every
 * video it transcodes (`secondsPerVideoSecond`), which is how a deployment checks this factor.
 */
export const LAMBDA_CORE_SLOWDOWN = 1.5;

/** Lambda gives CPU in proportion to memory: one vCPU per 1,769 MB, at most 6. */
export const MB_PER_VCPU = 1769;
export const MAX_LAMBDA_VCPUS = 6;

/** The vCPUs a Lambda function of `memoryMb` gets (fractions below one vCPU are a share of one). */
export function lambdaVcpus(memoryMb: number): number {
  return Math.min(MAX_LAMBDA_VCPUS, memoryMb / MB_PER_VCPU);
}

export interface PlacementOptions {
  /** `mediaconvert`: every video goes to a job (the stage's `-c videoTranscoder=mediaconvert`). */
  transcoder: 'lambda' | 'mediaconvert';
  /** The job's time limit in the function (`VIDEO_TIME_LIMIT_SECONDS`). */
  limitSeconds: number;
  /** The function's vCPUs (`lambdaVcpus` of its memory). */
  vcpus: number;
  /** The share of the limit an estimate may use: the rest is margin for harder content and slower cores. Default 0.5. */
  budgetShare?: number;
  /**
   * The longest video the function takes whatever its size: outputs in /tmp grow with the duration,
   * a retry repeats the whole run, and people can tell which videos go where. Default: the longest
   * 1080p30 source (what phones record by default) that fits the budget; heavier sources (60 fps,
   * 4K) are held to their own, shorter, estimate.
   */
  maxSeconds?: number;
  /** /tmp space for the original; a larger original goes to a job. */
  maxInputBytes?: number;
  cost?: LadderCost;
  coreSlowdown?: number;
  policy?: Partial<VideoPolicy>;
}

export interface VideoPlacementDecision {
  where: 'here' | 'job';
  reason: string;
  estimatedSeconds?: number;
}

const MEGA = 1e6;

/** CPU seconds per second of video for the ladder `facts` plan, by `cost`. */
export function ladderCpuPerSecond(facts: MediaFacts, cost: LadderCost = MEASURED_LADDER_COST, policy: Partial<VideoPolicy> = {}): number {
  const plan = planLadder(facts, policy);
  const sourceFps = facts.frameRate !== undefined && facts.frameRate > 0 ? facts.frameRate : plan.frameRate;
  const decoded = ((facts.width ?? 0) * (facts.height ?? 0) * sourceFps) / MEGA;
  const encoded = (plan.rungs.reduce((sum, rung) => sum + rung.width * rung.height, 0) * plan.frameRate) / MEGA;
  return cost.fixedCpuPerSecond + cost.decodeCpuPerMegapixel * decoded + cost.encodeCpuPerMegapixel * encoded;
}

/** Wall seconds the ladder of `facts` is estimated to take on `vcpus` Lambda vCPUs. */
export function estimateLadderSeconds(facts: MediaFacts, vcpus: number, options: Pick<PlacementOptions, 'cost' | 'coreSlowdown' | 'policy'> = {}): number {
  const cost = options.cost ?? MEASURED_LADDER_COST;
  const cpu = ladderCpuPerSecond(facts, cost, options.policy) * (facts.durationSeconds ?? 0);
  // Threads only help above one vCPU; below it the function gets a share of one.
  const usable = vcpus > 1 ? vcpus * cost.parallelEfficiency : vcpus;
  return (cpu / usable) * (options.coreSlowdown ?? LAMBDA_CORE_SLOWDOWN);
}

/** The longest 1080p30 video whose estimate fits `budgetSeconds` on `vcpus`. */
export function longestPlacedSeconds(budgetSeconds: number, vcpus: number, options: Pick<PlacementOptions, 'cost' | 'coreSlowdown' | 'policy'> = {}): number {
  const perSecond = estimateLadderSeconds({ width: 1920, height: 1080, frameRate: 30, durationSeconds: 1, audioCodec: 'aac' }, vcpus, options);
  return Math.floor(budgetSeconds / perSecond);
}

const seconds = (value: number) => `${Math.round(value).toLocaleString('en-US')} s`;

/**
 * Where the cloud's video step transcodes a probed video: `here`, in the video function with the
 * project's ffmpeg ladder, when its estimate fits well inside the job's limit; otherwise (or for
 * every video when the stage says `mediaconvert`) a MediaConvert `job`. Pure: the same facts and
 * options give the same answer, and the reason says which rule decided.
 *
 * @example
 * placeVideo({ width: 1920, height: 1080, frameRate: 30, durationSeconds: 20, audioCodec: 'aac' }, { transcoder: 'lambda', limitSeconds: 810, vcpus: 2 }).where; // 'here'
 */
export function placeVideo(facts: MediaFacts, original: { bytes: number }, options: PlacementOptions): VideoPlacementDecision {
  if (options.transcoder === 'mediaconvert') return { where: 'job', reason: 'the stage transcodes every video with MediaConvert' };
  const duration = facts.durationSeconds;
  if (duration === undefined || !(duration > 0)) return { where: 'job', reason: 'the video does not say how long it is' };
  if (options.maxInputBytes !== undefined && original.bytes > options.maxInputBytes) {
    return { where: 'job', reason: `the original (${original.bytes} bytes) is larger than the function's ${options.maxInputBytes} bytes of scratch space for it` };
  }
  const budget = options.limitSeconds * (options.budgetShare ?? 0.5);
  const estimate = estimateLadderSeconds(facts, options.vcpus, options);
  const maxSeconds = options.maxSeconds ?? longestPlacedSeconds(budget, options.vcpus, options);
  if (duration > maxSeconds) return { where: 'job', reason: `${seconds(duration)} of video is longer than the ${seconds(maxSeconds)} the function takes`, estimatedSeconds: estimate };
  if (estimate > budget) return { where: 'job', reason: `the ladder would take about ${seconds(estimate)} here, more than the ${seconds(budget)} budget`, estimatedSeconds: estimate };
  return { where: 'here', reason: `the ladder should take about ${seconds(estimate)} here, within the ${seconds(budget)} budget`, estimatedSeconds: estimate };
}
