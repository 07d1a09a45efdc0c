import { randomBytes } from 'node:crypto';
import { ForbiddenError, ValidationError } from '@mediaflow/domain';
import { presignExpiry, UrlSigner, verifyPresigned, type PresignedGrant } from './presign.js';

describe('presigned URLs', () => {
  const secret = randomBytes(32);
  const signer = new UrlSigner('http://localhost:3000/base/', secret);
  const now = new Date('2026-03-01T12:00:00Z');
  const grant: PresignedGrant = {
    method: 'PUT',
    key: 'originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV',
    expiresAt: presignExpiry(now, 600),
    contentType: 'image/jpeg',
    contentLength: 4096,
  };
  const url = signer.sign(grant);

  const reason = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ForbiddenError);
      return (error as ForbiddenError).details?.['reason'];
    }
    throw new Error('expected a ForbiddenError');
  };

  it('verifies what it signed, from a full URL or the path a server sees', () => {
    expect(url).toMatch(/^http:\/\/localhost:3000\/base\/_local\/objects\/originals\/alice\/01ARZ3NDEKTSV4RRFFQ69G5FAV\?method=PUT&expires=\d+&/);
    expect(verifyPresigned(url, secret, now)).toEqual(grant);
    const { pathname, search } = new URL(url);
    expect(verifyPresigned({ url: pathname + search, method: 'put' }, secret, now)).toEqual(grant);
    expect(verifyPresigned(new URL(url), secret, now)).toEqual(grant);
  });

  it('takes the secret as text too', () => {
    const text = 'a local development secret of 32+ bytes';
    expect(verifyPresigned(new UrlSigner('http://x', text).sign(grant), text, now)).toEqual(grant);
  });

  it('round-trips keys and file names with any character', () => {
    const odd: PresignedGrant = { method: 'GET', key: 'a b/ü?#&=%/x', expiresAt: grant.expiresAt, downloadFilename: 'résumé "final".pdf' };
    const verified = verifyPresigned(signer.sign(odd), secret, now);
    expect(verified).toMatchObject(odd);
    expect(verified.contentDisposition).toContain(`filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`);
  });

  it('refuses an expired URL, from its exact expiry on', () => {
    expect(verifyPresigned(url, secret, new Date(grant.expiresAt.getTime() - 1))).toEqual(grant);
    expect(reason(() => verifyPresigned(url, secret, grant.expiresAt))).toBe('expired');
  });

  it('refuses another method than the signed one', () => {
    expect(reason(() => verifyPresigned({ url, method: 'GET' }, secret, now))).toBe('wrong method');
    expect(reason(() => verifyPresigned(url.replace('method=PUT', 'method=GET'), secret, now))).toBe('bad signature');
  });

  it.each([
    ['another key', (u: string) => u.replace('/alice/', '/bob/')],
    ['a key one segment shorter', (u: string) => u.replace('/alice/', '/')],
    ['a later expiry', (u: string) => u.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 3600}`)],
    ['another content type', (u: string) => u.replace('ct=image%2Fjpeg', 'ct=text%2Fhtml')],
    ['a larger length', (u: string) => u.replace('len=4096', 'len=999999')],
    ['a dropped length', (u: string) => u.replace('&len=4096', '')],
    ['an added part number', (u: string) => `${u}&part=1`],
    ['a flipped signature character', (u: string) => u.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`)],
  ])('refuses %s', (_, tamper) => {
    expect(reason(() => verifyPresigned(tamper(url), secret, now))).toBe('bad signature');
  });

  it.each([
    ['no signature', (u: string) => u.replace(/&sig=[^&]*/, '')],
    ['a short signature', (u: string) => u.replace(/sig=[^&]*/, 'sig=abc')],
    ['a repeated parameter', (u: string) => `${u}&ct=text%2Fhtml`],
    ['an unknown parameter', (u: string) => `${u}&acl=public`],
    ['another path', (u: string) => u.replace('/_local/objects/', '/_local/other/')],
    ['a malformed escape', (u: string) => u.replace('/alice/', '/%E0%A4%A/')],
    ['a malformed expiry', (u: string) => u.replace(/expires=\d+/, 'expires=soon')],
  ])('refuses %s', (_, tamper) => {
    expect(() => verifyPresigned(tamper(url), secret, now)).toThrow(ForbiddenError);
  });

  it('refuses a URL signed with another secret', () => {
    expect(reason(() => verifyPresigned(url, randomBytes(32), now))).toBe('bad signature');
  });

  it('needs a long secret, a real base URL and a sane expiry', () => {
    expect(() => new UrlSigner('http://localhost', 'short')).toThrow(ValidationError);
    expect(() => new UrlSigner('not a url', secret)).toThrow(ValidationError);
    expect(() => new UrlSigner('http://localhost/?x=1', secret)).toThrow(ValidationError);
    expect(() => presignExpiry(now, 0)).toThrow(ValidationError);
    expect(() => presignExpiry(now, 8 * 24 * 3600)).toThrow(ValidationError);
    expect(() => presignExpiry(now, 1.5)).toThrow(ValidationError);
  });
});
