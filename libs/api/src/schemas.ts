import {
  FailureSchema,
  MediaFactsSchema,
  MediaKindSchema,
  MediaStatusSchema,
  MediaUpdateSchema,
  ModerationSchema,
  ModerationVerdictSchema,
  PlaceholderSchema,
  TagSchema,
  TagSourceSchema,
  UlidSchema,
  UploadRequestSchema,
} from '@mediaflow/domain';
import { MediaViewSchema, RenditionViewSchema } from '@mediaflow/media-service';
import { z } from 'zod';

// The bodies of the REST contract that are not use-case schemas of their own. Every request and
// response body is a named component of the OpenAPI document (below), so the generated client
// has a type of the same name for each.

/** RFC 9457 problem details, as every error answer carries them. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const SinglePutUploadSchema = z.object({
  method: z.literal('PUT'),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

export const MultipartUploadSchema = z.object({
  partSize: z.number().int(),
  parts: z.array(z.object({ number: z.number().int(), url: z.string() })),
  completeUrl: z.string(),
  uploadId: z.string(),
  expiresAt: z.string(),
});

/** `201` to `POST /api/v1/uploads`: where to send the bytes. */
export const UploadStartedSchema = z.object({ id: UlidSchema, upload: z.union([SinglePutUploadSchema, MultipartUploadSchema]) });

/** `200` to `POST /api/v1/uploads`: the owner already has this content. */
export const DuplicateUploadSchema = z.object({ id: UlidSchema, duplicate: z.literal(true) });

export const CompleteUploadSchema = z.object({
  uploadId: z.string().min(1).max(256),
  parts: z
    .array(z.object({ number: z.number().int().min(1).max(10000), etag: z.string().min(1).max(256) }))
    .min(1)
    .max(10000),
});

export const UploadAcceptedSchema = z.object({ id: UlidSchema, status: z.literal('uploading') });

export const MediaPageSchema = z.object({ items: z.array(MediaViewSchema), nextCursor: z.string().nullable() });

export const TagCountSchema = z.object({ name: z.string(), count: z.number().int() });
export const TagCountsSchema = z.object({ tags: z.array(TagCountSchema) });

export const HealthSchema = z.object({ ok: z.literal(true) });

/** `200` to `GET /api/v1/media/{id}/original`: a short-lived link that downloads the original. */
export const OriginalDownloadSchema = z.object({ url: z.string(), expiresAt: z.string() });

/**
 * `200` to `POST /api/v1/media-access`: until when the signed cookies set with the answer work, or
 * `null` where media is served without them (the local server checks its own cookie).
 */
export const MediaAccessSchema = z.object({ expiresAt: z.string().nullable() });

/** The OpenAPI document itself, as far as its schema goes: a JSON object. */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown());

/** Component names, by the direction the schema travels (requests are described as accepted, responses as sent). */
export type ComponentRegistry = z.core.$ZodRegistry<{ id: string }>;

/** Bodies the API accepts. */
export const requestComponents: ComponentRegistry = z.registry<{ id: string }>();
requestComponents.add(UploadRequestSchema, { id: 'UploadRequest' });
requestComponents.add(CompleteUploadSchema, { id: 'CompleteUpload' });
requestComponents.add(MediaUpdateSchema, { id: 'MediaUpdate' });

/** Bodies the API sends, and the schemas inside them worth a name of their own. */
export const responseComponents: ComponentRegistry = z.registry<{ id: string }>();
for (const [schema, id] of [
  [MediaKindSchema, 'MediaKind'],
  [MediaStatusSchema, 'MediaStatus'],
  [TagSourceSchema, 'TagSource'],
  [TagSchema, 'Tag'],
  [ModerationVerdictSchema, 'ModerationVerdict'],
  [ModerationSchema, 'Moderation'],
  [MediaFactsSchema, 'MediaFacts'],
  [PlaceholderSchema, 'Placeholder'],
  [FailureSchema, 'Failure'],
  [RenditionViewSchema, 'RenditionView'],
  [MediaViewSchema, 'MediaView'],
  [MediaPageSchema, 'MediaPage'],
  [TagCountSchema, 'TagCount'],
  [TagCountsSchema, 'TagCounts'],
  [SinglePutUploadSchema, 'SinglePutUpload'],
  [MultipartUploadSchema, 'MultipartUpload'],
  [UploadStartedSchema, 'UploadStarted'],
  [DuplicateUploadSchema, 'DuplicateUpload'],
  [UploadAcceptedSchema, 'UploadAccepted'],
  [ProblemSchema, 'Problem'],
  [HealthSchema, 'Health'],
  [OriginalDownloadSchema, 'OriginalDownload'],
  [MediaAccessSchema, 'MediaAccess'],
  [OpenApiDocumentSchema, 'OpenApiDocument'],
] as const) {
  responseComponents.add(schema, { id });
}
