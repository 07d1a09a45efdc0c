/**
 * Helpers for tests that sign in through the local issuer the way the gallery does: the hosted UI's
 * form with PKCE S256, then the code exchanged at `/oauth2/token`.
 */
import { randomBytes } from 'node:crypto';
import type { UserPoolSpec } from '../specs.js';
import { s256Challenge } from './pkce.js';
import type { PoolClient } from './types.js';

/** The gallery's callback: the root of its distribution. */
export const GALLERY_CALLBACK = 'https://d111.cloudfront.net/';

/** A user of the pool, signed in by username or email. */
export const alice = { username: 'alice', password: 'Correct-Horse-1!', sub: '5c9a1e2b-0000-4000-8000-000000000001', email: 'alice@example.com' };

export interface UserPoolSpecOptions {
  domain?: string;
  /** Changes to the gallery's client. */
  gallery?: Partial<PoolClient>;
  /** Changes to the pool's other client. */
  other?: Partial<PoolClient>;
}

/**
 * The template's user pool: the gallery's client (`gallery-client`: code flow, `openid email profile`)
 * and another client (`other-client`: code flow, `openid`), both calling back to the gallery with
 * tokens valid for an hour unless `options` say otherwise.
 */
export function userPoolSpec(options: UserPoolSpecOptions = {}): UserPoolSpec {
  return {
    logicalId: 'ApiUserPool',
    id: 'us-east-1_AbCdEf123',
    arn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123',
    providerUrl: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
    ...(options.domain === undefined ? {} : { domain: options.domain }),
    groups: ['moderator'],
    clients: [
      {
        logicalId: 'GalleryClient',
        clientId: 'gallery-client',
        name: 'gallery',
        callbackUrls: [GALLERY_CALLBACK],
        logoutUrls: [GALLERY_CALLBACK],
        allowedOAuthFlows: ['code'],
        allowedOAuthScopes: ['openid', 'email', 'profile'],
        accessTokenValidityMinutes: 60,
        idTokenValidityMinutes: 60,
        refreshTokenValidityMinutes: 30 * 24 * 60,
        ...options.gallery,
      },
      {
        logicalId: 'OtherClient',
        clientId: 'other-client',
        name: 'other',
        callbackUrls: [GALLERY_CALLBACK],
        logoutUrls: [],
        allowedOAuthFlows: ['code'],
        allowedOAuthScopes: ['openid'],
        accessTokenValidityMinutes: 60,
        idTokenValidityMinutes: 60,
        refreshTokenValidityMinutes: 30 * 24 * 60,
        ...options.other,
      },
    ],
  };
}

export interface PkceSignIn {
  issuerUrl: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
  scope?: string;
}

export interface AuthorizationCode {
  code: string;
  state: string;
  verifier: string;
}

/** The authorize form posted with the user's password; answers the code from the redirect. */
export async function authorizeWithPkce(signIn: PkceSignIn): Promise<AuthorizationCode> {
  const verifier = randomBytes(48).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const form = new URLSearchParams({
    client_id: signIn.clientId,
    redirect_uri: signIn.redirectUri,
    response_type: 'code',
    scope: signIn.scope ?? 'openid email profile',
    state,
    code_challenge_method: 'S256',
    code_challenge: s256Challenge(verifier),
    username: signIn.username,
    password: signIn.password,
  });
  const response = await fetch(`${signIn.issuerUrl}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) throw new Error(`The sign-in was refused (${response.status}).`);
  const redirect = new URL(location);
  const code = redirect.searchParams.get('code');
  if (code === null) throw new Error(`The sign-in redirected without a code: ${location}`);
  return { code, state: redirect.searchParams.get('state') ?? '', verifier };
}

/** The token request the gallery sends after the redirect. */
export function exchangeCode(signIn: Pick<PkceSignIn, 'issuerUrl' | 'clientId' | 'redirectUri'>, code: string, verifier: string): Promise<Response> {
  return fetch(`${signIn.issuerUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: signIn.clientId, code, redirect_uri: signIn.redirectUri, code_verifier: verifier }).toString(),
  });
}

/** The whole sign-in; answers the token response's JSON. */
export async function signInWithPkce(signIn: PkceSignIn): Promise<{ access_token: string; id_token?: string; refresh_token: string }> {
  const { code, verifier } = await authorizeWithPkce(signIn);
  const response = await exchangeCode(signIn, code, verifier);
  if (!response.ok) throw new Error(`The code exchange was refused (${response.status}): ${await response.text()}`);
  return (await response.json()) as { access_token: string; id_token?: string; refresh_token: string };
}

/** The claims of a JWT, unchecked, for assertions. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
