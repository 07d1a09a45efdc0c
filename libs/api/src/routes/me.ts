import { defineRoute, type ApiRoute } from '../route.js';
import { MeSchema } from '../schemas.js';

/** `GET /api/v1/me`: who the verified caller is and their roles (the gallery shows moderators the review queue). */
export function meRoutes(): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The caller’s owner id and roles',
      tag: 'me',
      security: 'bearer',
      responses: { 200: { description: 'the caller', schema: MeSchema } },
      errors: [429],
    }).handle(async (c) => ({ status: 200, body: { ownerId: c.get('ownerId'), roles: [...c.get('roles')] } })),
  ];
}
