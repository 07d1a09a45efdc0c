import type { GalleryConfig } from './config';
import type { Session } from './session';
import { cleanPastedToken, decodeClaims, isExpired, looksLikeJwt } from './token';

/** A `#token=` link for another user than the one signed in: applied only once the person agrees. */
export interface AccountSwitch {
  token: string;
  /** Who is signed in now. */
  from: string;
  /** Who the link would sign in. */
  to: string;
}

/**
 * What a `#token=` sign-in link may do. Such links are what `mediaflow serve` prints for the local
 * stack; in the cloud people sign in with Cognito, and a link would let anyone who sends one sign
 * the visitor in to the sender's account (and have them upload into it), so it does nothing there.
 * Locally it signs in whoever has no session (or renews the same user's), and asks first before it
 * replaces someone else's.
 */
export type LinkSignIn = { action: 'ignore' } | { action: 'sign-in'; token: string } | { action: 'confirm'; change: AccountSwitch };

/** Decides what a `#token=` link does, given the gallery's mode and who is signed in (`null`: nobody). */
export function planLinkSignIn(config: GalleryConfig, signedInAs: string | null, raw: string): LinkSignIn {
  if (config.auth.type !== 'local') return { action: 'ignore' };
  const token = cleanPastedToken(raw);
  if (signedInAs === null) return { action: 'sign-in', token };
  const claims = looksLikeJwt(token) ? decodeClaims(token) : null;
  const to = claims?.sub;
  // Not a usable token of anyone: nothing to switch to, and no reason to end the session there is.
  if (typeof to !== 'string' || to === '' || isExpired(claims)) return { action: 'ignore' };
  if (to === signedInAs) return { action: 'sign-in', token };
  return { action: 'confirm', change: { token, from: signedInAs, to } };
}

/**
 * Applies a `#token=` link to the session as {@link planLinkSignIn} decides, and returns the
 * switch still to be confirmed, if any (see `SwitchAccount`).
 *
 * @example
 * const linked = takeTokenFromHash(window.location, window.history); // first: off the address bar
 * const pending = signInFromLink(await loadConfig(), session, linked);
 */
export function signInFromLink(config: GalleryConfig, session: Session, raw: string | null): AccountSwitch | null {
  if (raw === null) return null;
  const plan = planLinkSignIn(config, session.ownerId, raw);
  if (plan.action === 'confirm') return plan.change;
  if (plan.action === 'sign-in') {
    const problem = session.signIn(plan.token);
    // Told on the sign-in screen, where the person is when nobody was signed in.
    if (problem && session.token === null) session.signOut(problem);
  }
  return null;
}
