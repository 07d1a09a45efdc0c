import type { User, UserManager, UserManagerSettings } from 'oidc-client-ts';
import type { OidcAuthConfig } from './config';
import type { HostedSignIn, Session } from './session';

/**
 * Seconds before the access token expires at which it is renewed with the refresh token. The API
 * checks tokens offline with no leeway, so the renewal must land before the expiry, with time to
 * spare for a slow network.
 */
export const RENEW_BEFORE_SECONDS = 20;

/** A call made with less than this left on the access token renews it first (the timers of a hidden or sleeping tab run late). */
export const FRESH_FOR_SECONDS = 5;

/** What the sign-in page says when the stored sign-in can no longer be renewed. */
export const SESSION_ENDED_NOTICE = 'Your session has ended. Sign in again to see your library.';

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

function hostedOrigin(domain: string): string {
  return /^https?:\/\//.test(domain) ? domain.replace(/\/+$/, '') : `https://${domain}`;
}

/**
 * The issuer client's settings for a configuration: authorization code with PKCE, renewal with the
 * refresh token before the access token expires (no iframe: the CSP allows no frame, and the
 * refresh token makes one unnecessary), and only the refresh token revoked on sign-out (Cognito
 * revokes refresh tokens only, and with them the access tokens they gave). A Cognito domain names
 * its endpoints directly; another issuer is found by discovery at `authority`.
 */
export function oidcSettings(config: OidcAuthConfig): Omit<UserManagerSettings, 'userStore' | 'stateStore'> {
  const settings: Omit<UserManagerSettings, 'userStore' | 'stateStore'> = {
    authority: config.authority ?? hostedOrigin(config.domain ?? ''),
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: (config.scopes ?? ['openid', 'email', 'profile']).join(' '),
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_SECONDS,
    revokeTokenTypes: ['refresh_token'],
    loadUserInfo: false,
    monitorSession: false,
  };
  if (config.type === 'cognito') {
    const origin = hostedOrigin(config.domain ?? '');
    settings.metadata = {
      issuer: settings.authority,
      authorization_endpoint: `${origin}/oauth2/authorize`,
      token_endpoint: `${origin}/oauth2/token`,
      revocation_endpoint: `${origin}/oauth2/revoke`,
      userinfo_endpoint: `${origin}/oauth2/userInfo`,
      end_session_endpoint: `${origin}/logout`,
    };
  } else {
    settings.post_logout_redirect_uri = config.logoutUri ?? config.redirectUri;
  }
  return settings;
}

/**
 * The issuer's sign-out page for the person who was `user`: Cognito's `/logout` takes the client
 * and `logout_uri`; a standard end-session endpoint takes `post_logout_redirect_uri` and the ID
 * token as a hint.
 */
export function logoutUrl(config: OidcAuthConfig, endSession: string, idToken: string | null): string {
  const url = new URL(endSession);
  const back = config.logoutUri ?? config.redirectUri;
  url.searchParams.set('client_id', config.clientId);
  if (config.type === 'cognito') {
    url.searchParams.set('logout_uri', back);
  } else {
    url.searchParams.set('post_logout_redirect_uri', back);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
  }
  return url.toString();
}

export interface OidcEnv {
  location: Pick<Location, 'search' | 'pathname'>;
  history: Pick<History, 'replaceState'>;
  /** Leaves the page for `url` (the issuer's sign-out page). */
  navigate: (url: string) => void;
}

/**
 * A session signed in through an OpenID Connect issuer with `oidc-client-ts`. The issuer client
 * keeps the tokens (in this tab's sessionStorage, see `startOidcSignIn`) and renews the access
 * token with the refresh token before it expires; each renewal becomes the session's token, so
 * every API call sends the current one.
 */
export class OidcSignIn implements HostedSignIn {
  private user: User | null = null;
  private renewing: Promise<User | null> | null = null;
  private forgetting: Promise<void> = Promise.resolve();
  /** True while the session's tokens are being revoked and forgotten: the revocation stores the user once more, which must not sign it back in. */
  private ending = false;

