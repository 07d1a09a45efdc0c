import type { MediaItem } from '@mediaflow/domain';

/** An item as the REST contract shows it (no storage keys, no owner, URLs instead). */
export interface MediaView {
  id: string;
  kind: MediaItem['kind'];
  status: MediaItem['status'];
  title: string | null;
  filename: string;
  original: { size: number; mime: string; sha256: string | null };
  facts: MediaItem['facts'];
  renditions: { name: string; format: string; width: number | null; height: number | null; bytes: number; url: string }[];
  tags: MediaItem['tags'];
  moderation: MediaItem['moderation'];
  placeholder: MediaItem['placeholder'] | null;
  failure: MediaItem['failure'] | null;
  progress: number | null;
  createdAt: string;
  updatedAt: string;
}

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
