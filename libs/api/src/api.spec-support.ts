import { renditionKey, type MediaItem, type Role } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { IMMUTABLE_CACHE } from '@mediaflow/media-service';
import type { InMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi, type ShareOptions } from './app.js';
import { bearerTokens } from './auth.js';
import type { Problem } from './client/mediaflow-client.js';
import { LocalTokens } from './local-tokens.js';

// Test support for the HTTP specs (excluded from the library build as `*.spec-support.ts`).

/** One request of a spec: whose token it carries (none: anonymous), the method, a JSON body. */
export interface SpecRequest {
  /** The owner whose bearer token is sent (with `roles`); without it the request has no token. */
  owner?: string;
  roles?: Role[];
  /** `GET` unless given. */
  method?: string;
  /** Sent as the body, with `content-type: application/json`. */
  json?: unknown;
  headers?: Record<string, string>;
}

/**
 * The API on the given in-memory deps, with local bearer tokens and a fixed share secret, and the
 * helpers every HTTP spec uses: `call` (a raw request), `json` and `problem` (a request that must
 * answer `status`, and its body), `seed` (a ready item of an owner with its thumbnail and
 * original in the store; the clock then moves a second).
 *
 * @example
 * const deps = inMemoryDeps();
 * const { call, json, seed } = apiSpecHarness(deps);
 * const item = await seed('alice');
 * const view = await json<MediaView>(`/api/v1/media/${item.id}`, { owner: 'alice' });
 */
export function apiSpecHarness(deps: InMemoryDeps, shares: Partial<ShareOptions> = {}) {
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => deps.clock.now() });
  const app = createApi({ deps, verifier: bearerTokens(tokens), mediaFiles: {}, shares: { secret: Buffer.alloc(32, 5), ...shares } });
  const call = (path: string, init: SpecRequest = {}) => {
    const headers = new Headers(init.headers);
    if (init.owner !== undefined) headers.set('authorization', `Bearer ${tokens.issue(init.owner, { roles: init.roles ?? [] })}`);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    return app.request(path, { method: init.method ?? 'GET', headers, ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }) });
  };
  /** The JSON body of a request that must answer `status` (another status fails with the body shown). */
  const json = async <T>(path: string, init: SpecRequest = {}, status = 200): Promise<T> => {
    const res = await call(path, init);
    expect([path, res.status, res.status === status ? '' : await res.text()]).toEqual([path, status, '']);
    return (await res.json()) as T;
  };
  /** The problem+json body of a request that must fail with `status`. */
  const problem = async (path: string, init: SpecRequest, status: number): Promise<Problem> => {
    const res = await call(path, init);
    expect([path, res.status]).toEqual([path, status]);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return (await res.json()) as Problem;
  };
  /** A ready item of `owner`, with a thumbnail and its original in the store. */
  const seed = async (owner = 'alice', overrides: Partial<MediaItem> = {}): Promise<MediaItem> => {
    const id = deps.ids.next();
    const thumb = { name: 'thumb', format: 'webp' as const, key: renditionKey(owner, id, 'thumb', 'webp'), contentType: 'image/webp', bytes: 4, width: 8, height: 8 };
    const at = deps.clock.now().toISOString();
    const item = makeMediaItem({ id, ownerId: owner, status: 'ready', moderation: { verdict: 'safe', labels: [] }, renditions: [thumb], createdAt: at, updatedAt: at, ...overrides });
    await deps.repo.create(item);
    await deps.store.put(thumb.key, new Uint8Array([1, 2, 3, 4]), { contentType: 'image/webp', cacheControl: IMMUTABLE_CACHE });
    await deps.store.put(item.original.key, new Uint8Array([9, 9, 9]));
    deps.clock.advance(1000);
    return item;
  };
  return { app, tokens, call, json, problem, seed };
}
