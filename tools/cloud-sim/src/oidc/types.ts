import type { JsonWebKey } from 'node:crypto';
import type { UserPoolSpec } from '../specs.js';

/** A public signing key as a JWKS publishes it. */
export type PublicJwk = JsonWebKey & { kid?: string; alg?: string; use?: string };

/** `/.well-known/jwks.json`. */
export interface JsonWebKeySet {
  keys: PublicJwk[];
}

/** A user of the pool, signed in with the hosted UI by username or email. */
export interface SimUser {
  username: string;
  password: string;
  sub: string;
  email?: string;
  /** Groups of the pool the user is a member of: the `cognito:groups` claim. */
  groups?: string[];
}

export type SimUserInput = Omit<SimUser, 'sub'> & { sub?: string };

export type PoolClient = UserPoolSpec['clients'][number];

/** What `/oauth2/token` answers (and `tokensFor` mints without the sign-in). */
export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface IssuerOptions {
  pool: UserPoolSpec;
  users?: SimUserInput[];
  /**
   * The `iss` of every token. Defaults to `https://{pool.providerUrl}`, the issuer the template's JWT
   * authorizer names, so tokens of the local issuer pass the authorizer unchanged.
   */
  issuer?: string;
  host?: string;
  port?: number;
  now?: () => Date;
  /**
   * Seconds every access token lives, whatever the app client says: a test of a session that
   * outlives its access token sets a short one (also {@link Issuer.setAccessTokenLifetime}).
   */
  accessTokenSeconds?: number;
}

/** One answer of the token endpoint, as the issuer logs it for tests. */
export interface IssuedTokens {
  grant: 'authorization_code' | 'refresh_token';
  clientId: string;
  sub: string;
  /** The access token's `jti`. */
  jti: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresIn: number;
}

/** One call of the revocation endpoint: what it was asked and what it answered. */
export interface RevocationRecord {
  clientId: string | null;
  /** `revoked`, `unknown` (answered 200 all the same, as RFC 7009 says) or the error code. */
  outcome: 'revoked' | 'unknown' | string;
  status: number;
}

export interface Issuer {
  /** The user pool the issuer stands for. */
  pool: UserPoolSpec;
  /** Where the issuer listens (`http://127.0.0.1:PORT`), without a trailing slash. */
  url: string;
  /** The `iss` its tokens carry. */
  issuer: string;
  /** The keys `/.well-known/jwks.json` serves, for verifying without HTTP. */
  jwks(): JsonWebKeySet;
  addUser(user: SimUserInput): SimUser;
  /**
   * Removes a user (by `sub`, username or email), as `AdminDeleteUser` does: they can no longer sign
   * in, and their codes and refresh tokens stop working. The removed user, or undefined when none.
   */
  deleteUser(name: string): SimUser | undefined;
  /**
   * Changes how long the access tokens issued from now on live (seconds), for every client;
   * `undefined` goes back to each app client's validity.
   */
  setAccessTokenLifetime(seconds: number | undefined): void;
  /** What the token endpoint issued so far, oldest first: sign-ins and refreshes. */
  issued(): IssuedTokens[];
  /** The calls of the revocation endpoint so far, oldest first. */
  revocations(): RevocationRecord[];
  /** Tokens for a user as if they had signed in through the hosted UI with every scope the client allows. */
  tokensFor(username: string, clientId: string): Promise<TokenSet>;
  close(): Promise<void>;
}
