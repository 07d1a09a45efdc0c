import { parseOrThrow, UnsupportedMediaError, ValidationError } from '@mediaflow/domain';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { authenticate, type ApiEnv, type OwnerVerifier } from './auth.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The query parameter of a media grant on `bearer-cookie-or-grant` routes. */
export const GRANT_QUERY_PARAM = 'grant';

/** Who may call a route: what its OpenAPI `security` says, and what the auth middleware enforces. */
export type RouteSecurity =
  /** Anyone (health, the OpenAPI document). */
  | 'public'
  /** A bearer token, or the claims a gateway verified. */
  | 'bearer'
  /** Also the media cookie: routes that `<img>` and `<video>` load (`/media/*`). */
  | 'bearer-or-cookie'
  /**
   * Also the media cookie, or a media grant in the query (`?grant=`) instead of either: a request
   * with a grant is let through to the handler, which checks it against what it serves (the local
   * `/media/*` for visitors and moderators).
   */
  | 'bearer-cookie-or-grant'
  /** The URL's own signature, checked by the handler (the local stand-in for S3). */
  | 'presigned';

/** A JSON body, documented by its schema. */
export interface JsonResponse {
  description: string;
  schema: z.ZodType;
}
/** Bytes of the given media types (files, renditions). */
export interface BytesResponse {
  description: string;
  bytes: string;
}
/** No body (`204`, `304`, a `HEAD`). */
export interface EmptyResponse {
  description: string;
}
export type ResponseSpec = JsonResponse | BytesResponse | EmptyResponse;
export type Responses = Readonly<Record<number, ResponseSpec>>;

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: path parameters, query and JSON body, each parsed with its schema. */
export interface RouteInput<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

/** A JSON (or empty) answer in one of the shapes the route declares, typed by its schema. */
export type Reply<R extends Responses> = {
  [S in keyof R & number]: R[S] extends JsonResponse ? { status: S; body: z.output<R[S]['schema']> } : R[S] extends BytesResponse ? never : { status: S };
}[keyof R & number];

type Schema = z.ZodType | undefined;

/**
 * One operation of the REST contract, declared once: the router registers it and the OpenAPI
 * document describes it from this same object, so the two cannot drift.
 */
export interface RouteDeclaration<P extends Schema, Q extends Schema, B extends Schema, R extends Responses> {
  method: HttpMethod;
  /** In OpenAPI form: `/api/v1/media/{id}`. */
  path: string;
  /** Unique; the generated client's method name. */
  operationId: string;
  summary: string;
  /** The route module, as an OpenAPI tag. */
  tag: string;
  security: RouteSecurity;
  /** A parameter that spans path segments, by name: `{ key: '.+' }` (an object key). */
  pathPatterns?: Readonly<Record<string, string>>;
  params?: P;
  query?: Q;
  /** An `application/json` body. */
  body?: B;
  /** A body of bytes, of this media type, left unread for the handler. */
  rawBody?: string;
  responses: R;
  /** Statuses answered with a problem document, besides 401 on routes that need a credential. */
  errors: readonly number[];
}

/** A declared route, its schemas' types forgotten (what route modules hand to the app). */
export interface ApiRoute extends RouteDeclaration<Schema, Schema, Schema, Responses> {
  /** Answers a request whose input was parsed with the declared schemas. */
  answer(c: Context<ApiEnv>, input: RouteInput<Schema, Schema, Schema>): Promise<Response>;
}

/** The second half of a declaration: how the route answers. */
export interface RouteBuilder<P, Q, B, R extends Responses> {
  /** With one of the declared JSON (or empty) replies, typed by the declared schemas. */
  handle(handler: (c: Context<ApiEnv>, input: RouteInput<P, Q, B>) => Promise<Reply<R>>): ApiRoute;
  /** With a `Response` of its own: bytes, a cached body, a `304`. */
  respond(responder: (c: Context<ApiEnv>, input: RouteInput<P, Q, B>) => Promise<Response>): ApiRoute;
}

/**
 * Declares a route, then how it answers; the handler is typed by the declared schemas (its input)
 * and responses (its reply).
 *
 * @example
 * defineRoute({
 *   method: 'get', path: '/api/v1/media/{id}', operationId: 'getMedia', summary: 'One item', tag: 'media',
 *   security: 'bearer', params: MediaIdParamSchema, errors: [404],
 *   responses: { 200: { description: 'the item', schema: MediaViewSchema } },
 * }).handle(async (c, { params }) => ({ status: 200, body: view(await getMedia(deps, c.get('ownerId'), params.id)) }));
 */
export function defineRoute<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined, R extends Responses = Responses>(
  declaration: RouteDeclaration<P, Q, B, R>,
): RouteBuilder<P, Q, B, R> {
  const erased = declaration as unknown as RouteDeclaration<Schema, Schema, Schema, Responses>;
  type Input = RouteInput<P, Q, B>;
  return {
    handle: (handler) => ({
      ...erased,
      async answer(c, input) {
        const reply: { status: number; body?: unknown } = await handler(c, input as Input);
        const status = reply.status as ContentfulStatusCode;
        return 'body' in reply ? c.json(reply.body, status) : c.body(null, status);
      },
    }),
    respond: (responder) => ({ ...erased, answer: (c, input) => responder(c, input as Input) }),
  };
}

/** The route's path as Hono matches it: `{id}` -> `:id`, a spanning parameter -> `:key{.+}`. */
export function routerPath(route: Pick<ApiRoute, 'path' | 'pathPatterns'>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const pattern = route.pathPatterns?.[name];
    return pattern === undefined ? `:${name}` : `:${name}{${pattern}}`;
  });
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  // A body of another type is refused as such (415), not as a malformed one.
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new UnsupportedMediaError(`send the body as application/json, not ${type === '' ? 'without a Content-Type' : type.split(';')[0]}`);
  try {
    return await c.req.json();
  } catch (cause) {
    throw new ValidationError('the body is not valid JSON', [], { cause });
  }
}

async function parseInput(c: Context<ApiEnv>, route: ApiRoute): Promise<RouteInput<Schema, Schema, Schema>> {
  return {
    params: route.params && parseOrThrow(route.params, c.req.param(), 'path'),
    query: route.query && parseOrThrow(route.query, c.req.query(), 'query'),
    body: route.body && parseOrThrow(route.body, await readJson(c), 'request body'),
  };
}

export interface MountOptions {
  /** Says whose request it is on every route that needs a credential. */
  verifier: OwnerVerifier;
  /** The media cookie, for `bearer-or-cookie` routes. */
  cookieName?: string;
  /** Middleware run after auth, before the input is parsed (rate limit, cache headers, body limit). */
  use?: readonly MiddlewareHandler<ApiEnv>[];
}

/** Registers routes on the app, each behind the auth its `security` names and the given middleware. */
export function mountRoutes(app: Hono<ApiEnv>, routes: readonly ApiRoute[], options: MountOptions): void {
  for (const route of routes) {
    const chain: MiddlewareHandler<ApiEnv>[] = [];
    if (route.security === 'bearer') chain.push(authenticate(options.verifier));
    if (route.security === 'bearer-or-cookie') chain.push(authenticate(options.verifier, options.cookieName));
    if (route.security === 'bearer-cookie-or-grant') {
      const auth = authenticate(options.verifier, options.cookieName);
      chain.push((c, next) => (c.req.query(GRANT_QUERY_PARAM) === undefined ? auth(c, next) : next()));
    }
    chain.push(...(options.use ?? []));
    chain.push(async (c) => route.answer(c, await parseInput(c, route)));
    app.on(route.method.toUpperCase(), [routerPath(route)], ...chain);
  }
}
