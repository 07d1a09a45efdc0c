/** Optional `/config.json` deployed beside the gallery; without it the gallery uses local tokens. */
export interface CognitoAuthConfig {
  type: 'cognito';
  /** The hosted UI domain, e.g. `mediaflow.auth.eu-west-1.amazoncognito.com` (with or without https://). */
  domain: string;
  clientId: string;
  redirectUri: string;
  /** Where the hosted UI returns after sign-out; defaults to the redirect URI. */
  logoutUri?: string;
  scopes?: string[];
  /** Which token the API's JWT authorizer expects; access tokens are the default. */
  tokenUse?: 'access' | 'id';
  /** `code` (PKCE, the default) or `token` (the implicit flow, for old app clients). */
  responseType?: 'code' | 'token';
}

export interface GalleryConfig {
  auth: { type: 'local' } | CognitoAuthConfig;
  apiBaseUrl?: string;
}

export const LOCAL_CONFIG: GalleryConfig = { auth: { type: 'local' } };

function isCognito(value: unknown): value is CognitoAuthConfig {
  const v = value as Partial<CognitoAuthConfig> | null;
  return (
    typeof v === 'object' && v !== null && v.type === 'cognito' &&
    typeof v.domain === 'string' && typeof v.clientId === 'string' && typeof v.redirectUri === 'string'
  );
}

/** Reads `/config.json`; a missing or unusable file means local token sign-in. */
export async function loadConfig(doFetch: typeof fetch = (i, init) => fetch(i, init)): Promise<GalleryConfig> {
  try {
    const response = await doFetch('/config.json', { headers: { accept: 'application/json' }, cache: 'no-cache' });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return LOCAL_CONFIG;
    const body = (await response.json()) as { auth?: unknown; apiBaseUrl?: unknown };
    const config: GalleryConfig = { auth: isCognito(body.auth) ? body.auth : { type: 'local' } };
    if (typeof body.apiBaseUrl === 'string') config.apiBaseUrl = body.apiBaseUrl;
    return config;
  } catch {
    return LOCAL_CONFIG;
  }
}
