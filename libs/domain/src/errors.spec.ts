import {
  ConflictError,
  CorruptMediaError,
  ForbiddenError,
  InvalidTransitionError,
  isMediaError,
  LimitExceededError,
  MediaError,
  NotFoundError,
  TimeoutError,
  UnsupportedMediaError,
  ValidationError,
} from './errors.js';
import { parseOrThrow } from './validation.js';
import { UploadRequestSchema } from './upload.js';

describe('errors', () => {
  it.each([
    [new NotFoundError('x'), 'not_found', 'NotFoundError'],
    [new ConflictError('x'), 'conflict', 'ConflictError'],
    [new InvalidTransitionError('x'), 'invalid_transition', 'InvalidTransitionError'],
    [new ValidationError('x'), 'validation', 'ValidationError'],
    [new UnsupportedMediaError('x'), 'unsupported', 'UnsupportedMediaError'],
    [new CorruptMediaError('x'), 'corrupt', 'CorruptMediaError'],
    [new LimitExceededError('x'), 'limit_exceeded', 'LimitExceededError'],
    [new ForbiddenError('x'), 'forbidden', 'ForbiddenError'],
    [new TimeoutError('x'), 'timeout', 'TimeoutError'],
  ])('%s has a stable code and name', (error, code, name) => {
    expect(error).toBeInstanceOf(MediaError);
    expect(error).toBeInstanceOf(Error);
    expect(isMediaError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
  });

  it('keeps the cause and details', () => {
    const cause = new Error('disk full');
    const error = new LimitExceededError('too big', { cause, details: { limit: 10 } });
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ limit: 10 });
  });

  it('treats an invalid transition as a conflict', () => {
    expect(new InvalidTransitionError('x')).toBeInstanceOf(ConflictError);
    expect(isMediaError(new Error('plain'))).toBe(false);
  });
});

describe('parseOrThrow', () => {
  it('returns parsed data', () => {
    expect(parseOrThrow(UploadRequestSchema, { filename: 'a', size: 3 })).toEqual({ filename: 'a', size: 3 });
  });

  it('throws a ValidationError with one issue per path', () => {
    let error: unknown;
    try {
      parseOrThrow(UploadRequestSchema, { filename: '', size: -1 }, 'upload request');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.issues.map((i) => i.path).sort()).toEqual(['filename', 'size']);
    expect(v.message).toMatch(/^invalid upload request: /);
  });
});
