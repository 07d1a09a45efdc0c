import { ForbiddenError, type OwnerRecords, type Principal, type Role } from '@mediaflow/domain';
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
 * How long this process takes an owner's "not deleted" for true before it asks the store again:
 * short, as it is how long another instance may still let a just-deleted owner write; one read of
 * an owner every 10 s per instance costs little beside the requests it guards.
 */
export const DELETED_OWNER_RECHECK_MS = 10_000;

/** Owners remembered at most; past it the memory starts again (a deleted owner costs one more read). */
const DELETED_OWNER_MEMORY = 10_000;

/**
 * Which owners' accounts were deleted ({@link OwnerRecords.isDeleted}), remembered per process: a
 * yes for good (a deleted account never comes back), a no for {@link DELETED_OWNER_RECHECK_MS}; so
 * the check costs at most one read per owner every 10 s per process, and requests of one owner at
 * the same moment share it.
 */
export class DeletedOwners {
  private readonly known = new Map<string, { deleted: Promise<boolean>; untilMs: number }>();

  constructor(
    private readonly records: Pick<OwnerRecords, 'isDeleted'>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async isDeleted(ownerId: string): Promise<boolean> {
    const at = this.now();
    const known = this.known.get(ownerId);
    if (known !== undefined && at < known.untilMs) return known.deleted;
    if (this.known.size >= DELETED_OWNER_MEMORY) this.known.clear();
    const deleted = this.records.isDeleted(ownerId);
    const entry = { deleted, untilMs: at + DELETED_OWNER_RECHECK_MS };
    this.known.set(ownerId, entry);
    try {
      if (await deleted) entry.untilMs = Number.POSITIVE_INFINITY;
      return await deleted;
    } catch (error) {
      // A failed read is not remembered: the next request asks again.
      if (this.known.get(ownerId) === entry) this.known.delete(ownerId);
      throw error;
    }
  }

  /** This process deleted the account itself: no need to wait for the minute to refuse it. */
  remember(ownerId: string): void {
    this.known.set(ownerId, { deleted: Promise.resolve(true), untilMs: Number.POSITIVE_INFINITY });
  }
}

/**
 * `verifier`, refusing (401, "this account was deleted") an owner whose account was deleted: a
 * token issued before the deletion may still pass its issuer's checks (a Cognito access token
 * stays valid until it expires, the gateway checks only its signature and expiry), and nothing of
 * theirs may be created again that they could never delete.
 *
 * @example
 * const deleted = new DeletedOwners(repo);
 * mountRoutes(app, routes, { verifier: refuseDeletedOwners(gatewayClaims(principalFromEvent), deleted) });
 */
export function refuseDeletedOwners(verifier: OwnerVerifier, deleted: DeletedOwners): OwnerVerifier {
  return async (credentials) => {
    const principal = await verifier(credentials);
    if (await deleted.isDeleted(principal.ownerId)) throw new UnauthenticatedError('this account was deleted');
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
