import type { ServiceDeps } from '@mediaflow/media-service';
import type { Context } from 'hono';
import type { ApiEnv } from './auth.js';
import { matchesEtag, negotiateCoding, type ResponseCache } from './response-cache.js';

/**
 * Answers with a JSON body that depends only on the owner's items.
 * `scope` names the question (the list query, `tags`); `produce` computes the answer.
 */
export type OwnerJson = <T>(c: Context<ApiEnv>, scope: string, produce: () => Promise<T>) => Promise<Response>;

/**
 * Owner JSON served from the response cache under the owner's revision, revalidated by ETag
 * (`304`), compressed when the client accepts it. Without a cache, or with a repository that
 * keeps no revisions, a plain JSON answer.
 */
export function ownerJson(deps: Pick<ServiceDeps, 'repo'>, cache: ResponseCache | undefined): OwnerJson {
  return async (c, scope, produce) => {
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
  };
}
