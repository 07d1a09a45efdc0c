import { ApiError } from '../api/client';
import { isRefusedSearch, refusalText } from './refusal';

const refusal = (detail: string, ...errors: { path: string; message: string }[]) => new ApiError(detail, 400, 'validation_failed', detail, { errors });

describe('a refused search', () => {
  it('says what to change from the field the problem names', () => {
    expect(refusalText(refusal('invalid query: to: "to" is before "from"', { path: 'to', message: '"to" is before "from"' }))).toBe('The last day taken is before the first one.');
    expect(refusalText(refusal('x', { path: 'from', message: 'must be an ISO date' }))).toBe('A date taken is not a day of the calendar.');
    expect(refusalText(refusal('x', { path: 'tags.10', message: 'Too big' }))).toMatch(/^These tags can’t be searched for/);
    expect(refusalText(refusal('x', { path: 'q', message: 'Too big' }))).toBe('The search is too long: use at most 200 characters.');
    // A field it has no words for: the API's own detail.
    expect(refusalText(refusal('invalid query: limit: Too big', { path: 'limit', message: 'Too big' }))).toBe('invalid query: limit: Too big');
  });

  it('is the search’s fault only for a 400 that is not about the cursor', () => {
    expect(isRefusedSearch(refusal('x', { path: 'to', message: 'm' }))).toBe(true);
    expect(isRefusedSearch(refusal('malformed cursor', { path: 'cursor', message: 'malformed cursor' }))).toBe(false);
    expect(isRefusedSearch(new ApiError('x', 503, 'unavailable', 'x'))).toBe(false);
  });
});
