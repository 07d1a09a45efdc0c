/** Statuses that mean "not now": the request was not acted on and may be sent again as it was. */
const RETRYABLE = new Set([429, 503]);

export interface PoliteOptions {
  /** Attempts in all, the first included (default 6). */
  readonly attempts?: number;
  /** The longest wait honoured between two attempts; a longer `Retry-After` gives up instead (default 60 s). */
  readonly maxWaitMs?: number;
  /** Wait when the answer names none (default 1 s, doubled per attempt). */
  readonly fallbackMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * How long a `Retry-After` header asks to wait, in milliseconds: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Sends a request and, while the server answers 429 or 503, sends it again after the wait its
 * `Retry-After` asks for (or a doubling fallback). `send` builds the request each time, so a
 * streamed body is opened anew. The last answer is returned as it is when attempts run out or the
 * server asks for a wait longer than `maxWaitMs`.
 */
export async function politeFetch(send: () => Promise<Response>, options: PoliteOptions = {}): Promise<Response> {
  const attempts = options.attempts ?? 6;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  let fallback = options.fallbackMs ?? 1000;
  for (let attempt = 1; ; attempt += 1) {
    const response = await send();
    if (!RETRYABLE.has(response.status) || attempt >= attempts) return response;
    const wait = retryAfterMs(response.headers.get('retry-after'), now()) ?? fallback;
    if (wait > maxWaitMs) return response;
    // The refused answer's body is not needed; reading it lets the connection be reused.
    await response.arrayBuffer().catch(() => undefined);
    await sleep(wait);
    fallback *= 2;
  }
}
