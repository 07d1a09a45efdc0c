/**
 * Default time limit of a local transcode. On 2 cores the full ladder encodes at about real
 * time, so 4× the duration plus a fixed allowance for probing and muxing leaves room for a
 * loaded machine while still ending a stuck job.
 */
export function ladderTimeoutMs(durationSeconds: number): number {
  return Math.round(120_000 + 4 * durationSeconds * 1000);
}
