import { ForbiddenError, type Principal, type Role } from '@mediaflow/domain';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { UnauthenticatedError } from './errors.js';
import type { Authenticator } from './local-tokens.js';

/** What a request offers to prove whose it is. */
export interface Credentials {
  /** The token of a well-formed `Authorization: Bearer` header. */
  bearer: string | undefined;
  /**
   * The token of the media cookie: read only on routes a browser loads without script (`<img>`,
   * `<video>` on `/media/*`), never on the REST API, where a cookie would invite cross-site requests.
   */
  cookie: string | undefined;
  /** The runtime's bindings (`c.env`): on Lambda, the event with the claims a gateway verified. */
  env: unknown;
}

/**
 * Says whose request this is (the owner id and the roles the credential grants), or
 * `UnauthenticatedError` when the request proves none. Each runtime plugs in its own: {@link bearerTokens} where this process checks tokens,
 * {@link gatewayClaims} where a gateway in front already did.
 */
export type OwnerVerifier = (credentials: Credentials) => Promise<Principal>;

/**
 * Bearer tokens checked here, by an `Authenticator` (the local server's `LocalTokens`). A route
 * that accepts the media cookie takes the token from there when there is no header.
 *
 * @example
 * createApi({ deps, verifier: bearerTokens(new LocalTokens({ secret })) });
 */
export function bearerTokens(authenticator: Authenticator): OwnerVerifier {
  return async ({ bearer, cookie }) => {
    const token = bearer ?? cookie;
    if (token === undefined) throw new UnauthenticatedError('send Authorization: Bearer <token>');
    try {
      return await authenticator.authenticate(token);
    } catch (error) {
      if (error instanceof ForbiddenError) throw new UnauthenticatedError(error.message, { cause: error });
      throw error;
    }
  };
}

/**
 * The principal a gateway in front of the app verified, read from the runtime's bindings (API
 * Gateway's JWT authorizer puts the claims on the Lambda event). No verified claims, no owner: a
 * bearer header alone proves nothing here, since nothing in this process checked it.
 *
 * @example
 * createApi({ deps, verifier: gatewayClaims((env) => principalFromEvent(env)) });
 */
export function gatewayClaims(principalFromEnv: (env: unknown) => Principal | undefined): OwnerVerifier {
  return async ({ env }) => {
    const principal = principalFromEnv(env);
    if (principal === undefined) throw new UnauthenticatedError('the request carries no verified token');
    return principal;
  };
}

/**
 * The variables a route sees once the auth middleware let the request in: the owner every query
 * is scoped by, and the roles of the credential (none for most users). Public routes see neither.
 */
export type ApiEnv = { Variables: { ownerId: string; roles: readonly Role[] } };

/** Throws `ForbiddenError` (403) unless the request's credential carries `role`. */
export function requireRole(roles: readonly Role[] | undefined, role: Role): void {
  if (!(roles ?? []).includes(role)) throw new ForbiddenError(`only a ${role} may do this`);
}

/** The token of a well-formed `Authorization: Bearer` header. */
function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header ?? '')?.[1];
}

/**
 * The one auth middleware: asks the verifier whose request this is and keeps the answer as
 * `ownerId`, or throws `UnauthenticatedError` (a 401). `cookieName` lets the route accept the
 * media cookie too.
 */
export function authenticate(verifier: OwnerVerifier, cookieName?: string): MiddlewareHandler<ApiEnv> {
  return async (c: Context<ApiEnv>, next) => {
    const credentials: Credentials = {
      bearer: bearerToken(c.req.header('authorization')),
      cookie: cookieName === undefined ? undefined : getCookie(c, cookieName),
      env: c.env,
    };
    const principal = await verifier(credentials);
    c.set('ownerId', principal.ownerId);
    c.set('roles', principal.roles);
    await next();
  };
}
