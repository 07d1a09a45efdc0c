/**
 * Authorization codes and refresh tokens: opaque random strings mapped to what they were issued for.
 * Kept in memory; the issuer's state lives as long as the process, like the rest of the simulated stage.
 */
import { randomBytes } from 'node:crypto';
import type { Session } from './tokens.js';

/** Cognito's authorization codes are valid for five minutes. */
export const CODE_TTL_MS = 5 * 60 * 1000;
/** Cognito's default refresh token validity; the template's value is not part of the pool spec. */
export const REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1000;

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

export class GrantStore {
  readonly #codes = new Map<string, CodeGrant>();
  readonly #refresh = new Map<string, RefreshGrant>();

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
    this.#refresh.set(token, { session, expiresAt: now.getTime() + REFRESH_TTL_MS });
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
}
