import { z } from 'zod';
import { ValidationError } from './errors.js';
import { CORRELATION_ID_PATTERN } from './events.js';
import { OwnerIdSchema, UlidSchema } from './ids.js';
import { RenditionNameSchema } from './media.js';

/**
 * Archives: a zip of a selection of the owner's items (originals or one rendition of each), or of
 * the whole library with a JSON document of its titles, descriptions, tags and albums
 * (`docs/downloads.md`). An archive is asked for once and recorded in the object store; the local
 * server streams it from there on request, a function in the cloud writes it to the store.
 */

/** The most items one download names. */
export const MAX_DOWNLOAD_ITEMS = 2000;

/** The rendition choice that means the uploaded file itself. */
export const ORIGINAL_FILE = 'original';

/** `original`, or the name of a rendition (`large`, `medium`, `poster`, ...). */
export const DownloadRenditionSchema = z.union([z.literal(ORIGINAL_FILE), RenditionNameSchema]);
export type DownloadRendition = z.infer<typeof DownloadRenditionSchema>;

/** `POST /api/v1/downloads`: which items (in the order their files go into the zip), and which file of each. */
export const DownloadRequestSchema = z.strictObject({
  ids: z
    .array(UlidSchema)
    .min(1, 'name at least one item')
    .max(MAX_DOWNLOAD_ITEMS, `at most ${MAX_DOWNLOAD_ITEMS} items per download`)
    .transform((ids) => [...new Set(ids)]),
  rendition: DownloadRenditionSchema.default(ORIGINAL_FILE),
});
export type DownloadRequest = z.infer<typeof DownloadRequestSchema>;

export const ArchiveKindSchema = z.enum(['selection', 'export']);
export type ArchiveKind = z.infer<typeof ArchiveKindSchema>;

const IsoDateTime = z.iso.datetime({ offset: true });

/** An archive as it was asked for: what the streaming route and the cloud builder both start from. */
export const ArchiveRequestSchema = z.object({
  id: UlidSchema,
  ownerId: OwnerIdSchema,
  kind: ArchiveKindSchema,
  /** The selection (`kind: selection`); an export takes every item of the owner. */
  ids: z.array(UlidSchema).max(MAX_DOWNLOAD_ITEMS).optional(),
  rendition: DownloadRenditionSchema,
  createdAt: IsoDateTime,
});
export type ArchiveRequest = z.infer<typeof ArchiveRequestSchema>;

/** What building an archive came to, recorded beside it by the cloud builder. */
export const ArchiveOutcomeSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ready'),
    bytes: z.number().int().nonnegative(),
    files: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    finishedAt: IsoDateTime,
  }),
  z.object({ status: z.literal('failed'), reason: z.string().min(1).max(1000), finishedAt: IsoDateTime }),
]);
export type ArchiveOutcome = z.infer<typeof ArchiveOutcomeSchema>;

/**
 * The queue message that asks the cloud builder for an archive; `correlationId` is the request's
 * that asked for it, which the builder's log lines and what it publishes carry on.
 */
export const ArchiveJobMessageSchema = z.object({ ownerId: OwnerIdSchema, archiveId: UlidSchema, correlationId: z.string().regex(CORRELATION_ID_PATTERN).optional() });
export type ArchiveJobMessage = z.infer<typeof ArchiveJobMessageSchema>;

/** `GET /api/v1/downloads/{id}` */
export const ArchiveIdParamSchema = z.object({ id: UlidSchema });

/**
 * Object-key layout of archives, beside `keys.ts`'s (and outside the prefixes the orphan sweeper
 * judges): everything of one archive under one prefix, so it goes in one delete.
 *
 *   downloads/{ownerId}/{archiveId}/request.json   what was asked for
 *   downloads/{ownerId}/{archiveId}/outcome.json   ready or failed (cloud)
 *   downloads/{ownerId}/{archiveId}/archive.zip    the archive (cloud)
 */
export const DOWNLOADS_PREFIX = 'downloads/';

/** Every archive of one owner lives under this prefix. */
export function ownerArchivesPrefix(ownerId: string): string {
  if (!OwnerIdSchema.safeParse(ownerId).success) throw new ValidationError('invalid owner id for a key');
  return `${DOWNLOADS_PREFIX}${ownerId}/`;
}

/** The prefix and the keys of one archive. */
export function archiveKeys(ownerId: string, archiveId: string): { prefix: string; request: string; outcome: string; archive: string } {
  if (!UlidSchema.safeParse(archiveId).success) throw new ValidationError('invalid archive id for a key');
  const prefix = `${ownerArchivesPrefix(ownerId)}${archiveId}/`;
  return { prefix, request: `${prefix}request.json`, outcome: `${prefix}outcome.json`, archive: `${prefix}archive.zip` };
}
