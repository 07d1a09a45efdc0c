import {
  CorruptMediaError,
  LimitExceededError,
  MediaError,
  TimeoutError,
  UnsupportedMediaError,
} from '@mediaflow/domain';

/**
 * Turns whatever a decoder or encoder threw into the domain's typed errors, keeping the original
 * as `cause` and its message as the reason. Errors that already are `MediaError`s pass through.
 * Anything unrecognised from a decoder means the bytes could not be read: corrupt.
 *
 * @example
 * try { await sharp(input).toBuffer(); } catch (e) { throw toMediaError(e, 'decoding the image'); }
 */
export function toMediaError(error: unknown, doing: string): MediaError {
  if (error instanceof MediaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const reason = `${doing} failed: ${message}`;
  if (/pixel limit|too large|exceeds? .*limit|out of memory/i.test(message)) {
    return new LimitExceededError(reason, { cause: error });
  }
  if (/timeout/i.test(message)) return new TimeoutError(reason, { cause: error });
  if (/unsupported image format|not a known (file|buffer) format|unsupported (file|input)/i.test(message)) {
    return new UnsupportedMediaError(reason, { cause: error });
  }
  return new CorruptMediaError(reason, { cause: error });
}
