/** Exponential retry delays: `baseSeconds`, doubled on each further receive, never above `maxSeconds`. */
export interface RetryBackoff {
  baseSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseSeconds: 2, maxSeconds: 300 };

/**
 * How long a failed message waits before its next delivery: `base * 2^(receiveCount - 1)`, capped.
 * Deterministic (no jitter): local consumers are few, and tests can predict the delay.
 *
 * @example
 * retryDelaySeconds(1, { baseSeconds: 2, maxSeconds: 300 }); // 2
 * retryDelaySeconds(4, { baseSeconds: 2, maxSeconds: 300 }); // 16
 */
export function retryDelaySeconds(receiveCount: number, backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF): number {
  const attempt = Math.max(1, Math.trunc(receiveCount));
  // The exponent is capped so a large receive count cannot overflow to Infinity.
  const delay = backoff.baseSeconds * 2 ** Math.min(attempt - 1, 30);
  return Math.max(0, Math.min(delay, backoff.maxSeconds));
}
