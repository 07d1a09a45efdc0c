import { TrashQuerySchema } from '@mediaflow/domain';
import { emptyTrash, listTrash, toTrashItemView, type ServiceDeps } from '@mediaflow/media-service';
import { defineRoute, type ApiRoute } from '../route.js';
import { EmptyTrashSchema, TrashPageSchema } from '../schemas.js';

/** The owner's trash: list it, empty it. (Items go there by `DELETE /api/v1/media/{id}` and come back by its `restore`.) */
export function trashRoutes(deps: ServiceDeps): ApiRoute[] {
  const retentionDays = deps.config.trashRetentionDays;
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/trash',
      operationId: 'listTrash',
      summary: 'The items in the trash, most recently trashed first, with when each is removed for good',
      tag: 'media',
      security: 'bearer',
      query: TrashQuerySchema,
      responses: { 200: { description: 'a page of the trash', schema: TrashPageSchema } },
      errors: [400, 429],
    }).handle(async (c, { query }) => {
      const page = await listTrash(deps, c.get('ownerId'), query);
      const items = page.items.map((item) => toTrashItemView(item, deps.config.mediaBaseUrl, retentionDays));
      return { status: 200, body: { items, nextCursor: page.nextCursor ?? null, retentionDays } };
    }),

    defineRoute({
      method: 'delete',
      path: '/api/v1/trash',
      operationId: 'emptyTrash',
      summary: 'Delete for good a batch of the items in the trash; ask again while more are left',
      tag: 'media',
      security: 'bearer',
      responses: { 200: { description: 'how many went, and whether more are left', schema: EmptyTrashSchema } },
      errors: [429],
    }).handle(async (c) => ({ status: 200, body: await emptyTrash(deps, c.get('ownerId')) })),
  ];
}
