/**
 * Token contents shaped like Cognito's, so what the API and the gallery read from a token here is what
 * they read in the cloud: the access token carries `client_id` and no `aud`, the ID token the reverse.
 */
import { randomUUID } from 'node:crypto';
import { signJwt } from './jwt.js';
import type { SigningKey } from './keys.js';
import type { PoolClient, SimUser } from './types.js';

/** One sign-in of a user to a client; refreshes keep its `origin_jti` and `auth_time`. */
export interface Session {
  user: SimUser;
  client: PoolClient;
  scopes: string[];
  /** Seconds since the epoch. */
  authTime: number;
  originJti: string;
  nonce?: string;
}

export function newSession(user: SimUser, client: PoolClient, scopes: string[], authTime: number, nonce?: string): Session {
  const session: Session = { user, client, scopes, authTime, originJti: randomUUID() };
  if (nonce !== undefined) session.nonce = nonce;
  return session;
}

/** Cognito names a member's groups in both tokens, and leaves the claim out for a user in none. */
function groupClaims(user: SimUser): Record<string, unknown> {
  return user.groups !== undefined && user.groups.length > 0 ? { 'cognito:groups': [...user.groups] } : {};
}

/** How long an access token of the session's client lives, in seconds: the client's validity. */
export function accessTokenSeconds(session: Session): number {
  return session.client.accessTokenValidityMinutes * 60;
}

export function accessTokenClaims(session: Session, issuer: string, iat: number, eventId: string, lifetimeSeconds = accessTokenSeconds(session)): Record<string, unknown> {
  return {
    sub: session.user.sub,
    ...groupClaims(session.user),
    iss: issuer,
    client_id: session.client.clientId,
    origin_jti: session.originJti,
    event_id: eventId,
    token_use: 'access',
    scope: session.scopes.join(' '),
    auth_time: session.authTime,
    exp: iat + lifetimeSeconds,
    iat,
    jti: randomUUID(),
    username: session.user.username,
    version: 2,
  };
}

export function idTokenClaims(session: Session, issuer: string, iat: number, eventId: string): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: session.user.sub,
    ...groupClaims(session.user),
    aud: session.client.clientId,
  };
  if (session.user.email !== undefined) {
    claims['email'] = session.user.email;
    // Sign-in by email in the template's pool auto-verifies it.
    claims['email_verified'] = true;
  }
  Object.assign(claims, {
    token_use: 'id',
    'cognito:username': session.user.username,
    iss: issuer,
    origin_jti: session.originJti,
    event_id: eventId,
    auth_time: session.authTime,
    exp: iat + session.client.idTokenValidityMinutes * 60,
    iat,
    jti: randomUUID(),
  });
  if (session.nonce !== undefined) claims['nonce'] = session.nonce;
  return claims;
}

export interface MintedTokens {
  access_token: string;
  /** Absent when the sign-in did not ask for `openid`, as Cognito does. */
  id_token?: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** `accessSeconds` overrides the client's access token validity (the simulator's short-lived tokens). */
export function mintTokens(session: Session, issuer: string, key: SigningKey, now: Date, withIdToken: boolean, accessSeconds = accessTokenSeconds(session)): MintedTokens {
  const iat = Math.floor(now.getTime() / 1000);
  const eventId = randomUUID();
  const minted: MintedTokens = {
    access_token: signJwt(accessTokenClaims(session, issuer, iat, eventId, accessSeconds), key),
    token_type: 'Bearer',
    expires_in: accessSeconds,
  };
  if (withIdToken) minted.id_token = signJwt(idTokenClaims(session, issuer, iat, eventId), key);
  return minted;
}
