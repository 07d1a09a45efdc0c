import type { Clock } from '@mediaflow/domain';
import type { MediaAccessSigner } from '../media-access.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { MediaAccessSchema } from '../schemas.js';

/**
 * `POST /api/v1/media-access`: where the CDN checks a signature on every media request, the
 * caller's signed cookies for their own renditions and when they stop working; without a signer
 * (the local server, which checks its own cookie on `/media/*`), `expiresAt: null` and no cookie.
 */
export function mediaAccessRoutes(signer: MediaAccessSigner | undefined, clock: Clock): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/media-access',
      operationId: 'grantMediaAccess',
      summary: 'Cookies that let this browser load the caller’s own renditions from the CDN for a while',
      tag: 'media',
      security: 'bearer',
      responses: { 200: { description: 'until when the cookies set with this answer work; null where media needs no cookie of this kind', schema: MediaAccessSchema } },
      errors: [429],
    }).handle(async (c) => {
      if (signer === undefined) return { status: 200, body: { expiresAt: null } };
      const grant = await signer.grant(c.get('ownerId'), clock.now());
      for (const cookie of grant.cookies) c.header('set-cookie', cookie, { append: true });
      return { status: 200, body: { expiresAt: grant.expiresAt.toISOString() } };
    }),
  ];
}
