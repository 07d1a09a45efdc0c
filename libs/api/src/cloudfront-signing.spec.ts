import { createVerify, generateKeyPairSync } from 'node:crypto';
import { cloudFrontBase64, customPolicy, fromCloudFrontBase64, signedCookies, signPolicy } from './cloudfront-signing.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RESOURCE = 'https://d111111abcdef8.cloudfront.net/media/renditions/alice/*';
const EXPIRES = new Date('2027-01-01T01:00:00.750Z');

function verifies(policy: string, signature: string, key = publicKey): boolean {
  return createVerify('RSA-SHA1').update(policy, 'utf8').verify(key, fromCloudFrontBase64(signature));
}

describe('customPolicy', () => {
  it('is CloudFront’s custom policy as compact JSON, the expiry in whole epoch seconds', () => {
    const policy = customPolicy({ resource: RESOURCE, expiresAt: EXPIRES });
    expect(policy).toBe(`{"Statement":[{"Resource":"${RESOURCE}","Condition":{"DateLessThan":{"AWS:EpochTime":1798765200}}}]}`);
    expect(policy).not.toMatch(/\s/);
  });

  it('refuses an expiry at or before the epoch', () => {
    expect(() => customPolicy({ resource: RESOURCE, expiresAt: new Date(0) })).toThrow(RangeError);
    expect(() => customPolicy({ resource: RESOURCE, expiresAt: new Date(Number.NaN) })).toThrow(RangeError);
  });
});

describe('cloudFrontBase64', () => {
  it('swaps the characters unsafe in cookies and URLs as CloudFront expects, and back', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x3e, 0x3f]);
    expect(bytes.toString('base64')).toBe('+/+/Pj8=');
    expect(cloudFrontBase64(bytes)).toBe('-~-~Pj8_');
    expect(fromCloudFrontBase64('-~-~Pj8_').equals(bytes)).toBe(true);
  });
});

describe('signPolicy and signedCookies', () => {
  it('signs the policy with RSA-SHA1 so that the public key verifies it', () => {
    const policy = customPolicy({ resource: RESOURCE, expiresAt: EXPIRES });
    const signature = signPolicy(policy, privateKey);
    expect(signature).toMatch(/^[A-Za-z0-9~_-]+$/);
    expect(verifies(policy, signature)).toBe(true);
    expect(verifies(policy.replace('alice', 'bob'), signature)).toBe(false);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(verifies(policy, signature, other)).toBe(false);
  });

  it('gives the three cookies: the encoded policy, its signature and the key pair id', () => {
    const cookies = signedCookies({ resource: RESOURCE, expiresAt: EXPIRES }, { keyPairId: 'K2JCJMDEHXQW5F', privateKey });
    expect(Object.keys(cookies)).toEqual(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id']);
    const policy = fromCloudFrontBase64(cookies['CloudFront-Policy']).toString('utf8');
    expect(JSON.parse(policy)).toEqual({ Statement: [{ Resource: RESOURCE, Condition: { DateLessThan: { 'AWS:EpochTime': 1798765200 } } }] });
    expect(verifies(policy, cookies['CloudFront-Signature'])).toBe(true);
    expect(cookies['CloudFront-Key-Pair-Id']).toBe('K2JCJMDEHXQW5F');
    for (const value of Object.values(cookies)) expect(value).toMatch(/^[A-Za-z0-9~_-]+$/);
  });
});
