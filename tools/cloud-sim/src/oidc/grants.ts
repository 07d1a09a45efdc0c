/**
 * Authorization codes and refresh tokens: opaque random strings mapped to what they were issued for.
 * Kept in memory; the issuer's state lives as long as the process, like the rest of the simulated stage.
 */
import { randomBytes } from 'node:crypto';
import type { Session } from './tokens.js';

/** Cognito's authorization codes are valid for five minutes. */
export const CODE_TTL_MS = 5 * 60 * 1000;

export interface CodeGrant {
  session: Session;
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
}

interface RefreshGrant {
  session: Session;
  expiresAt: number;
}

function opaque(): string {
  return randomBytes(32).toString('base64url');
}

/** What revoking a refresh token did. */
export type Revocation = 'revoked' | 'unknown' | 'other-client';

export class GrantStore {
  readonly #codes = new Map<string, CodeGrant>();
  readonly #refresh = new Map<string, RefreshGrant>();
  /** The sign-ins (`origin_jti`) whose refresh token was revoked: their access tokens are refused too. */
  readonly #revoked = new Set<string>();

  issueCode(grant: Omit<CodeGrant, 'expiresAt'>, now: Date): string {
    const code = opaque();
    this.#codes.set(code, { ...grant, expiresAt: now.getTime() + CODE_TTL_MS });
    return code;
  }

  /**
   * The grant of a code, once: any redemption attempt, right or wrong, spends the code, so a leaked code
   * cannot be retried with guessed verifiers.
   */
  redeemCode(code: string, now: Date): CodeGrant | undefined {
    const grant = this.#codes.get(code);
    this.#codes.delete(code);
    return grant && now.getTime() < grant.expiresAt ? grant : undefined;
  }

  issueRefreshToken(session: Session, now: Date): string {
    const token = opaque();
    // As long as the session's client says (the template's `RefreshTokenValidity`).
    this.#refresh.set(token, { session, expiresAt: now.getTime() + session.client.refreshTokenValidityMinutes * 60_000 });
    return token;
  }

  refresh(token: string, now: Date): Session | undefined {
    const grant = this.#refresh.get(token);
    if (!grant) return undefined;
    if (now.getTime() >= grant.expiresAt) {
      this.#refresh.delete(token);
      return undefined;
    }
    return grant.session;
  }

  /**
   * Revokes a refresh token of `clientId`, as Cognito's `/oauth2/revoke` does: the token stops
   * working, and so do the access tokens of the same sign-in (`origin_jti`). A token of another
   * client is left alone.
   */
  revoke(token: string, clientId: string): Revocation {
    const grant = this.#refresh.get(token);
    if (!grant) return 'unknown';
    if (grant.session.client.clientId !== clientId) return 'other-client';
    this.#refresh.delete(token);
    this.#revoked.add(grant.session.originJti);
    return 'revoked';
  }

  /** True once the refresh token of the sign-in `originJti` was revoked. */
  isRevoked(originJti: string): boolean {
    return this.#revoked.has(originJti);
  }
}
