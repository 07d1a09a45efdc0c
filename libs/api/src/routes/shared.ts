import { type MediaItem, type RateLimiter, type ShareLink, UlidSchema } from '@mediaflow/domain';
import {
  downloadSharedOriginal,
  openShare,
  openSharedMedia,
  reportSharedMedia,
  SharedMediaViewSchema,
  SharedPageQuerySchema,
  ShareReportSchema,
  toSharedMediaView,
  unlockShare,
  type SharedMediaView,
  type VisitorDeps,
  type VisitorPass,
} from '@mediaflow/media-service';
import type { Context } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../auth.js';
import { admitOrRefuse } from '../rate-limit.js';
import { mediaGrantExpiry, type MediaGrantSigner } from '../media-grants.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { OriginalDownloadSchema, ReportAcceptedSchema, SharedPageSchema, ShareUnlockedSchema, ShareUnlockRequestSchema } from '../schemas.js';

/** The header a visitor sends the unlock grant of a password-protected link in. */
export const SHARE_UNLOCK_HEADER = 'x-share-unlock';

/** What the attempts limiter counts a link's unlock attempts under: this, then the link's id. */
export const UNLOCK_ATTEMPTS_PREFIX = 'share-unlock:';

/**
 * The link token as the path carries it: any string. A malformed token is not refused here (a 400
 * would tell it apart from a real one); it is hashed and looked up like any other, and misses.
 */
const TokenParamSchema = z.object({ token: z.string() });
const TokenMediaParamSchema = z.object({ token: z.string(), id: UlidSchema });

export interface SharedRouteOptions {
  /** Signs the grants on the rendition URLs a visitor is shown. */
  grants: MediaGrantSigner;
  /**
   * Counts unlock attempts per link (keyed by the link's id, only for a link that exists, works and
   * has a password); over the limit, 429 with `Retry-After`. None: unlimited.
   */
  attempts: RateLimiter | undefined;
}

/** What the request offers: the token of its path and, for a protected link, its unlock grant. */
function passOf(c: Context<ApiEnv>, token: string): VisitorPass {
  return { token, unlock: c.req.header(SHARE_UNLOCK_HEADER) };
}

/**
 * What visitors of a share link reach, without an account (`security: 'public'`): the link's
 * items, one item, its original where the link allows downloads, unlocking a protected link, and
 * reporting an item. Rendition URLs carry short-lived grants for exactly their item.
 */
export function sharedRoutes(deps: VisitorDeps, options: SharedRouteOptions): ApiRoute[] {
  const { grants, attempts } = options;
  const base = deps.config.mediaBaseUrl;
  /** An item as visitors see it, each rendition URL with the item's grant. */
  const view = async (item: MediaItem, expiresAt = mediaGrantExpiry(deps.clock.now())): Promise<SharedMediaView> =>
    toSharedMediaView(item, base, await grants.grant(item.ownerId, item.id, expiresAt));
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/shared/{token}',
      operationId: 'openShare',
      summary: 'What a share link shows: its item, or a page of its album’s items in album order',
      tag: 'shared',
      security: 'public',
      params: TokenParamSchema,
      query: SharedPageQuerySchema,
      responses: { 200: { description: 'the link and a page of what it shows', schema: SharedPageSchema } },
      errors: [400, 401, 404, 410],
    }).handle(async (c, { params, query }) => {
      const page = await openShare(deps, passOf(c, params.token), query);
      const { link, album } = page;
      const expiresAt = mediaGrantExpiry(deps.clock.now());
      return {
        status: 200,
        body: {
          share: { type: link.target.type, allowDownload: link.allowDownload, expiresAt: link.expiresAt ?? null },
          album: album === undefined ? null : { name: album.name, description: album.description ?? null, itemCount: album.itemCount },
          items: await Promise.all(page.items.map((item) => view(item, expiresAt))),
          nextCursor: page.nextCursor ?? null,
        },
      };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/shared/{token}/unlock',
      operationId: 'unlockShare',
      summary: 'The password of a protected link, for an unlock grant to send as x-share-unlock',
      tag: 'shared',
      security: 'public',
      params: TokenParamSchema,
      body: ShareUnlockRequestSchema,
      responses: { 200: { description: 'the unlock grant and until when it works', schema: ShareUnlockedSchema } },
      errors: [400, 403, 404, 409, 410, 413, 429],
    }).handle(async (c, { params, body }) => {
      // Counted per link (by its id) once the link is found and has a password, before the password
      // is looked at, right or wrong. A made-up token is one lookup and a 404, and counts nothing.
      const admit =
        attempts === undefined
          ? undefined
          : async (link: ShareLink): Promise<void> => {
              for (const [name, value] of Object.entries(await admitOrRefuse(attempts, 'unlock', `${UNLOCK_ATTEMPTS_PREFIX}${link.id}`))) c.header(name, value);
            };
      const { unlock, expiresAt } = await unlockShare(deps, params.token, body.password, admit === undefined ? {} : { admit });
      return { status: 200, body: { unlock, expiresAt: expiresAt.toISOString() } };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/shared/{token}/media/{id}',
      operationId: 'openSharedMedia',
      summary: 'One item a share link shows',
      tag: 'shared',
      security: 'public',
      params: TokenMediaParamSchema,
      responses: { 200: { description: 'the item', schema: SharedMediaViewSchema } },
      errors: [400, 401, 404, 410],
    }).handle(async (c, { params }) => {
      const { item } = await openSharedMedia(deps, passOf(c, params.token), params.id);
      return { status: 200, body: await view(item) };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/shared/{token}/media/{id}/original',
      operationId: 'downloadSharedOriginal',
      summary: 'A short-lived link that downloads an item’s original, where the share link allows downloads',
      tag: 'shared',
      security: 'public',
      params: TokenMediaParamSchema,
      responses: { 200: { description: 'where to download the original from, and until when', schema: OriginalDownloadSchema } },
      errors: [400, 401, 403, 404, 410],
    }).handle(async (c, { params }) => {
      const link = await downloadSharedOriginal(deps, passOf(c, params.token), params.id);
      return { status: 200, body: { url: link.url, expiresAt: link.expiresAt.toISOString() } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/shared/{token}/media/{id}/report',
      operationId: 'reportSharedMedia',
      summary: 'Report an item: it is held for a moderator and disappears from the link',
      tag: 'shared',
      security: 'public',
      params: TokenMediaParamSchema,
      body: ShareReportSchema,
      responses: { 202: { description: 'reported', schema: ReportAcceptedSchema } },
      errors: [400, 401, 404, 410, 413],
    }).handle(async (c, { params, body }) => {
      await reportSharedMedia(deps, passOf(c, params.token), params.id, body);
      return { status: 202, body: {} };
    }),
  ];
}
