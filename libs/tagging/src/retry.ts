import { z } from 'zod';

export const RetryOptionsSchema = z.object({
  /** Attempts in all, the first included. */
  attempts: z.number().int().min(1).max(20).default(5),
  /** The cap of the first backoff; each retry doubles it up to `maxDelayMs`. */
  baseDelayMs: z.number().int().min(0).default(100),
  maxDelayMs: z.number().int().min(0).default(5_000),
});
export type RetryOptions = z.infer<typeof RetryOptionsSchema>;

/**
 * "Full jitter": a uniformly random wait between 0 and the exponential cap, so that many clients
 * throttled at the same moment do not retry in step.
 */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * cap);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryHooks {
  /** Whether a failure is worth another attempt. */
  retryable: (error: unknown) => boolean;
  random?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Runs `fn` until it succeeds, fails with an error that is not retryable, or runs out of attempts
 * (the last error is thrown). An aborted signal stops the loop at once.
 *
 * @example
 * await withRetry(() => client.send(command), RetryOptionsSchema.parse({}), { retryable: isThrottling }, signal);
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions, hooks: RetryHooks, signal?: AbortSignal): Promise<T> {
  const wait = hooks.wait ?? sleep;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt + 1 >= options.attempts || !hooks.retryable(error)) throw error;
      await wait(backoffDelay(attempt, options, hooks.random), signal);
    }
  }
}
