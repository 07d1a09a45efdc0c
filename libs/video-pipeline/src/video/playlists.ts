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

/** Splits an HLS attribute list (`A=1,B="x,y",C=2`) into its attributes, in order. */
export function parseAttributeList(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([A-Z0-9-]+)=("[^"]*"|[^,]*)(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
    attributes.set(match[1] ?? '', match[2] ?? '');
  }
  return attributes;
}

function formatAttributeList(attributes: ReadonlyMap<string, string>): string {
  return [...attributes].map(([k, v]) => `${k}=${v}`).join(',');
}

export interface ReconciledMaster {
  text: string;
  /** What had to change in the given playlist, one sentence each (empty when it was right as it was). */
  corrections: string[];
}

const STREAM_INF = '#EXT-X-STREAM-INF:';

/**
 * Checks a master playlist written by the HLS muxer against what was measured and planned, and
 * keeps it where it is right. Per variant: `BANDWIDTH` must cover the measured peak segment
 * bitrate (RFC 8216 4.3.4.2; ffmpeg declares its rate-control target, which a segment can exceed),
 * `RESOLUTION` and `CODECS` must be the planned ones; `AVERAGE-BANDWIDTH` and `FRAME-RATE`, which
 * players use to choose a variant, are added when missing, as is `EXT-X-INDEPENDENT-SEGMENTS`
 * (every segment starts with a keyframe). Pure.
 *
 * @throws CorruptMediaError when the playlist is not a master playlist of exactly `expected`.
 */
export function reconcileMasterPlaylist(text: string, expected: readonly MasterVariant[]): ReconciledMaster {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== '#EXTM3U') throw new CorruptMediaError('not an HLS playlist');
  const byUri = new Map(expected.map((v) => [v.uri, v]));
  const seen = new Set<string>();
  const corrections: string[] = [];
  const out: string[] = [];
  let pending: Map<string, string> | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith(STREAM_INF)) {
      pending = parseAttributeList(line.slice(STREAM_INF.length));
      continue;
    }
    if (pending && line !== '' && !line.startsWith('#')) {
      const variant = byUri.get(line);
      if (!variant || seen.has(line)) throw new CorruptMediaError(`unexpected variant ${line} in the master playlist`);
      seen.add(line);
      out.push(STREAM_INF + formatAttributeList(reconcileVariant(pending, variant, corrections)), line);
      pending = undefined;
      continue;
    }
    if (line === '' && out.at(-1) === '') continue;
    out.push(line);
  }
  const missing = expected.filter((v) => !seen.has(v.uri)).map((v) => v.uri);
  if (missing.length > 0) throw new CorruptMediaError(`the master playlist lacks ${missing.join(', ')}`);
  if (!out.includes('#EXT-X-INDEPENDENT-SEGMENTS')) {
    const at = out.findIndex((l) => l.startsWith(STREAM_INF));
    out.splice(at, 0, '#EXT-X-INDEPENDENT-SEGMENTS');
  }
  while (out.at(-1) === '') out.pop();
  return { text: `${out.join('\n')}\n`, corrections };
}

function reconcileVariant(given: Map<string, string>, v: MasterVariant, corrections: string[]): Map<string, string> {
  const attributes = new Map(given);
  const peak = Math.max(1, Math.ceil(v.bandwidth));
  const declared = Number(attributes.get('BANDWIDTH'));
  if (!Number.isFinite(declared) || declared < peak) {
    corrections.push(`${v.uri}: BANDWIDTH ${attributes.get('BANDWIDTH') ?? 'missing'} is below the measured peak of ${peak}`);
    attributes.set('BANDWIDTH', String(peak));
  }
  if (!attributes.has('AVERAGE-BANDWIDTH')) attributes.set('AVERAGE-BANDWIDTH', String(Math.max(1, Math.round(v.averageBandwidth))));
  const resolution = `${v.width}x${v.height}`;
  if (attributes.get('RESOLUTION') !== resolution) {
    corrections.push(`${v.uri}: RESOLUTION ${attributes.get('RESOLUTION') ?? 'missing'} is not the planned ${resolution}`);
    attributes.set('RESOLUTION', resolution);
  }
  if (!attributes.has('FRAME-RATE')) attributes.set('FRAME-RATE', v.frameRate.toFixed(3));
  const codecs = `"${v.codecs.join(',')}"`;
  if (attributes.get('CODECS') !== codecs) {
    corrections.push(`${v.uri}: CODECS ${attributes.get('CODECS') ?? 'missing'} is not the encoded ${codecs}`);
    attributes.set('CODECS', codecs);
  }
  return attributes;
}
