import type { OpenApiDocument } from '../openapi.js';
import { defineRoute, type ApiRoute } from '../route.js';
import { HealthSchema, OpenApiDocumentSchema } from '../schemas.js';

/** `/api/health` and `/api/openapi.json`, open to anyone. `document` is read when asked for. */
export function systemRoutes(document: () => OpenApiDocument): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/health',
      operationId: 'getHealth',
      summary: 'Whether the API answers',
      tag: 'system',
      security: 'public',
      responses: { 200: { description: 'it does', schema: HealthSchema } },
      errors: [],
    }).handle(async () => ({ status: 200, body: { ok: true } })),

    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This contract as an OpenAPI 3.0 document',
      tag: 'system',
      security: 'public',
      responses: { 200: { description: 'the document', schema: OpenApiDocumentSchema } },
      errors: [],
    }).handle(async () => ({ status: 200, body: { ...document() } })),
  ];
}
