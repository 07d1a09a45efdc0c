import type { RenditionFormat } from '@mediaflow/domain';

/**
 * Names and file layout of video renditions. The names are rendition names (the service stores
 * `hls/720p` + `m3u8` at `renditions/{owner}/{id}/hls/720p.m3u8`), and files on disk use the same
 * `{name}.{format}` layout, so the relative URIs inside the playlists hold on disk and in storage.
 */
export const MASTER_PLAYLIST = 'hls/master';
export const PREVIEW = 'preview';
export const POSTER = 'poster';

export function playlistName(rung: string): string {
  return `hls/${rung}`;
}

/** Segments are numbered from 1, five digits: `hls/720p_00001`. */
export function segmentName(rung: string, index: number): string {
  return `hls/${rung}_${String(index).padStart(5, '0')}`;
}

/** `thumbs/01`, `thumbs/02`, ... */
export function thumbnailName(index: number): string {
  return `thumbs/${String(index).padStart(2, '0')}`;
}

/** Where a rendition lives under the output directory: `{name}.{format}`. */
export function fileNameOf(name: string, format: RenditionFormat): string {
  return `${name}.${format}`;
}

export const CONTENT_TYPES: Readonly<Partial<Record<RenditionFormat, string>>> = Object.freeze({
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  mp4: 'video/mp4',
  jpeg: 'image/jpeg',
});

export function contentTypeOf(format: RenditionFormat): string {
  return CONTENT_TYPES[format] ?? 'application/octet-stream';
}
