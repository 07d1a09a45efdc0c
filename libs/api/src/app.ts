import {
  ForbiddenError,
  ListQuerySchema,
  MediaIdParamSchema,
  NotFoundError,
  parseKey,
  parseOrThrow,
  ValidationError,
  type ByteRange,
  type GetResult,
  type ObjectStore,
} from '@mediaflow/domain';
import {
  completeMultipartUpload,
  deleteMedia,
  getMedia,
  listMedia,
  listTags,
  releaseMedia,
  startUpload,
  toMediaView,
  updateMedia,
  type ServiceDeps,
} from '@mediaflow/media-service';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import type { Authenticator } from './local-tokens.js';
import { buildOpenApiDocument } from './openapi.js';
import { problem, toProblem, type Problem } from './problems.js';
import { OwnerRateLimiter } from './rate-limit.js';
import { matchesEtag, negotiateCoding, ResponseCache } from './response-cache.js';

export interface ApiOptions {
  deps: ServiceDeps;
  auth: Authenticator;
  /**
   * Handles presigned local uploads (`PUT /_local/...`), the local stand-in for S3. Absent in AWS,
   * where clients upload to S3 directly.
   */
  localUploads?: (request: Request) => Promise<Response>;
  /** Logs unexpected errors (a 500); domain errors are answers, not incidents. */
  onError?: (error: unknown, request: Request) => void;
  /** Cookie that may carry the token for `/media/*` (an `<img>` cannot send a header). */
  mediaCookieName?: string;
  /**
   * Serialised list pages and tag counts, reused until the owner's repository revision moves.
   * Default: a 32 MiB in-process cache; `false` turns it off. Used only when the repository
   * reports revisions.
   */
  responseCache?: ResponseCache | false;
  /**
   * The owner as a gateway in front of the app already verified it, read from the runtime's
   * bindings (`c.env`; API Gateway's JWT authorizer puts the claims on the Lambda event). When
   * given, it replaces the bearer check of `auth`; `undefined` (no verified claims) answers 401.
   */
  verifiedOwner?: (env: unknown) => string | undefined;
  /**
   * Requests per owner on `/api/v1/*`: a steady rate and a burst. Over it: `429` with
   * `Retry-After`. Off when absent (in AWS the gateway throttles instead).
   */
  rateLimit?: { perSecond: number; burst: number };
}

type Env = { Variables: { ownerId: string } };

const CompleteBodySchema = z.object({
  uploadId: z.string().min(1).max(256),
  parts: z.array(z.object({ number: z.number().int().min(1).max(10000), etag: z.string().min(1).max(256) })).min(1).max(10000),
});

function sendProblem(c: Context, p: Problem): Response {
  return c.body(JSON.stringify(p), p.status as 400, { 'content-type': 'application/problem+json' });
}

/** Error codes (`ENOSPC`, `SQLITE_BUSY`, ...) carried by an error or anything in its cause chain. */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 8; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    current = cause;
  }
  return codes;
}

/** Seconds a client waits before trying again while another process holds the database's lock. */
const LOCKED_RETRY_AFTER_SECONDS = 2;

/**
 * Failures of the machine rather than of the request, answered so that a client knows what to do
 * instead of a bare 500: a full disk (the filesystem's ENOSPC or quota, SQLite's "database or disk
 * is full") is 507, until someone frees space; a database that another process kept locked past
 * the busy timeout is 503 with Retry-After, as it clears by itself. Found by code anywhere along
 * the cause chain: the filesystem, SQLite, or a domain error wrapping them.
 */
