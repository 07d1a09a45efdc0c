import { ShareCreateSchema, ShareIdParamSchema } from '@mediaflow/domain';
import { createShare, getShare, listShares, ShareListQuerySchema, ShareViewSchema, revokeShare, toShareView, type ServiceDeps } from '@mediaflow/media-service';
import { defineRoute, type ApiRoute } from '../route.js';
import { ShareCreatedSchema, ShareListSchema } from '../schemas.js';

/** Where the gallery opens a share link: the token is the whole credential. */
export function sharePath(token: string): string {
  return `/s/${token}`;
}

/** The owner's share links: create (the token shown once), list, read, revoke. */
export function shareRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/shares',
      operationId: 'createShare',
      summary: 'Create a link to an item or an album; its token is in this answer only',
      tag: 'shares',
      security: 'bearer',
      body: ShareCreateSchema,
      responses: { 201: { description: 'the link, its token and the path that opens it', schema: ShareCreatedSchema } },
      errors: [400, 404, 409, 413, 429],
    }).handle(async (c, { body }) => {
      const { link, token } = await createShare(deps, c.get('ownerId'), body);
      c.header('location', `/api/v1/shares/${link.id}`);
      return { status: 201, body: { share: toShareView(link, deps.clock.now()), token, path: sharePath(token) } };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/shares',
      operationId: 'listShares',
      summary: 'The caller’s links, newest first, optionally those of one item or album',
      tag: 'shares',
      security: 'bearer',
      query: ShareListQuerySchema,
      responses: { 200: { description: 'the links', schema: ShareListSchema } },
      errors: [400, 429],
    }).handle(async (c, { query }) => {
      const now = deps.clock.now();
      return { status: 200, body: { items: (await listShares(deps, c.get('ownerId'), query)).map((l) => toShareView(l, now)) } };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/shares/{shareId}',
      operationId: 'getShare',
      summary: 'One of the caller’s links (never its token)',
      tag: 'shares',
      security: 'bearer',
      params: ShareIdParamSchema,
      responses: { 200: { description: 'the link', schema: ShareViewSchema } },
      errors: [400, 404, 429],
    }).handle(async (c, { params }) => ({ status: 200, body: toShareView(await getShare(deps, c.get('ownerId'), params.shareId), deps.clock.now()) })),

    defineRoute({
      method: 'delete',
      path: '/api/v1/shares/{shareId}',
      operationId: 'revokeShare',
      summary: 'Turn a link off for good (visitors get 410 from then on)',
      tag: 'shares',
      security: 'bearer',
      params: ShareIdParamSchema,
      responses: { 204: { description: 'revoked' } },
      errors: [400, 404, 429],
    }).handle(async (c, { params }) => {
      await revokeShare(deps, c.get('ownerId'), params.shareId);
      return { status: 204 };
    }),
  ];
}
