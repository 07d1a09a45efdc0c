import { signJwt } from '../oidc/jwt.js';
import { createSigningKey, type SigningKey } from '../oidc/keys.js';
import type { JsonWebKeySet } from '../oidc/types.js';
import { checkScopes, identityToken, tokenScopes, verifyJwtToken } from './authorizer.js';
import { InsufficientScopeError, UnauthorizedError } from './errors.js';
import type { JwtAuthorizerConfig } from './types.js';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';
const authorizer: JwtAuthorizerConfig = { issuer: ISSUER, audience: ['gallery-client'], identitySource: ['$request.header.Authorization'] };
const now = new Date('2025-06-01T12:00:00Z');
const seconds = now.getTime() / 1000;

describe('verifyJwtToken', () => {
  let key: SigningKey;
  let otherKey: SigningKey;
  let jwks: (issuer: string) => Promise<JsonWebKeySet>;

  beforeAll(async () => {
    [key, otherKey] = await Promise.all([createSigningKey(), createSigningKey()]);
    jwks = async (issuer) => {
      if (issuer !== ISSUER) throw new Error(`unknown issuer ${issuer}`);
      return { keys: [key.publicJwk] };
    };
  });

  const access = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    sub: 'u1', iss: ISSUER, client_id: 'gallery-client', token_use: 'access', scope: 'openid email', iat: seconds - 10, exp: seconds + 3600, ...overrides,
  });
  const reason = async (token: string): Promise<string> => {
    try {
      await verifyJwtToken(token, authorizer, jwks, now);
      return 'accepted';
    } catch (error) {
      if (error instanceof UnauthorizedError) return error.message;
      throw error;
    }
  };

  it('accepts a Cognito access token by client_id and answers its claims', async () => {
    await expect(verifyJwtToken(signJwt(access(), key), authorizer, jwks, now)).resolves.toMatchObject({ sub: 'u1', client_id: 'gallery-client' });
  });

  it('checks aud rather than client_id when the token has one (ID tokens)', async () => {
    expect(await reason(signJwt({ ...access({ client_id: undefined }), aud: 'gallery-client', token_use: 'id' }, key))).toBe('accepted');
    expect(await reason(signJwt({ ...access(), aud: 'another-client' }, key))).toBe('the token does not have a valid audience');
    expect(await reason(signJwt({ ...access(), aud: ['x', 'gallery-client'] }, key))).toBe('accepted');
  });

  it('refuses expired, not yet valid, foreign, wrongly addressed and wrongly signed tokens', async () => {
    expect(await reason(signJwt(access({ exp: seconds }), key))).toBe('the token has expired');
    expect(await reason(signJwt(access({ exp: undefined }), key))).toBe('the token has expired');
    expect(await reason(signJwt(access({ nbf: seconds + 60 }), key))).toBe('the token is not valid yet');
    expect(await reason(signJwt(access({ iat: seconds + 60 }), key))).toBe('the token was issued in the future');
    expect(await reason(signJwt(access({ iss: `${ISSUER}/` }), key))).toBe('the token does not have a valid issuer');
    expect(await reason(signJwt(access({ client_id: 'other' }), key))).toBe('the token does not have a valid audience');
    expect(await reason(signJwt(access(), otherKey))).toBe('the token\'s kid is not in the issuer\'s JWKS');
    expect(await reason(signJwt(access(), { kid: key.kid, privateKey: otherKey.privateKey }))).toBe('the token\'s signature is invalid');
    expect(await reason('not.a.jwt!')).toBe('the token is malformed');
  });

  it('refuses unsigned tokens', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(access())).toString('base64url');
    expect(await reason(`${header}.${payload}.`)).toBe('signing method none is invalid');
  });

  it('refuses every token when the issuer\'s keys cannot be had', async () => {
    const elsewhere = { ...authorizer, issuer: 'https://elsewhere.example' };
    await expect(verifyJwtToken(signJwt(access({ iss: elsewhere.issuer }), key), elsewhere, jwks, now)).rejects.toThrow('unable to fetch the JWKS');
  });
});

describe('authorizer helpers', () => {
  it('reads the token from the identity source, with or without Bearer', () => {
    const source = ['$request.header.Authorization'];
    expect(identityToken(source, { authorization: 'Bearer abc' })).toBe('abc');
    expect(identityToken(source, { authorization: 'abc' })).toBe('abc');
    expect(identityToken(source, { authorization: '  ' })).toBeUndefined();
    expect(identityToken(source, {})).toBeUndefined();
  });

  it('needs one of the route\'s scopes when it has any', () => {
    expect(tokenScopes({ scope: 'openid email' })).toEqual(['openid', 'email']);
    expect(tokenScopes({})).toBeNull();
    expect(() => checkScopes(undefined, null)).not.toThrow();
    expect(() => checkScopes(['email', 'media/write'], ['openid', 'email'])).not.toThrow();
    expect(() => checkScopes(['media/write'], ['openid'])).toThrow(InsufficientScopeError);
    expect(() => checkScopes(['media/write'], null)).toThrow(InsufficientScopeError);
  });
});
