import { LimitExceededError, type MediaFacts } from '@mediaflow/domain';

export interface ProbeLimits {
  /** Longest accepted duration. */
  maxDurationSeconds: number;
  /** Largest accepted frame (width × height, after rotation it is the same product). */
  maxPixels: number;
  /** Higher frame rates are almost always broken timestamps, and would multiply encode work. */
  maxFrameRate: number;
  /** A file with hundreds of streams is an attack on the demuxer, not a video. */
  maxStreams: number;
}

/**
 * Defaults for a 2-core worker: two hours covers talks and films, 8K (7680×4320) covers every
 * consumer camera, 240 fps covers slow-motion phone footage.
 */
export const defaultProbeLimits: Readonly<ProbeLimits> = Object.freeze({
  maxDurationSeconds: 2 * 60 * 60,
  maxPixels: 7680 * 4320,
  maxFrameRate: 240,
  maxStreams: 32,
});

/** `defaultProbeLimits` with the given fields replaced. */
export function resolveProbeLimits(overrides: Partial<ProbeLimits> = {}): ProbeLimits {
  return { ...defaultProbeLimits, ...overrides };
}

/** @throws LimitExceededError naming the first limit that `facts` exceed. */
export function checkProbeLimits(facts: MediaFacts, streams: number, limits: ProbeLimits): void {
  const over = (limit: keyof ProbeLimits, value: number, what: string): never => {
    throw new LimitExceededError(`${what} of ${value} exceeds the limit of ${limits[limit]}`, {
      details: { limit, value, max: limits[limit] },
    });
  };
  if (streams > limits.maxStreams) over('maxStreams', streams, 'stream count');
  if (facts.durationSeconds !== undefined && facts.durationSeconds > limits.maxDurationSeconds) {
    over('maxDurationSeconds', facts.durationSeconds, 'duration in seconds');
  }
  if (facts.width !== undefined && facts.height !== undefined && facts.width * facts.height > limits.maxPixels) {
    over('maxPixels', facts.width * facts.height, 'frame size in pixels');
  }
  if (facts.frameRate !== undefined && facts.frameRate > limits.maxFrameRate) over('maxFrameRate', facts.frameRate, 'frame rate');
}
