import type { CognitoAuthConfig } from './config';

const PENDING_KEY = 'mediaflow.pkce';

function origin(config: CognitoAuthConfig): string {
  return /^https?:\/\//.test(config.domain) ? config.domain.replace(/\/+$/, '') : `https://${config.domain}`;
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** RFC 7636 S256 challenge for a verifier. */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/**
 * The hosted UI's authorize URL. For the code flow the verifier and state are kept in
 * sessionStorage until the redirect comes back.
 */
export async function authorizeUrl(config: CognitoAuthConfig, storage: Pick<Storage, 'setItem'> = sessionStorage): Promise<string> {
  const state = randomString(16);
  const params = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: (config.scopes ?? ['openid', 'email', 'profile']).join(' '),
    state,
  });
  if ((config.responseType ?? 'code') === 'code') {
    const verifier = randomString(48);
    params.set('response_type', 'code');
    params.set('code_challenge_method', 'S256');
    params.set('code_challenge', await pkceChallenge(verifier));
    storage.setItem(PENDING_KEY, JSON.stringify({ state, verifier }));
  } else {
    params.set('response_type', 'token');
    storage.setItem(PENDING_KEY, JSON.stringify({ state }));
  }
  return `${origin(config)}/oauth2/authorize?${params.toString()}`;
}

export function logoutUrl(config: CognitoAuthConfig): string {
  const params = new URLSearchParams({ client_id: config.clientId, logout_uri: config.logoutUri ?? config.redirectUri });
  return `${origin(config)}/logout?${params.toString()}`;
}

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

/**
 * Finishes a hosted-UI redirect: exchanges `?code=` (PKCE) at the token endpoint, or reads an
 * implicit-flow `#access_token=`. Returns the token to use, or `null` when the URL is not a
 * redirect. Cleans the URL either way.
 */
export async function completeRedirect(
  config: CognitoAuthConfig,
  env: {
    location: Pick<Location, 'search' | 'hash' | 'pathname'>;
    history: Pick<History, 'replaceState'>;
    storage: Pick<Storage, 'getItem' | 'removeItem'>;
    fetch: typeof fetch;
  },
): Promise<string | null> {
  const query = new URLSearchParams(env.location.search);
  const fragment = new URLSearchParams(env.location.hash.replace(/^#/, ''));
  const returned = query.get('state') ?? fragment.get('state');
  const code = query.get('code');
  const error = query.get('error') ?? fragment.get('error');
  if (!returned && !error) return null;
  env.history.replaceState(null, '', env.location.pathname);
  const pending = JSON.parse(env.storage.getItem(PENDING_KEY) ?? 'null') as { state: string; verifier?: string } | null;
  env.storage.removeItem(PENDING_KEY);
  if (error) throw new SignInError(`Sign-in was not completed: ${query.get('error_description') ?? fragment.get('error_description') ?? error}`);
  if (!pending || pending.state !== returned) throw new SignInError('This sign-in link is stale or was not started here. Sign in again.');
  const tokenUse = config.tokenUse ?? 'access';
  if (code) {
    if (!pending.verifier) throw new SignInError('Sign-in was started without PKCE. Sign in again.');
    const response = await env.fetch(`${origin(config)}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code,
        redirect_uri: config.redirectUri,
        code_verifier: pending.verifier,
      }).toString(),
    });
    if (!response.ok) throw new SignInError(`The sign-in service refused the code (${response.status}). Sign in again.`);
    const tokens = (await response.json()) as { access_token?: string; id_token?: string };
    const token = tokenUse === 'id' ? tokens.id_token : tokens.access_token;
    if (!token) throw new SignInError('The sign-in service returned no token.');
    return token;
  }
  const token = fragment.get(tokenUse === 'id' ? 'id_token' : 'access_token');
  if (!token) throw new SignInError('The sign-in service returned no token.');
  return token;
}
