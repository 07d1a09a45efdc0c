import { LimitExceededError, MediaError, UnsupportedMediaError, ValidationError, CorruptMediaError } from '@mediaflow/domain';

/** Error names (AWS SDK v3 `error.name`) that mean "slow down and try again". */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'TooManyRequestsException',
]);

interface ServiceErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as ServiceErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** A throttling answer or a server-side (5xx) failure: the same request may succeed later. */
export function isTransientServiceError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as ServiceErrorShape).name;
  if (typeof name === 'string' && (THROTTLING.has(name) || name === 'InternalServerError' || name === 'ServiceUnavailableException')) return true;
  const status = statusOf(error);
  return status !== undefined && status >= 500;
}

/**
 * Turns what an image-analysis service threw into the domain's errors. Transient failures that
 * outlived their retries become `internal` errors marked `retryable`, so the queue tries the
 * message again later; bad input becomes a permanent error.
 */
export function toTaggingError(error: unknown, doing: string): MediaError {
  if (error instanceof MediaError) return error;
  const name = typeof (error as ServiceErrorShape | null)?.name === 'string' ? ((error as ServiceErrorShape).name as string) : 'Error';
  const message = `${doing} failed: ${error instanceof Error ? error.message : String(error)}`;
  if (isTransientServiceError(error)) return new MediaError('internal', message, { cause: error, details: { retryable: true, service: name } });
  if (name === 'ImageTooLargeException') return new LimitExceededError(message, { cause: error });
  if (name === 'InvalidImageFormatException') return new UnsupportedMediaError(message, { cause: error });
  if (name === 'InvalidS3ObjectException') return new CorruptMediaError(message, { cause: error });
  if (name === 'InvalidParameterException') return new ValidationError(message, [], { cause: error });
  return new MediaError('internal', message, { cause: error, details: { retryable: false, service: name } });
}
