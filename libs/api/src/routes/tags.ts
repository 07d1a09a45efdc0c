import { listTags, type ServiceDeps } from '@mediaflow/media-service';
import type { z } from 'zod';
import type { OwnerJson } from '../cached-json.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { TagCountsSchema } from '../schemas.js';

/** The owner's tags with how many items carry each. */
export function tagRoutes(deps: ServiceDeps, ownerJson: OwnerJson): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/tags',
      operationId: 'listTags',
      summary: 'Tags with counts',
      tag: 'tags',
      security: 'bearer',
      responses: { 200: { description: 'tags', schema: TagCountsSchema } },
      errors: [429],
    }).respond(async (c) => ownerJson(c, 'tags', async (): Promise<z.output<typeof TagCountsSchema>> => ({ tags: await listTags(deps, c.get('ownerId')) }))),
  ];
}
