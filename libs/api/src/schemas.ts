import {
  AlbumCreateSchema,
  AlbumItemsChangeSchema,
  AlbumUpdateSchema,
  FailureSchema,
  MediaFactsSchema,
  MediaKindSchema,
  MediaStatusSchema,
  MediaUpdateSchema,
  BulkRequestSchema,
  ModerationSchema,
  ModerationVerdictSchema,
  PlaceholderSchema,
  SearchFieldSchema,
  ShareCreateSchema,
  ShareTargetSchema,
  TagSchema,
  TagSourceSchema,
  UlidSchema,
  UploadRequestSchema,
} from '@mediaflow/domain';
import {
  AlbumViewSchema,
  MediaViewSchema,
  TrashItemViewSchema,
  RenditionViewSchema,
  ReviewItemViewSchema,
  ReviewRejectSchema,
  SharedMediaViewSchema,
  ShareReportSchema,
  ShareStateSchema,
  ShareViewSchema,
} from '@mediaflow/media-service';
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

const PartUrlSchema = z.object({ number: z.number().int(), url: z.string() });

/**
 * The multipart branch of `201` to `POST /api/v1/uploads`: URLs for the first parts only (at most
 * four); the rest come from `partsUrl`, as the client goes. `expiresAt` is when those URLs lapse,
 * `resumableUntil` until when the upload may be resumed (`GET /api/v1/uploads/{id}`).
 */
export const MultipartUploadSchema = z.object({
  uploadId: z.string(),
  partSize: z.number().int(),
  partCount: z.number().int(),
  parts: z.array(PartUrlSchema),
  partsUrl: z.string(),
  completeUrl: z.string(),
  expiresAt: z.string(),
  resumableUntil: z.string(),
});

/** `POST /api/v1/uploads/{id}/parts`: which parts to presign (1 to 100 distinct numbers). */
export const UploadPartsRequestSchema = z.object({
  numbers: z
    .array(z.number().int().min(1).max(10000))
    .min(1)
    .max(100)
    .refine((numbers) => new Set(numbers).size === numbers.length, 'each part number once'),
});

/** `200` to `POST /api/v1/uploads/{id}/parts`: a PUT URL per part, all lapsing at `expiresAt`. */
export const UploadPartsSchema = z.object({ parts: z.array(PartUrlSchema), expiresAt: z.string() });

/** A part the store holds: its etag (as its PUT answered it) goes into the completion. */
export const ReceivedPartSchema = z.object({ number: z.number().int(), etag: z.string(), size: z.number().int() });

/**
 * `200` to `GET /api/v1/uploads/{id}`: where an upload stands. `multipart` only while the item is
 * `uploading` a multipart upload the store still has; then `resumable` is true.
 */
