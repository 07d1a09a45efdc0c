import { SearchQuerySchema } from '@mediaflow/domain';
import { mediaTimeline, searchMedia, toMediaView, type ServiceDeps } from '@mediaflow/media-service';
import type { z } from 'zod';
import type { OwnerJson } from '../cached-json.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { SearchPageSchema, TimelineSchema } from '../schemas.js';

/** Finding the owner's items: search with filters, and the timeline's months. */
export function searchRoutes(deps: ServiceDeps, ownerJson: OwnerJson): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/search',
      operationId: 'searchMedia',
      summary: 'Search and filter the owner’s items, by relevance or date taken',
      tag: 'media',
      security: 'bearer',
      query: SearchQuerySchema,
      responses: { 200: { description: 'a page of results, each with the fields it matched in', schema: SearchPageSchema } },
      errors: [400, 429],
    }).handle(async (c, { query }) => {
      // Not cached under the media revision: an album filter also depends on the album's members.
      const page = await searchMedia(deps, c.get('ownerId'), query);
      const body: z.output<typeof SearchPageSchema> = {
        items: page.items.map((hit) => ({ ...toMediaView(hit.item, deps.config.mediaBaseUrl), matched: hit.matched })),
        nextCursor: page.nextCursor ?? null,
      };
      return { status: 200, body };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/timeline',
      operationId: 'getTimeline',
      summary: 'How many items there are per month taken, newest month first',
      tag: 'media',
      security: 'bearer',
      responses: { 200: { description: 'the months that have items', schema: TimelineSchema } },
      errors: [429],
    }).respond(async (c) =>
      ownerJson(c, 'timeline', async (): Promise<z.output<typeof TimelineSchema>> => ({ months: await mediaTimeline(deps, c.get('ownerId')) })),
    ),
  ];
}
