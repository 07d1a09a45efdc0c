import { randomBytes } from 'node:crypto';
import { LimitExceededError, NotFoundError, type RateLimit, type RateLimiter } from '@mediaflow/domain';
import { ShareUnlocks, type ServiceDeps } from '@mediaflow/media-service';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DeletedOwners, refuseDeletedOwners, type ApiEnv, type OwnerVerifier } from './auth.js';
import { ownerJson } from './cached-json.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import type { MediaAccessSigner } from './media-access.js';
import { CachedMediaGrants, LocalMediaGrants, type MediaGrantSigner } from './media-grants.js';
import { requireOriginSecret, type OriginSecret } from './origin-secret.js';
import { problemResponse } from './problems.js';
import { admitOrRefuse, rateLimiterOf } from './rate-limit.js';
import { requestIds, type RequestTracing } from './request-ids.js';
import { ResponseCache } from './response-cache.js';
import { mountRoutes, type ApiRoute } from './route.js';
import { albumRoutes } from './routes/albums.js';
import { archiveFileRoutes, downloadRoutes } from './routes/downloads.js';
import { eventRoutes, type EventStreamOptions } from './routes/events.js';
import { localUploadRoutes, type PresignedHandler } from './routes/local-uploads.js';
import { mediaAccessRoutes } from './routes/media-access.js';
import { mediaFileRoutes } from './routes/media-files.js';
import { mediaRoutes } from './routes/media.js';
import { accountRoutes, meRoutes, type AccountOptions } from './routes/me.js';
import { reviewRoutes } from './routes/review.js';
import { sharedRoutes } from './routes/shared.js';
import { shareRoutes } from './routes/shares.js';
import { systemRoutes } from './routes/system.js';
import { searchRoutes } from './routes/search.js';
import { tagRoutes } from './routes/tags.js';
import { trashRoutes } from './routes/trash.js';
import { uploadRoutes } from './routes/uploads.js';

export interface ApiOptions {
  deps: ServiceDeps;
  /**
   * Says whose request it is: `bearerTokens(tokens)` where this process checks tokens (locally),
   * `gatewayClaims(read)` where a gateway in front verified them (API Gateway's JWT authorizer).
   */
  verifier: OwnerVerifier;
  /**
   * Serve `/media/*` from `deps.store`, accepting the token from this cookie too (an `<img>` cannot
   * send a header; default cookie `mf_token`). The local server's; in AWS CloudFront serves media.
   */
  mediaFiles?: { cookieName?: string };
  /**
   * Answers the presigned URLs of the local object store (`/_local/objects/*`), the local stand-in
   * for S3: `presignedHandler` of `@mediaflow/storage/fs`. In AWS clients upload to S3 directly.
   */
  localUploads?: PresignedHandler;
  /** Logs unexpected errors (a 5xx); domain errors are answers, not incidents. */
  onError?: (error: unknown, request: Request) => void;
  /**
   * Serialised list pages and tag counts, reused until the owner's repository revision moves.
   * Default: a 32 MiB in-process cache; `false` turns it off. Used only when the repository
   * reports revisions.
   */
  responseCache?: ResponseCache | false;
  /**
   * Requests per owner on `/api/v1/*`: a steady rate and a burst, counted in this process (one
   * local server), or a `RateLimiter` whose count every instance shares (`DynamoRateLimiter` of
   * `@mediaflow/storage/dynamodb` in AWS, where the gateway's throttle is one limit for everybody).
   * Over it: `429` with `Retry-After`. Off when absent.
   */
  rateLimit?: RateLimit | RateLimiter;
  /**
   * A header only the proxy in front sends (CloudFront's `x-origin-verify` in AWS): every request
   * without it, on any path, is answered 403 before anything else runs. Off when absent, as
   * locally, where nothing stands in front.
   */
  originSecret?: OriginSecret;
  /**
   * Signs the cookies `POST /api/v1/media-access` sets, where the CDN checks a signature on every
   * media request (`CloudFrontMediaAccess` in AWS). Absent, as locally, the route sets none and
   * answers `expiresAt: null`: the local `/media/*` checks the owner's own cookie.
   */
  mediaAccess?: MediaAccessSigner;
  /**
   * Share links and what their visitors (and moderators) are handed. Absent, as in tests and one-off
   * tools, a random secret per process: unlock and local media grants then last until a restart.
   */
  shares?: ShareOptions;
  /**
   * Live status: `GET /api/v1/events` streams the owner's item changes from this change feed
   * (Server-Sent Events; `routes/events.ts`). The local server's; absent, as in AWS, the route does
   * not exist (a 404) and clients poll.
   */
  events?: EventStreamOptions;
  /**
   * Account deletion (`DELETE /api/v1/me`): the owner's records and the directory they sign in
   * through. With it, an owner whose account was deleted is refused (401) on every other route,
   * whatever their token. Absent, no such route.
   */
  account?: AccountOptions;
  /**
   * Where requests' ids come from, the scope they run in and the access log (`request-ids.ts`).
   * Whatever it says, every answer carries its request's id in `X-Request-Id`.
   */
  tracing?: RequestTracing;
}

