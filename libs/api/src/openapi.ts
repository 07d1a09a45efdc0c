import { z } from 'zod';
import { CORRELATION_ID_PATTERN } from '@mediaflow/domain';
import { REQUEST_ID_HEADER } from './request-ids.js';
import { GRANT_QUERY_PARAM, type ApiRoute, type RouteSecurity } from './route.js';
import { requestComponents, responseComponents, type ComponentRegistry } from './schemas.js';

/** A JSON Schema object as the OpenAPI 3.0 document carries it. */
export type JsonSchema = { [keyword: string]: unknown };

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; headers?: Record<string, { $ref: string }>; content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  components: {
    securitySchemes: Record<string, JsonSchema>;
    headers?: Record<string, { description: string; schema: JsonSchema }>;
    schemas: Record<string, JsonSchema>;
  };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

type Io = 'input' | 'output';

const TARGET = { target: 'openapi-3.0', unrepresentable: 'any' } as const;
const COMPONENTS = '#/components/schemas/';

/** The named schemas of a registry, converted in one go so that they refer to each other by `$ref`. */
function componentSchemas(registry: ComponentRegistry, io: Io): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, { ...TARGET, io, uri: (id) => `${COMPONENTS}${id}` });
  // `$id` is JSON Schema's, not OpenAPI 3.0's: the component's name is its identity.
  return Object.fromEntries(Object.entries(schemas).map(([name, { $id: _id, ...schema }]) => [name, schema as JsonSchema]));
}

/** A body's schema, by reference: every body of the contract is a named component. */
function bodyRef(schema: z.ZodType, registry: ComponentRegistry, where: string): JsonSchema {
  const id = registry.get(schema)?.id;
  if (id === undefined) throw new Error(`${where}: the body schema is not a named component (add it to schemas.ts)`);
  return { $ref: `${COMPONENTS}${id}` };
}

/** The properties of an object schema as parameters (path parameters are always required). */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): OpenApiParameter[] {
  if (schema === undefined) return [];
  const json = z.toJSONSchema(schema, { ...TARGET, io: 'input' }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function security(kind: RouteSecurity): Record<string, string[]>[] {
  switch (kind) {
    case 'bearer':
      return [{ bearer: [] }];
    case 'bearer-or-cookie':
      return [{ bearer: [] }, { mediaCookie: [] }];
    case 'bearer-cookie-or-grant':
      return [{ bearer: [] }, { mediaCookie: [] }, { mediaGrant: [] }];
    case 'public':
    case 'presigned':
      return [];
  }
}

const problemContent = { 'application/problem+json': { schema: { $ref: `${COMPONENTS}Problem` } } };

/** Every answer carries its request's id (`request-ids.ts`). */
const answerHeaders = () => ({ [REQUEST_ID_HEADER]: { $ref: '#/components/headers/RequestId' } });

function operation(route: ApiRoute): OpenApiOperation {
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const op: OpenApiOperation = { operationId: route.operationId, summary: route.summary, tags: [route.tag], security: security(route.security), responses: {} };
  const params = [...parameters(route.params, 'path'), ...parameters(route.query, 'query')];
  const declared = new Set(params.filter((p) => p.in === 'path').map((p) => p.name));
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  if (inPath.length !== declared.size || inPath.some((name) => !declared.has(name))) throw new Error(`${where}: the path parameters and the params schema differ`);
  if (params.length > 0) op.parameters = params;
  if (route.body !== undefined) op.requestBody = { required: true, content: { 'application/json': { schema: bodyRef(route.body, requestComponents, where) } } };
  else if (route.rawBody !== undefined) op.requestBody = { required: true, content: { [route.rawBody]: { schema: { type: 'string', format: 'binary' } } } };
  for (const [status, spec] of Object.entries(route.responses)) {
    const headers = answerHeaders();
    if ('schema' in spec) op.responses[status] = { description: spec.description, headers, content: { 'application/json': { schema: bodyRef(spec.schema, responseComponents, where) } } };
    else if ('bytes' in spec) op.responses[status] = { description: spec.description, headers, content: { [spec.bytes]: { schema: { type: 'string', format: 'binary' } } } };
    else op.responses[status] = { description: spec.description, headers };
  }
  const errors = [...(route.security === 'public' || route.security === 'presigned' ? [] : [401]), ...(route.body === undefined ? [] : [415]), ...route.errors];
  for (const status of [...new Set(errors)].sort((a, b) => a - b)) {
    op.responses[String(status)] = { description: 'problem details (RFC 9457)', headers: answerHeaders(), content: problemContent };
  }
  return op;
}

/**
 * The OpenAPI 3.0 document of the given routes, made from their declarations (paths, operation
 * ids, parameters, bodies, responses, security) and the named zod schemas of `schemas.ts`.
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[], options: { mediaCookieName?: string } = {}): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const ids = new Set<string>();
  for (const route of routes) {
    if (ids.has(route.operationId)) throw new Error(`operationId ${route.operationId} is declared twice`);
    ids.add(route.operationId);
    const item = (paths[route.path] ??= {});
    if (item[route.method] !== undefined) throw new Error(`${route.method.toUpperCase()} ${route.path} is declared twice`);
    item[route.method] = operation(route);
  }
  const securitySchemes: Record<string, JsonSchema> = { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } };
  if (routes.some((r) => r.security === 'bearer-or-cookie' || r.security === 'bearer-cookie-or-grant')) {
    securitySchemes['mediaCookie'] = { type: 'apiKey', in: 'cookie', name: options.mediaCookieName ?? 'mf_token' };
  }
  if (routes.some((r) => r.security === 'bearer-cookie-or-grant')) {
    securitySchemes['mediaGrant'] = { type: 'apiKey', in: 'query', name: GRANT_QUERY_PARAM };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Mediaflow API', version: '1.0.0', description: 'Upload, process, tag and browse media.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes,
      headers: {
        RequestId: {
          description:
            'The request\u2019s id: the client\u2019s own X-Request-Id when it is a plain short token, else one the server gave it (in AWS, API Gateway\u2019s request id). The events and jobs the request causes carry it as their correlation id.',
          schema: { type: 'string', pattern: CORRELATION_ID_PATTERN.source },
        },
      },
      schemas: { ...componentSchemas(requestComponents, 'input'), ...componentSchemas(responseComponents, 'output') },
    },
    paths,
  };
}
