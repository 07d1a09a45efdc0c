import { createHmac } from 'node:crypto';
import { CloudFrontMediaAccess, CloudFrontMediaGrants, createApi, DEFAULT_UNLOCK_ATTEMPTS, gatewayClaims, loggedPath, type AccountOptions, type MediaAccessSigner, type ShareOptions } from '@mediaflow/api';
import { CachingMediaRepository, OwnerIdSchema, rolesOf, type AccountDirectory, type Cache, type Principal, type RateLimit, type RateLimiter } from '@mediaflow/domain';
import { withCorrelationId } from '@mediaflow/messaging';
import { DynamoMediaRepository, DynamoRateLimiter } from '@mediaflow/storage/dynamodb';
import { RedisCache } from '@mediaflow/storage/redis';
import { readSecretString } from '@mediaflow/storage/secrets-manager';
import { ORIGIN_VERIFY_HEADER } from '@mediaflow/workers';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { accountDirectoryFor } from '../account-directory.js';
import { archiveJobsFor } from '../archive-jobs.js';
import { awsRuntime, coldStart, type Runtime } from '../composition.js';
import { requireSetting, type LambdaEnv } from '../config.js';

/**
 * The groups of a `cognito:groups` claim. API Gateway's JWT authorizer hands array claims to the
 * function flattened into one string, `[moderator other]`; an array is read as it is.
 */
export function groupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((g) => g !== '');
}

/**
 * The principal API Gateway's JWT authorizer verified: the token's `sub`, and its roles from the
 * user pool groups it names (`moderator`). A request that reached the function without verified
 * claims (a route left without the authorizer) has no owner.
 */
export function principalFromClaims(env: unknown): Principal | undefined {
  const event = (env as { event?: Partial<APIGatewayProxyEventV2WithJWTAuthorizer> } | undefined)?.event;
  const claims = event?.requestContext?.authorizer?.jwt?.claims;
  const parsed = OwnerIdSchema.safeParse(claims?.['sub']);
  return parsed.success ? { ownerId: parsed.data, roles: rolesOf(groupsClaim(claims?.['cognito:groups'])) } : undefined;
}

/** API Gateway's id of the request, from the Lambda event `hono/aws-lambda` puts on the bindings. */
export function gatewayRequestId(env: unknown): string | undefined {
  const id = (env as { event?: { requestContext?: { requestId?: unknown } } } | undefined)?.event?.requestContext?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The HTTP API behind API Gateway HTTP API (payload v2) with a Cognito JWT authorizer, which
 * verified the token: the owner is taken from its claims. Media is served by CloudFront from S3
 * and uploads go to S3, so the app here is the REST API alone (no `/media/*`, no `/_local/*`).
 * With a `rateLimiter` ({@link callerRateLimiter}), each owner's requests over it are answered 429
 * with `Retry-After`. With `ORIGIN_VERIFY_SECRET` set, a request that did not come through
 * CloudFront (no `x-origin-verify` header with that value) is answered 403 before anything else.
 * With a `mediaAccess` signer ({@link mediaAccessSigner}), `POST /api/v1/media-access` sets the
 * CloudFront signed cookies the distribution asks of every media request. With `account`
 * ({@link accountDeletion}), `DELETE /api/v1/me` deletes the caller's account. A request's id is
 * API Gateway's (answered in `X-Request-Id`, the `correlation_id` of the function's log lines and
 * of the events it publishes); the gateway's own access log has one line per request, so the
 * function writes none.
 */