function unavailable(error: unknown, instance: string): { problem: Problem; retryAfterSeconds?: number } | undefined {
  const codes = errorCodes(error);
  if (codes.some((c) => c === 'ENOSPC' || c === 'EDQUOT' || c === 'SQLITE_FULL')) {
    return { problem: { ...problem(507, 'insufficient_storage', 'the server has run out of disk space; nothing was stored', instance), title: 'Insufficient storage' } };
  }
  if (codes.some((c) => c.startsWith('SQLITE_BUSY') || c.startsWith('SQLITE_LOCKED'))) {
    return {
      problem: { ...problem(503, 'unavailable', `the database is locked by another process; try again in ${LOCKED_RETRY_AFTER_SECONDS} s`, instance), title: 'Service unavailable' },
      retryAfterSeconds: LOCKED_RETRY_AFTER_SECONDS,
    };
  }
  return undefined;
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header ?? '');
  return match?.[1];
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new ValidationError('send the body as application/json');
  try {
    return await c.req.json();
  } catch (cause) {
    throw new ValidationError('the body is not valid JSON', [], { cause });
  }
}

function parseRange(header: string | undefined): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
  if (!match) return undefined; // multi-range and suffix ranges: serve the whole object
  const start = Number(match[1]);
  return match[2] ? { start, end: Number(match[2]) } : { start };
}

