import { S3Error } from './errors.js';

/** An inclusive byte range within an object. */
export interface ByteSpan {
  start: number;
  end: number;
}

/**
 * The span a `Range` header asks for within `size` bytes: `bytes=a-b`, `bytes=a-`, `bytes=-n`.
 * Undefined (the whole object, as S3 does) when there is no header, it is not one byte range, or
 * it is malformed; InvalidRange (416, `Content-Range: bytes *\/size`) when nothing of it exists.
 */
export function parseRange(header: string | undefined, size: number): ByteSpan | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  const unsatisfiable = (): S3Error =>
    new S3Error('InvalidRange', { fields: { RangeRequested: header, ActualObjectSize: String(size) }, headers: { 'content-range': `bytes */${size}` } });
  if (first === '') {
    if (last === '') return undefined;
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end: Math.min(end, size - 1) };
}

/** `"a", "b"` or `*` against an object's etag (unquoted). */
function etagListMatches(header: string, etag: string | undefined): boolean {
  if (etag === undefined) return false;
  return header.split(',').some((item) => {
    const tag = item.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return tag === '*' || tag === etag;
  });
}

/** HTTP dates have whole seconds; an object's time is compared at that precision. */
function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function parsedDate(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const time = Date.parse(header);
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
}

/**
 * The conditional headers of a GET or HEAD, evaluated as S3 does: If-Match before
 * If-Unmodified-Since (a matching If-Match wins), If-None-Match before If-Modified-Since.
 * Throws PreconditionFailed (412); answers `not-modified` for a 304.
 */
export function readConditions(headers: Record<string, string>, object: { etag: string; lastModified: Date }): 'ok' | 'not-modified' {
  const ifMatch = headers['if-match'];
  const unmodifiedSince = parsedDate(headers['if-unmodified-since']);
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, object.etag)) throw new S3Error('PreconditionFailed', { fields: { Condition: 'If-Match' } });
  } else if (unmodifiedSince !== undefined && wholeSeconds(object.lastModified) > unmodifiedSince) {
    throw new S3Error('PreconditionFailed', { fields: { Condition: 'If-Unmodified-Since' } });
  }
  const ifNoneMatch = headers['if-none-match'];
  const modifiedSince = parsedDate(headers['if-modified-since']);
  if (ifNoneMatch !== undefined) return etagListMatches(ifNoneMatch, object.etag) ? 'not-modified' : 'ok';
  if (modifiedSince !== undefined && wholeSeconds(object.lastModified) <= modifiedSince) return 'not-modified';
  return 'ok';
}

/**
 * The conditional headers of a write (PutObject, CompleteMultipartUpload): `If-None-Match: *`
 * refuses to replace an existing object, `If-Match` requires the current one's etag.
 */
export function writeConditions(headers: Record<string, string>, current: { etag: string } | undefined): void {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined && current !== undefined && etagListMatches(ifNoneMatch, current.etag)) {
    throw new S3Error('PreconditionFailed', { fields: { Condition: 'If-None-Match' } });
  }
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (current === undefined) throw new S3Error('NoSuchKey');
    if (!etagListMatches(ifMatch, current.etag)) throw new S3Error('PreconditionFailed', { fields: { Condition: 'If-Match' } });
  }
}
