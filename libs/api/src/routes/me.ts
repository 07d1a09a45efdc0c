import type { ServiceDeps } from '@mediaflow/media-service';
import { defineRoute, type ApiRoute } from '../route.js';
import { MeSchema } from '../schemas.js';

/**
 * `GET /api/v1/me`: who the verified caller is, their roles (the gallery shows moderators the
 * review queue) and what their library takes up against their quota (`null` where the store keeps
 * no usage).
 */
export function meRoutes(deps: Pick<ServiceDeps, 'repo' | 'config'>): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The caller’s owner id, roles and storage used',
      tag: 'me',
      security: 'bearer',
      responses: { 200: { description: 'the caller', schema: MeSchema } },
      errors: [429],
    }).handle(async (c) => {
      const ownerId = c.get('ownerId');
      const usage = deps.repo.usage === undefined ? undefined : await deps.repo.usage(ownerId);
      const storage = usage === undefined ? null : { usedBytes: usage.bytes, items: usage.items, quotaBytes: deps.config.storageQuotaBytes ?? null };
      return { status: 200, body: { ownerId, roles: [...c.get('roles')], storage } };
    }),
  ];
}