/** How share links are served: `createApi`'s `shares`. */
export interface ShareOptions {
  /**
   * At least 32 bytes, the same for every instance that serves visitors (a secret in AWS; the local
   * server keeps one in its data directory): signs the unlock grants of password-protected links
   * (an hour each) and, where no `grants` are given, the local media grants.
   */
  secret: Buffer;
  /**
   * Unlock attempts per link: a rate and a burst counted in this process, or a `RateLimiter` every
   * instance shares (`DynamoRateLimiter` in AWS). Default {@link DEFAULT_UNLOCK_ATTEMPTS}.
   */
  attempts?: RateLimit | RateLimiter;
  /**
   * Signs the grants on the rendition URLs shown to visitors and moderators (15 minutes each):
   * `CloudFrontMediaGrants` in AWS. Default: `LocalMediaGrants` of `secret`, which the local
   * `/media/*` route (`mediaFiles`) checks. The API keeps the most recent ones
   * ({@link CachedMediaGrants}), so a page shown again signs nothing new until the expiry moves.
   */
  grants?: MediaGrantSigner;
}

/**
 * Unlock attempts per link by default: 10 at once, then one a minute (counted in this process).
 * `DynamoRateLimiter` turns the same limit into 10 per 10-minute window.
 */
export const DEFAULT_UNLOCK_ATTEMPTS: RateLimit = { perSecond: 1 / 60, burst: 10 };

/** Bodies of REST requests are small JSON documents; bytes go to presigned URLs. */
const MAX_JSON_BODY_BYTES = 256 * 1024;

function jsonBodyLimit(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      throw new LimitExceededError('the request body is too large');
    },
  });
}

/** The REST API's middleware after auth: the owner's rate, no caching by default, a body limit. */
function restMiddleware(options: ApiOptions): MiddlewareHandler<ApiEnv>[] {
  const limiter = rateLimiterOf(options.rateLimit);
  const limitBody = jsonBodyLimit();
  return [
    async (c, next) => {
      if (limiter !== undefined) {
        for (const [name, value] of Object.entries(await admitOrRefuse(limiter, 'owner', c.get('ownerId')))) c.header(name, value);
      }
      c.header('cache-control', 'no-store');
      await next();
    },
    // Reads carry no body; asking for one would make the node adapter build a full WHATWG Request.
    (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)),
  ];
}

/**
 * The visitors' middleware: nothing of an owner's (no token, no owner rate: unlocking has its own
 * per-link limit), answers never cached, the same body limit.
 */
function visitorMiddleware(): MiddlewareHandler<ApiEnv>[] {
  const limitBody = jsonBodyLimit();
  return [
    async (c, next) => {
      c.header('cache-control', 'no-store');
      await next();
    },
    (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)),
  ];
}

/** Answers `error` with its problem document: the one error mapping of `problems.ts`. */
function sendProblem(c: Context, error: unknown): Response {
  const { problem, headers } = problemResponse(error, new URL(c.req.url).pathname);
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, headers);
}

/**
 * Mediaflow's HTTP surface as a Hono app, composed of route modules: `/api/v1/*` (uploads, media,
 * tags, albums, share links, moderation; REST with the owner from `verifier`), `/api/v1/shared/*`
 * (what share links show, to anyone with the link), `/api/health` and `/api/openapi.json`
 * (generated from the same route declarations), and where asked for, `/media/*` (files) and
 * `/_local/*` (presigned uploads). Every owner query is scoped by the verified owner; another
 * owner's item is a 404.
 */
