import {
  FailureSchema,
  MediaFactsSchema,
  MediaKindSchema,
  MediaStatusSchema,
  ModerationSchema,
  PlaceholderSchema,
  TagSchema,
  UlidSchema,
  type MediaItem,
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
  filename: z.string(),
  original: z.object({ size: z.number().int(), mime: z.string(), sha256: z.string().nullable() }),
  facts: MediaFactsSchema,
  renditions: z.array(RenditionViewSchema),
  tags: z.array(TagSchema),
  moderation: ModerationSchema,
  placeholder: PlaceholderSchema.nullable(),
  failure: FailureSchema.nullable(),
  progress: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MediaView = z.infer<typeof MediaViewSchema>;

/**
 * The public representation of an item. `mediaBaseUrl` is `/media` locally and the CDN origin in
 * AWS; rendition keys map one to one onto URLs under it.
 */
export function toMediaView(item: MediaItem, mediaBaseUrl: string): MediaView {
  const base = mediaBaseUrl.replace(/\/+$/, '');
  return {
    id: item.id,
    kind: item.kind,
    status: item.status,
    title: item.title ?? null,
    filename: item.original.filename,
    original: { size: item.original.size, mime: item.original.mime, sha256: item.original.sha256 ?? null },
    facts: item.facts,
    renditions: item.renditions.map((r) => ({
      name: r.name,
      format: r.format,
      width: r.width ?? null,
      height: r.height ?? null,
      bytes: r.bytes,
      url: `${base}/${r.key}`,
    })),
    tags: item.tags,
    moderation: item.moderation,
    placeholder: item.placeholder ?? null,
    failure: item.failure ?? null,
    progress: item.progress ?? null,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
