/**
 * A local OpenID Connect issuer standing in for a Cognito user pool and its hosted UI: discovery,
 * JWKS, the authorization code flow with PKCE, refresh, revocation, userInfo and logout, with the
 * checks Cognito makes against the app client. Refresh tokens do not rotate (Cognito's default, and
 * the template's client does not turn rotation on): a refresh answers new access and ID tokens and
 * the same refresh token stays valid until it expires or is revoked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseAuthorizeRequest, redirectWith, type AuthorizeRequest } from './authorize.js';
import { OAuthError, UntrustedRedirectError } from './errors.js';
import { GrantStore } from './grants.js';
import { decodeJwt, MalformedJwtError, signatureValid } from './jwt.js';
import { createSigningKey, type SigningKey } from './keys.js';
import { errorPage, pageSecurityHeaders, signInPage } from './page.js';
import { verifierMatches } from './pkce.js';
import { closeServer, listen } from './listen.js';
import { accessTokenSeconds, mintTokens, newSession, type MintedTokens, type Session } from './tokens.js';
import type { IssuedTokens, Issuer, IssuerOptions, JsonWebKeySet, PoolClient, RevocationRecord, TokenSet } from './types.js';
import { UserDirectory } from './users.js';

/** Form posts to the issuer are a few hundred bytes; anything far larger is not a sign-in. */
const MAX_FORM_BYTES = 64 * 1024;

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Token, userInfo and discovery are called from the gallery's origin with fetch, as Cognito allows. */
const CORS_OPEN = { 'access-control-allow-origin': '*' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', ...CORS_OPEN, ...headers }, body: JSON.stringify(body) };
}

function html(status: number, body: string, redirectUri?: string): Reply {
  return { status, headers: { 'content-type': 'text/html;charset=UTF-8', ...pageSecurityHeaders(redirectUri) }, body };
}

function redirect(location: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' } };
}

