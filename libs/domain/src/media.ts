import { z } from 'zod';
import { OwnerIdSchema, Sha256Schema, UlidSchema } from './ids.js';

export const MediaKindSchema = z.enum(['image', 'video', 'audio', 'document', 'other']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

export const MediaStatusSchema = z.enum(['uploading', 'uploaded', 'processing', 'ready', 'failed', 'flagged', 'trashed', 'deleted']);
export type MediaStatus = z.infer<typeof MediaStatusSchema>;

const IsoDateTime = z.iso.datetime({ offset: true });

/** A rendition or original name part: safe as one or more path segments of an object key. */
export const RenditionNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_.-]*)*$/, 'lower-case letters, digits, "_", "-", segments separated by "/"')
  .refine((v) => !v.split('/').some((s) => s === '.' || s === '..' || s.endsWith('.')), 'no dot segments');

export const RenditionFormatSchema = z.enum(['webp', 'avif', 'jpeg', 'png', 'gif', 'mp4', 'm3u8', 'ts', 'm4a', 'opus', 'json']);
export type RenditionFormat = z.infer<typeof RenditionFormatSchema>;

export const RenditionSchema = z.object({
  /** `thumb`, `small`, `medium`, `large`, `poster`, `preview`, `hls/master`, `waveform`, ... */
  name: RenditionNameSchema,
  format: RenditionFormatSchema,
  key: z.string().min(1).max(1024),
  contentType: z.string().min(1).max(255),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  durationSeconds: z.number().nonnegative().optional(),
  /** Bitrate in bits per second for audio/video renditions. */
  bitrate: z.number().int().positive().optional(),
});
export type Rendition = z.infer<typeof RenditionSchema>;

export const TagSourceSchema = z.enum(['ai', 'user', 'metadata']);
export type TagSource = z.infer<typeof TagSourceSchema>;