export const UploadStatusSchema = z.object({
  id: UlidSchema,
  status: MediaStatusSchema,
  size: z.number().int(),
  filename: z.string(),
  createdAt: z.string(),
  resumable: z.boolean(),
  multipart: z
    .object({
      uploadId: z.string(),
      partSize: z.number().int(),
      partCount: z.number().int(),
      received: z.array(ReceivedPartSchema),
      resumableUntil: z.string(),
    })
    .optional(),
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

/** `200` to `GET /api/v1/search`: a page of items, each with the fields its words were found in. */
export const SearchHitViewSchema = MediaViewSchema.extend({ matched: z.array(SearchFieldSchema) });
export const SearchPageSchema = z.object({ items: z.array(SearchHitViewSchema), nextCursor: z.string().nullable() });

/** `200` to `GET /api/v1/timeline`: item counts per month taken (`YYYY-MM`, UTC), newest first. */
export const TimelineMonthSchema = z.object({ month: z.string(), count: z.number().int() });
export const TimelineSchema = z.object({ months: z.array(TimelineMonthSchema) });

export const TagCountSchema = z.object({ name: z.string(), count: z.number().int() });
export const TagCountsSchema = z.object({ tags: z.array(TagCountSchema) });

export const HealthSchema = z.object({ ok: z.literal(true) });

/** `200` to `GET /api/v1/media/{id}/original`: a short-lived link that downloads the original. */
export const OriginalDownloadSchema = z.object({ url: z.string(), expiresAt: z.string() });

/** `200` to `POST /api/v1/media/bulk`: each item's outcome in the order of the request's ids, and the tallies. */
export const BulkResultSchema = z.object({
  results: z.array(
    z.union([
      z.object({ id: z.string(), ok: z.literal(true) }),
      z.object({ id: z.string(), ok: z.literal(false), status: z.number().int(), code: z.string(), reason: z.string() }),
    ]),
  ),
  succeeded: z.number().int(),
  failed: z.number().int(),
});

/** `200` to `GET /api/v1/trash`: a page of the trash, most recently trashed first, and how long items stay there. */
export const TrashPageSchema = z.object({ items: z.array(TrashItemViewSchema), nextCursor: z.string().nullable(), retentionDays: z.number().int() });

/** `200` to `DELETE /api/v1/trash`: how many items went for good, and whether the trash holds more (ask again). */
export const EmptyTrashSchema = z.object({ purged: z.number().int(), more: z.boolean() });

/**
 * `200` to `POST /api/v1/media-access`: until when the signed cookies set with the answer work, or
 * `null` where media is served without them (the local server checks its own cookie).
 */
export const MediaAccessSchema = z.object({ expiresAt: z.string().nullable() });

/** `200` to `GET /api/v1/albums`: a page of albums, newest first. */
export const AlbumPageSchema = z.object({ items: z.array(AlbumViewSchema), nextCursor: z.string().nullable() });

/** `200` to `GET /api/v1/media/{id}/albums`: the albums that hold the item. */
export const AlbumListSchema = z.object({ items: z.array(AlbumViewSchema) });

/** `200` to `POST /api/v1/albums/{albumId}/items`: the album afterwards and what happened to each id. */
export const AlbumItemsAddedSchema = z.object({
  album: AlbumViewSchema,
  results: z.array(z.object({ id: z.string(), outcome: z.enum(['added', 'present', 'not_found']) })),
});

/** `200` to `POST /api/v1/albums/{albumId}/items/remove` */
export const AlbumItemsRemovedSchema = z.object({
  album: AlbumViewSchema,
  results: z.array(z.object({ id: z.string(), outcome: z.enum(['removed', 'absent']) })),
});

/** `201` to `POST /api/v1/shares`: the link, and its token, shown this once (only its hash is kept). */
export const ShareCreatedSchema = z.object({
  share: ShareViewSchema,
  token: z.string(),
  /** Where the gallery opens the link: `/s/{token}`. */
  path: z.string(),
});

/** `200` to `GET /api/v1/shares` */
export const ShareListSchema = z.object({ items: z.array(ShareViewSchema) });

/** `200` to `GET /api/v1/shared/{token}`: what a visitor of the link sees. */
export const SharedPageSchema = z.object({
  share: z.object({ type: z.enum(['media', 'album']), allowDownload: z.boolean(), expiresAt: z.string().nullable() }),
  album: z.object({ name: z.string(), description: z.string().nullable(), itemCount: z.number().int() }).nullable(),
  items: z.array(SharedMediaViewSchema),
  nextCursor: z.string().nullable(),
});

/** `POST /api/v1/shared/{token}/unlock` */
export const ShareUnlockRequestSchema = z.strictObject({ password: z.string().min(1).max(200) });

/** `200` to `POST /api/v1/shared/{token}/unlock`: send `unlock` as the `x-share-unlock` header until `expiresAt`. */
export const ShareUnlockedSchema = z.object({ unlock: z.string(), expiresAt: z.string() });

/** `202` to `POST /api/v1/shared/{token}/media/{id}/report` */
export const ReportAcceptedSchema = z.object({});

/** `200` to `GET /api/v1/review` */
export const ReviewPageSchema = z.object({ items: z.array(ReviewItemViewSchema), nextCursor: z.string().nullable() });

/** `200` to `GET /api/v1/me`: who the caller is, and what they may do beyond their own library. */
export const MeSchema = z.object({
  ownerId: z.string(),
  roles: z.array(z.string()),
  /** What the caller's library takes up (originals and renditions, the trash included) and their quota (`null`: none); `null` where the store keeps no usage. */
  storage: z.object({ usedBytes: z.number().int(), items: z.number().int(), quotaBytes: z.number().int().nullable() }).nullable(),
});

/** The OpenAPI document itself, as far as its schema goes: a JSON object. */
export const OpenApiDocumentSchema = z.record(z.string(), z.unknown());

/** Component names, by the direction the schema travels (requests are described as accepted, responses as sent). */
export type ComponentRegistry = z.core.$ZodRegistry<{ id: string }>;

/** Bodies the API accepts. */
export const requestComponents: ComponentRegistry = z.registry<{ id: string }>();
requestComponents.add(UploadRequestSchema, { id: 'UploadRequest' });
requestComponents.add(CompleteUploadSchema, { id: 'CompleteUpload' });
requestComponents.add(UploadPartsRequestSchema, { id: 'UploadPartsRequest' });
requestComponents.add(MediaUpdateSchema, { id: 'MediaUpdate' });
requestComponents.add(BulkRequestSchema, { id: 'BulkRequest' });
requestComponents.add(AlbumCreateSchema, { id: 'AlbumCreate' });
requestComponents.add(AlbumUpdateSchema, { id: 'AlbumUpdate' });
requestComponents.add(AlbumItemsChangeSchema, { id: 'AlbumItemsChange' });
requestComponents.add(ShareTargetSchema, { id: 'ShareTarget' });
requestComponents.add(ShareCreateSchema, { id: 'ShareCreate' });
requestComponents.add(ShareUnlockRequestSchema, { id: 'ShareUnlockRequest' });
requestComponents.add(ShareReportSchema, { id: 'ShareReport' });
requestComponents.add(ReviewRejectSchema, { id: 'ReviewReject' });

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
  [SearchFieldSchema, 'SearchField'],
  [SearchHitViewSchema, 'SearchHitView'],
  [SearchPageSchema, 'SearchPage'],
  [TimelineMonthSchema, 'TimelineMonth'],
  [TimelineSchema, 'Timeline'],
  [TagCountSchema, 'TagCount'],
  [TagCountsSchema, 'TagCounts'],
  [SinglePutUploadSchema, 'SinglePutUpload'],
  [MultipartUploadSchema, 'MultipartUpload'],
  [UploadStartedSchema, 'UploadStarted'],
  [DuplicateUploadSchema, 'DuplicateUpload'],
  [UploadAcceptedSchema, 'UploadAccepted'],
  [UploadPartsSchema, 'UploadParts'],
  [ReceivedPartSchema, 'ReceivedPart'],
  [UploadStatusSchema, 'UploadStatus'],
  [ProblemSchema, 'Problem'],
  [HealthSchema, 'Health'],
  [OriginalDownloadSchema, 'OriginalDownload'],
  [BulkResultSchema, 'BulkResult'],
  [TrashItemViewSchema, 'TrashItemView'],
  [TrashPageSchema, 'TrashPage'],
  [EmptyTrashSchema, 'EmptyTrash'],
  [MediaAccessSchema, 'MediaAccess'],
  [AlbumViewSchema, 'AlbumView'],
  [AlbumPageSchema, 'AlbumPage'],
  [AlbumListSchema, 'AlbumList'],
  [AlbumItemsAddedSchema, 'AlbumItemsAdded'],
  [AlbumItemsRemovedSchema, 'AlbumItemsRemoved'],
  [ShareTargetSchema, 'ShareTarget'],
  [ShareStateSchema, 'ShareState'],
  [ShareViewSchema, 'ShareView'],
  [ShareCreatedSchema, 'ShareCreated'],
  [ShareListSchema, 'ShareList'],
  [SharedMediaViewSchema, 'SharedMediaView'],
  [SharedPageSchema, 'SharedPage'],
  [ShareUnlockedSchema, 'ShareUnlocked'],
  [ReportAcceptedSchema, 'ReportAccepted'],
  [ReviewItemViewSchema, 'ReviewItemView'],
  [ReviewPageSchema, 'ReviewPage'],
  [MeSchema, 'Me'],
  [OpenApiDocumentSchema, 'OpenApiDocument'],
] as const) {
  responseComponents.add(schema, { id });
}