export function createApi(options: ApiOptions): Hono<ApiEnv> {
  const { deps, verifier } = options;
  const cache = options.responseCache === false ? undefined : (options.responseCache ?? new ResponseCache());
  const json = ownerJson(deps, cache);
  const cookieName = options.mediaFiles?.cookieName ?? 'mf_token';

  const shareSecret = options.shares?.secret ?? randomBytes(32);
  const grants = options.shares?.grants ?? new LocalMediaGrants(shareSecret);
  // What visitors and moderators are shown: a page loaded again reuses its grants (see CachedMediaGrants).
  const shownGrants = new CachedMediaGrants(grants);
  const attempts = rateLimiterOf(options.shares?.attempts ?? DEFAULT_UNLOCK_ATTEMPTS);

  const rest = [
    ...uploadRoutes(deps),
    ...mediaRoutes(deps, json),
    ...tagRoutes(deps, json),
    ...searchRoutes(deps, json),
    ...trashRoutes(deps),
    ...mediaAccessRoutes(options.mediaAccess, deps.clock),
    ...albumRoutes(deps),
    // Zips are streamed by a server that serves files itself, else built by archive jobs (or not offered).
    ...downloadRoutes(deps, options.mediaFiles ? shareSecret : undefined),
    ...shareRoutes(deps),
    ...reviewRoutes(deps, shownGrants),
    ...meRoutes(deps),
  ];
  // An owner whose account was deleted is refused everywhere but where the deletion is finished.
  const deletedOwners = options.account === undefined ? undefined : new DeletedOwners(options.account.records);
  const ownerVerifier = deletedOwners === undefined ? verifier : refuseDeletedOwners(verifier, deletedOwners);
  const account = options.account === undefined ? [] : accountRoutes(deps, options.account, deletedOwners);
  const visitors = sharedRoutes({ ...deps, unlocks: new ShareUnlocks(shareSecret) }, { grants: shownGrants, attempts });
  const files = options.mediaFiles ? mediaFileRoutes(deps, grants instanceof LocalMediaGrants ? grants : undefined) : [];
  // The local stand-ins for S3's presigned URLs: uploads, and the archives the server streams.
  const uploads = [...(options.localUploads ? localUploadRoutes(options.localUploads) : []), ...archiveFileRoutes(deps, options.mediaFiles ? shareSecret : undefined)];
  const system = systemRoutes(() => document);
  const live = options.events ? eventRoutes(deps, options.events, (error) => options.onError?.(error, new Request('http://localhost/api/v1/events'))) : [];
  const routes: ApiRoute[] = [...system, ...rest, ...account, ...live, ...visitors, ...files, ...uploads];
  // Built at once, so that a declaration the document cannot describe fails at start, not on a request.
  const document: OpenApiDocument = buildOpenApiDocument(routes, { mediaCookieName: cookieName });

  const app = new Hono<ApiEnv>();
  // Outermost: every answer, a refusal by the middleware below included, carries the request's id.
  app.use('*', requestIds(deps.ids, options.tracing));
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      crossOriginResourcePolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
      // A route's own stricter header wins over these defaults: `/media/*` adds `sandbox` to its CSP.
      overwrite: false,
    }),
  );
  // After the security headers, so that a refusal carries them too; before everything else.
  if (options.originSecret !== undefined) app.use('*', requireOriginSecret(options.originSecret));
  app.onError((error, c) => {
    const response = sendProblem(c, error);
    if (response.status >= 500) options.onError?.(error, c.req.raw);
    return response;
  });
  app.notFound((c) => sendProblem(c, new NotFoundError('no such route')));

  mountRoutes(app, system, { verifier: ownerVerifier });
  const restUse = restMiddleware(options);
  mountRoutes(app, rest, { verifier: ownerVerifier, use: restUse });
  mountRoutes(app, account, { verifier, use: restUse });
  // The one REST route that takes the cookie: an EventSource cannot send a header.
  mountRoutes(app, live, { verifier: ownerVerifier, cookieName, use: restUse });
  mountRoutes(app, visitors, { verifier: ownerVerifier, use: visitorMiddleware() });
  mountRoutes(app, files, { verifier: ownerVerifier, cookieName });
  mountRoutes(app, uploads, { verifier: ownerVerifier });
  return app;
}
