import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { UnverifiedOriginError } from './errors.js';

/** A header only the proxy in front of the app sends, and the value it sends in it. */
export interface OriginSecret {
  /** Its name, any case (`x-origin-verify`). */
  header: string;
  value: string;
}

/**
 * Digests of equal length whatever was sent, so that `timingSafeEqual` compares without throwing
 * and neither the comparison's time nor an early exit says how much of a guess was right.
 */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Refuses, with `UnverifiedOriginError` (a 403), every request whose `secret.header` is missing or
 * not `secret.value`: CloudFront adds that header to what it forwards to the API, so a request
 * without it reached the API some other way (its execute-api endpoint) and skipped what the
 * distribution puts in front. Mounted ahead of every route, it runs before authentication, the
 * limiter or any read. What was sent is neither logged nor put in the answer.
 *
 * @example
 * app.use('*', requireOriginSecret({ header: 'x-origin-verify', value: config.ORIGIN_VERIFY_SECRET }));
 */
export function requireOriginSecret(secret: OriginSecret): MiddlewareHandler {
  if (secret.value === '') throw new TypeError('an origin secret must not be empty');
  const expected = digest(secret.value);
  return async (c, next) => {
    const sent = c.req.header(secret.header);
    if (sent === undefined || !timingSafeEqual(digest(sent), expected)) throw new UnverifiedOriginError();
    await next();
  };
}
