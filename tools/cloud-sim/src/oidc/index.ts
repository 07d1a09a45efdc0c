export { startIssuer } from './server.js';
export { OAuthError, UntrustedRedirectError, type OAuthErrorCode } from './errors.js';
export { decodeJwt, signatureValid, MalformedJwtError, type DecodedJwt } from './jwt.js';
export { s256Challenge } from './pkce.js';
export type { Issuer, IssuerOptions, JsonWebKeySet, PublicJwk, SimUser, SimUserInput, TokenSet } from './types.js';
