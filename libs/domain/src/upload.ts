import { z } from 'zod';
import { Sha256Schema, UlidSchema } from './ids.js';
import { normalizeTagName } from './tags.js';

/** S3's largest object; the configured limit (`UploadLimits`) is usually far lower. */
export const ABSOLUTE_MAX_UPLOAD_BYTES = 5 * 1024 ** 4;

/** Above this size an upload goes in presigned parts (S3 multipart), so it can resume. */
export const MULTIPART_THRESHOLD_BYTES = 64 * 1024 * 1024;

/** `POST /api/v1/uploads` */
export const UploadRequestSchema = z.object({
  /** Shown to people after sanitising; never used for a key or to decide the type. */
  filename: z.string().min(1).max(1024),
  size: z.number().int().positive().max(ABSOLUTE_MAX_UPLOAD_BYTES),
  /** A hint from the client; ingest sniffs the bytes and decides. */
  contentType: z.string().max(255).regex(/^[\w.+-]+\/[\w.+-]+/, 'must look like type/subtype').optional(),
  /** Lets the API answer "duplicate" before any byte is sent. Verified at ingest. */
  sha256: Sha256Schema.optional(),
});
export type UploadRequest = z.infer<typeof UploadRequestSchema>;

/** A tag the owner typed: normalised (lower case, single spaces), or refused when nothing usable is left. */
export const UserTagNameSchema = z
  .string()
  .max(100)
  .transform((raw, ctx) => {
    const name = normalizeTagName(raw);
    if (name === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not a usable tag` });
      return z.NEVER;
    }
    return name;
  });

/** `PATCH /api/v1/media/{id}`: user-editable fields only. */
export const MediaUpdateSchema = z
  .object({
    /** `null`, empty or only spaces clears it. */
    title: z.string().max(200).nullable().optional(),
    /** Like `title`: `null`, empty or only spaces clears it. */
    description: z.string().max(2000).nullable().optional(),
    /** The complete list of the owner's own tags (`source: user`); AI tags are kept apart. */
    tags: z
      .array(UserTagNameSchema)
      .max(50)
      .transform((names) => [...new Set(names)])
      .optional(),
    /** Marks the item as one of the owner's favourites, or no longer. */
    favourite: z.boolean().optional(),
  })
  .refine((v) => v.title !== undefined || v.description !== undefined || v.tags !== undefined || v.favourite !== undefined, 'nothing to update');
export type MediaUpdate = z.infer<typeof MediaUpdateSchema>;

export const MediaIdParamSchema = z.object({ id: UlidSchema });

/** `DELETE /api/v1/media/{id}?permanent=true`: delete for good instead of moving to the trash. */
export const MediaDeleteQuerySchema = z.object({ permanent: z.enum(['true', 'false']).optional() });

/** What `POST /api/v1/media/bulk` can do to each item. */
export const BULK_ACTIONS = ['trash', 'restore', 'delete', 'addTags', 'removeTags', 'favourite', 'unfavourite', 'addToAlbum'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The most items one bulk request names. */
export const MAX_BULK_ITEMS = 500;

/**
 * The most items one bulk `delete` names: each is several object-store, table and edge calls, so
 * a request of them stays within an API function's time (the trash is emptied as many at a time).
 */
export const MAX_BULK_DELETE = 25;

/**
 * `POST /api/v1/media/bulk`: one action on up to {@link MAX_BULK_ITEMS} of the owner's items (each
 * id once). `addTags`/`removeTags` need `tags`, `addToAlbum` needs `albumId`; nothing else may
 * come with an action, so a mistaken request is refused rather than half understood.
 */
export const BulkRequestSchema = z
  .object({
    ids: z
      .array(UlidSchema)
      .min(1)
      .max(MAX_BULK_ITEMS)
      .refine((ids) => new Set(ids).size === ids.length, 'each id once'),
    action: z.enum(BULK_ACTIONS),
    tags: z
      .array(UserTagNameSchema)
      .min(1)
      .max(20)
      .transform((names) => [...new Set(names)])
      .optional(),
    albumId: UlidSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.action === 'delete' && v.ids.length > MAX_BULK_DELETE) {
      ctx.addIssue({ code: 'custom', path: ['ids'], message: `delete takes at most ${MAX_BULK_DELETE} ids at a time` });
    }
    const needsTags = v.action === 'addTags' || v.action === 'removeTags';
    if (needsTags !== (v.tags !== undefined)) ctx.addIssue({ code: 'custom', path: ['tags'], message: needsTags ? `${v.action} needs tags` : `${v.action} takes no tags` });
    const needsAlbum = v.action === 'addToAlbum';
    if (needsAlbum !== (v.albumId !== undefined)) ctx.addIssue({ code: 'custom', path: ['albumId'], message: needsAlbum ? 'addToAlbum needs albumId' : `${v.action} takes no albumId` });
  });
export type BulkRequest = z.infer<typeof BulkRequestSchema>;

export interface UploadLimits {
  maxUploadBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxUploadBytes: 2 * 1024 ** 3 };
