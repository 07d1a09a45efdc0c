import { attachmentDisposition, ForbiddenError, NotFoundError, parseKey, type ByteRange, type GetResult, type ObjectStore, type ParsedKey } from '@mediaflow/domain';
import { getMedia, type ServiceDeps } from '@mediaflow/media-service';
import type { Context } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../auth.js';
import type { LocalMediaGrants } from '../media-grants.js';
import { defineRoute, GRANT_QUERY_PARAM, type ApiRoute } from '../route.js';

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

const PREFIX = '/media/';

/** Whose file a request may have: the caller's own, or the one item a valid media grant opens (until when). */
type Access = { ownerId: string; grantedUntil?: Date };

/**
 * A media grant, when the request carries one, is checked before anything else and instead of the
 * caller's token: it opens exactly the renditions of the item it was made for (403 otherwise:
 * tampered, expired, another item, an original). Without one, the owner the auth middleware found.
 */
function accessOf(c: Context<ApiEnv>, parsed: ParsedKey | undefined, grants: LocalMediaGrants | undefined, now: Date): Access {
  const grant = c.req.query(GRANT_QUERY_PARAM);
  if (grant === undefined) return { ownerId: c.get('ownerId') };
  const until = grants !== undefined && parsed?.type === 'rendition' ? grants.verify(parsed.ownerId, parsed.mediaId, grant, now) : undefined;
  if (parsed === undefined || until === undefined) throw new ForbiddenError('the media grant does not open this file');
  return { ownerId: parsed.ownerId, grantedUntil: until };
}

/**
 * `/media/*` from the object store: renditions inline with their stored caching (immutable),
 * originals and documents only as attachments, each with ETag, `304` and byte ranges; only for an
 * item the caller has (any other key is a 404), or with a media grant of `grants` (`?grant=`), for
 * the renditions of the one item it names. The local server's; in AWS, CloudFront serves media
 * from S3 and checks its own signed URLs.
 */
export function mediaFileRoutes(deps: ServiceDeps, grants?: LocalMediaGrants): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/media/{key}',
      pathPatterns: { key: '.+' },
      operationId: 'getMediaFile',
      summary: 'A rendition (inline, immutable) or an original (attachment), with ETag and ranges. Bearer header, the media cookie, or a media grant for one item’s renditions.',
      tag: 'media files',
      security: 'bearer-cookie-or-grant',
      params: z.object({ key: z.string() }),
      responses: {
        200: { description: 'the bytes', bytes: '*/*' },
        206: { description: 'a range of the bytes', bytes: '*/*' },
        304: { description: 'not modified' },
      },
      errors: [403, 404, 416],
    }).respond(async (c) => {
      // The raw path, not the router's parameter: an escape that is not UTF-8 is a 404, not a guess.
      const key = decodePath(new URL(c.req.url).pathname.slice(PREFIX.length));
      const parsed = key === undefined ? undefined : parseKey(key);
      const access = accessOf(c, parsed, grants, deps.clock.now());
      const { ownerId } = access;
      if (key === undefined || !parsed || parsed.ownerId !== ownerId) throw new NotFoundError('no such media');

      // Only the files of an item the caller has: an object left under their prefix by a delete
      // that has not finished, or for a sweep to remove, is no longer theirs to fetch.
      //
      // A whole-object GET (most requests) opens the object once and takes its head from there; a
      // HEAD or a range request reads the head first. Each store call is several trips through the
      // thread pool, and under load every trip waits for a turn of the busy event loop, so the item
      // is looked up meanwhile.
      const range = parseRange(c.req.header('range'));
      const [found, opened] = await Promise.allSettled([
        getMedia(deps, ownerId, parsed.mediaId),
        c.req.method === 'GET' && range === undefined ? openWhole(deps.store, key) : undefined,
      ]);
      if (found.status === 'rejected') {
        if (opened.status === 'fulfilled') await release(opened.value?.body);
        throw found.reason;
      }
      if (opened.status === 'rejected') throw opened.reason;
      const item = found.value;
      const whole = opened.value;
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
        headers['content-type'] = 'application/octet-stream';
        headers['content-disposition'] = attachmentDisposition(item.original.filename);
        headers['cache-control'] = 'private, no-store';
      } else {
        headers['content-type'] = head.contentType;
        headers['cache-control'] = head.cacheControl ?? 'private, max-age=300';
        // Bytes fetched with a grant are kept by the visitor's browser alone, no longer than the grant lasts.
        if (access.grantedUntil !== undefined) {
          headers['cache-control'] = `private, max-age=${Math.max(0, Math.floor((access.grantedUntil.getTime() - deps.clock.now().getTime()) / 1000))}`;
        }
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
    }),
  ];
}
