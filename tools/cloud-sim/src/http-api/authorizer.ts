/**
 * The JWT authorizer of HTTP APIs: the token from the identity source, an RS256 signature by a key of
 * the issuer's JWKS (by `kid`), `iss` equal to the configured issuer, `exp`/`nbf`/`iat` against the
 * clock, and the audience: `aud` when the token has one (ID tokens), else `client_id` (Cognito access
 * tokens). Route scopes need at least one of them in the token's `scope`.
 */
import { decodeJwt, MalformedJwtError, signatureValid } from '../oidc/jwt.js';
import type { JsonWebKeySet } from '../oidc/types.js';
import { InsufficientScopeError, UnauthorizedError } from './errors.js';
import type { JwtAuthorizerConfig, JwtClaims } from './types.js';

/**
 * The token the identity source names. Only `$request.header.X` sources are read, which is what JWT
 * authorizers allow; a `Bearer ` prefix is dropped as API Gateway does.
 */
export function identityToken(identitySource: readonly string[], headers: Record<string, string>): string | undefined {
  for (const source of identitySource) {
    const header = /^\$request\.header\.(.+)$/.exec(source)?.[1];
    if (header === undefined) continue;
    const value = headers[header.toLowerCase()]?.trim();
    if (value) return value.replace(/^Bearer\s+/i, '');
  }
  return undefined;
}

function audiences(claims: JwtClaims): unknown[] {
  const aud = claims['aud'];
  if (aud !== undefined) return Array.isArray(aud) ? aud : [aud];
  return claims['client_id'] === undefined ? [] : [claims['client_id']];
}

/** Verifies the token against the authorizer's configuration; throws `UnauthorizedError` when it fails. */
export async function verifyJwtToken(
  token: string,
  authorizer: JwtAuthorizerConfig,
  jwks: (issuer: string) => Promise<JsonWebKeySet>,
  now: Date,
): Promise<JwtClaims> {
  let jwt;
  try {
    jwt = decodeJwt(token);
  } catch (error) {
    if (error instanceof MalformedJwtError) throw new UnauthorizedError('the token is malformed', { cause: error });
    throw error;
  }
  if (jwt.header['alg'] !== 'RS256') throw new UnauthorizedError(`signing method ${String(jwt.header['alg'])} is invalid`);
  const kid = jwt.header['kid'];
  let keys: JsonWebKeySet;
  try {
    keys = await jwks(authorizer.issuer);
  } catch (error) {
    throw new UnauthorizedError(`unable to fetch the JWKS of ${authorizer.issuer}`, { cause: error });
  }
  const key = keys.keys.find((candidate) => candidate.kid === kid);
  if (typeof kid !== 'string' || !key) throw new UnauthorizedError('the token\'s kid is not in the issuer\'s JWKS');
  if (!signatureValid(jwt, key)) throw new UnauthorizedError('the token\'s signature is invalid');

  const claims = jwt.payload;
  if (claims['iss'] !== authorizer.issuer) throw new UnauthorizedError('the token does not have a valid issuer');
  const seconds = now.getTime() / 1000;
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp <= seconds) throw new UnauthorizedError('the token has expired');
  const nbf = claims['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > seconds)) throw new UnauthorizedError('the token is not valid yet');
  const iat = claims['iat'];
  if (iat !== undefined && (typeof iat !== 'number' || iat > seconds)) throw new UnauthorizedError('the token was issued in the future');
  if (!audiences(claims).some((audience) => typeof audience === 'string' && authorizer.audience.includes(audience))) {
    throw new UnauthorizedError('the token does not have a valid audience');
  }
  return claims;
}

/** The token's scopes (`scope`, space separated), or `null` when it has none, as the event carries them. */
export function tokenScopes(claims: JwtClaims): string[] | null {
  const scope = claims['scope'];
  if (typeof scope !== 'string' || scope.trim() === '') return null;
  return scope.split(' ').filter((item) => item !== '');
}

/** A route with authorization scopes needs at least one of them in the token. */
export function checkScopes(required: readonly string[] | undefined, scopes: readonly string[] | null): void {
  if (!required || required.length === 0) return;
  if (!scopes?.some((scope) => required.includes(scope))) throw new InsufficientScopeError(required);
}
