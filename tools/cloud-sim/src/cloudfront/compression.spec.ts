import { isCompressibleType, normalizeAcceptEncoding, shouldCompress } from './compression.js';

describe('normalizeAcceptEncoding', () => {
  const both = { gzip: true, brotli: true };

  it('prefers Brotli, then gzip, as the policy allows', () => {
    expect(normalizeAcceptEncoding('gzip, deflate, br', both)).toBe('br');
    expect(normalizeAcceptEncoding('gzip, br', { gzip: true, brotli: false })).toBe('gzip');
    expect(normalizeAcceptEncoding('gzip', { gzip: false, brotli: false })).toBeUndefined();
  });

  it('refuses an encoding with q=0', () => {
    expect(normalizeAcceptEncoding('br;q=0, gzip', both)).toBe('gzip');
  });
});

describe('shouldCompress', () => {
  const response = (type: string, size: number, headers: Record<string, string> = {}) => ({ status: 200, headers: { 'content-type': type, ...headers }, body: Buffer.alloc(size, 97) });

  it('compresses compressible types between 1,000 and 10,000,000 bytes', () => {
    expect(shouldCompress(response('text/html; charset=utf-8', 1000))).toBe(true);
    expect(shouldCompress(response('application/javascript', 999))).toBe(false);
    expect(shouldCompress(response('application/json', 10_000_001))).toBe(false);
  });

  it('leaves images and already-encoded bodies alone', () => {
    expect(isCompressibleType('image/webp')).toBe(false);
    expect(isCompressibleType('image/svg+xml')).toBe(true);
    expect(shouldCompress(response('text/css', 5000, { 'content-encoding': 'gzip' }))).toBe(false);
  });
});
