import { randomBytes } from 'node:crypto';
import { decodeJwt, signatureValid } from './jwt.js';
import { startIssuer } from './server.js';
import { alice, authorizeWithPkce, claimsOf, exchangeCode, GALLERY_CALLBACK, signInWithPkce, userPoolSpec } from './testing.js';
import type { Issuer } from './types.js';

const pool = userPoolSpec({
  domain: 'mediaflow-dev',
  gallery: { idTokenValidityMinutes: 30 },
  other: { callbackUrls: ['http://localhost:4200/'], accessTokenValidityMinutes: 5, idTokenValidityMinutes: 5 },
});

describe('local Cognito issuer', () => {
  let issuer: Issuer;
  let clock: Date;
  const signIn = (): { issuerUrl: string; clientId: string; redirectUri: string; username: string; password: string } => ({
    issuerUrl: issuer.url,
    clientId: 'gallery-client',
    redirectUri: GALLERY_CALLBACK,
    username: alice.username,
    password: alice.password,
  });

  beforeEach(async () => {
    clock = new Date('2025-06-01T12:00:00Z');
    issuer = await startIssuer({ pool, users: [alice], now: () => clock });
  });
  afterEach(() => issuer.close());

  it('publishes discovery and a JWKS whose key signs its tokens, under the template authorizer\'s issuer', async () => {
    expect(issuer.issuer).toBe('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123');
    const discovery = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: issuer.issuer, jwks_uri: `${issuer.url}/.well-known/jwks.json`, token_endpoint: `${issuer.url}/oauth2/token`, code_challenge_methods_supported: ['S256'] });
    const served = (await (await fetch(`${issuer.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(served).toEqual(issuer.jwks());
    expect(served.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    const { access_token } = await issuer.tokensFor('alice', 'gallery-client');
    const jwt = decodeJwt(access_token);
    expect(jwt.header).toEqual({ kid: served.keys[0]?.['kid'], alg: 'RS256' });
    expect(signatureValid(jwt, issuer.jwks().keys[0] ?? {})).toBe(true);
  });

  it('uses a fresh key on every start', async () => {
    const second = await startIssuer({ pool });
    try {
      expect(second.jwks().keys[0]?.kid).not.toBe(issuer.jwks().keys[0]?.kid);
    } finally {
      await second.close();
    }
  });

  it('renders a sign-in form that needs no script or style, under a CSP that lets the form reach the callback', async () => {
    const query = new URLSearchParams({ client_id: 'gallery-client', redirect_uri: GALLERY_CALLBACK, response_type: 'code', scope: 'openid', state: 's"<1>' });
    const response = await fetch(`${issuer.url}/oauth2/authorize?${query.toString()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; form-action 'self' https://d111.cloudfront.net; frame-ancestors 'none'; base-uri 'none'");
    const page = await response.text();
    expect(page).toContain('<form method="post" action="/oauth2/authorize">');
    expect(page).toContain('name="password" type="password"');
    expect(page).toContain('value="s&#34;&#60;1&#62;"');
    expect(page).not.toMatch(/<script|<style|\sstyle=|<link|<img|\son[a-z]+=/i);
  });

  it('shows an error page instead of redirecting to a callback the client did not register', async () => {
    const query = new URLSearchParams({ client_id: 'gallery-client', redirect_uri: 'https://evil.example/', response_type: 'code' });
    const response = await fetch(`${issuer.url}/oauth2/authorize?${query.toString()}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('reports scopes beyond the client\'s list to the callback, with the state', async () => {
    const query = new URLSearchParams({ client_id: 'gallery-client', redirect_uri: GALLERY_CALLBACK, response_type: 'code', scope: 'openid phone', state: 'st' });
    const response = await fetch(`${issuer.url}/oauth2/authorize?${query.toString()}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(GALLERY_CALLBACK);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('state')).toBe('st');
  });

  it('keeps the form on a wrong password, with one message for unknown users and wrong passwords', async () => {
    await expect(authorizeWithPkce({ ...signIn(), password: 'wrong' })).rejects.toThrow('(401)');
    await expect(authorizeWithPkce({ ...signIn(), username: 'nobody' })).rejects.toThrow('(401)');
  });

  it('runs the PKCE code flow and issues tokens shaped like Cognito\'s', async () => {
    const { code, verifier } = await authorizeWithPkce({ ...signIn(), username: 'ALICE@example.com' });
    const response = await exchangeCode(signIn(), code, verifier);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = (await response.json()) as Record<string, string | number>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, refresh_token: expect.any(String) });
    const now = Math.floor(clock.getTime() / 1000);
    const access = claimsOf(String(tokens['access_token']));
    expect(access).toEqual({
      sub: alice.sub,
      iss: issuer.issuer,
      client_id: 'gallery-client',
      origin_jti: expect.any(String),
      event_id: expect.any(String),
      token_use: 'access',
      scope: 'openid email profile',
      auth_time: now,
      exp: now + 3600,
      iat: now,
      jti: expect.any(String),
      username: 'alice',
      version: 2,
    });
    const id = claimsOf(String(tokens['id_token']));
    expect(id).toMatchObject({ sub: alice.sub, aud: 'gallery-client', email: alice.email, email_verified: true, token_use: 'id', 'cognito:username': 'alice', iss: issuer.issuer, exp: now + 1800, iat: now, auth_time: now });
    expect(id).not.toHaveProperty('client_id');
    expect(access).not.toHaveProperty('aud');
  });

  it('refuses a wrong verifier, a reused code, an expired code, another client and another redirect URI', async () => {
    const errorOf = async (response: Response): Promise<string> => `${response.status} ${((await response.json()) as { error: string }).error}`;

    const wrong = await authorizeWithPkce(signIn());
    expect(await errorOf(await exchangeCode(signIn(), wrong.code, randomBytes(48).toString('base64url')))).toBe('400 invalid_grant');

    const reused = await authorizeWithPkce(signIn());
    expect((await exchangeCode(signIn(), reused.code, reused.verifier)).status).toBe(200);
    expect(await errorOf(await exchangeCode(signIn(), reused.code, reused.verifier))).toBe('400 invalid_grant');

    const expired = await authorizeWithPkce(signIn());
    clock = new Date(clock.getTime() + 5 * 60 * 1000);
    expect(await errorOf(await exchangeCode(signIn(), expired.code, expired.verifier))).toBe('400 invalid_grant');

    const otherClient = await authorizeWithPkce(signIn());
    expect(await errorOf(await exchangeCode({ ...signIn(), clientId: 'other-client' }, otherClient.code, otherClient.verifier))).toBe('400 invalid_grant');
    expect(await errorOf(await exchangeCode({ ...signIn(), clientId: 'nope' }, otherClient.code, otherClient.verifier))).toBe('400 invalid_client');

    const otherRedirect = await authorizeWithPkce(signIn());
    expect(await errorOf(await exchangeCode({ ...signIn(), redirectUri: 'https://d111.cloudfront.net/x' }, otherRedirect.code, otherRedirect.verifier))).toBe('400 invalid_grant');
  });

  it('returns tokens in the fragment for clients that allow the implicit flow', async () => {
    const implicitPool = { ...pool, clients: pool.clients.map((client) => ({ ...client, allowedOAuthFlows: ['implicit'] })) };
    const implicit = await startIssuer({ pool: implicitPool, users: [alice], now: () => clock });
    try {
      const form = new URLSearchParams({ client_id: 'other-client', redirect_uri: 'http://localhost:4200/', response_type: 'token', state: 's1', username: 'alice', password: alice.password });
      const response = await fetch(`${implicit.url}/oauth2/authorize`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') ?? '');
      expect(location.search).toBe('');
      const fragment = new URLSearchParams(location.hash.slice(1));
      expect(fragment.get('state')).toBe('s1');
      expect(fragment.get('token_type')).toBe('Bearer');
      expect(claimsOf(fragment.get('access_token') ?? '')).toMatchObject({ sub: alice.sub, client_id: 'other-client', scope: 'openid' });
      expect(claimsOf(fragment.get('id_token') ?? '')).toMatchObject({ aud: 'other-client' });
    } finally {
      await implicit.close();
    }
  });

  it('refreshes the access and ID tokens, keeping the sign-in\'s auth_time and origin_jti', async () => {
    const first = await signInWithPkce(signIn());
    const signedInAt = Math.floor(clock.getTime() / 1000);
    clock = new Date(clock.getTime() + 10 * 60 * 1000);
    const refresh = (clientId: string, token: string): Promise<Response> =>
      fetch(`${issuer.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: token }).toString(),
      });
    const response = await refresh('gallery-client', first.refresh_token);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, string>;
    expect(tokens).not.toHaveProperty('refresh_token');
    const access = claimsOf(tokens['access_token'] ?? '');
    expect(access).toMatchObject({ auth_time: signedInAt, iat: signedInAt + 600, origin_jti: claimsOf(first.access_token)['origin_jti'] });
    expect(claimsOf(tokens['id_token'] ?? '')['iat']).toBe(signedInAt + 600);
    expect((await refresh('other-client', first.refresh_token)).status).toBe(400);
    expect((await refresh('gallery-client', 'not-a-token')).status).toBe(400);
  });

  const form = (path: string, body: Record<string, string>): Promise<Response> =>
    fetch(`${issuer.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });

  it('revokes a refresh token at /oauth2/revoke: refreshes with it and its sign-in\u2019s access tokens are refused afterwards', async () => {
    const discovery = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery['revocation_endpoint']).toBe(`${issuer.url}/oauth2/revoke`);
    const first = await signInWithPkce(signIn());
    const other = await signInWithPkce(signIn());
    const refresh = (token: string) => form('/oauth2/token', { grant_type: 'refresh_token', client_id: 'gallery-client', refresh_token: token });
    expect((await refresh(first.refresh_token)).status).toBe(200);
    // Not rotated: the same refresh token still works after a refresh.
    expect((await refresh(first.refresh_token)).status).toBe(200);

    expect((await form('/oauth2/revoke', { token: first.refresh_token, client_id: 'other-client' })).status).toBe(400);
    expect((await refresh(first.refresh_token)).status).toBe(200);
    expect((await form('/oauth2/revoke', { token: first.access_token, client_id: 'gallery-client' })).status).toBe(400);
    const revoked = await form('/oauth2/revoke', { token: first.refresh_token, client_id: 'gallery-client' });
    expect(revoked.status).toBe(200);
    expect(revoked.headers.get('access-control-allow-origin')).toBe('*');
    expect(await revoked.text()).toBe('');

    const refused = await refresh(first.refresh_token);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await fetch(`${issuer.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${first.access_token}` } })).status).toBe(401);
    // Another sign-in of the same user is not touched, and an unknown token is answered 200 (RFC 7009).
    expect((await refresh(other.refresh_token)).status).toBe(200);
    expect((await form('/oauth2/revoke', { token: 'never-issued', client_id: 'gallery-client' })).status).toBe(200);
    expect((await form('/oauth2/revoke', { client_id: 'gallery-client' })).status).toBe(400);
    expect(issuer.revocations().map((r) => [r.outcome, r.status])).toEqual([
      ['invalid_request', 400],
      ['unsupported_token_type', 400],
      ['revoked', 200],
      ['unknown', 200],
      ['invalid_request', 400],
    ]);
  });

  it('issues access tokens of a configured lifetime, and logs what the token endpoint issued', async () => {
    const short = await startIssuer({ pool, users: [alice], now: () => clock, accessTokenSeconds: 20 });
    try {
      const tokens = await signInWithPkce({ ...signIn(), issuerUrl: short.url });
      const access = claimsOf(tokens.access_token);
      expect(Number(access['exp']) - Number(access['iat'])).toBe(20);
      const response = await fetch(`${short.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'gallery-client', refresh_token: tokens.refresh_token }).toString(),
      });
      expect(await response.json()).toMatchObject({ expires_in: 20 });
      short.setAccessTokenLifetime(undefined);
      expect((await short.tokensFor('alice', 'gallery-client')).expires_in).toBe(3600);
      expect(short.issued().map((entry) => [entry.grant, entry.sub, entry.expiresIn])).toEqual([
        ['authorization_code', alice.sub, 20],
        ['refresh_token', alice.sub, 20],
      ]);
      expect(new Set(short.issued().map((entry) => entry.jti)).size).toBe(2);
      expect(() => short.setAccessTokenLifetime(0)).toThrow(RangeError);
    } finally {
      await short.close();
    }
  });

  it('keeps a refresh token working as long as its client\u2019s validity in the template, and no longer', async () => {
    const brief = await startIssuer({ pool: userPoolSpec({ gallery: { refreshTokenValidityMinutes: 90 } }), users: [alice], now: () => clock });
    try {
      const tokens = await signInWithPkce({ ...signIn(), issuerUrl: brief.url });
      const refresh = (): Promise<Response> =>
        fetch(`${brief.url}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'gallery-client', refresh_token: tokens.refresh_token }).toString(),
        });
      clock = new Date(clock.getTime() + 89 * 60 * 1000);
      expect((await refresh()).status).toBe(200);
      clock = new Date(clock.getTime() + 2 * 60 * 1000);
      const expired = await refresh();
      expect(expired.status).toBe(400);
      expect(await expired.json()).toMatchObject({ error: 'invalid_grant' });
    } finally {
      await brief.close();
    }
  });

  it('answers userInfo for its own live access tokens only', async () => {
    const { access_token, id_token } = await issuer.tokensFor('alice', 'gallery-client');
    const info = await fetch(`${issuer.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(await info.json()).toEqual({ sub: alice.sub, username: 'alice', email: alice.email, email_verified: 'true' });
    expect((await fetch(`${issuer.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${id_token}` } })).status).toBe(401);
    clock = new Date(clock.getTime() + 61 * 60 * 1000);
    const expired = await fetch(`${issuer.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('signs out to registered sign-out URLs only', async () => {
    const out = (logoutUri: string): Promise<Response> =>
      fetch(`${issuer.url}/logout?${new URLSearchParams({ client_id: 'gallery-client', logout_uri: logoutUri }).toString()}`, { redirect: 'manual' });
    const ok = await out(GALLERY_CALLBACK);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(GALLERY_CALLBACK);
    expect((await out('https://evil.example/')).status).toBe(400);
  });

  it('adds users at run time and mints tokens for them directly', async () => {
    const bob = issuer.addUser({ username: 'bob', password: 'pw' });
    const tokens = await issuer.tokensFor('bob', 'other-client');
    expect(claimsOf(tokens.access_token)).toMatchObject({ sub: bob.sub, client_id: 'other-client', scope: 'openid', exp: Math.floor(clock.getTime() / 1000) + 300 });
    await expect(issuer.tokensFor('carol', 'gallery-client')).rejects.toThrow('No user carol');
  });

  it('names a member\u2019s groups in cognito:groups of both tokens, and refuses a group the pool lacks', async () => {
    issuer.addUser({ username: 'mia', password: 'pw', groups: ['moderator'] });
    const tokens = await issuer.tokensFor('mia', 'gallery-client');
    expect(claimsOf(tokens.access_token)['cognito:groups']).toEqual(['moderator']);
    expect(claimsOf(tokens.id_token)['cognito:groups']).toEqual(['moderator']);
    expect(claimsOf((await issuer.tokensFor('alice', 'gallery-client')).access_token)).not.toHaveProperty('cognito:groups');
    expect(() => issuer.addUser({ username: 'eve', password: 'pw', groups: ['admins'] })).toThrow('The user pool has no group admins');
  });
});
