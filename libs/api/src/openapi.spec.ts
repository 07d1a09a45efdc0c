import type { ServiceDeps } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { z } from 'zod';
import { createApi, type ApiOptions } from './app.js';
import { bearerTokens, gatewayClaims } from './auth.js';
import { LocalTokens } from './local-tokens.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import { defineRoute } from './route.js';

function deps(): ServiceDeps {
  return inMemoryDeps();
}

const local = (): Omit<ApiOptions, 'deps'> => ({ verifier: bearerTokens(new LocalTokens({ secret: Buffer.alloc(32, 3) })), mediaFiles: {}, localUploads: async () => new Response(null) });
const gateway = (): Omit<ApiOptions, 'deps'> => ({ verifier: gatewayClaims(() => undefined) });
const runtimes: [string, () => Omit<ApiOptions, 'deps'>][] = [
  ['the local server (media files and presigned uploads)', local],
  ['behind API Gateway (the REST API only)', gateway],
];

/** A router path in OpenAPI form: `:id` -> `{id}`, `:key{.+}` -> `{key}`. */
function openApiPath(routerPath: string): string {
  return routerPath.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
}

describe('the OpenAPI document', () => {
  it.each(runtimes)('documents every route registered for %s with an operationId, and nothing else', async (_runtime, options) => {
    const app = createApi({ deps: deps(), ...options() });
    // Middleware (`app.use`) is registered for every method; routes are registered per method.
    const registered = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${openApiPath(r.path)}`));
    const doc = (await (await app.request('/api/openapi.json')).json()) as OpenApiDocument;
    const documented = new Set<string>();
    const operationIds: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect([method, path, operation.operationId]).toEqual([method, path, expect.stringMatching(/^[a-z][A-Za-z]+$/)]);
        operationIds.push(operation.operationId);
        documented.add(`${method.toUpperCase()} ${path}`);
      }
    }
    expect([...registered].sort()).toEqual([...documented].sort());
    expect(new Set(operationIds).size).toBe(operationIds.length);
    expect(registered.size).toBeGreaterThanOrEqual(10);
  });

  it('names every body it refers to among its components, and every component it has resolves', async () => {
    const app = createApi({ deps: deps(), ...local() });
    const doc = (await (await app.request('/api/openapi.json')).json()) as OpenApiDocument;
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(20);
    for (const name of refs) expect([name, doc.components.schemas[name ?? ''] !== undefined]).toEqual([name, true]);
    expect(doc.paths['/api/v1/media/{id}']?.['get']?.responses['200']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/MediaView' });
  });

  it('refuses declarations it cannot describe: an unnamed body, a path parameter without a schema, a duplicate operationId', () => {
    const route = (over: object) =>
      defineRoute({ method: 'get', path: '/x', operationId: 'x', summary: 'x', tag: 'x', security: 'public', responses: {}, errors: [], ...over }).respond(async () => new Response(null));
    expect(() => buildOpenApiDocument([route({ responses: { 200: { description: 'x', schema: z.object({ a: z.string() }) } } })])).toThrow('not a named component');
    expect(() => buildOpenApiDocument([route({ path: '/x/{id}' })])).toThrow('path parameters');
    expect(() => buildOpenApiDocument([route({}), route({ path: '/y' })])).toThrow('operationId x is declared twice');
  });
});
