import { BulkRequestSchema, ListQuerySchema, MediaDeleteQuerySchema, MediaIdParamSchema, MediaUpdateSchema, type MediaErrorCode } from '@mediaflow/domain';
import {
  bulkMedia,
  deleteMedia,
  getMedia,
  listMedia,
  MediaViewSchema,
  originalDownload,
  restoreMedia,
  toMediaView,
  trashMedia,
  updateMedia,
  type ServiceDeps,
} from '@mediaflow/media-service';
import type { z } from 'zod';
import type { OwnerJson } from '../cached-json.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { STATUS_BY_CODE } from '../problems.js';
import { BulkResultSchema, MediaPageSchema, OriginalDownloadSchema } from '../schemas.js';

/** The owner's items: list, read, edit, trash, restore, delete, act on many at once, download the original. (A held item is released by a moderator: `review.ts`.) */
export function mediaRoutes(deps: ServiceDeps, ownerJson: OwnerJson): ApiRoute[] {
  const view = (item: Parameters<typeof toMediaView>[0]) => toMediaView(item, deps.config.mediaBaseUrl);
  const theItem = { 200: { description: 'the item', schema: MediaViewSchema } };
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/media',
      operationId: 'listMedia',
      summary: 'List media, newest first',
      tag: 'media',
      security: 'bearer',
      query: ListQuerySchema,
      responses: { 200: { description: 'a page', schema: MediaPageSchema } },
      errors: [400, 429],
    }).respond(async (c, { query }) =>
      // The query was validated before the cache: a bad one is a 400 whether or not a page is cached.
      ownerJson(c, `media?${JSON.stringify(query)}`, async (): Promise<z.output<typeof MediaPageSchema>> => {
        const page = await listMedia(deps, c.get('ownerId'), query);
        return { items: page.items.map(view), nextCursor: page.nextCursor ?? null };
      }),
    ),

    defineRoute({
      method: 'get',
      path: '/api/v1/media/{id}',
      operationId: 'getMedia',
      summary: 'One item',
      tag: 'media',
      security: 'bearer',
      params: MediaIdParamSchema,
      responses: theItem,
      errors: [400, 404, 429],
    }).handle(async (c, { params }) => ({ status: 200, body: view(await getMedia(deps, c.get('ownerId'), params.id)) })),

    defineRoute({
      method: 'patch',
      path: '/api/v1/media/{id}',
      operationId: 'updateMedia',
      summary: 'Edit the title, the description and the owner’s tags',
      tag: 'media',
      security: 'bearer',
      params: MediaIdParamSchema,
      body: MediaUpdateSchema,
      responses: theItem,
      errors: [400, 404, 409, 413, 429],
    }).handle(async (c, { params, body }) => ({ status: 200, body: view(await updateMedia(deps, c.get('ownerId'), params.id, body)) })),

    defineRoute({
      method: 'delete',
      path: '/api/v1/media/{id}',
      operationId: 'deleteMedia',
      summary: 'Move the item to the trash, or with permanent=true delete it for good (original, every rendition and every version of them)',
      tag: 'media',
      security: 'bearer',
      params: MediaIdParamSchema,
      query: MediaDeleteQuerySchema,
      responses: { 204: { description: 'in the trash, or deleted' } },
      errors: [400, 404, 409, 429],
    }).handle(async (c, { params, query }) => {
      if (query.permanent === 'true') await deleteMedia(deps, c.get('ownerId'), params.id);
      else await trashMedia(deps, c.get('ownerId'), params.id);
      return { status: 204 };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/media/{id}/restore',
      operationId: 'restoreMedia',
      summary: 'Take the item out of the trash, with the status it had',
      tag: 'media',
      security: 'bearer',
      params: MediaIdParamSchema,
      responses: theItem,
      errors: [400, 404, 409, 429],
    }).handle(async (c, { params }) => ({ status: 200, body: view(await restoreMedia(deps, c.get('ownerId'), params.id)) })),

    defineRoute({
      method: 'post',
      path: '/api/v1/media/bulk',
      operationId: 'bulkMedia',
      summary: 'One action on many items: trash, restore, delete, add or remove tags, favourite, add to an album; answered item by item',
      tag: 'media',
      security: 'bearer',
      body: BulkRequestSchema,
      responses: { 200: { description: 'each item\u2019s outcome, in the order of ids', schema: BulkResultSchema } },
      errors: [400, 404, 413, 429],
    }).handle(async (c, { body }) => {
      const result = await bulkMedia(deps, c.get('ownerId'), body);
      const results = result.results.map((r) => (r.ok ? r : { ...r, status: STATUS_BY_CODE[r.code as MediaErrorCode] ?? 500 }));
      return { status: 200, body: { results, succeeded: result.succeeded, failed: result.failed } };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/media/{id}/original',
      operationId: 'getOriginalDownload',
      summary: 'A short-lived link that downloads the original as an attachment, under its file name',
      tag: 'media',
      security: 'bearer',
      params: MediaIdParamSchema,
      responses: { 200: { description: 'where to download the original from, and until when', schema: OriginalDownloadSchema } },
      errors: [400, 404, 409, 429],
    }).handle(async (c, { params }) => {
      const link = await originalDownload(deps, c.get('ownerId'), params.id);
      // The link is a credential for one object: never stored by a cache on the way.
      c.header('cache-control', 'no-store');
      return { status: 200, body: { url: link.url, expiresAt: link.expiresAt.toISOString() } };
    }),
  ];
}
