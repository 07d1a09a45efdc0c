import { parseAuthorizeRequest, redirectWith } from './authorize.js';
import { OAuthError, UntrustedRedirectError } from './errors.js';
import type { PoolClient } from './types.js';

const client: PoolClient = {
  logicalId: 'GalleryClient',
  clientId: 'gallery-client',
  name: 'gallery',
  callbackUrls: ['https://d111.cloudfront.net/'],
  logoutUrls: ['https://d111.cloudfront.net/'],
  allowedOAuthFlows: ['code'],
  allowedOAuthScopes: ['openid', 'email', 'profile'],
  accessTokenValidityMinutes: 60,
  idTokenValidityMinutes: 60,
  refreshTokenValidityMinutes: 30 * 24 * 60,
};

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function params(overrides: Record<string, string | null> = {}): URLSearchParams {
  const base: Record<string, string | null> = {
    client_id: 'gallery-client',
    redirect_uri: 'https://d111.cloudfront.net/',
    response_type: 'code',
    scope: 'openid email',
    state: 'xyz',
    ...overrides,
  };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(base)) if (value !== null) search.set(key, value);
  return search;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof UntrustedRedirectError) return `untrusted:${error.code}`;
    if (error instanceof OAuthError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('parseAuthorizeRequest', () => {
  it('accepts a registered client and callback and keeps state, scopes and challenge', () => {
    const request = parseAuthorizeRequest(params({ code_challenge: CHALLENGE, code_challenge_method: 'S256' }), [client]);
    expect(request).toMatchObject({ redirectUri: 'https://d111.cloudfront.net/', responseType: 'code', scopes: ['openid', 'email'], state: 'xyz', codeChallenge: CHALLENGE });
  });

  it('grants every allowed scope when none is asked for', () => {
    expect(parseAuthorizeRequest(params({ scope: null }), [client]).scopes).toEqual(['openid', 'email', 'profile']);
  });

  it('refuses, without redirecting, an unknown client or a callback that is not an exact match', () => {
    expect(codeOf(() => parseAuthorizeRequest(params({ client_id: 'other' }), [client]))).toBe('untrusted:invalid_request');
    expect(codeOf(() => parseAuthorizeRequest(params({ redirect_uri: 'https://d111.cloudfront.net' }), [client]))).toBe('untrusted:invalid_request');
    expect(codeOf(() => parseAuthorizeRequest(params({ redirect_uri: 'https://d111.cloudfront.net/callback' }), [client]))).toBe('untrusted:invalid_request');
    expect(codeOf(() => parseAuthorizeRequest(params({ redirect_uri: null }), [client]))).toBe('untrusted:invalid_request');
  });

  it('refuses response types the client does not allow, scopes beyond its list and non-S256 PKCE', () => {
    expect(codeOf(() => parseAuthorizeRequest(params({ response_type: 'token' }), [client]))).toBe('unauthorized_client');
    expect(codeOf(() => parseAuthorizeRequest(params({ response_type: 'id_token' }), [client]))).toBe('unsupported_response_type');
    expect(codeOf(() => parseAuthorizeRequest(params({ scope: 'openid aws.cognito.signin.user.admin' }), [client]))).toBe('invalid_scope');
    expect(codeOf(() => parseAuthorizeRequest(params({ code_challenge: CHALLENGE, code_challenge_method: 'plain' }), [client]))).toBe('invalid_request');
    expect(codeOf(() => parseAuthorizeRequest(params({ code_challenge: 'short', code_challenge_method: 'S256' }), [client]))).toBe('invalid_request');
  });

  it('allows the implicit flow only to clients that list it', () => {
    const implicit = { ...client, allowedOAuthFlows: ['code', 'implicit'] };
    expect(parseAuthorizeRequest(params({ response_type: 'token' }), [implicit]).responseType).toBe('token');
  });
});

describe('redirectWith', () => {
  it('adds to the callback query, or writes the fragment for implicit tokens', () => {
    expect(redirectWith('https://app.example/cb?x=1', { code: 'c', state: undefined })).toBe('https://app.example/cb?x=1&code=c');
    expect(redirectWith('https://app.example/', { access_token: 'a b', state: 's' }, true)).toBe('https://app.example/#access_token=a+b&state=s');
  });
});
