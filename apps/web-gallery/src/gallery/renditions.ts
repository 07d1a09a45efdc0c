import type { MediaView, RenditionView } from '../api/types';

export const IMAGE_SIZES = ['thumb', 'small', 'medium', 'large'] as const;
const MIME: Record<string, string> = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif' };

export interface PictureSources {
  /** `<source>`s, best format first. */
  sources: { type: string; srcSet: string }[];
  /** The `<img>` fallback (JPEG where there is one). */
  fallback: { src: string; srcSet: string; width: number | null; height: number | null } | null;
}

const srcSet = (list: RenditionView[]) =>
  list
    .filter((r) => r.width)
    .sort((a, b) => (a.width ?? 0) - (b.width ?? 0))
    .map((r) => `${r.url} ${r.width}w`)
    .join(', ');

/**
 * `<picture>` sources for an item's image renditions: one `<source>` per modern format with a
 * width-based srcset, and a JPEG `<img>` for browsers without AVIF or WebP.
 * @param names which renditions may be used (e.g. only thumb and small in the grid)
 */
export function pictureSources(renditions: readonly RenditionView[], names: readonly string[] = IMAGE_SIZES): PictureSources {
  const usable = renditions.filter((r) => names.includes(r.name) && r.format in MIME);
  const byFormat = (format: string) => usable.filter((r) => r.format === format);
  const sources = ['avif', 'webp']
    .map((format) => ({ type: MIME[format] ?? '', srcSet: srcSet(byFormat(format)) }))
    .filter((s) => s.srcSet !== '');
  const legacy = byFormat('jpeg').length > 0 ? byFormat('jpeg') : byFormat('png').length > 0 ? byFormat('png') : byFormat('webp');
  const pick = [...legacy].sort((a, b) => (a.width ?? 0) - (b.width ?? 0));
  const base = pick.find((r) => r.name === 'medium') ?? pick[pick.length - 1];
  return {
    sources,
    fallback: base ? { src: base.url, srcSet: srcSet(pick), width: base.width, height: base.height } : null,
  };
}

export function rendition(item: Pick<MediaView, 'renditions'>, name: string, formats?: readonly string[]): RenditionView | undefined {
  const matches = item.renditions.filter((r) => r.name === name && (!formats || formats.includes(r.format)));
  if (!formats) return matches[0];
  return formats.map((f) => matches.find((r) => r.format === f)).find((r) => r !== undefined);
}

/** Whether the item has grid-sized image renditions (a photo's, a video poster's, an audio cover's). */
export function hasStills(item: Pick<MediaView, 'renditions'>): boolean {
  return item.renditions.some((r) => (r.name === 'thumb' || r.name === 'small') && r.format in MIME);
}

/** The still image that stands for a video or an audio item (its poster or cover). */
export function posterOf(item: Pick<MediaView, 'renditions'>): RenditionView | undefined {
  return rendition(item, 'poster', ['webp', 'jpeg', 'avif']) ?? rendition(item, 'cover', ['webp', 'jpeg', 'avif']);
}

/** Alt text from what is known about the item: its title (or file name) and its tags. */
export function altText(item: Pick<MediaView, 'title' | 'filename' | 'tags' | 'kind'>): string {
  const name = item.title?.trim() || item.filename;
  const tags = item.tags
    .filter((t) => t.source !== 'metadata')
    .slice(0, 5)
    .map((t) => t.name);
  return tags.length > 0 ? `${name}: ${tags.join(', ')}` : name;
}
