/**
 * Checks of an `/oauth2/authorize` request against the app client, the ones Cognito makes before it
 * shows the sign-in page. The same checks run again when the form is posted, since the posted fields
 * come back from the browser and are not to be trusted.
 */
import { OAuthError, UntrustedRedirectError } from './errors.js';
import type { PoolClient } from './types.js';

export interface AuthorizeRequest {
  client: PoolClient;
  redirectUri: string;
  /** `code` (with or without PKCE) or `token` (the implicit flow). */
  responseType: 'code' | 'token';
  scopes: string[];
  state?: string;
  nonce?: string;
  /** An S256 challenge; Cognito does not require PKCE, but checks it whenever one was sent. */
  codeChallenge?: string;
}

/** The authorize parameters a sign-in form carries through the POST. */
export const AUTHORIZE_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'] as const;

/** Which `AllowedOAuthFlows` entry a response type needs. */
const FLOW_OF: Record<string, string> = { code: 'code', token: 'implicit' };

/**
 * Reads and checks the parameters. Throws `UntrustedRedirectError` when the client or redirect URI is
 * not registered (the caller must not redirect), `OAuthError` for anything to report to the client.
 */
export function parseAuthorizeRequest(params: URLSearchParams, clients: readonly PoolClient[]): AuthorizeRequest {
  const clientId = params.get('client_id');
  const client = clients.find((candidate) => candidate.clientId === clientId);
  if (!client) throw new UntrustedRedirectError('Unknown client_id.');
  const redirectUri = params.get('redirect_uri');
  // Cognito compares callback URLs as exact strings: no prefix, trailing-slash or case leniency.
  if (redirectUri === null || !client.callbackUrls.includes(redirectUri)) {
    throw new UntrustedRedirectError('redirect_uri is not one of the app client\'s callback URLs.');
  }
  const request: AuthorizeRequest = { client, redirectUri, responseType: 'code', scopes: [] };
  const state = params.get('state');
  if (state !== null) request.state = state;
  const nonce = params.get('nonce');
  if (nonce !== null) request.nonce = nonce;

  const responseType = params.get('response_type');
  if (responseType !== 'code' && responseType !== 'token') {
    throw new OAuthError('unsupported_response_type', 'response_type must be code or token.');
  }
  if (!client.allowedOAuthFlows.includes(FLOW_OF[responseType] as string)) {
    throw new OAuthError('unauthorized_client', `The app client does not allow the ${responseType} response type.`);
  }
  request.responseType = responseType;

  const requested = (params.get('scope') ?? '').split(' ').filter((scope) => scope !== '');
  const refused = requested.filter((scope) => !client.allowedOAuthScopes.includes(scope));
  if (refused.length > 0) throw new OAuthError('invalid_scope', `Scopes not allowed for the app client: ${refused.join(' ')}.`);
  request.scopes = requested.length > 0 ? [...new Set(requested)] : [...client.allowedOAuthScopes];

  const challenge = params.get('code_challenge');
  if (challenge !== null) {
    if (responseType !== 'code') throw new OAuthError('invalid_request', 'code_challenge is only meaningful with response_type=code.');
    if (params.get('code_challenge_method') !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256.');
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw new OAuthError('invalid_request', 'code_challenge is not an S256 challenge.');
    request.codeChallenge = challenge;
  }
  return request;
}

/** Where the browser goes with the outcome: the query for codes and errors, the fragment for implicit tokens. */
export function redirectWith(redirectUri: string, values: Record<string, string | undefined>, inFragment = false): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, value);
  const url = new URL(redirectUri);
  if (inFragment) url.hash = params.toString();
  else for (const [key, value] of params) url.searchParams.append(key, value);
  return url.toString();
}