/** The whole object, or undefined when there is none (the caller answers 404). */
async function openWhole(store: ObjectStore, key: string): Promise<GetResult | undefined> {
  try {
    return await store.get(key);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** Closes a body that will not be sent (a 304), so its file handle is not left to the collector. */
async function release(body: AsyncIterable<Uint8Array> | undefined): Promise<void> {
  await body?.[Symbol.asyncIterator]().return?.();
}

/** Objects up to this size are read whole and sent as one buffer; larger ones are streamed. */
const WHOLE_BODY_BYTES = 256 * 1024;

/** An object's bytes in one buffer (only for small objects: the size is known and bounded). */
async function readAll(body: AsyncIterable<Uint8Array>, size: number): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(new ArrayBuffer(size));
  let offset = 0;
  for await (const chunk of body) {
    if (offset + chunk.length > size) throw new Error('the object is larger than its head said');
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return offset === size ? out : out.subarray(0, offset);
}

/** A percent-encoded path, or undefined when its escapes do not decode to UTF-8 (`%`, `%zz`, `%ED%A0%80`). */
function decodePath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Mediaflow's HTTP surface as a Hono app: `/api/v1/*` (REST, bearer auth), `/api/openapi.json`,
 * `/media/*` (renditions inline with immutable caching, originals and documents as attachments),
 * and, locally, `/_local/*` for presigned uploads. Every query is scoped by the owner from the
 * verified token; another owner's item is a 404.
 */
export function createApi(options: ApiOptions): Hono<Env> {
  const { deps, auth } = options;
  const cookieName = options.mediaCookieName ?? 'mf_token';
  const app = new Hono<Env>();

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

  app.onError((error, c) => {
    const instance = new URL(c.req.url).pathname;
    const outage = unavailable(error, instance);
    if (outage?.retryAfterSeconds !== undefined) c.header('retry-after', String(outage.retryAfterSeconds));
    const p = outage?.problem ?? toProblem(error, instance);
    if (p.status >= 500) options.onError?.(error, c.req.raw);
    return sendProblem(c, p);
  });
  app.notFound((c) => sendProblem(c, problem(404, 'not_found', 'no such route', new URL(c.req.url).pathname)));

  app.get('/api/health', (c) => c.json({ ok: true }));
  const openapi = buildOpenApiDocument();
  app.get('/api/openapi.json', (c) => c.json(openapi));

  // --- authenticated REST API -----------------------------------------------------------------
  const limiter = options.rateLimit && new OwnerRateLimiter(options.rateLimit.perSecond, options.rateLimit.burst);
  const api = new Hono<Env>();
  api.use('*', async (c, next) => {
    if (options.verifiedOwner) {
      const ownerId = options.verifiedOwner(c.env);
      if (!ownerId) return sendProblem(c, problem(401, 'unauthorized', 'the request carries no verified token'));
      c.set('ownerId', ownerId);
    } else {
      const token = bearer(c.req.header('authorization'));
      if (!token) return sendProblem(c, problem(401, 'unauthorized', 'send Authorization: Bearer <token>'));
      try {
        c.set('ownerId', await auth.authenticate(token));
      } catch (error) {
        if (error instanceof ForbiddenError) return sendProblem(c, problem(401, 'unauthorized', error.message));
        throw error;
      }
    }
    const wait = limiter?.take(c.get('ownerId')) ?? 0;
    if (wait > 0) {
      c.header('retry-after', String(wait));
      return sendProblem(c, problem(429, 'rate_limited', `too many requests; try again in ${wait} s`));
    }
    c.header('cache-control', 'no-store');
    await next();
    return undefined;
  });
  const limitBody = bodyLimit({ maxSize: 256 * 1024, onError: (c) => sendProblem(c, problem(413, 'limit_exceeded', 'the request body is too large')) });
  // Reads carry no body; asking for one would make the node adapter build a full WHATWG Request.
  api.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  const mediaId = (c: Context<Env>): string => parseOrThrow(MediaIdParamSchema, { id: c.req.param('id') }, 'media id').id;
  const view = (item: Parameters<typeof toMediaView>[0]) => toMediaView(item, deps.config.mediaBaseUrl);

  api.post('/uploads', async (c) => {
    const result = await startUpload(deps, c.get('ownerId'), await readJson(c));
    if (result.duplicate) return c.json({ id: result.id, duplicate: true }, 200);
    const upload = result.upload;
    if ('method' in upload) return c.json({ id: result.id, upload: { method: upload.method, url: upload.url, headers: upload.headers, expiresAt: upload.expiresAt } }, 201);
    return c.json(
      {
        id: result.id,
        upload: { partSize: upload.partSize, parts: upload.parts, completeUrl: `/api/v1/uploads/${result.id}/complete`, uploadId: upload.uploadId, expiresAt: upload.expiresAt },
      },
      201,
    );
  });

  api.post('/uploads/:id/complete', async (c) => {
    const body = parseOrThrow(CompleteBodySchema, await readJson(c), 'completion');
    await completeMultipartUpload(deps, c.get('ownerId'), mediaId(c), body.uploadId, body.parts);
    return c.json({ id: mediaId(c), status: 'uploading' }, 202);
  });

  const cache = options.responseCache === false ? undefined : (options.responseCache ?? new ResponseCache());

  /**
   * A JSON answer that depends only on the owner's items: served from the response cache under the
   * owner's revision, revalidated by ETag (`304`), compressed when the client accepts it.
   */
  async function ownerJson(c: Context<Env>, scope: string, produce: () => Promise<unknown>): Promise<Response> {
    const ownerId = c.get('ownerId');
    const revision = cache === undefined ? undefined : await deps.repo.revision?.(ownerId);
    if (cache === undefined || revision === undefined) return c.json(await produce());
    const key = `${ownerId}\u0000${revision}\u0000${scope}`;
    const entry = await cache.get(key, produce);
    // Private, but storable: the browser revalidates with If-None-Match instead of refetching.
    const headers: Record<string, string> = { 'cache-control': 'private, no-cache', vary: 'authorization, accept-encoding', etag: entry.etag };
    if (matchesEtag(c.req.header('if-none-match'), entry.etag)) return c.body(null, 304, headers);
    const { body, coding } = cache.encode(key, entry, negotiateCoding(c.req.header('accept-encoding')));
    headers['content-type'] = 'application/json';
    if (coding !== 'identity') headers['content-encoding'] = coding;
    return c.body(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), 200, headers);
  }

  api.get('/media', async (c) => {
    const ownerId = c.get('ownerId');
    // Validated before the cache: a bad query is a 400 whether or not a page is cached.
    const query = parseOrThrow(ListQuerySchema, c.req.query(), 'query');
    return ownerJson(c, `media?${JSON.stringify(query)}`, async () => {
      const page = await listMedia(deps, ownerId, query);
      return { items: page.items.map(view), nextCursor: page.nextCursor ?? null };
    });
  });

  api.get('/media/:id', async (c) => c.json(view(await getMedia(deps, c.get('ownerId'), mediaId(c)))));

  api.patch('/media/:id', async (c) => c.json(view(await updateMedia(deps, c.get('ownerId'), mediaId(c), await readJson(c)))));

  api.post('/media/:id/release', async (c) => c.json(view(await releaseMedia(deps, c.get('ownerId'), mediaId(c)))));

  api.delete('/media/:id', async (c) => {
    await deleteMedia(deps, c.get('ownerId'), mediaId(c));
    return c.body(null, 204);
  });

  api.get('/tags', async (c) => ownerJson(c, 'tags', async () => ({ tags: await listTags(deps, c.get('ownerId')) })));

  app.route('/api/v1', api);

  // --- media: renditions and originals ---------------------------------------------------------
  app.on(['GET', 'HEAD'], '/media/*', async (c) => {
    const token = bearer(c.req.header('authorization')) ?? getCookie(c, cookieName);
    if (!token) return sendProblem(c, problem(401, 'unauthorized', 'sign in to see media'));
    let ownerId: string;
    try {
      ownerId = await auth.authenticate(token);
    } catch (error) {
      if (error instanceof ForbiddenError) return sendProblem(c, problem(401, 'unauthorized', error.message));
      throw error;
    }
    const key = decodePath(new URL(c.req.url).pathname.slice('/media/'.length));
    const parsed = key === undefined ? undefined : parseKey(key);
    if (key === undefined || !parsed || parsed.ownerId !== ownerId) throw new NotFoundError('no such media');

    // A whole-object GET (most requests) opens the object once and takes its head from there; a
    // HEAD or a range request reads the head first. Each store call is several trips through the
    // thread pool, and under load every trip waits for a turn of the busy event loop.
    const range = parseRange(c.req.header('range'));
    const whole = c.req.method === 'GET' && range === undefined ? await openWhole(deps.store, key) : undefined;
    const head = whole?.head ?? (await deps.store.head(key));
    if (!head) throw new NotFoundError('no such media');
    const etag = `"${head.etag}"`;
    const headers: Record<string, string> = {
      etag,
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
      // Served bytes never run as a page, even if a browser were tricked into rendering them.
      'content-security-policy': "default-src 'none'; sandbox",
    };
    if (parsed.type === 'original') {
      const item = await getMedia(deps, ownerId, parsed.mediaId).catch(async (error: unknown) => {
        await release(whole?.body);
        throw error;
      });
      headers['content-type'] = 'application/octet-stream';
      headers['content-disposition'] = contentDisposition(item.original.filename);
      headers['cache-control'] = 'private, no-store';
    } else {
      headers['content-type'] = head.contentType;
      headers['cache-control'] = head.cacheControl ?? 'private, max-age=300';
      if (head.contentDisposition) headers['content-disposition'] = head.contentDisposition;
    }
    if (c.req.header('if-none-match') === etag) {
      await release(whole?.body);
      return c.body(null, 304, headers);
    }

    if (range && (range.start >= head.size || (range.end !== undefined && range.end < range.start))) {
      return c.body(null, 416, { ...headers, 'content-range': `bytes */${head.size}` });
    }
    if (c.req.method === 'HEAD') return c.body(null, 200, { ...headers, 'content-length': String(head.size) });
    const got = whole ?? (await deps.store.get(key, range));
    if (!got.range && head.size <= WHOLE_BODY_BYTES) {
      // Thumbnails and small renditions are most of a gallery's requests: sent as one buffer they
      // cost one write instead of a stream's several turns of the event loop, which under load
      // (the loop busy with other requests) is what made them slow.
      return c.body(await readAll(got.body, head.size), 200, { ...headers, 'content-length': String(head.size) });
    }
    const body = ReadableStream.from(got.body);
    if (got.range) {
      return c.body(body, 206, {
        ...headers,
        'content-range': `bytes ${got.range.start}-${got.range.end}/${head.size}`,
        'content-length': String(got.range.end - got.range.start + 1),
      });
    }
    return c.body(body, 200, { ...headers, 'content-length': String(head.size) });
  });

  if (options.localUploads) {
    const handle = options.localUploads;
    app.all('/_local/*', async (c) => handle(c.req.raw));
  }

  return app;
}
