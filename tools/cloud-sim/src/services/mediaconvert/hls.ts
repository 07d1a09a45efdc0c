/**
 * The HLS master playlist MediaConvert writes at `{destination}.m3u8`: one variant per output,
 * with the peak and average bitrates measured from the segments, the resolution and the RFC 6381
 * codec names of what was actually encoded. Pure.
 */

export interface HlsVariant {
  /** Relative URI of the variant's playlist (`master_720p.m3u8`). */
  uri: string;
  peakBitrate: number;
  averageBitrate: number;
  width: number;
  height: number;
  frameRate?: number;
  codecs: string[];
}

export interface PlaylistSegment {
  uri: string;
  durationSeconds: number;
}

/** The segments a media playlist lists, in order. */
export function playlistSegments(text: string): PlaylistSegment[] {
  const segments: PlaylistSegment[] = [];
  let duration: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line !== '' && !line.startsWith('#') && duration !== undefined) {
      segments.push({ uri: line, durationSeconds: duration });
      duration = undefined;
    }
  }
  return segments;
}

const AVC_PROFILES: Readonly<Record<string, string>> = {
  'Constrained Baseline': '42c0',
  Baseline: '4200',
  Main: '4d40',
  High: '6400',
};

/** `avc1.4d401e` from ffprobe's profile name and level (30 = level 3.0). */
export function avcCodec(profile: string | undefined, level: number | undefined): string {
  const prefix = AVC_PROFILES[profile ?? 'Main'] ?? '4d40';
  const levelHex = Math.max(0, Math.min(255, level ?? 30))
    .toString(16)
    .padStart(2, '0');
  return `avc1.${prefix}${levelHex}`;
}

export const AAC_LC = 'mp4a.40.2';

export function masterPlaylist(variants: readonly HlsVariant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const variant of variants) {
    const attributes = [
      `BANDWIDTH=${Math.max(1, Math.ceil(variant.peakBitrate))}`,
      `AVERAGE-BANDWIDTH=${Math.max(1, Math.round(variant.averageBitrate))}`,
      `CODECS="${variant.codecs.join(',')}"`,
      `RESOLUTION=${variant.width}x${variant.height}`,
      ...(variant.frameRate !== undefined ? [`FRAME-RATE=${variant.frameRate.toFixed(3)}`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, variant.uri);
  }
  return `${lines.join('\n')}\n`;
}
