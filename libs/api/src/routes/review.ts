import { MediaIdParamSchema, type MediaItem, OwnerIdSchema, UlidSchema } from '@mediaflow/domain';
import {
  approveMedia,
  listReview,
  MediaViewSchema,
  rejectMedia,
  requestReview,
  ReviewItemViewSchema,
  ReviewQuerySchema,
  ReviewRejectSchema,
  toMediaView,
  toReviewItemView,
  type ReviewItemView,
  type ServiceDeps,
} from '@mediaflow/media-service';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { mediaGrantExpiry, type MediaGrantSigner } from '../media-grants.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { ReviewPageSchema } from '../schemas.js';

const ReviewItemParamSchema = z.object({ ownerId: OwnerIdSchema, id: UlidSchema });

/**
 * Moderation: the moderators' queue and decisions across owners (the `moderator` role, else 403),
 * and an owner's request that a held item be looked at again. A moderator sees another owner's
 * renditions through per-item media grants on their URLs.
 */
export function reviewRoutes(deps: ServiceDeps, grants: MediaGrantSigner): ApiRoute[] {
  const base = deps.config.mediaBaseUrl;
  const view = async (item: MediaItem, expiresAt = mediaGrantExpiry(deps.clock.now())): Promise<ReviewItemView> =>
    toReviewItemView(item, base, await grants.grant(item.ownerId, item.id, expiresAt));
  const theItem = { 200: { description: 'the item after the decision', schema: ReviewItemViewSchema } };
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/review',
      operationId: 'listReview',
      summary: 'Items of every owner held for review and not yet decided, oldest first (moderators)',
      tag: 'review',
      security: 'bearer',
      query: ReviewQuerySchema,
      responses: { 200: { description: 'a page', schema: ReviewPageSchema } },
      errors: [400, 403, 429],
    }).handle(async (c, { query }) => {
      requireRole(c.get('roles'), 'moderator');
      const page = await listReview(deps, query);
      const expiresAt = mediaGrantExpiry(deps.clock.now());
      return { status: 200, body: { items: await Promise.all(page.items.map((i) => view(i, expiresAt))), nextCursor: page.nextCursor ?? null } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/review/{ownerId}/{id}/approve',
      operationId: 'approveMedia',
      summary: 'Release a held item: ready, visible through links and shareable again (moderators)',
      tag: 'review',
      security: 'bearer',
      params: ReviewItemParamSchema,
      responses: theItem,
      errors: [400, 403, 404, 409, 429],
    }).handle(async (c, { params }) => {
      requireRole(c.get('roles'), 'moderator');
      return { status: 200, body: await view(await approveMedia(deps, c.get('ownerId'), params.ownerId, params.id)) };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/review/{ownerId}/{id}/reject',
      operationId: 'rejectMedia',
      summary: 'Keep a held item held, with a reason its owner reads (moderators)',
      tag: 'review',
      security: 'bearer',
      params: ReviewItemParamSchema,
      body: ReviewRejectSchema,
      responses: theItem,
      errors: [400, 403, 404, 409, 413, 429],
    }).handle(async (c, { params, body }) => {
      requireRole(c.get('roles'), 'moderator');
      return { status: 200, body: await view(await rejectMedia(deps, c.get('ownerId'), params.ownerId, params.id, body)) };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/media/{id}/review-request',
      operationId: 'requestReview',
      summary: 'Ask a moderator to look (again) at one of the caller’s held items',
      tag: 'review',
      security: 'bearer',
      params: MediaIdParamSchema,
      responses: { 200: { description: 'the item, back in the review queue', schema: MediaViewSchema } },
      errors: [400, 404, 409, 429],
    }).handle(async (c, { params }) => ({ status: 200, body: toMediaView(await requestReview(deps, c.get('ownerId'), params.id), base) })),
  ];
}
