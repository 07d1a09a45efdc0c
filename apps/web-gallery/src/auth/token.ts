/** What the gallery reads from a JWT's payload. It never verifies: the API does that. */
export interface TokenClaims {
  sub?: string;
  exp?: number;
  name?: string;
  email?: string;
  'cognito:username'?: string;
  preferred_username?: string;
}

function base64UrlDecode(text: string): string {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  // UTF-8 bytes to text without TextDecoder (absent in some test environments).
  return decodeURIComponent(Array.from(binary, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''));
}

/** The claims of a JWT, or `null` when it is not one. */
export function decodeClaims(token: string): TokenClaims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(base64UrlDecode(payload)) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as TokenClaims) : null;
  } catch {
    return null;
  }
}

/** True when the token says it has expired (with a minute of slack for clock skew). */
export function isExpired(claims: TokenClaims | null, now = Date.now()): boolean {
  return typeof claims?.exp === 'number' && claims.exp * 1000 < now - 60_000;
}

/** A bearer token as people paste it: trims whitespace, a `Bearer ` prefix and quotes. */
export function cleanPastedToken(raw: string): string {
  return raw.trim().replace(/^Bearer\s+/i, '').replace(/^["']|["']$/g, '').trim();
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeJwt(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
