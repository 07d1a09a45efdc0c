import { LimitExceededError, NotFoundError, type RateLimit, type RateLimiter } from '@mediaflow/domain';
import type { ServiceDeps } from '@mediaflow/media-service';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiEnv, OwnerVerifier } from './auth.js';
import { ownerJson } from './cached-json.js';
import { RateLimitedError } from './errors.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import type { MediaAccessSigner } from './media-access.js';
import { requireOriginSecret, type OriginSecret } from './origin-secret.js';
import { problemResponse } from './problems.js';
import { rateLimiterOf } from './rate-limit.js';
import { ResponseCache } from './response-cache.js';
import { mountRoutes, type ApiRoute } from './route.js';
import { localUploadRoutes, type PresignedHandler } from './routes/local-uploads.js';
import { mediaAccessRoutes } from './routes/media-access.js';
import { mediaFileRoutes } from './routes/media-files.js';
import { mediaRoutes } from './routes/media.js';
import { systemRoutes } from './routes/system.js';
import { tagRoutes } from './routes/tags.js';
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
}

/** Bodies of REST requests are small JSON documents; bytes go to presigned URLs. */
const MAX_JSON_BODY_BYTES = 256 * 1024;

/** The REST API's middleware after auth: the owner's rate, no caching by default, a body limit. */
function restMiddleware(options: ApiOptions): MiddlewareHandler<ApiEnv>[] {
  const limiter = rateLimiterOf(options.rateLimit);
  const limitBody = bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      throw new LimitExceededError('the request body is too large');
    },
  });
  return [
    async (c, next) => {
      const wait = limiter === undefined ? 0 : await limiter.take(c.get('ownerId'));
      if (wait > 0) throw new RateLimitedError(wait);
      c.header('cache-control', 'no-store');
      await next();
    },
    // Reads carry no body; asking for one would make the node adapter build a full WHATWG Request.
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
 * tags; REST with the owner from `verifier`), `/api/health` and `/api/openapi.json` (generated from
 * the same route declarations), and where asked for, `/media/*` (files) and `/_local/*` (presigned
 * uploads). Every query is scoped by the verified owner; another owner's item is a 404.
 */
export function createApi(options: ApiOptions): Hono<ApiEnv> {
  const { deps, verifier } = options;
  const cache = options.responseCache === false ? undefined : (options.responseCache ?? new ResponseCache());
  const json = ownerJson(deps, cache);
  const cookieName = options.mediaFiles?.cookieName ?? 'mf_token';

  const rest = [...uploadRoutes(deps), ...mediaRoutes(deps, json), ...tagRoutes(deps, json), ...mediaAccessRoutes(options.mediaAccess, deps.clock)];
  const files = options.mediaFiles ? mediaFileRoutes(deps) : [];
  const uploads = options.localUploads ? localUploadRoutes(options.localUploads) : [];
  const system = systemRoutes(() => document);
  const routes: ApiRoute[] = [...system, ...rest, ...files, ...uploads];
  // Built at once, so that a declaration the document cannot describe fails at start, not on a request.
  const document: OpenApiDocument = buildOpenApiDocument(routes, { mediaCookieName: cookieName });

  const app = new Hono<ApiEnv>();
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

  mountRoutes(app, system, { verifier });
  mountRoutes(app, rest, { verifier, use: restMiddleware(options) });
  mountRoutes(app, files, { verifier, cookieName });
  mountRoutes(app, uploads, { verifier });
  return app;
}
