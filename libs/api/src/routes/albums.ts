import {
  AlbumCreateSchema,
  AlbumIdParamSchema,
  AlbumItemsChangeSchema,
  AlbumItemsQuerySchema,
  AlbumListQuerySchema,
  AlbumUpdateSchema,
  MediaIdParamSchema,
} from '@mediaflow/domain';
import {
  addAlbumItems,
  albumView,
  albumViews,
  AlbumViewSchema,
  createAlbum,
  deleteAlbum,
  getAlbum,
  listAlbumItems,
  listAlbums,
  listMediaAlbums,
  removeAlbumItems,
  toMediaView,
  updateAlbum,
  type ServiceDeps,
} from '@mediaflow/media-service';
import { defineRoute, type ApiRoute } from '../route.js';
import { AlbumItemsAddedSchema, AlbumItemsRemovedSchema, AlbumListSchema, AlbumPageSchema, MediaPageSchema } from '../schemas.js';

/** The owner's albums: create, list, read, edit, delete, and their items. */
export function albumRoutes(deps: ServiceDeps): ApiRoute[] {
  const view = (album: Parameters<typeof albumView>[1]) => albumView(deps, album);
  const theAlbum = { 200: { description: 'the album', schema: AlbumViewSchema } };
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/albums',
      operationId: 'createAlbum',
      summary: 'Create an empty album',
      tag: 'albums',
      security: 'bearer',
      body: AlbumCreateSchema,
      responses: { 201: { description: 'the new album', schema: AlbumViewSchema } },
      errors: [400, 413, 429],
    }).handle(async (c, { body }) => {
      const album = await createAlbum(deps, c.get('ownerId'), body);
      c.header('location', `/api/v1/albums/${album.id}`);
      return { status: 201, body: await view(album) };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/albums',
      operationId: 'listAlbums',
      summary: 'List albums, newest first',
      tag: 'albums',
      security: 'bearer',
      query: AlbumListQuerySchema,
      responses: { 200: { description: 'a page', schema: AlbumPageSchema } },
      errors: [400, 429],
    }).handle(async (c, { query }) => {
      const page = await listAlbums(deps, c.get('ownerId'), query);
      return { status: 200, body: { items: await albumViews(deps, page.items), nextCursor: page.nextCursor ?? null } };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/albums/{albumId}',
      operationId: 'getAlbum',
      summary: 'One album',
      tag: 'albums',
      security: 'bearer',
      params: AlbumIdParamSchema,
      responses: theAlbum,
      errors: [400, 404, 429],
    }).handle(async (c, { params }) => ({ status: 200, body: await view(await getAlbum(deps, c.get('ownerId'), params.albumId)) })),

    defineRoute({
      method: 'patch',
      path: '/api/v1/albums/{albumId}',
      operationId: 'updateAlbum',
      summary: 'Rename an album, describe it, or choose its cover (one of its items)',
      tag: 'albums',
      security: 'bearer',
      params: AlbumIdParamSchema,
      body: AlbumUpdateSchema,
      responses: theAlbum,
      errors: [400, 404, 409, 413, 429],
    }).handle(async (c, { params, body }) => ({ status: 200, body: await view(await updateAlbum(deps, c.get('ownerId'), params.albumId, body)) })),

    defineRoute({
      method: 'delete',
      path: '/api/v1/albums/{albumId}',
      operationId: 'deleteAlbum',
      summary: 'Delete an album (its items stay; its share links stop working)',
      tag: 'albums',
      security: 'bearer',
      params: AlbumIdParamSchema,
      responses: { 204: { description: 'deleted' } },
      errors: [400, 404, 429],
    }).handle(async (c, { params }) => {
      await deleteAlbum(deps, c.get('ownerId'), params.albumId);
      return { status: 204 };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/albums/{albumId}/items',
      operationId: 'listAlbumItems',
      summary: 'The album’s items by date taken (upload time where unknown)',
      tag: 'albums',
      security: 'bearer',
      params: AlbumIdParamSchema,
      query: AlbumItemsQuerySchema,
      responses: { 200: { description: 'a page', schema: MediaPageSchema } },
      errors: [400, 404, 429],
    }).handle(async (c, { params, query }) => {
      const page = await listAlbumItems(deps, c.get('ownerId'), params.albumId, query);
      return { status: 200, body: { items: page.items.map((i) => toMediaView(i, deps.config.mediaBaseUrl)), nextCursor: page.nextCursor ?? null } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/albums/{albumId}/items',
      operationId: 'addAlbumItems',
      summary: 'Add items to an album; says for each id whether it was added, already there, or not found',
      tag: 'albums',
      security: 'bearer',
      params: AlbumIdParamSchema,
      body: AlbumItemsChangeSchema,
      responses: { 200: { description: 'the album afterwards, and the outcome per id', schema: AlbumItemsAddedSchema } },
      errors: [400, 404, 409, 413, 429],
    }).handle(async (c, { params, body }) => {
      const result = await addAlbumItems(deps, c.get('ownerId'), params.albumId, body);
      return { status: 200, body: { album: await view(result.album), results: result.results } };
    }),

    defineRoute({
      method: 'post',
      path: '/api/v1/albums/{albumId}/items/remove',
      operationId: 'removeAlbumItems',
      summary: 'Take items out of an album (they stay in the library)',
      tag: 'albums',
      security: 'bearer',
      params: AlbumIdParamSchema,
      body: AlbumItemsChangeSchema,
      responses: { 200: { description: 'the album afterwards, and the outcome per id', schema: AlbumItemsRemovedSchema } },
      errors: [400, 404, 409, 413, 429],
    }).handle(async (c, { params, body }) => {
      const result = await removeAlbumItems(deps, c.get('ownerId'), params.albumId, body);
      return { status: 200, body: { album: await view(result.album), results: result.results } };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/media/{id}/albums',
      operationId: 'listMediaAlbums',
      summary: 'The albums that hold an item',
      tag: 'albums',
      security: 'bearer',
      params: MediaIdParamSchema,
      responses: { 200: { description: 'the albums, newest first', schema: AlbumListSchema } },
      errors: [400, 404, 429],
    }).handle(async (c, { params }) => {
      const albums = await listMediaAlbums(deps, c.get('ownerId'), params.id);
      return { status: 200, body: { items: await albumViews(deps, albums) } };
    }),
  ];
}
