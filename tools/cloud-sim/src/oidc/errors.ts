/**
 * Refusals of the issuer, spelled as OAuth 2.0 errors (RFC 6749 section 5.2 and 4.1.2.1). The HTTP layer
 * decides how each reaches the caller: a JSON body at the token endpoint, a redirect back to the
 * client from the authorize endpoint, or an error page when the redirect target itself is not trusted.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'unsupported_token_type'
  | 'access_denied';

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${description}`, options);
    this.name = 'OAuthError';
  }
}

/**
 * The client or its redirect URI is unknown: redirecting there would hand a code (or an error) to
 * whoever registered nothing, so Cognito shows an error page instead, and so does the issuer.
 */
export class UntrustedRedirectError extends OAuthError {
  constructor(description: string, options?: ErrorOptions) {
    super('invalid_request', description, options);
    this.name = 'UntrustedRedirectError';
  }
}
