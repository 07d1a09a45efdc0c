import { createSign, generateKeyPairSync } from 'node:crypto';
import { checkSignedRequest, resourceMatches, type TrustedPublicKey } from './signed-requests.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY: TrustedPublicKey = { id: 'K2JCJMDEHXQW5F', encodedKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
const OTHER = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = Date.parse('2027-01-01T00:00:00Z');
const SECONDS = NOW / 1000;
const SITE = 'https://d111111abcdef8.cloudfront.net';
const THUMB = `${SITE}/media/renditions/alice/01J0000000000000000000000A/thumb.webp`;

const safe = (bytes: Buffer): string => bytes.toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
const sign = (policy: string, key = pair.privateKey): string => safe(createSign('RSA-SHA1').update(policy).sign(key));

function cookies(statement: Record<string, unknown>, over: Record<string, string> = {}): Record<string, string> {
  const policy = JSON.stringify({ Statement: [statement] });
  return { 'CloudFront-Policy': safe(Buffer.from(policy)), 'CloudFront-Signature': sign(policy), 'CloudFront-Key-Pair-Id': KEY.id, ...over };
}
const alice = (condition: Record<string, unknown> = {}) => ({ Resource: `${SITE}/media/renditions/alice/*`, Condition: { DateLessThan: { 'AWS:EpochTime': SECONDS + 3600 }, ...condition } });
const check = (cookieJar: Record<string, string>, url = THUMB, ip = '203.0.113.7') => checkSignedRequest({ url, cookies: cookieJar, ip, now: NOW }, [KEY]);

describe('resourceMatches', () => {
  it('takes * as any run of characters, slashes included, and ? as one', () => {
    expect(resourceMatches(`${SITE}/media/renditions/alice/*`, THUMB)).toBe(true);
    expect(resourceMatches(`${SITE}/media/renditions/alice/*`, `${SITE}/media/renditions/alice2/x.webp`)).toBe(false);
    expect(resourceMatches(`${SITE}/media/renditions/alic?/*`, THUMB)).toBe(true);
    expect(resourceMatches(`${SITE}/media/renditions/alice/*`, `https://d2.cloudfront.net/media/renditions/alice/x`)).toBe(false);
    expect(resourceMatches('https://d1.example/a.b', 'https://d1.example/aXb')).toBe(false);
  });
});

describe('checkSignedRequest', () => {
  it('accepts the owner’s cookies for the owner’s renditions', () => {
    expect(check(cookies(alice()))).toEqual({ ok: true, keyPairId: KEY.id });
    expect(check(cookies(alice()), `${THUMB}?v=2`)).toMatchObject({ ok: true });
  });

  it('refuses without cookies (MissingKey), with an unknown key (InvalidKey) and with a policy for another prefix', () => {
    expect(check({})).toMatchObject({ ok: false, status: 403, code: 'MissingKey' });
    expect(check(cookies(alice(), { 'CloudFront-Key-Pair-Id': 'KUNKNOWN' }))).toMatchObject({ code: 'InvalidKey' });
    expect(check(cookies(alice()), `${SITE}/media/renditions/bob/01J0000000000000000000000B/thumb.webp`)).toMatchObject({ code: 'AccessDenied' });
    expect(check(cookies(alice()), `${SITE}/media/originals/alice/01J0000000000000000000000A`)).toMatchObject({ code: 'AccessDenied' });
  });

  it('refuses a tampered signature, a policy signed by another key, and a policy changed after signing', () => {
    const good = cookies(alice());
    const signature = good['CloudFront-Signature'] ?? '';
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(check({ ...good, 'CloudFront-Signature': flipped })).toMatchObject({ code: 'AccessDenied' });
    const policy = JSON.stringify({ Statement: [alice()] });
    expect(check({ ...good, 'CloudFront-Signature': sign(policy, OTHER.privateKey) })).toMatchObject({ code: 'AccessDenied' });
    const widened = JSON.stringify({ Statement: [{ ...alice(), Resource: `${SITE}/media/*` }] });
    expect(check({ ...good, 'CloudFront-Policy': safe(Buffer.from(widened)) }, `${SITE}/media/renditions/bob/x.webp`)).toMatchObject({ code: 'AccessDenied' });
  });

  it('refuses a policy past DateLessThan, before DateGreaterThan, or from outside IpAddress', () => {
    expect(check(cookies({ ...alice(), Condition: { DateLessThan: { 'AWS:EpochTime': SECONDS } } }))).toMatchObject({ code: 'AccessDenied' });
    expect(check(cookies(alice({ DateGreaterThan: { 'AWS:EpochTime': SECONDS + 60 } })))).toMatchObject({ code: 'AccessDenied' });
    expect(check(cookies(alice({ DateGreaterThan: { 'AWS:EpochTime': SECONDS - 60 } })))).toMatchObject({ ok: true });
    expect(check(cookies(alice({ IpAddress: { 'AWS:SourceIp': '198.51.100.0/24' } })))).toMatchObject({ code: 'AccessDenied' });
    expect(check(cookies(alice({ IpAddress: { 'AWS:SourceIp': '203.0.113.0/24' } })))).toMatchObject({ ok: true });
  });

  it('refuses a policy without DateLessThan, or that is not JSON', () => {
    expect(check(cookies({ Resource: `${SITE}/media/renditions/alice/*` }))).toMatchObject({ code: 'MalformedPolicy' });
    const notJson = 'not json';
    expect(check({ 'CloudFront-Policy': safe(Buffer.from(notJson)), 'CloudFront-Signature': sign(notJson), 'CloudFront-Key-Pair-Id': KEY.id })).toMatchObject({ code: 'MalformedPolicy' });
  });

  it('takes a signed URL’s parameters over cookies, the canned policy rebuilt from the URL without them', () => {
    const expires = SECONDS + 300;
    const canned = JSON.stringify({ Statement: [{ Resource: THUMB, Condition: { DateLessThan: { 'AWS:EpochTime': expires } } }] });
    const signedUrl = `${THUMB}?Expires=${expires}&Signature=${sign(canned)}&Key-Pair-Id=${KEY.id}`;
    expect(check({}, signedUrl)).toMatchObject({ ok: true });
    // The URL's parameters decide, even next to valid cookies.
    expect(check(cookies(alice()), `${THUMB}?Expires=${expires + 1}&Signature=${sign(canned)}&Key-Pair-Id=${KEY.id}`)).toMatchObject({ code: 'AccessDenied' });
    const custom = JSON.stringify({ Statement: [alice()] });
    expect(check({}, `${THUMB}?Policy=${safe(Buffer.from(custom))}&Signature=${sign(custom)}&Key-Pair-Id=${KEY.id}`)).toMatchObject({ ok: true });
  });
});
