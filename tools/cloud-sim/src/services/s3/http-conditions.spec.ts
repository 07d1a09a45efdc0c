import { parseRange, readConditions, writeConditions } from './http-conditions.js';

describe('parseRange', () => {
  it('reads the three forms of one byte range, clamped to the object', () => {
    expect(parseRange('bytes=2-5', 10)).toEqual({ start: 2, end: 5 });
    expect(parseRange('bytes=7-', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-100', 10)).toEqual({ start: 0, end: 9 });
  });

  it('serves the whole object for what is not one valid range', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=0-1,3-4', 10)).toBeUndefined();
    expect(parseRange('bytes=5-2', 10)).toBeUndefined();
    expect(parseRange('items=0-1', 10)).toBeUndefined();
  });

  it('refuses a range starting past the end with 416 and the object size', () => {
    expect(() => parseRange('bytes=10-', 10)).toThrow(expect.objectContaining({ code: 'InvalidRange', status: 416, headers: { 'content-range': 'bytes */10' } }));
    expect(() => parseRange('bytes=0-', 0)).toThrow(expect.objectContaining({ code: 'InvalidRange' }));
    expect(() => parseRange('bytes=-0', 10)).toThrow(expect.objectContaining({ code: 'InvalidRange' }));
  });
});

describe('conditions', () => {
  const object = { etag: 'abc', lastModified: new Date('2026-01-02T03:04:05Z') };

  it('answers 304 for a matching If-None-Match or an unchanged If-Modified-Since', () => {
    expect(readConditions({ 'if-none-match': '"abc"' }, object)).toBe('not-modified');
    expect(readConditions({ 'if-none-match': '"xyz"', 'if-modified-since': 'Sat, 03 Jan 2026 00:00:00 GMT' }, object)).toBe('ok');
    expect(readConditions({ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:05 GMT' }, object)).toBe('not-modified');
    expect(readConditions({ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:04 GMT' }, object)).toBe('ok');
  });

  it('refuses a failed If-Match or If-Unmodified-Since, a matching If-Match winning', () => {
    expect(() => readConditions({ 'if-match': '"xyz"' }, object)).toThrow(expect.objectContaining({ code: 'PreconditionFailed' }));
    expect(() => readConditions({ 'if-unmodified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' }, object)).toThrow(expect.objectContaining({ status: 412 }));
    expect(readConditions({ 'if-match': '"abc"', 'if-unmodified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' }, object)).toBe('ok');
  });

  it('refuses a write over an existing object under If-None-Match: *', () => {
    expect(() => writeConditions({ 'if-none-match': '*' }, object)).toThrow(expect.objectContaining({ code: 'PreconditionFailed' }));
    expect(() => writeConditions({ 'if-none-match': '*' }, undefined)).not.toThrow();
    expect(() => writeConditions({ 'if-match': '"abc"' }, undefined)).toThrow(expect.objectContaining({ code: 'NoSuchKey' }));
  });
});