function oauthErrorJson(error: OAuthError): Reply {
  const status = error.code === 'invalid_token' ? 401 : 400;
  return json(status, { error: error.code, error_description: error.description }, { 'cache-control': 'no-store' });
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new OAuthError('invalid_request', 'The body is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The client of a token request: `client_id` in the body or the user name of HTTP Basic authentication. */
function tokenClientId(request: IncomingMessage, form: URLSearchParams): string | null {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (basic?.[1] !== undefined) {
    const [id] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return id === undefined ? null : decodeURIComponent(id);
  }
  return form.get('client_id');
}

/** An access token lifetime override: whole seconds, at least one; `undefined` for none. */
function checkedLifetime(seconds: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (!Number.isInteger(seconds) || seconds < 1) throw new RangeError(`an access token lifetime is a whole number of seconds, at least 1 (got ${seconds})`);
  return seconds;
}

/** Starts the issuer. The signing key is generated here, fresh for every start. */
export async function startIssuer(options: IssuerOptions): Promise<Issuer> {
  const now = options.now ?? (() => new Date());
  const issuer = options.issuer ?? `https://${options.pool.providerUrl}`;
  const clients = options.pool.clients;
  const key: SigningKey = await createSigningKey();
  const keySet: JsonWebKeySet = { keys: [key.publicJwk] };
  const users = new UserDirectory(options.pool.groups);
  for (const user of options.users ?? []) users.add(user);
  const grants = new GrantStore();
  const issued: IssuedTokens[] = [];
  const revocations: RevocationRecord[] = [];
  let accessSeconds = checkedLifetime(options.accessTokenSeconds);
  let url = '';

  /** Tokens for a session, with the lifetime override if one is set, logged when the token endpoint hands them out. */
  const mint = (session: Session, withIdToken: boolean, grant?: IssuedTokens['grant']): MintedTokens => {
    const at = now();
    const minted = mintTokens(session, issuer, key, at, withIdToken, accessSeconds ?? accessTokenSeconds(session));
    if (grant !== undefined) {
      const jti = String(decodeJwt(minted.access_token).payload['jti']);
      issued.push({ grant, clientId: session.client.clientId, sub: session.user.sub, jti, issuedAt: Math.floor(at.getTime() / 1000), expiresIn: minted.expires_in });
    }
    return minted;
  };

  const clientById = (clientId: string | null): PoolClient => {
    const client = clients.find((candidate) => candidate.clientId === clientId);
    if (!client) throw new OAuthError('invalid_client', 'Unknown client.');
    return client;
  };

  /** Answers a sign-in: a code for the code flow, tokens in the fragment for the implicit flow. */
  const completeSignIn = (authorize: AuthorizeRequest, session: Session): Reply => {
    if (authorize.responseType === 'code') {
      const grant: Parameters<GrantStore['issueCode']>[0] = { session, redirectUri: authorize.redirectUri };
      if (authorize.codeChallenge !== undefined) grant.codeChallenge = authorize.codeChallenge;
      return redirect(redirectWith(authorize.redirectUri, { code: grants.issueCode(grant, now()), state: authorize.state }));
    }
    const tokens = mint(session, session.scopes.includes('openid'));
    return redirect(
      redirectWith(
        authorize.redirectUri,
        { access_token: tokens.access_token, id_token: tokens.id_token, token_type: tokens.token_type, expires_in: String(tokens.expires_in), state: authorize.state },
        true,
      ),
    );
  };

  const authorize = async (request: IncomingMessage, query: URLSearchParams): Promise<Reply> => {
    const posted = request.method === 'POST';
    const params = posted ? await readForm(request) : query;
    let checked: AuthorizeRequest;
    try {
      checked = parseAuthorizeRequest(params, clients);
    } catch (error) {
      if (error instanceof UntrustedRedirectError) return html(400, errorPage(error.description));
      if (!(error instanceof OAuthError)) throw error;
      // The redirect URI was checked before anything reported here, so the client may hear of it.
      const target = params.get('redirect_uri') as string;
      return redirect(redirectWith(target, { error: error.code, error_description: error.description, state: params.get('state') ?? undefined }));
    }
    if (!posted) return html(200, signInPage(params), checked.redirectUri);
    const login = params.get('username') ?? '';
    const user = users.find(login);
    if (!user || user.password !== params.get('password')) {
      // One message for an unknown user and a wrong password: the pool prevents user-existence errors.
      return html(401, signInPage(params, { error: 'Incorrect username or password.', login }), checked.redirectUri);
    }
    const authTime = Math.floor(now().getTime() / 1000);
    return completeSignIn(checked, newSession(user, checked.client, checked.scopes, authTime, checked.nonce));
  };

  const token = async (request: IncomingMessage): Promise<Reply> => {
    const form = await readForm(request);
    const client = clientById(tokenClientId(request, form));
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const grant = grants.redeemCode(form.get('code') ?? '', now());
      if (!grant || grant.session.client.clientId !== client.clientId || !users.has(grant.session.user)) throw new OAuthError('invalid_grant', 'The code is unknown, used or expired.');
      if (form.get('redirect_uri') !== grant.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri differs from the authorize request.');
      if (grant.codeChallenge !== undefined && !verifierMatches(form.get('code_verifier') ?? '', grant.codeChallenge)) {
        throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge.');
      }
      const tokens = mint(grant.session, grant.session.scopes.includes('openid'), 'authorization_code');
      return json(200, { ...tokens, refresh_token: grants.issueRefreshToken(grant.session, now()) }, { 'cache-control': 'no-store', pragma: 'no-cache' });
    }
    if (grantType === 'refresh_token') {
      const session = grants.refresh(form.get('refresh_token') ?? '', now());
      // A deleted user's refresh tokens are revoked with them.
      if (!session || session.client.clientId !== client.clientId || !users.has(session.user)) throw new OAuthError('invalid_grant', 'Invalid refresh token.');
      // Cognito answers a refresh with new access and ID tokens and keeps the refresh token.
      return json(200, mint(session, session.scopes.includes('openid'), 'refresh_token'), { 'cache-control': 'no-store', pragma: 'no-cache' });
    }
    throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
  };

  /**
   * `/oauth2/revoke` (RFC 7009, as Cognito serves it): a refresh token of the calling client stops
   * working, with the access tokens of its sign-in. Cognito revokes refresh tokens only, so an access
   * or ID token is `unsupported_token_type`; a token it does not know is answered 200 all the same.
   */
  const revoke = async (request: IncomingMessage): Promise<Reply> => {
    let clientId: string | null = null;
    try {
      const form = await readForm(request);
      clientId = tokenClientId(request, form);
      const client = clientById(clientId);
      const token = form.get('token');
      if (token === null || token === '') throw new OAuthError('invalid_request', 'token is required.');
      if (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) throw new OAuthError('unsupported_token_type', 'Only refresh tokens can be revoked.');
      const outcome = grants.revoke(token, client.clientId);
      if (outcome === 'other-client') throw new OAuthError('invalid_request', 'The token was not issued to this client.');
      revocations.push({ clientId, outcome, status: 200 });
      return { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8', ...CORS_OPEN, 'cache-control': 'no-store' }, body: '' };
    } catch (error) {
      if (error instanceof OAuthError) revocations.push({ clientId, outcome: error.code, status: 400 });
      throw error;
    }
  };

  const userInfo = (request: IncomingMessage): Reply => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer === undefined) throw new OAuthError('invalid_token', 'Missing bearer access token.');
    let claims: Record<string, unknown>;
    try {
      const jwt = decodeJwt(bearer);
      if (jwt.header['kid'] !== key.kid || !signatureValid(jwt, key.publicJwk)) throw new OAuthError('invalid_token', 'Invalid signature.');
      claims = jwt.payload;
    } catch (error) {
      if (error instanceof MalformedJwtError) throw new OAuthError('invalid_token', error.message, { cause: error });
      throw error;
    }
    const nowSeconds = now().getTime() / 1000;
    if (claims['iss'] !== issuer || claims['token_use'] !== 'access' || typeof claims['exp'] !== 'number' || claims['exp'] <= nowSeconds) {
      throw new OAuthError('invalid_token', 'The access token is expired or not issued here.');
    }
    if (grants.isRevoked(String(claims['origin_jti']))) throw new OAuthError('invalid_token', 'The access token has been revoked.');
    const user = users.bySub(String(claims['sub']));
    if (!user) throw new OAuthError('invalid_token', 'The user no longer exists.');
    const info: Record<string, string> = { sub: user.sub, username: user.username };
    if (user.email !== undefined) Object.assign(info, { email: user.email, email_verified: 'true' });
    return json(200, info);
  };

  const logout = (query: URLSearchParams): Reply => {
    const client = clients.find((candidate) => candidate.clientId === query.get('client_id'));
    if (!client) return html(400, errorPage('Unknown client_id.'));
    const logoutUri = query.get('logout_uri');
    if (logoutUri !== null) {
      return client.logoutUrls.includes(logoutUri) ? redirect(logoutUri) : html(400, errorPage('logout_uri is not one of the app client\'s sign-out URLs.'));
    }
    // Without logout_uri Cognito signs out and shows the sign-in page again for redirect_uri.
    if (query.get('redirect_uri') !== null) return redirect(`/oauth2/authorize?${query.toString()}`);
    return html(400, errorPage('logout_uri or redirect_uri is required.'));
  };

  const discovery = (): Reply =>
    json(200, {
      issuer,
      authorization_endpoint: `${url}/oauth2/authorize`,
      token_endpoint: `${url}/oauth2/token`,
      revocation_endpoint: `${url}/oauth2/revoke`,
      userinfo_endpoint: `${url}/oauth2/userInfo`,
      end_session_endpoint: `${url}/logout`,
      jwks_uri: `${url}/.well-known/jwks.json`,
      response_types_supported: ['code', 'token'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'implicit'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
    });

  const route = async (request: IncomingMessage): Promise<Reply> => {
    const parsed = new URL(request.url ?? '/', 'http://issuer.invalid');
    const method = request.method ?? 'GET';
    const path = parsed.pathname;
    if (method === 'OPTIONS') {
      return { status: 204, headers: { ...CORS_OPEN, 'access-control-allow-methods': 'GET,POST', 'access-control-allow-headers': 'authorization,content-type', 'access-control-max-age': '600' } };
    }
    try {
      if (method === 'GET' && path === '/.well-known/openid-configuration') return discovery();
      if (method === 'GET' && path === '/.well-known/jwks.json') return json(200, keySet);
      if ((method === 'GET' || method === 'POST') && path === '/oauth2/authorize') return await authorize(request, parsed.searchParams);
      if (method === 'POST' && path === '/oauth2/token') return await token(request);
      if (method === 'POST' && path === '/oauth2/revoke') return await revoke(request);
      if ((method === 'GET' || method === 'POST') && path === '/oauth2/userInfo') return userInfo(request);
      if (method === 'GET' && path === '/logout') return logout(parsed.searchParams);
    } catch (error) {
      if (error instanceof OAuthError) {
        const reply = oauthErrorJson(error);
        if (error.code === 'invalid_token') reply.headers = { ...reply.headers, 'www-authenticate': `Bearer error="invalid_token", error_description="${error.description}"` };
        return reply;
      }
      throw error;
    }
    return json(404, { error: 'not_found' });
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    route(request)
      .catch((error: unknown): Reply => json(500, { error: 'server_error', error_description: error instanceof Error ? error.message : String(error) }))
      .then((reply) => {
        response.writeHead(reply.status, reply.headers);
        response.end(reply.body);
      }, (error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  url = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);

  return {
    url,
    issuer,
    jwks: () => structuredClone(keySet),
    pool: options.pool,
    addUser: (user) => users.add(user),
    deleteUser: (name) => users.remove(name),
    setAccessTokenLifetime(seconds) {
      accessSeconds = checkedLifetime(seconds);
    },
    issued: () => issued.map((entry) => ({ ...entry })),
    revocations: () => revocations.map((entry) => ({ ...entry })),
    async tokensFor(username: string, clientId: string): Promise<TokenSet> {
      const user = users.find(username);
      if (!user) throw new Error(`No user ${username} in pool ${options.pool.id}.`);
      const client = clientById(clientId);
      const session = newSession(user, client, [...client.allowedOAuthScopes], Math.floor(now().getTime() / 1000));
      const minted = mint(session, true);
      return { ...minted, id_token: minted.id_token as string, refresh_token: grants.issueRefreshToken(session, now()) };
    },
    close: () => closeServer(server),
  };
}
