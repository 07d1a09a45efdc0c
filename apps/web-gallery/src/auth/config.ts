/**
 * Sign-in through an OpenID Connect issuer (authorization code with PKCE). Optional `/config.json`
 * deployed beside the gallery; without it the gallery uses local tokens.
 *
 * - `cognito`: a Cognito user pool's hosted UI at `domain`. Its endpoints are under that domain
 *   (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`, `/logout`), so the page needs to reach
 *   that one origin only, which is what the distribution's CSP allows.
 * - `oidc`: any other issuer, whose endpoints are read from its discovery document at `authority`.
 */
export interface OidcAuthConfig {
  type: 'cognito' | 'oidc';
  /**
   * The issuer (`iss` of its tokens), e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12`.
   * Required for `oidc`; for `cognito` the hosted UI's origin stands in when it is absent.
   */
  authority?: string;
  /** `cognito` only: the hosted UI domain, e.g. `mediaflow.auth.eu-west-1.amazoncognito.com` (with or without https://). */
  domain?: string;
  clientId: string;
  redirectUri: string;
  /** Where the issuer returns after sign-out; defaults to the redirect URI. */
  logoutUri?: string;
  scopes?: string[];
  /** Which token the API's JWT authorizer expects; access tokens are the default. */
  tokenUse?: 'access' | 'id';
  /** Only `code` (with PKCE) is used; the field is accepted for configs written before. */
  responseType?: 'code' | 'token';
}

/** The name this configuration had when only Cognito was supported. */
export type CognitoAuthConfig = OidcAuthConfig;

export interface GalleryConfig {
  auth: { type: 'local' } | OidcAuthConfig;
  apiBaseUrl?: string;
}

export const LOCAL_CONFIG: GalleryConfig = { auth: { type: 'local' } };

const isHttpsUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\/\S+$/.test(value);

/** True when `value` is a usable OpenID Connect sign-in: a Cognito domain or an issuer URL, a client and a redirect URI. */
export function isOidcAuth(value: unknown): value is OidcAuthConfig {
  const v = value as Partial<OidcAuthConfig> | null;
  if (typeof v !== 'object' || v === null || typeof v.clientId !== 'string' || typeof v.redirectUri !== 'string') return false;
  if (v.type === 'cognito') return typeof v.domain === 'string' && v.domain !== '' && (v.authority === undefined || isHttpsUrl(v.authority));
  return v.type === 'oidc' && isHttpsUrl(v.authority);
}

/** Reads `/config.json`; a missing or unusable file means local token sign-in. */
export async function loadConfig(doFetch: typeof fetch = (i, init) => fetch(i, init)): Promise<GalleryConfig> {
  try {
    const response = await doFetch('/config.json', { headers: { accept: 'application/json' }, cache: 'no-cache' });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return LOCAL_CONFIG;
    const body = (await response.json()) as { auth?: unknown; apiBaseUrl?: unknown };
    const config: GalleryConfig = { auth: isOidcAuth(body.auth) ? body.auth : { type: 'local' } };
    if (typeof body.apiBaseUrl === 'string') config.apiBaseUrl = body.apiBaseUrl;
    return config;
  } catch {
    return LOCAL_CONFIG;
  }
}
