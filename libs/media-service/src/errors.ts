import { ConflictError, ForbiddenError, MediaError, type MediaErrorOptions } from '@mediaflow/domain';

/**
 * An original whose bytes no longer hash to the SHA-256 recorded at ingest: something wrote to its
 * key after it was sniffed and accepted (a replayed upload URL), so what a step would render is not
 * what ingest checked. Retrying cannot help; the item fails with `failureCode`.
 */
export class OriginalChangedError extends MediaError {
  /** What the item records as its failure: the domain's error codes have none closer than `conflict`. */
  readonly failureCode = 'original_changed';

  constructor(message: string, options?: MediaErrorOptions) {
    super('conflict', message, options);
  }
}

/**
 * Refusals of the sharing and moderation use cases that a client acts on differently from the
 * domain code they fall under, so each carries a more specific, stable `reason` (the problem's
 * `code` in the HTTP answer).
 */
export type RefusalReason =
  | 'held_for_review'
  | 'link_expired'
  | 'link_revoked'
  | 'password_required'
  | 'wrong_password'
  | 'download_not_allowed'
  | 'resume_window_over';

/** An item held by moderation (flagged or rejected) cannot be shared until a moderator releases it. */
export class HeldForReviewError extends ConflictError {
  readonly reason = 'held_for_review' satisfies RefusalReason;
}

/**
 * A share link that existed and no longer works: revoked by its owner (or with its album or item),
 * or past its expiry. Distinct from an unknown token, so a visitor learns the link is over rather
 * than mistyped (HTTP 410); falls under `not_found` for anything that knows only domain codes.
 */
export class LinkGoneError extends MediaError {
  constructor(
    readonly reason: 'link_expired' | 'link_revoked',
    options?: MediaErrorOptions,
  ) {
    super('not_found', reason === 'link_revoked' ? 'this link has been turned off by its owner' : 'this link has expired', options);
  }
}

/** The link has a password and the request carries no valid unlock grant (HTTP 401). */
export class PasswordRequiredError extends MediaError {
  readonly reason = 'password_required' satisfies RefusalReason;

  constructor(message = 'this link needs a password: unlock it first', options?: MediaErrorOptions) {
    super('forbidden', message, options);
  }
}

/** The password given to unlock a link is not the link's. */
export class WrongPasswordError extends ForbiddenError {
  readonly reason = 'wrong_password' satisfies RefusalReason;

  constructor(message = 'wrong password', options?: MediaErrorOptions) {
    super(message, options);
  }
}

/** The link shows items but does not let visitors download their originals. */
export class DownloadNotAllowedError extends ForbiddenError {
  readonly reason = 'download_not_allowed' satisfies RefusalReason;

  constructor(message = 'this link does not allow downloads', options?: MediaErrorOptions) {
    super(message, options);
  }
}

/** A multipart upload past its resume window (`uploadResumeWindowSeconds`): no more part URLs (HTTP 409). */
export class ResumeWindowOverError extends ConflictError {
  readonly reason = 'resume_window_over' satisfies RefusalReason;
}

/** The specific reason of a sharing, moderation or upload refusal, if `error` is one. */
export function refusalReason(error: unknown): RefusalReason | undefined {
  if (
    error instanceof HeldForReviewError ||
    error instanceof LinkGoneError ||
    error instanceof PasswordRequiredError ||
    error instanceof WrongPasswordError ||
    error instanceof DownloadNotAllowedError ||
    error instanceof ResumeWindowOverError
  ) {
    return error.reason;
  }
  return undefined;
}
