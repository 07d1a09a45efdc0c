import { decodeBody, isAwsChunked } from './aws-chunked.js';
import { S3Error } from './errors.js';

const streaming = { 'content-encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-decoded-content-length': '10' };

describe('decodeBody', () => {
  it('joins the chunks and reads the trailing checksum of an unsigned streamed body', () => {
    const raw = Buffer.from('5\r\nhello\r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:+esgrQ==\r\n\r\n');
    expect(decodeBody(streaming, raw)).toEqual({ body: Buffer.from('helloworld'), trailers: { 'x-amz-checksum-crc32': '+esgrQ==' }, contentEncoding: undefined });
  });

  it('ignores chunk signatures and keeps a content encoding besides aws-chunked', () => {
    const headers = { 'content-encoding': 'aws-chunked,gzip', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' };
    const raw = Buffer.from(`3;chunk-signature=${'a'.repeat(64)}\r\nabc\r\n0;chunk-signature=${'b'.repeat(64)}\r\n\r\n`);
    expect(decodeBody(headers, raw)).toEqual({ body: Buffer.from('abc'), trailers: {}, contentEncoding: 'gzip' });
  });

  it('keeps binary data that contains CRLF intact', () => {
    const data = Buffer.from([13, 10, 0, 255, 13, 10]);
    const raw = Buffer.concat([Buffer.from('6\r\n'), data, Buffer.from('\r\n0\r\n\r\n')]);
    expect(decodeBody({ 'content-encoding': 'aws-chunked' }, raw).body.equals(data)).toBe(true);
  });

  it('refuses a body shorter than a chunk or than the declared decoded length', () => {
    expect(() => decodeBody(streaming, Buffer.from('5\r\nhel'))).toThrow(S3Error);
    expect(() => decodeBody(streaming, Buffer.from('5\r\nhello\r\n0\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'IncompleteBody' }));
  });

  it('leaves a plain body alone', () => {
    expect(isAwsChunked({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBe(false);
    expect(decodeBody({}, Buffer.from('5\r\nhello'))).toEqual({ body: Buffer.from('5\r\nhello'), trailers: {}, contentEncoding: undefined });
  });
});
