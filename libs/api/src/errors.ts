/**
 * The request proves no owner: no credential, or one that does not verify. Answered 401, whatever
 * the verifier's reason (a bad token is not a `forbidden` request: the client has to sign in again).
 */
export class UnauthenticatedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnauthenticatedError';
  }
}

/**
 * The owner sent more requests than their rate allows; answered 429 with `Retry-After` and the
 * `RateLimit` headers given (see `rateLimitHeaders`).
 */
export class RateLimitedError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`too many requests; try again in ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

/**
 * The request did not come through the distribution: it lacks the origin secret CloudFront adds
 * to what it forwards (`originSecret` of `createApi`). Answered 403 whatever was sent in its place,
 * and nothing about it is logged or echoed.
 */
export class UnverifiedOriginError extends Error {
  constructor(message = 'this API answers only requests that come through the site; call it there') {
    super(message);
    this.name = 'UnverifiedOriginError';
  }
}
