import {
  type Album,
  FailureSchema,
  MediaFactsSchema,
  MediaKindSchema,
  MediaStatusSchema,
  ModerationSchema,
  OwnerIdSchema,
  PlaceholderSchema,
  ShareTargetSchema,
  TagSchema,
  purgeDueAt,
  takenAtOf,
  UlidSchema,
  type MediaItem,
  type ShareLink,
} from '@mediaflow/domain';
import { z } from 'zod';

/** A rendition as the REST contract shows it: a URL instead of a key. */
export const RenditionViewSchema = z.object({
  name: z.string(),
  format: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  bytes: z.number().int(),
  url: z.string(),
});
export type RenditionView = z.infer<typeof RenditionViewSchema>;

/**
 * An item as the REST contract shows it (no storage keys, no owner, URLs instead): the one
 * definition that the API's responses, its OpenAPI document and the generated client share.
 */
export const MediaViewSchema = z.object({
  id: UlidSchema,
  kind: MediaKindSchema,
  status: MediaStatusSchema,
  title: z.string().nullable(),
  description: z.string().nullable(),
  filename: z.string(),
  original: z.object({ size: z.number().int(), mime: z.string(), sha256: z.string().nullable() }),
  facts: MediaFactsSchema,
  renditions: z.array(RenditionViewSchema),
  tags: z.array(TagSchema),
  moderation: ModerationSchema,
  placeholder: PlaceholderSchema.nullable(),
  failure: FailureSchema.nullable(),
  progress: z.number().nullable(),
  /** When it was taken, else uploaded (UTC): what the timeline groups and sorts by. */
  takenAt: z.string(),
  /** Faces the tagger saw (the most in one frame looked at): a count, never who. Null when it saw none, did not look, or has not tagged the item yet. */
  faces: z.number().int().min(0).nullable(),
  /** Words read from the picture (OCR) and when; `content` is empty when none were found. Null until read. */
  text: z.object({ content: z.string(), readAt: z.string() }).nullable(),
  /** One of the owner's favourites. */
  favourite: z.boolean(),
  /** When it went to the trash, while it is there (status `trashed`). */
  trashedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MediaView = z.infer<typeof MediaViewSchema>;

/**
 * The public representation of an item. `mediaBaseUrl` is `/media` locally and the CDN origin in
 * AWS; rendition keys map one to one onto URLs under it. `urlQuery`, when given, is appended to
 * every rendition URL: a grant that lets someone other than the owner load them (a visitor of a
 * share link, a moderator).
 */
export function toMediaView(item: MediaItem, mediaBaseUrl: string, urlQuery?: string): MediaView {
  const base = mediaBaseUrl.replace(/\/+$/, '');
  const suffix = urlQuery === undefined || urlQuery === '' ? '' : `?${urlQuery}`;
  return {
    id: item.id,
    kind: item.kind,
    status: item.status,
    title: item.title ?? null,
    description: item.description ?? null,
    filename: item.original.filename,
    original: { size: item.original.size, mime: item.original.mime, sha256: item.original.sha256 ?? null },
    facts: item.facts,
    renditions: item.renditions.map((r) => ({
      name: r.name,
      format: r.format,
      width: r.width ?? null,
      height: r.height ?? null,
      bytes: r.bytes,
      url: `${base}/${r.key}${suffix}`,
    })),
    tags: item.tags,
    moderation: item.moderation,
    placeholder: item.placeholder ?? null,
    failure: item.failure ?? null,
    progress: item.progress ?? null,
    takenAt: takenAtOf(item),
    faces: item.faces ?? null,
    text: item.text === undefined ? null : { content: item.text.content, readAt: item.text.readAt },
    favourite: item.favourite === true,
    trashedAt: item.trash?.at ?? null,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/**
 * An item as a visitor of a share link sees it: what the owner sees, less what is the owner's
 * business (moderation, failures, progress, the content hash that would tell one library's copy
 * from another's, and what the machine made of the picture: the face count and the words read,
 * which serve the owner's search). Rendition URLs carry a grant scoped to this one item.
 */
export const SharedMediaViewSchema = MediaViewSchema.omit({ moderation: true, failure: true, progress: true, favourite: true, trashedAt: true, faces: true, text: true }).extend({
  original: z.object({ size: z.number().int(), mime: z.string() }),
});
export type SharedMediaView = z.infer<typeof SharedMediaViewSchema>;

/** {@link toMediaView} for a visitor; `urlQuery` is the item's media grant. */
export function toSharedMediaView(item: MediaItem, mediaBaseUrl: string, urlQuery: string): SharedMediaView {
  const { moderation: _moderation, failure: _failure, progress: _progress, favourite: _favourite, trashedAt: _trashedAt, faces: _faces, text: _text, original, ...rest } = toMediaView(
    item,
    mediaBaseUrl,
    urlQuery,
  );
  return { ...rest, original: { size: original.size, mime: original.mime } };
}

/** An item in the owner's trash: its view and when the trash removes it for good. */
export const TrashItemViewSchema = MediaViewSchema.extend({ purgeAt: z.string() });
export type TrashItemView = z.infer<typeof TrashItemViewSchema>;

/** {@link toMediaView} for an item in the trash, with when it goes for good after `retentionDays` there. */
export function toTrashItemView(item: MediaItem, mediaBaseUrl: string, retentionDays: number): TrashItemView {
  const purgeAt = purgeDueAt(item, retentionDays) ?? new Date(Date.parse(item.updatedAt));
  return { ...toMediaView(item, mediaBaseUrl), purgeAt: purgeAt.toISOString() };
}

/** An item as a moderator reviews it: the owner's view and whose item it is. */
export const ReviewItemViewSchema = MediaViewSchema.extend({ ownerId: OwnerIdSchema });
export type ReviewItemView = z.infer<typeof ReviewItemViewSchema>;

/** {@link toMediaView} for a moderator; `urlQuery` is the item's media grant (it is another owner's). */
export function toReviewItemView(item: MediaItem, mediaBaseUrl: string, urlQuery: string): ReviewItemView {
  return { ...toMediaView(item, mediaBaseUrl, urlQuery), ownerId: item.ownerId };
}

/** An album as its owner sees it, with the item that stands for it. */
export const AlbumViewSchema = z.object({
  id: UlidSchema,
  name: z.string(),
  description: z.string().nullable(),
  /** The cover the owner chose, if any. */
  coverMediaId: UlidSchema.nullable(),
  /** The chosen cover, else the newest member; `null` for an empty album. */
  cover: MediaViewSchema.nullable(),
  itemCount: z.number().int(),
  newestTakenAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AlbumView = z.infer<typeof AlbumViewSchema>;

export function toAlbumView(album: Album, cover: MediaItem | undefined, mediaBaseUrl: string): AlbumView {
  return {
    id: album.id,
    name: album.name,
    description: album.description ?? null,
    coverMediaId: album.coverMediaId ?? null,
    cover: cover === undefined ? null : toMediaView(cover, mediaBaseUrl),
    itemCount: album.itemCount,
    newestTakenAt: album.newestTakenAt ?? null,
    createdAt: album.createdAt,
    updatedAt: album.updatedAt,
  };
}

export const ShareStateSchema = z.enum(['active', 'expired', 'revoked']);
export type ShareState = z.infer<typeof ShareStateSchema>;

/** A share link as its owner sees it: never the token (only its hash is kept) nor the password. */
export const ShareViewSchema = z.object({
  id: UlidSchema,
  target: ShareTargetSchema,
  allowDownload: z.boolean(),
  expiresAt: z.string().nullable(),
  hasPassword: z.boolean(),
  revokedAt: z.string().nullable(),
  lastOpenedAt: z.string().nullable(),
  createdAt: z.string(),
  state: ShareStateSchema,
});
export type ShareView = z.infer<typeof ShareViewSchema>;

/** Whether a link works at `now`: revoked wins over expired. */
export function shareState(link: ShareLink, now: Date): ShareState {
  if (link.revokedAt !== undefined) return 'revoked';
  if (link.expiresAt !== undefined && Date.parse(link.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

export function toShareView(link: ShareLink, now: Date): ShareView {
  return {
    id: link.id,
    target: link.target,
    allowDownload: link.allowDownload,
    expiresAt: link.expiresAt ?? null,
    hasPassword: link.password !== undefined,
    revokedAt: link.revokedAt ?? null,
    lastOpenedAt: link.lastOpenedAt ?? null,
    createdAt: link.createdAt,
    state: shareState(link, now),
  };
}
