import { ValidationError, type ByteRange } from '@mediaflow/domain';
import { nonNegativeInteger } from './presign.js';

export function checkRange(range: ByteRange): void {
  nonNegativeInteger(range.start, 'range.start');
  if (range.end !== undefined) {
    nonNegativeInteger(range.end, 'range.end');
    if (range.end < range.start) throw new ValidationError(`range ${range.start}-${range.end} ends before it starts`);
  }
}

/** `bytes 2-5/10` -> the served range and the object's full size. */
export function parseContentRange(value: string | undefined): { start: number; end: number; size: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value ?? '');
  if (match === null) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}
