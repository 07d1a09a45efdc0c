import { createVerify, generateKeyPairSync } from 'node:crypto';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens } from './auth.js';
import { fromCloudFrontBase64 } from './cloudfront-signing.js';
import { LocalTokens } from './local-tokens.js';
import { CloudFrontMediaAccess, type MediaAccessSigner } from './media-access.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const BASE = 'https://d111111abcdef8.cloudfront.net/media';
const NOW = new Date('2027-01-01T00:00:00.400Z');

function cookiesOf(lines: readonly string[]): Record<string, { value: string; attributes: string[] }> {
  return Object.fromEntries(
    lines.map((line) => {
      const [pair = '', ...attributes] = line.split('; ');
      const equals = pair.indexOf('=');
      return [pair.slice(0, equals), { value: pair.slice(equals + 1), attributes }];
    }),
  );
}

describe('CloudFrontMediaAccess', () => {
  it('grants cookies for the owner’s own renditions only, signed with the key, for the lifetime', async () => {
    const signer = new CloudFrontMediaAccess({ keyPairId: 'K2JCJMDEHXQW5F', loadPrivateKey: async () => PEM, mediaBaseUrl: BASE, lifetimeSeconds: 600 });
    const grant = await signer.grant('alice', NOW);
    expect(grant.expiresAt.toISOString()).toBe('2027-01-01T00:10:00.000Z');
    const cookies = cookiesOf(grant.cookies);
    expect(Object.keys(cookies)).toEqual(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id']);
    for (const { attributes } of Object.values(cookies)) expect(attributes).toEqual(['Path=/media/', 'Max-Age=600', 'Secure', 'HttpOnly', 'SameSite=Lax']);
    const policy = fromCloudFrontBase64(cookies['CloudFront-Policy']?.value ?? '').toString('utf8');
    expect(JSON.parse(policy)).toEqual({ Statement: [{ Resource: `${BASE}/renditions/alice/*`, Condition: { DateLessThan: { 'AWS:EpochTime': Date.parse('2027-01-01T00:10:00Z') / 1000 } } }] });
    const signature = fromCloudFrontBase64(cookies['CloudFront-Signature']?.value ?? '');
    expect(createVerify('RSA-SHA1').update(policy).verify(publicKey, signature)).toBe(true);
    expect(cookies['CloudFront-Key-Pair-Id']?.value).toBe('K2JCJMDEHXQW5F');
  });

  it('lasts an hour by default and loads the key once', async () => {
    const load = jest.fn(async () => PEM);
    const signer = new CloudFrontMediaAccess({ keyPairId: 'K1', loadPrivateKey: load, mediaBaseUrl: `${BASE}/` });
    expect((await signer.grant('alice', NOW)).expiresAt.toISOString()).toBe('2027-01-01T01:00:00.000Z');
    await signer.grant('bob', NOW);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('tries the key again after a failed load, and says nothing of the key in the error', async () => {
    const load = jest.fn<Promise<string>, []>().mockRejectedValueOnce(new Error('throttled')).mockResolvedValue(PEM);
    const signer = new CloudFrontMediaAccess({ keyPairId: 'K1', loadPrivateKey: load, mediaBaseUrl: BASE });
    await expect(signer.grant('alice', NOW)).rejects.toThrow('the media signing key could not be loaded');
    await expect(signer.grant('alice', NOW)).resolves.toHaveProperty('cookies');
  });

  it('refuses an owner id that would widen the policy, a lifetime out of range and a plain-HTTP base', async () => {
    const signer = new CloudFrontMediaAccess({ keyPairId: 'K1', loadPrivateKey: async () => PEM, mediaBaseUrl: BASE });
    for (const owner of ['*', 'alice/*', 'a?', '']) await expect(signer.grant(owner, NOW)).rejects.toThrow();
    for (const lifetimeSeconds of [59, 86_401, 1.5]) expect(() => new CloudFrontMediaAccess({ keyPairId: 'K1', loadPrivateKey: async () => PEM, mediaBaseUrl: BASE, lifetimeSeconds })).toThrow(RangeError);
    expect(() => new CloudFrontMediaAccess({ keyPairId: 'K1', loadPrivateKey: async () => PEM, mediaBaseUrl: 'http://localhost/media' })).toThrow(/https/);
  });
});

describe('POST /api/v1/media-access', () => {
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7) });
  const deps = inMemoryDeps();
  const call = (mediaAccess?: MediaAccessSigner, token: string | null = tokens.issue('alice')) => {
    const app = createApi({ deps, verifier: bearerTokens(tokens), ...(mediaAccess === undefined ? {} : { mediaAccess }) });
    return app.request('/api/v1/media-access', { method: 'POST', headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  };

  it('answers expiresAt null and sets no cookie without a signer (the local server)', async () => {
    const res = await call();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ expiresAt: null });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('sets the signer’s cookies for the caller and says until when (by the service’s clock), never cached', async () => {
    const grant = jest.fn(async (ownerId: string, now: Date) => ({ expiresAt: new Date(now.getTime() + 3_600_000), cookies: [`CloudFront-Policy=${ownerId}; Path=/media/`, 'CloudFront-Signature=s; Path=/media/', 'CloudFront-Key-Pair-Id=K; Path=/media/'] }));
    const res = await call({ grant });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ expiresAt: new Date(deps.clock.now().getTime() + 3_600_000).toISOString() });
    expect(res.headers.getSetCookie()).toEqual(['CloudFront-Policy=alice; Path=/media/', 'CloudFront-Signature=s; Path=/media/', 'CloudFront-Key-Pair-Id=K; Path=/media/']);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(grant).toHaveBeenCalledWith('alice', deps.clock.now());
  });

  it('needs a signed-in caller', async () => {
    const grant = jest.fn();
    expect((await call({ grant }, null)).status).toBe(401);
    expect(grant).not.toHaveBeenCalled();
  });
});
