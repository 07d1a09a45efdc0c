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

/** `PATCH /api/v1/media/{id}`: user-editable fields only. */
export const MediaUpdateSchema = z
  .object({
    /** `null`, empty or only spaces clears it. */
    title: z.string().max(200).nullable().optional(),
    /** Like `title`: `null`, empty or only spaces clears it. */
    description: z.string().max(2000).nullable().optional(),
    /** The complete list of the owner's own tags (`source: user`); AI tags are kept apart. */
    tags: z
      .array(
        z
          .string()
          .max(100)
          .transform((raw, ctx) => {
            const name = normalizeTagName(raw);
            if (name === undefined) {
              ctx.addIssue({ code: 'custom', message: `"${raw}" is not a usable tag` });
              return z.NEVER;
            }
            return name;
          }),
      )
      .max(50)
      .transform((names) => [...new Set(names)])
      .optional(),
  })
  .refine((v) => v.title !== undefined || v.description !== undefined || v.tags !== undefined, 'nothing to update');
export type MediaUpdate = z.infer<typeof MediaUpdateSchema>;

export const MediaIdParamSchema = z.object({ id: UlidSchema });

export interface UploadLimits {
  maxUploadBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxUploadBytes: 2 * 1024 ** 3 };
