import { isCorrelationId, type IdGenerator } from '@mediaflow/domain';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './auth.js';

/** The header that carries a request's id, in and out. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * One line of the access log: a request and its answer. `correlation_id` is the request's id,
 * under the key Powertools gives it in the Lambdas' logs, so one query finds the request and the
 * jobs it caused. `path` has no query string (presigned URLs and media grants carry their
 * signatures there) and no share link token.
 */
export type AccessLogEntry = {
  /** `error` for a 5xx (the server's fault); a 4xx is the client's doing and is `info`, like a 2xx. */
  level: 'info' | 'error';
  msg: 'request';
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** The body's length when the answer says it (not for streams). */
  bytes?: number;
  /** The verified owner, when the route asked for one. */
  ownerId?: string;
  correlation_id: string;
};

/** How requests get their ids, what is done with them, and who hears of each request. */
export interface RequestTracing {
  /**
   * The id the platform gave the request, used in place of the client's (API Gateway's
   * `requestContext.requestId`, read from the runtime's bindings, which its own access log and
   * the function's log lines carry too). Absent, or when it gives nothing usable: the client's
   * `X-Request-Id` when it is a plain short token, else a new ULID.
   */
  platformRequestId?: (env: unknown) => string | undefined;
  /**
   * Runs the rest of the request with its id as the correlation id of what it does:
   * `withCorrelationId` of `@mediaflow/messaging`, so the events it publishes (and the jobs they
   * cause) carry the request's id.
   */
  scope?: <T>(requestId: string, work: () => Promise<T>) => Promise<T>;
  /** Hears of every request once it is answered: the access log. Absent where the gateway keeps one. */
  accessLog?: (entry: AccessLogEntry) => void;
}

/** Longer paths are cut in the access log: a path is the client's to choose. */
const MAX_LOGGED_PATH = 512;

/** The path as the access log shows it: without a share link's token, which opens the link. */
export function loggedPath(path: string): string {
  return path.replace(/^(\/api\/v1\/shared\/)[^/]+/, '$1{token}').slice(0, MAX_LOGGED_PATH);
}

function usable(id: string | undefined): string | undefined {
  return isCorrelationId(id) ? id : undefined;
}

/**
 * Gives every request an id ({@link RequestTracing.platformRequestId}, a safe `X-Request-Id` from
 * the client, or a new ULID), runs it in that id's scope, answers it in `X-Request-Id` (errors,
 * refusals and 404s included) and logs one access line. First in the chain, so that nothing
 * answers without it.
 */
export function requestIds(ids: IdGenerator, tracing: RequestTracing = {}): MiddlewareHandler<ApiEnv> {
  const { platformRequestId, scope, accessLog } = tracing;
  return async (c, next) => {
    const started = performance.now();
    const id = usable(platformRequestId?.(c.env)) ?? usable(c.req.header(REQUEST_ID_HEADER)) ?? ids.next();
    await (scope ? scope(id, next) : next());
    c.res.headers.set(REQUEST_ID_HEADER, id);
    if (accessLog === undefined) return;
    const { status } = c.res;
    const length = Number(c.res.headers.get('content-length') ?? Number.NaN);
    const ownerId = c.get('ownerId') as string | undefined;
    accessLog({
      level: status >= 500 ? 'error' : 'info',
      msg: 'request',
      method: c.req.method,
      path: loggedPath(c.req.path),
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(Number.isFinite(length) ? { bytes: length } : {}),
      ...(ownerId === undefined ? {} : { ownerId }),
      correlation_id: id,
    });
  };
}