/** A tag name is stored normalised: lower case, single spaces, no leading/trailing space. */
export const TagNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{Ll}\p{Lm}\p{Lo}\p{N}][\p{Ll}\p{Lm}\p{Lo}\p{N}\p{M} '&.-]*$/u, 'tags are lower case letters, digits, spaces, "-", "&", "\'" and "."')
  .refine((v) => v === v.trim() && !v.includes('  '), 'tags have no leading, trailing or double spaces');

export const TagSchema = z.object({
  name: TagNameSchema,
  /** 0..1; user tags are 1. */
  confidence: z.number().min(0).max(1),
  source: TagSourceSchema,
  /** A broader category the label belongs to (dog -> animal), when the tagger knows one. */
  parent: TagNameSchema.optional(),
});
export type Tag = z.infer<typeof TagSchema>;

/**
 * `flagged` holds an item for review; a moderator then `released` it (visible and shareable) or
 * `rejected` it (it stays held, and its owner sees `reason`).
 */
export const ModerationVerdictSchema = z.enum(['pending', 'safe', 'flagged', 'released', 'rejected']);
export type ModerationVerdict = z.infer<typeof ModerationVerdictSchema>;

export const ModerationLabelSchema = z.object({
  name: z.string().min(1).max(128),
  confidence: z.number().min(0).max(1),
  parent: z.string().max(128).optional(),
});
export type ModerationLabel = z.infer<typeof ModerationLabelSchema>;

export const ModerationSchema = z.object({
  verdict: ModerationVerdictSchema,
  labels: z.array(ModerationLabelSchema).max(50),
  checkedAt: IsoDateTime.optional(),
  reviewedAt: IsoDateTime.optional(),
  /** The moderator who decided (their user id), once one did. */
  reviewedBy: z.string().max(128).optional(),
  /** Why a moderator rejected the item, shown to its owner. */
  reason: z.string().max(500).optional(),
  /** When the owner asked a moderator to look at the item again. */
  reviewRequestedAt: IsoDateTime.optional(),
  /** How many times visitors of a share link reported the item. */
  reports: z.number().int().nonnegative().optional(),
});
export type Moderation = z.infer<typeof ModerationSchema>;

export const FailureSchema = z.object({
  code: z.string().min(1).max(64),
  reason: z.string().min(1).max(1000),
  /** The step that failed: ingest, image, video, audio, tagging, ... */
  stage: z.string().max(32).optional(),
});
export type Failure = z.infer<typeof FailureSchema>;

export const OriginalSchema = z.object({
  key: z.string().min(1).max(1024),
  size: z.number().int().nonnegative(),
  /** Sniffed from the bytes at ingest; `application/octet-stream` until then. */
  mime: z.string().min(1).max(255),
  sha256: Sha256Schema.optional(),
  /** The sanitised name for display and downloads only; never part of a key. */
  filename: z.string().min(1).max(255),
});
export type Original = z.infer<typeof OriginalSchema>;

/**
 * What the pipelines learned about the content. Location is deliberately absent: Mediaflow
 * stores no GPS position by default.
 */
export const MediaFactsSchema = z.object({
  format: z.string().max(32).optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  orientation: z.number().int().min(1).max(8).optional(),
  frames: z.number().int().positive().optional(),
  hasAlpha: z.boolean().optional(),
  colorSpace: z.string().max(32).optional(),
  bitDepth: z.number().int().positive().optional(),
  durationSeconds: z.number().nonnegative().optional(),
  frameRate: z.number().positive().optional(),
  bitrate: z.number().int().positive().optional(),
  container: z.string().max(64).optional(),
  videoCodec: z.string().max(64).optional(),
  audioCodec: z.string().max(64).optional(),
  sampleRate: z.number().int().positive().optional(),
  channels: z.number().int().positive().optional(),
  capturedAt: IsoDateTime.optional(),
  camera: z
    .object({
      make: z.string().max(128).optional(),
      model: z.string().max(128).optional(),
      lens: z.string().max(128).optional(),
    })
    .optional(),
  exposure: z
    .object({
      iso: z.number().positive().optional(),
      fNumber: z.number().positive().optional(),
      exposureTime: z.number().positive().optional(),
      focalLength: z.number().positive().optional(),
    })
    .optional(),
  audio: z
    .object({
      title: z.string().max(512).optional(),
      artist: z.string().max(512).optional(),
      album: z.string().max(512).optional(),
      genre: z.string().max(128).optional(),
      year: z.number().int().min(0).max(9999).optional(),
    })
    .optional(),
  pages: z.number().int().positive().optional(),
});
export type MediaFacts = z.infer<typeof MediaFactsSchema>;

/** A tiny placeholder shown while renditions load. */
export const PlaceholderSchema = z.object({
  /** ThumbHash, base64. */
  thumbhash: z.string().max(64).optional(),
  /** `#rrggbb` */
  dominantColor: z.string().regex(/^#[0-9a-f]{6}$/).optional(),
});
export type Placeholder = z.infer<typeof PlaceholderSchema>;

/** The most characters of read text an item keeps (the rest is cut at a word boundary by the reader). */
export const TEXT_MAX_LENGTH = 4000;

export const MediaItemSchema = z.object({
  id: UlidSchema,
  ownerId: OwnerIdSchema,
  kind: MediaKindSchema,
  status: MediaStatusSchema,
  title: z.string().max(200).optional(),
  /**
   * Free text the owner writes about the item. Optional, so items stored before it existed stay
   * valid as they are (items are stored as JSON documents): no migration.
   */
  description: z.string().max(2000).optional(),
  original: OriginalSchema,
  facts: MediaFactsSchema,
  renditions: z.array(RenditionSchema).max(500),
  tags: z.array(TagSchema).max(100),
  moderation: ModerationSchema,
  placeholder: PlaceholderSchema.optional(),
  failure: FailureSchema.optional(),
  /** 0..1 while a long job (video) runs. */
  progress: z.number().min(0).max(1).optional(),
  /**
   * How many faces the tagger saw (the most in any one frame looked at): a count, never who they
   * are. Optional like `description`: items tagged before it, and items without a face, have none.
   */
  faces: z.number().int().min(0).max(1000).optional(),
  /**
   * Words read from the picture (OCR), for search, and when they were read. `content` is empty when
   * the reader looked and found none, or found no text likely; absent until the text step ran.
   */
  text: z.object({ content: z.string().max(TEXT_MAX_LENGTH), readAt: IsoDateTime }).optional(),
  /** The owner marked it as a favourite. Optional like `description`: items stored before it are not favourites. */
  favourite: z.boolean().optional(),
  /**
   * While the item is in the trash (status `trashed`): when it went there and the status it had,
   * which a restore brings back (see `trash.ts`).
   */
  trash: z.object({ at: IsoDateTime, from: z.enum(['ready', 'failed', 'flagged']) }).optional(),
  /**
   * The object store's multipart upload of the original, set when one starts, so a client can
   * resume it (`GET /api/v1/uploads/{id}`). Optional: items stored before it, and single-PUT
   * uploads, have none and are not resumable.
   */
  upload: z
    .object({
      multipartId: z.string().min(1).max(1024),
      partSize: z.number().int().positive(),
      partCount: z.number().int().min(1).max(10_000),
    })
    .optional(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  /** Incremented by every write; conditional writes compare it. */
  version: z.number().int().positive(),
});
export type MediaItem = z.infer<typeof MediaItemSchema>;
