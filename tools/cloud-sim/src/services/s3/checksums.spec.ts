import { createHash } from 'node:crypto';
import { computeChecksum, runningChecksum, verifyChecksums } from './checksums.js';

describe('checksums', () => {
  it('computes CRC32 and CRC32C as S3 does (the standard check values)', () => {
    const check = Buffer.from('123456789');
    expect(computeChecksum('CRC32', check)).toBe(Buffer.from('cbf43926', 'hex').toString('base64'));
    expect(computeChecksum('CRC32C', check)).toBe(Buffer.from('e3069283', 'hex').toString('base64'));
    expect(computeChecksum('CRC32', Buffer.from('hello'))).toBe('NhCmhg==');
  });

  it('gives the same value fed in pieces', () => {
    const running = runningChecksum('CRC32C');
    running?.update(Buffer.from('12345'));
    running?.update(Buffer.from('6789'));
    expect(running?.digest().toString('hex')).toBe('e3069283');
  });

  it('keeps the declared checksum and refuses a wrong one or a wrong Content-MD5', () => {
    const body = Buffer.from('hello');
    const sha256 = createHash('sha256').update(body).digest('base64');
    expect(verifyChecksums({ 'x-amz-checksum-sha256': sha256 }, body)).toEqual({ algorithm: 'SHA256', value: sha256, type: 'FULL_OBJECT' });
    expect(() => verifyChecksums({ 'x-amz-checksum-crc32': 'AAAAAA==' }, body)).toThrow(expect.objectContaining({ code: 'BadDigest' }));
    expect(() => verifyChecksums({ 'content-md5': createHash('md5').update('other').digest('base64') }, body)).toThrow(expect.objectContaining({ code: 'BadDigest' }));
    expect(() => verifyChecksums({ 'content-md5': 'short' }, body)).toThrow(expect.objectContaining({ code: 'InvalidDigest' }));
  });

  it('computes the checksum an upload asks for when the request declares none', () => {
    expect(verifyChecksums({}, Buffer.from('hello'), 'CRC32')).toEqual({ algorithm: 'CRC32', value: 'NhCmhg==', type: 'FULL_OBJECT' });
    expect(verifyChecksums({}, Buffer.from('hello'))).toBeUndefined();
  });
});
