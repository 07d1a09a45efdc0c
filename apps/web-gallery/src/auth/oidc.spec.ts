import { InMemoryWebStorage, User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { fakeToken } from '../test/fixtures';
import type { OidcAuthConfig } from './config';
import { FRESH_FOR_SECONDS, logoutUrl, oidcSettings, OidcSignIn, RENEW_BEFORE_SECONDS, SESSION_ENDED_NOTICE } from './oidc';
import { memoryStorage, Session } from './session';

const COGNITO: OidcAuthConfig = {
  type: 'cognito',
  domain: 'mediaflow.auth.eu-west-1.amazoncognito.com',
  clientId: 'gallery-client',
  redirectUri: 'https://gallery.example/',
  scopes: ['openid', 'email'],
};
const HOSTED = 'https://mediaflow.auth.eu-west-1.amazoncognito.com';

/** A token endpoint and revocation endpoint that answer as Cognito's do, recording each form posted. */
function fakeIssuer() {
  const posted: Array<{ url: string; form: Record<string, string> }> = [];
  const refused = new Set<string>();
  let issued = 0;
  const reply = (status: number, body: string) => ({
    ok: status < 400,
    status,
    statusText: status < 400 ? 'OK' : 'Bad Request',
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json;charset=UTF-8' : null), has: () => false },
    text: () => Promise.resolve(body),
    json: () => Promise.resolve(JSON.parse(body) as unknown),
  });
  const fetch = jest.fn((url: string, init: { body: URLSearchParams }) => {
    const form = Object.fromEntries(new URLSearchParams(init.body.toString()));
    posted.push({ url, form });
    if (url === `${HOSTED}/oauth2/revoke`) {
      refused.add(form['token'] ?? '');
      return Promise.resolve(reply(200, ''));
    }
    if (form['grant_type'] !== 'refresh_token' || refused.has(form['refresh_token'] ?? '')) return Promise.resolve(reply(400, '{"error":"invalid_grant"}'));
    issued += 1;
    return Promise.resolve(reply(200, JSON.stringify({ access_token: fakeToken('alice', Math.floor(Date.now() / 1000) + 30 + issued), id_token: fakeToken('alice'), token_type: 'Bearer', expires_in: 30 })));
  });
  return { fetch, posted, refuse: (token: string) => refused.add(token) };
}

function storedUser(expiresIn: number): User {
  return new User({
    access_token: fakeToken('alice', Math.floor(Date.now() / 1000) + expiresIn),
    id_token: fakeToken('alice'),
    refresh_token: 'refresh-1',
    token_type: 'Bearer',
    scope: 'openid email',
    profile: { sub: 'alice', iss: HOSTED, aud: 'gallery-client', exp: 0, iat: 0 },
    expires_at: Math.floor(Date.now() / 1000) + expiresIn,
  });
}

describe('the gallery\u2019s OpenID Connect sign-in', () => {
  const original = globalThis.fetch;
  let issuer: ReturnType<typeof fakeIssuer>;
  let manager: UserManager;
  let session: Session;
  let navigate: jest.Mock;
  const env = () => ({ location: { search: '', pathname: '/' }, history: { replaceState: jest.fn() }, navigate });

  beforeEach(() => {
    issuer = fakeIssuer();
    globalThis.fetch = issuer.fetch as unknown as typeof fetch;
    const store = new WebStorageStateStore({ store: new InMemoryWebStorage() });
    manager = new UserManager({ ...oidcSettings(COGNITO), userStore: store, stateStore: store });
    session = new Session({ storage: memoryStorage(), setCookie: () => undefined, secure: true });
    navigate = jest.fn();
  });

  afterEach(async () => {
    manager.stopSilentRenew();
    await manager.removeUser();
    globalThis.fetch = original;
  });

  it('uses the code flow with PKCE, renews with the refresh token before expiry (no iframe) and revokes only the refresh token', () => {
    const settings = oidcSettings(COGNITO);
    expect(settings).toMatchObject({
      authority: HOSTED,
      client_id: 'gallery-client',
      redirect_uri: 'https://gallery.example/',
      response_type: 'code',
      scope: 'openid email',
      automaticSilentRenew: true,
      accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_SECONDS,
      revokeTokenTypes: ['refresh_token'],
    });
    expect(settings).not.toHaveProperty('silent_redirect_uri');
    expect(settings).not.toHaveProperty('disablePKCE');
    // Cognito's endpoints are all under the hosted domain, the one auth origin the CSP allows.
    expect(settings.metadata).toEqual({
      issuer: HOSTED,
      authorization_endpoint: `${HOSTED}/oauth2/authorize`,
      token_endpoint: `${HOSTED}/oauth2/token`,
      revocation_endpoint: `${HOSTED}/oauth2/revoke`,
      userinfo_endpoint: `${HOSTED}/oauth2/userInfo`,
      end_session_endpoint: `${HOSTED}/logout`,
    });
    const other = oidcSettings({ type: 'oidc', authority: 'https://id.example.com/realms/m', clientId: 'c', redirectUri: 'https://gallery.example/' });
    expect(other.metadata).toBeUndefined();
    expect(other).toMatchObject({ authority: 'https://id.example.com/realms/m', post_logout_redirect_uri: 'https://gallery.example/', scope: 'openid email profile' });
  });

  it('builds the issuer\u2019s sign-out URL: Cognito\u2019s logout_uri, or a standard end-session request', () => {
    expect(logoutUrl(COGNITO, `${HOSTED}/logout`, 'id-token')).toBe(`${HOSTED}/logout?client_id=gallery-client&logout_uri=https%3A%2F%2Fgallery.example%2F`);
    expect(logoutUrl({ type: 'oidc', authority: 'https://id.example.com', clientId: 'c', redirectUri: 'https://g.example/', logoutUri: 'https://g.example/bye' }, 'https://id.example.com/end', 'id-token')).toBe(
      'https://id.example.com/end?client_id=c&post_logout_redirect_uri=https%3A%2F%2Fg.example%2Fbye&id_token_hint=id-token',
    );
  });

  it('restores this tab\u2019s sign-in, renewing an expired access token with the refresh token first', async () => {
    await manager.storeUser(storedUser(-10));
    const signIn = new OidcSignIn(manager, session, COGNITO, env());
    await signIn.start();
    expect(issuer.posted).toEqual([{ url: `${HOSTED}/oauth2/token`, form: expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'gallery-client' }) }]);
    expect(session.ownerId).toBe('alice');
    expect(session.token).toBe((await manager.getUser())?.access_token);
  });

  it('renews once before a call when the token is about to expire, however many calls ask, and the session takes the new token', async () => {
    await manager.storeUser(storedUser(FRESH_FOR_SECONDS + 60));
    const signIn = new OidcSignIn(manager, session, COGNITO, env());
    await signIn.start();
    const first = session.token;
    expect(await signIn.accessToken()).toBe(first);
    expect(issuer.posted).toEqual([]);

    // A minute later (a tab whose timers slept), the token has seconds left.
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 60_000);
    const [a, b] = await Promise.all([signIn.accessToken(), signIn.accessToken()]);
    expect(issuer.posted.filter((p) => p.form['grant_type'] === 'refresh_token')).toHaveLength(1);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(session.token).toBe(a);
    clock.mockRestore();
  });

  it('ends the session with a notice when the refresh token is refused', async () => {
    issuer.refuse('refresh-1');
    await manager.storeUser(storedUser(-10));
    const signIn = new OidcSignIn(manager, session, COGNITO, env());
    await signIn.start();
    expect(session.getSnapshot()).toMatchObject({ token: null, notice: SESSION_ENDED_NOTICE });
  });

  it('signs out: revokes the refresh token, forgets the tokens, then goes to the issuer\u2019s sign-out page', async () => {
    await manager.storeUser(storedUser(600));
    const signIn = new OidcSignIn(manager, session, COGNITO, env());
    await signIn.start();
    await signIn.signOut();
    expect(issuer.posted).toEqual([{ url: `${HOSTED}/oauth2/revoke`, form: { token: 'refresh-1', token_type_hint: 'refresh_token', client_id: 'gallery-client' } }]);
    expect(await manager.getUser()).toBeNull();
    expect(session.token).toBeNull();
    expect(navigate).toHaveBeenCalledWith(`${HOSTED}/logout?client_id=gallery-client&logout_uri=https%3A%2F%2Fgallery.example%2F`);
  });

  it('revokes and forgets the tokens when the session ends otherwise (a 401, a deleted account)', async () => {
    await manager.storeUser(storedUser(600));
    const signIn = new OidcSignIn(manager, session, COGNITO, env());
    await signIn.start();
    session.signOut('Your session has ended.');
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(issuer.posted.map((p) => p.url)).toEqual([`${HOSTED}/oauth2/revoke`]);
    expect(await manager.getUser()).toBeNull();
    expect(navigate).not.toHaveBeenCalled();
  });
});
