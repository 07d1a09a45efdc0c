import { CorruptMediaError } from '@mediaflow/domain';

export interface MediaSegment {
  uri: string;
  durationSeconds: number;
}

/** The segments of an HLS media playlist, in order. */
export function parseMediaPlaylist(text: string): MediaSegment[] {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== '#EXTM3U') throw new CorruptMediaError('not an HLS playlist');
  const segments: MediaSegment[] = [];
  let duration: number | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) {
      duration = Number.parseFloat(line.slice('#EXTINF:'.length));
    } else if (line !== '' && !line.startsWith('#')) {
      if (duration === undefined || !Number.isFinite(duration)) throw new CorruptMediaError(`segment ${line} has no duration`);
      segments.push({ uri: line, durationSeconds: duration });
      duration = undefined;
    }
  }
  return segments;
}

/** The playlist with every segment URI replaced by `rename(uri)`; tags are kept as they are. */
export function rewriteMediaPlaylist(text: string, rename: (uri: string) => string): string {
  return text
    .split(/\r?\n/)
    .map((line) => (line.trim() !== '' && !line.startsWith('#') ? rename(line.trim()) : line))
    .join('\n');
}

export interface MasterVariant {
  /** Relative URI of the media playlist (`720p.m3u8`). */
  uri: string;
  /** Peak segment bitrate, bits/s (what HLS clients use to pick a variant). */
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  frameRate: number;
  codecs: string[];
}

/**
 * A master playlist listing `variants` in the given order (the first is where players start, so
 * callers put a middle rung first or keep tallest first as they prefer).
 */
export function buildMasterPlaylist(variants: readonly MasterVariant[], options: { independentSegments?: boolean } = {}): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3'];
  if (options.independentSegments ?? true) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  for (const v of variants) {
    const attrs = [
      `BANDWIDTH=${Math.round(v.bandwidth)}`,
      `AVERAGE-BANDWIDTH=${Math.round(v.averageBandwidth)}`,
      `RESOLUTION=${v.width}x${v.height}`,
      `FRAME-RATE=${v.frameRate.toFixed(3)}`,
      `CODECS="${v.codecs.join(',')}"`,
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return `${lines.join('\n')}\n`;
}
