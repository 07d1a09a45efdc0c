import { ConflictError, CorruptMediaError, LimitExceededError, TimeoutError, UnsupportedMediaError } from '@mediaflow/domain';
import { OriginalChangedError } from '../errors.js';
import { isFileFault } from './failure.js';

describe('isFileFault (the one rule every step follows)', () => {
  it('blames the file at once for corrupt, unsupported and over-limit content', () => {
    for (const error of [new CorruptMediaError('x'), new UnsupportedMediaError('x'), new LimitExceededError('x')]) {
      expect(isFileFault(error, { lastAttempt: false })).toBe(true);
      expect(isFileFault(error)).toBe(true);
    }
  });

  it('blames the file at once for an original changed since ingest: reading it again finds the same bytes', () => {
    expect(isFileFault(new OriginalChangedError('x'), { lastAttempt: false })).toBe(true);
  });

  it('blames the file for a timeout only on the last delivery (outside a queue, the one attempt is the last)', () => {
    const timeout = new TimeoutError('took too long');
    expect(isFileFault(timeout, { lastAttempt: false })).toBe(false);
    expect(isFileFault(timeout, { lastAttempt: true })).toBe(true);
    expect(isFileFault(timeout)).toBe(true);
  });

  it('never blames the file for the machine: conflicts, plain errors, anything else', () => {
    expect(isFileFault(new ConflictError('x'), { lastAttempt: true })).toBe(false);
    expect(isFileFault(new Error('ECONNRESET'), { lastAttempt: true })).toBe(false);
    expect(isFileFault('a string', { lastAttempt: true })).toBe(false);
  });
});
