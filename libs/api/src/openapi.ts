import {
  ListQuerySchema,
  MediaFactsSchema,
  MediaKindSchema,
  MediaStatusSchema,
  MediaUpdateSchema,
  ModerationSchema,
  PlaceholderSchema,
  TagSchema,
  FailureSchema,
  UploadRequestSchema,
  UlidSchema,
} from '@mediaflow/domain';
import { z } from 'zod';

/** The item as `GET /api/v1/media/{id}` returns it (mirrors `toMediaView`). */
export const MediaViewSchema = z.object({
  id: UlidSchema,
  kind: MediaKindSchema,
  status: MediaStatusSchema,
  title: z.string().nullable(),
  filename: z.string(),
  original: z.object({ size: z.number().int(), mime: z.string(), sha256: z.string().nullable() }),
  facts: MediaFactsSchema,
  renditions: z.array(
    z.object({
      name: z.string(),
      format: z.string(),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
      bytes: z.number().int(),
      url: z.string(),
    }),
  ),
  tags: z.array(TagSchema),
  moderation: ModerationSchema,
  placeholder: PlaceholderSchema.nullable(),
  failure: FailureSchema.nullable(),
  progress: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const UploadResponseSchema = z.union([
  z.object({ id: UlidSchema, upload: z.object({ method: z.literal('PUT'), url: z.string(), headers: z.record(z.string(), z.string()), expiresAt: z.string() }) }),
  z.object({
    id: UlidSchema,
    upload: z.object({
      partSize: z.number().int(),
      parts: z.array(z.object({ number: z.number().int(), url: z.string() })),
      completeUrl: z.string(),
      uploadId: z.string(),
      expiresAt: z.string(),
    }),
  }),
]);

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: 'problem details (RFC 9457)', content: { 'application/problem+json': { schema: ref('Problem') } } }]));
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-7][0-9A-HJKMNP-TV-Z]{25}$' } };

/** The OpenAPI 3.0 document of the REST contract, generated from the zod schemas. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const listQuery = schema(ListQuerySchema) as { properties?: Record<string, unknown> };
  return {
    openapi: '3.0.3',
    info: { title: 'Mediaflow API', version: '1.0.0', description: 'Upload, process, tag and browse media.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        UploadRequest: schema(UploadRequestSchema),
        UploadResponse: schema(UploadResponseSchema),
        MediaUpdate: schema(MediaUpdateSchema),
        Media: schema(MediaViewSchema),
        MediaPage: schema(z.object({ items: z.array(MediaViewSchema), nextCursor: z.string().nullable() })),
        TagCounts: schema(z.object({ tags: z.array(z.object({ name: z.string(), count: z.number().int() })) })),
        Problem: schema(ProblemSchema),
      },
    },
    paths: {
      '/api/v1/uploads': {
        post: {
          summary: 'Start an upload (single PUT, or presigned parts above 64 MiB)',
          requestBody: { required: true, content: json('UploadRequest') },
          responses: {
            '201': { description: 'where to send the bytes', content: json('UploadResponse') },
            '200': { description: 'the owner already has this content', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' }, duplicate: { type: 'boolean' } } } } } },
            ...problems(400, 401, 413),
          },
        },
      },
      '/api/v1/uploads/{id}/complete': {
        post: { summary: 'Complete a multipart upload', parameters: [idParam], responses: { '202': { description: 'accepted; ingest follows' }, ...problems(400, 401, 404, 409) } },
      },
      '/api/v1/media': {
        get: {
          summary: 'List media, newest first',
          parameters: Object.entries(listQuery.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: false, schema: s })),
          responses: { '200': { description: 'a page', content: json('MediaPage') }, ...problems(400, 401) },
        },
      },
      '/api/v1/media/{id}': {
        get: { summary: 'One item', parameters: [idParam], responses: { '200': { description: 'the item', content: json('Media') }, ...problems(401, 404) } },
        patch: {
          summary: 'Edit the title and the owner’s tags',
          parameters: [idParam],
          requestBody: { required: true, content: json('MediaUpdate') },
          responses: { '200': { description: 'the item', content: json('Media') }, ...problems(400, 401, 404, 409) },
        },
        delete: { summary: 'Delete the item, its original and every rendition', parameters: [idParam], responses: { '204': { description: 'deleted' }, ...problems(401, 404) } },
      },
      '/api/v1/media/{id}/release': {
        post: { summary: 'Release an item held by moderation', parameters: [idParam], responses: { '200': { description: 'the item', content: json('Media') }, ...problems(401, 404, 409) } },
      },
      '/api/v1/tags': { get: { summary: 'Tags with counts', responses: { '200': { description: 'tags', content: json('TagCounts') }, ...problems(401) } } },
      '/media/{key}': {
        get: {
          summary: 'A rendition (inline, immutable) or an original (attachment). Bearer header or the mf_token cookie.',
          parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'bytes' }, '206': { description: 'a range' }, '304': { description: 'not modified' }, ...problems(401, 404, 416) },
        },
      },
    },
  };
}