export function createApiHandler(
  runtime: Runtime,
  rateLimiter?: RateLimiter,
  mediaAccess?: MediaAccessSigner,
  shares?: ShareOptions,
  account?: AccountOptions,
): (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyResultV2> {
  const { deps, telemetry } = runtime;
  const app = createApi({
    deps,
    verifier: gatewayClaims(principalFromClaims),
    ...(rateLimiter === undefined ? {} : { rateLimit: rateLimiter }),
    ...(mediaAccess === undefined ? {} : { mediaAccess }),
    ...(shares === undefined ? {} : { shares }),
    ...(account === undefined ? {} : { account }),
    ...(runtime.config.ORIGIN_VERIFY_SECRET === undefined ? {} : { originSecret: { header: ORIGIN_VERIFY_HEADER, value: runtime.config.ORIGIN_VERIFY_SECRET } }),
    // The DynamoDB repository keeps no revisions, which the page cache needs; do not reserve its memory.
    responseCache: false,
    onError: (error, request) => telemetry.logger.error('request failed', { error: error instanceof Error ? error : String(error), path: loggedPath(new URL(request.url).pathname) }),
    tracing: { platformRequestId: gatewayRequestId, scope: withCorrelationId },
  });
  const lambda = handle(app);
  return telemetry.wrap(
    (event) => gatewayRequestId({ event }),
    async (event, context) => {
      const principal = principalFromClaims({ event });
      if (principal) telemetry.logger.appendKeys({ ownerId: principal.ownerId });
      const started = performance.now();
      const result = (await lambda(event as unknown as Parameters<typeof lambda>[0], context)) as APIGatewayProxyResultV2;
      const status = typeof result === 'object' ? (result.statusCode ?? 200) : 200;
      telemetry.record('http', status >= 500 ? 'failed' : 'processed', performance.now() - started);
      return result;
    },
  );
}

/**
 * With `CACHE_URL` set (the stage's optional ElastiCache, `docs/deploy.md`), each owner's tag
 * counts are kept in the cache for a minute: they are the one query whose cost grows with the
 * library. The cache fails open: when it cannot be reached the repository answers, and the
 * failure is logged as a warning. ElastiCache Serverless speaks only the cluster protocol.
 */
export function withHotQueryCache(runtime: Runtime, makeCache: (url: string) => Cache = (url) => new RedisCache({ url, cluster: true }, { onError: (error) => runtime.telemetry.logger.warn('cache connection failed', { error }) })): Runtime {
  const url = runtime.config.CACHE_URL;
  if (url === undefined) return runtime;
  const repo = new CachingMediaRepository(runtime.deps.repo, {
    cache: makeCache(url),
    onCacheError: (error, context) => runtime.telemetry.logger.warn('cache unavailable, read from the table', { error: error instanceof Error ? error : String(error), ...context }),
  });
  return { ...runtime, deps: { ...runtime.deps, repo } };
}

/**
 * The limit per caller the stack sets (`OWNER_RATE_LIMIT_PER_SECOND` and `OWNER_RATE_LIMIT_BURST`),
 * counted in the media table (`RATE#` items) so that every instance of the function enforces one
 * limit per caller: API Gateway's stage throttle is one limit for everybody, and an HTTP API takes
 * no WAF. None when neither is set.
 *
 * @throws ConfigError when only one of the two is set.
 */
export function callerRateLimiter(
  config: LambdaEnv,
  makeLimiter: (limit: RateLimit) => RateLimiter = (limit) => new DynamoRateLimiter({ tableName: config.MEDIA_TABLE, region: config.AWS_REGION, ...limit }),
): RateLimiter | undefined {
  if (config.OWNER_RATE_LIMIT_PER_SECOND === undefined && config.OWNER_RATE_LIMIT_BURST === undefined) return undefined;
  return makeLimiter({ perSecond: requireSetting(config, 'OWNER_RATE_LIMIT_PER_SECOND'), burst: requireSetting(config, 'OWNER_RATE_LIMIT_BURST') });
}

/**
 * The signer of the media cookies the stack configures (`MEDIA_SIGNING_KEY_ID` and
 * `MEDIA_SIGNING_SECRET_ARN`): its private key is read from Secrets Manager at the first
 * media-access request, and kept for the container's life. None when neither is set (locally).
 *
 * @throws ConfigError when only one of the two is set.
 */
export function mediaAccessSigner(
  config: LambdaEnv,
  loadSecret: (secretArn: string) => Promise<string> = secretsOf(config),
): MediaAccessSigner | undefined {
  if (config.MEDIA_SIGNING_KEY_ID === undefined && config.MEDIA_SIGNING_SECRET_ARN === undefined) return undefined;
  const keyPairId = requireSetting(config, 'MEDIA_SIGNING_KEY_ID');
  const secretArn = requireSetting(config, 'MEDIA_SIGNING_SECRET_ARN');
  return new CloudFrontMediaAccess({ keyPairId, loadPrivateKey: () => loadSecret(secretArn), mediaBaseUrl: config.MEDIA_BASE_URL, lifetimeSeconds: config.MEDIA_ACCESS_SECONDS });
}

/** Reads a secret's string from Secrets Manager, each secret once for the container's life. */
function secretsOf(config: LambdaEnv): (secretArn: string) => Promise<string> {
  const read = new Map<string, Promise<string>>();
  return (secretArn) => {
    let value = read.get(secretArn);
    if (value === undefined) {
      value = readSecretString({ secretId: secretArn, region: config.AWS_REGION });
      // A failed read is tried again by the next request, not remembered.
      value.catch(() => read.delete(secretArn));
      read.set(secretArn, value);
    }
    return value;
  };
}

/**
 * How visitors of share links are served, where the stack signs media (`MEDIA_SIGNING_*`): their
 * renditions by CloudFront signed URLs of the same key pair as the owners' cookies, scoped to one
 * item each; password unlocks signed with a key derived from that private key, so every instance
 * accepts every other's (and a rotation of the key ends the unlocks it signed, an hour's worth at
 * most); unlock attempts per link counted in the media table, shared by every instance. The key is
 * read once, when the handler is built. None without the settings (then each instance would sign
 * with a random secret of its own, which the app does when given none).
 */
export async function shareOptions(config: LambdaEnv, loadSecret: (secretArn: string) => Promise<string> = secretsOf(config)): Promise<ShareOptions | undefined> {
  if (config.MEDIA_SIGNING_KEY_ID === undefined && config.MEDIA_SIGNING_SECRET_ARN === undefined) return undefined;
  const keyPairId = requireSetting(config, 'MEDIA_SIGNING_KEY_ID');
  const secretArn = requireSetting(config, 'MEDIA_SIGNING_SECRET_ARN');
  const privateKey = await loadSecret(secretArn);
  return {
    secret: createHmac('sha256', privateKey).update('mediaflow/share-links/v1').digest(),
    attempts: new DynamoRateLimiter({ tableName: config.MEDIA_TABLE, region: config.AWS_REGION, ...DEFAULT_UNLOCK_ATTEMPTS }),
    grants: new CloudFrontMediaGrants({ keyPairId, loadPrivateKey: async () => privateKey, mediaBaseUrl: config.MEDIA_BASE_URL }),
  };
}

/**
 * The time the invocation has left, from the Lambda context `hono/aws-lambda` puts on the bindings
 * (`c.env.lambdaContext`); `undefined` elsewhere.
 */
export function lambdaTimeLeftMs(env: unknown): number | undefined {
  const context = (env as { lambdaContext?: Partial<Pick<Context, 'getRemainingTimeInMillis'>> } | undefined)?.lambdaContext;
  return typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
}

/**
 * Account deletion where the stack names the user pool (`USER_POOL_ID`): the owner's records read
 * from the media table itself (not through the hot-query cache), the user deleted in Cognito once
 * nothing of theirs is left. Each round works within what the invocation has left (its timeout,
 * 15 s, less a margin), and Cognito is called only with time for its answer. None without the variable.
 */
export function accountDeletion(config: LambdaEnv, directory: AccountDirectory | undefined = accountDirectoryFor(config)): AccountOptions | undefined {
  if (directory === undefined) return undefined;
  return { records: new DynamoMediaRepository({ tableName: config.MEDIA_TABLE, region: config.AWS_REGION }), directory, timeLeftMs: lambdaTimeLeftMs };
}

export const handler = coldStart(async () => {
  // With the archive queue (ARCHIVE_QUEUE_URL), downloads and exports are mounted and queued for the archive function.
  const runtime = withHotQueryCache(awsRuntime('api', (config) => ({ archiveJobs: archiveJobsFor(config) })));
  const secrets = secretsOf(runtime.config);
  return createApiHandler(runtime, callerRateLimiter(runtime.config), mediaAccessSigner(runtime.config, secrets), await shareOptions(runtime.config, secrets), accountDeletion(runtime.config));
});
