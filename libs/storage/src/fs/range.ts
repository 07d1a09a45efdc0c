import { ValidationError, type ByteRange } from '@mediaflow/domain';

/**
 * Clamps an HTTP-style inclusive range to an object of `size` bytes, or throws `ValidationError`
 * when it starts at or past the end (HTTP 416), as the in-memory reference store does.
 */
export function resolveRange(range: ByteRange, size: number): { start: number; end: number } {
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (!Number.isInteger(range.start) || range.start < 0 || range.start >= size || end < range.start) {
    throw new ValidationError(`range ${range.start}-${range.end ?? ''} is not satisfiable for ${size} bytes`);
  }
  return { start: range.start, end };
}
