import { cleanPastedToken, decodeClaims, isExpired, looksLikeJwt, type TokenClaims } from './token';

const STORAGE_KEY = 'mediaflow.token';
const COOKIE = 'mf_token';

export interface SessionState {
  token: string | null;
  claims: TokenClaims | null;
  /** Why the person was signed out, shown on the sign-in screen. */
  notice: string | null;
}

export interface SessionEnv {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Writes one cookie, as `document.cookie = ...` does. */
  setCookie: (cookie: string) => void;
  secure: boolean;
}

/** Storage that lasts as long as the page: nothing written to the browser. */
export function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
}

/**
 * The browser's session environment. A local token (`persist`) is kept in localStorage, as it
 * always was. A hosted sign-in keeps its tokens in the issuer client's own store (see `oidc.ts`),
 * so the session holds its access token in memory only, and a token left behind by an older
 * gallery in localStorage is removed.
 */
export function browserSessionEnv(persist = true): SessionEnv {
  if (!persist) window.localStorage.removeItem(STORAGE_KEY);
  return {
    storage: persist ? window.localStorage : memoryStorage(),
    setCookie: (cookie) => {
      document.cookie = cookie;
    },
    secure: window.location.protocol === 'https:',
  };
}

/**
 * A sign-in through an OpenID Connect issuer (`oidc.ts`), which keeps the session's token current
 * by renewing it with the refresh token.
 */
export interface HostedSignIn {
  /** Sends the person to the issuer's sign-in page. */
  signIn(): Promise<void>;
  /** Ends the session: revokes the refresh token, forgets the tokens, then leaves for the issuer's sign-out page if it has one. */
  signOut(notice?: string | null): Promise<void>;
  /** The access token to send now: renewed first when it has expired or is about to. */
  accessToken(): Promise<string | null>;
}

/**
 * The signed-in person: the bearer token for `/api` (kept in localStorage) and the same token as
 * the `mf_token` cookie scoped to `/media`, because an `<img>` or `<video>` cannot send a header
 * (and to `/api/v1/events`, the live-status stream, for the same reason).
 */
export class Session {
  private state: SessionState;
  private readonly listeners = new Set<() => void>();
  private hostedSignIn: HostedSignIn | null = null;

  constructor(private readonly env: SessionEnv) {
    const stored = env.storage.getItem(STORAGE_KEY);
    const claims = stored ? decodeClaims(stored) : null;
    if (stored && !isExpired(claims)) {
      this.state = { token: stored, claims, notice: null };
      this.writeCookie(stored);
    } else {
      if (stored) env.storage.removeItem(STORAGE_KEY);
      this.state = { token: null, claims: null, notice: stored ? 'Your session has expired. Sign in again.' : null };
    }
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SessionState => this.state;

  get token(): string | null {
    return this.state.token;
  }

  /** The hosted sign-in that keeps this session's token current, or null for a local token. */
  get hosted(): HostedSignIn | null {
    return this.hostedSignIn;
  }

  /** Hands the session's token to a hosted sign-in, which renews it from then on. */
  attach(hosted: HostedSignIn): void {
    this.hostedSignIn = hosted;
  }

  /**
   * The token to send with a call now. A hosted sign-in renews it first when it has expired or is
   * about to (a tab whose timers slept); a local token is what it is.
   */
  currentToken(): Promise<string | null> {
    return this.hostedSignIn ? this.hostedSignIn.accessToken() : Promise.resolve(this.state.token);
  }

  /** The owner id for original downloads (`/media/originals/{owner}/{id}`): the token's `sub`. */
  get ownerId(): string | null {
    return this.state.claims?.sub ?? null;
  }

  get displayName(): string {
    const c = this.state.claims;
    return c?.name ?? c?.preferred_username ?? c?.['cognito:username'] ?? c?.email ?? c?.sub ?? 'you';
  }

  /**
   * Signs in with a token; returns an error message for something that is not a token.
   * The API is the judge of validity: a rejected token signs the person out on the first call.
   */
  signIn(raw: string): string | null {
    const token = cleanPastedToken(raw);
    if (!looksLikeJwt(token)) return 'That does not look like a Mediaflow token. Copy the whole "Bearer token" line that mediaflow serve printed.';
    const claims = decodeClaims(token);
    if (!claims?.sub) return 'That token has no user in it. Get a new one with: npx mediaflow token --user NAME';
    if (isExpired(claims)) return 'That token has expired. Get a new one with: npx mediaflow token --user NAME';
    this.env.storage.setItem(STORAGE_KEY, token);
    this.writeCookie(token);
    this.set({ token, claims, notice: null });
    return null;
  }

  signOut(notice: string | null = null): void {
    this.env.storage.removeItem(STORAGE_KEY);
    this.env.setCookie(`${COOKIE}=; path=/api/v1/events; SameSite=Strict; max-age=0${this.env.secure ? '; Secure' : ''}`);
    this.env.setCookie(`${COOKIE}=; path=/media; SameSite=Strict; max-age=0${this.env.secure ? '; Secure' : ''}`);
    this.set({ token: null, claims: null, notice });
  }

  private writeCookie(token: string): void {
    // The live-status stream takes it too: an EventSource cannot send a header either.
    this.env.setCookie(`${COOKIE}=${token}; path=/api/v1/events; SameSite=Strict${this.env.secure ? '; Secure' : ''}`);
    this.env.setCookie(`${COOKIE}=${token}; path=/media; SameSite=Strict${this.env.secure ? '; Secure' : ''}`);
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

/**
 * Takes a token from a `#token=...` sign-in link (as `mediaflow serve` prints) and removes it from
 * the address bar and history, so it is not bookmarked or shared by accident. Whether it signs
 * anyone in is for `signInFromLink` to decide.
 */
export function takeTokenFromHash(location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState'>): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return null;
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return token;
}
