/**
 * Every failure the domain knows about is a `MediaError` with a stable, machine-readable `code`.
 * The HTTP layer maps codes to status codes in one place; workers record `code` and `message`
 * on the item as its failure reason. Never throw strings.
 */
export type MediaErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid_transition'
  | 'validation'
  | 'unsupported'
  | 'limit_exceeded'
  | 'forbidden'
  | 'corrupt'
  | 'timeout'
  | 'internal';

export interface MediaErrorOptions {
  cause?: unknown;
  /** Extra, non-sensitive facts that help the caller (e.g. the limit that was exceeded). */
  details?: Record<string, unknown>;
}

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: MediaErrorCode, message: string, options: MediaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** The item (or object) does not exist for this owner. Another owner's item is also "not found". */
export class NotFoundError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions) {
    super('not_found', message, options);
  }
}

/** A conditional write lost a race (version or status changed) or a unique key already exists. */
export class ConflictError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions, code: 'conflict' | 'invalid_transition' = 'conflict') {
    super(code, message, options);
  }
}

/** The lifecycle does not allow this step from the item's current status. */
export class InvalidTransitionError extends ConflictError {
  constructor(message: string, options?: MediaErrorOptions) {
    super(message, options, 'invalid_transition');
  }
}

/** Input does not match a schema. `issues` lists the paths and messages. */
export class ValidationError extends MediaError {
  readonly issues: readonly { path: string; message: string }[];

  constructor(message: string, issues: readonly { path: string; message: string }[] = [], options?: MediaErrorOptions) {
    super('validation', message, options);
    this.issues = issues;
  }
}

/** The content is of a type or variant Mediaflow does not handle. */
export class UnsupportedMediaError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions) {
    super('unsupported', message, options);
  }
}

/** The content is damaged or truncated and cannot be decoded. */
export class CorruptMediaError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions) {
    super('corrupt', message, options);
  }
}

/** A size, pixel, duration or rate limit was exceeded. */
export class LimitExceededError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions) {
    super('limit_exceeded', message, options);
  }
}

/** The caller may not do this (a bad signature, an expired link, a missing token). */
export class ForbiddenError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions) {
    super('forbidden', message, options);
  }
}

/** A job or external call took longer than its limit. */
export class TimeoutError extends MediaError {
  constructor(message: string, options?: MediaErrorOptions) {
    super('timeout', message, options);
  }
}

export function isMediaError(value: unknown): value is MediaError {
  return value instanceof MediaError;
}
