import { CorruptMediaError, LimitExceededError, NotFoundError, TimeoutError, UnsupportedMediaError } from '@mediaflow/domain';
import { toMediaError } from './errors.js';

describe('toMediaError', () => {
  it.each([
    ['Input image exceeds pixel limit', LimitExceededError],
    ['timeout: 12% complete', TimeoutError],
    ['Input buffer contains unsupported image format', UnsupportedMediaError],
    ['VipsJpeg: premature end of JPEG image', CorruptMediaError],
    ['vipspng: libpng read error', CorruptMediaError],
  ])('maps %j to a typed error with the reason and the cause', (message, type) => {
    const cause = new Error(message);
    const error = toMediaError(cause, 'decoding the image');
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(`decoding the image failed: ${message}`);
    expect(error.cause).toBe(cause);
  });

  it('passes domain errors through unchanged', () => {
    const error = new NotFoundError('gone');
    expect(toMediaError(error, 'anything')).toBe(error);
  });

  it('handles things that are not errors', () => {
    expect(toMediaError('weird', 'decoding')).toBeInstanceOf(CorruptMediaError);
  });
});
