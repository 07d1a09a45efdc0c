import { ValidationError } from '@mediaflow/domain';
import { resolveRange } from './range.js';

describe('resolveRange', () => {
  it('keeps a range inside the object', () => {
    expect(resolveRange({ start: 2, end: 5 }, 10)).toEqual({ start: 2, end: 5 });
  });

  it('reads to the end when the end is omitted or too large', () => {
    expect(resolveRange({ start: 7 }, 10)).toEqual({ start: 7, end: 9 });
    expect(resolveRange({ start: 8, end: 100 }, 10)).toEqual({ start: 8, end: 9 });
  });

  it.each([
    [{ start: 10 }, 10],
    [{ start: 0 }, 0],
    [{ start: -1, end: 3 }, 10],
    [{ start: 1.5 }, 10],
    [{ start: 5, end: 4 }, 10],
  ])('refuses %j on %d bytes', (range, size) => {
    expect(() => resolveRange(range, size)).toThrow(ValidationError);
  });
});