  constructor(
    private readonly manager: UserManager,
    private readonly session: Session,
    private readonly config: OidcAuthConfig,
    private readonly env: OidcEnv,
  ) {
    manager.events.addUserLoaded((user) => this.adopt(user));
    manager.events.addUserUnloaded(() => {
      this.user = null;
    });
    manager.events.addSilentRenewError(() => {
      // A renewal that failed is tried again at the next call; only an expired token ends the session.
      if (this.user?.expired) this.session.signOut(SESSION_ENDED_NOTICE);
    });
    // Whoever ends the session (sign-out, a 401, a deleted account), its refresh token goes with it.
    session.subscribe(() => {
      if (this.session.token === null && this.user !== null) this.forgetting = this.forget();
    });
  }

  /**
   * Finishes a redirect back from the issuer (`?code=&state=`), else restores this tab's sign-in,
   * renewing an expired access token first. A failure is told on the sign-in page.
   */
  async start(): Promise<void> {
    const query = new URLSearchParams(this.env.location.search);
    if (query.has('state') && (query.has('code') || query.has('error'))) {
      try {
        this.adopt(await this.manager.signinRedirectCallback());
      } catch {
        const detail = query.get('error_description') ?? query.get('error');
        this.session.signOut(detail ? `Sign-in was not completed: ${detail}` : 'This sign-in link is stale or was not started here. Sign in again.');
      } finally {
        this.env.history.replaceState(null, '', this.env.location.pathname);
      }
      return;
    }
    const stored = await this.manager.getUser();
    if (stored === null) return;
    this.user = stored;
    if ((stored.expires_in ?? 0) > FRESH_FOR_SECONDS) {
      this.adopt(stored);
      return;
    }
    if ((await this.renew()) === null) this.session.signOut(SESSION_ENDED_NOTICE);
  }

  signIn(): Promise<void> {
    return this.manager.signinRedirect();
  }

  async accessToken(): Promise<string | null> {
    const user = this.user;
    if (user === null) return this.session.token;
    if ((user.expires_in ?? 0) > FRESH_FOR_SECONDS) return this.tokenOf(user);
    const renewed = await this.renew();
    return renewed === null ? null : this.tokenOf(renewed);
  }

  async signOut(notice: string | null = null): Promise<void> {
    const idToken = this.user?.id_token ?? null;
    this.manager.stopSilentRenew();
    this.session.signOut(notice);
    await this.forgetting;
    let endSession: string | undefined;
    try {
      endSession = await this.manager.metadataService.getEndSessionEndpoint();
    } catch {
      endSession = undefined;
    }
    this.env.navigate(endSession ? logoutUrl(this.config, endSession, idToken) : (this.config.logoutUri ?? this.config.redirectUri));
  }

  /** One renewal at a time, however many calls ask; null when the refresh token was refused. */
  private renew(): Promise<User | null> {
    this.renewing ??= this.manager
      .signinSilent()
      .catch(() => null)
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  /** Revokes the refresh token (best effort: a deleted account's is gone already), then forgets the tokens. */
  private async forget(): Promise<void> {
    this.user = null;
    this.ending = true;
    try {
      await this.manager.revokeTokens(['refresh_token']);
    } catch {
      // Offline, or the issuer no longer knows the token: it cannot be used either way once forgotten here.
    } finally {
      await this.manager.removeUser();
      this.ending = false;
    }
  }

  private tokenOf(user: User): string | null {
    return (this.config.tokenUse === 'id' ? user.id_token : user.access_token) ?? null;
  }

  private adopt(user: User | null): void {
    if (user === null || this.ending) return;
    this.user = user;
    const token = this.tokenOf(user);
    if (token === null || token === this.session.token) return;
    const problem = this.session.signIn(token);
    if (problem) this.session.signOut(problem);
  }
}

/**
 * Loads the issuer client (a chunk of its own: a gallery on local tokens never downloads it) and
 * signs `session` in with it. The tokens are kept in this tab's sessionStorage, not localStorage: a
 * refresh token is a secret that lasts 30 days, and in sessionStorage it lives only as long as the
 * tab (reloads included), is not shared with other tabs and is not left on disk when the browser
 * closes. Another tab signs in again, usually in one step while the hosted UI's own session lasts.
 */
export async function startOidcSignIn(config: OidcAuthConfig, session: Session, env: OidcEnv): Promise<OidcSignIn> {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  const store = new WebStorageStateStore({ store: window.sessionStorage });
  const manager = new UserManager({ ...oidcSettings(config), userStore: store, stateStore: store });
  const signIn = new OidcSignIn(manager, session, config, env);
  session.attach(signIn);
  await signIn.start();
  return signIn;
}
