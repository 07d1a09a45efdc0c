import { createHash } from 'node:crypto';
import { ValidationError } from '@mediaflow/domain';
import { bareEtag, headFromResponse, sha256FromChecksum } from './head.js';
import { presignExpiry, sha256HexToBase64 } from './presign.js';

const digest = createHash('sha256').update('content').digest();

describe('S3 heads', () => {
  it('turns a whole-object ChecksumSHA256 (base64) into the hex SHA-256', () => {
    expect(sha256FromChecksum(digest.toString('base64'), 'FULL_OBJECT')).toBe(digest.toString('hex'));
    expect(sha256FromChecksum(digest.toString('base64'), undefined)).toBe(digest.toString('hex'));
  });

  it('ignores checksums that are not the content\'s SHA-256', () => {
    expect(sha256FromChecksum(`${digest.toString('base64')}-3`, undefined)).toBeUndefined();
    expect(sha256FromChecksum(digest.toString('base64'), 'COMPOSITE')).toBeUndefined();
    expect(sha256FromChecksum('AAAA', undefined)).toBeUndefined();
    expect(sha256FromChecksum(undefined, undefined)).toBeUndefined();
  });

  it('strips the quotes S3 puts around etags', () => {
    expect(bareEtag('"abc-2"')).toBe('abc-2');
    expect(bareEtag('abc')).toBe('abc');
  });

  it('builds a head with only the fields S3 sent', () => {
    const head = headFromResponse('k', { ContentLength: 3, ETag: '"e"', LastModified: new Date(5), ChecksumSHA256: digest.toString('base64') });
    expect(head).toEqual({ key: 'k', size: 3, contentType: 'application/octet-stream', etag: 'e', lastModified: new Date(5), sha256: digest.toString('hex') });
  });
});

describe('S3 presign helpers', () => {
  it('encodes a hex SHA-256 as S3\'s base64 header value and refuses anything else', () => {
    expect(sha256HexToBase64(digest.toString('hex'))).toBe(digest.toString('base64'));
    expect(() => sha256HexToBase64(digest.toString('hex').toUpperCase())).toThrow(ValidationError);
  });

  it('bounds presigned lifetimes to what SigV4 allows', () => {
    expect(presignExpiry(new Date(0), 60)).toEqual(new Date(60_000));
    expect(() => presignExpiry(new Date(0), 0)).toThrow(ValidationError);
    expect(() => presignExpiry(new Date(0), 604_801)).toThrow(ValidationError);
    expect(() => presignExpiry(new Date(0), 1.5)).toThrow(ValidationError);
  });
});
