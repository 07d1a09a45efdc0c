import type { JsonWebKeySet } from '../oidc/types.js';
import type { HttpApiSpec } from '../specs.js';
import type { Invoker, SimLog } from '../types.js';

export type ApiRoute = HttpApiSpec['routes'][number];
export type JwtAuthorizerConfig = NonNullable<ApiRoute['authorizer']>;

/** Claims of a verified token, as the token carries them (before the event turns them into strings). */
export type JwtClaims = Record<string, unknown>;

export interface HttpApiOptions {
  api: HttpApiSpec;
  invoker: Invoker;
  /**
   * The issuer's keys, looked up by the authorizer's configured issuer as API Gateway does through
   * `{issuer}/.well-known/openid-configuration`.
   */
  jwks: (issuer: string) => Promise<JsonWebKeySet>;
  /** Replaces the built-in JWT checks; a rejection means 401. */
  verifyJwt?: (token: string, authorizer: JwtAuthorizerConfig) => Promise<JwtClaims>;
  log: SimLog;
  host?: string;
  port?: number;
  now?: () => Date;
  /** API Gateway's payload limit; lower only in tests. */
  maxPayloadBytes?: number;
}

export interface HttpApi {
  /** `http://127.0.0.1:PORT`, standing for `https://{apiId}.execute-api.{region}.amazonaws.com`. */
  url: string;
  close(): Promise<void>;
}
