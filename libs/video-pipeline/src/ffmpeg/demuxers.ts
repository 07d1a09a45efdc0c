/**
 * Demuxers Mediaflow lets ffmpeg use on uploads. Everything else is refused, above all the
 * demuxers that open other files or URLs named inside the input: `hls`/`applehttp`, `concat`,
 * `ffconcat`, `sdp`/`rtp`, `image2` sequences, `tty` text, `data:` URIs. The list is handed to
 * ffmpeg as `-format_whitelist`, so a refused format fails at detection, before its demuxer reads
 * anything, and it is checked again on ffprobe's answer.
 *
 * Names are ffmpeg demuxer names (`mov` covers mp4/m4a/3gp, `matroska` covers webm).
 *
 * `mpegts` is only allowed on a current build (`videoDemuxersFor`): the bundled fallback's ffprobe (a
 * 2023 snapshot) crashes with SIGSEGV on every MPEG-TS file, which on untrusted input is a
 * memory-safety bug, not just a failure.
 */
export const VIDEO_DEMUXERS: readonly string[] = Object.freeze(['mov', 'matroska', 'avi']);

const VIDEO_DEMUXERS_WITH_MPEGTS: readonly string[] = Object.freeze([...VIDEO_DEMUXERS, 'mpegts']);

/** The video containers a build may read: MPEG-TS (`.ts`, `.m2ts`, `.mts`) only where it is safe. */
export function videoDemuxersFor(features: { mpegts: boolean }): readonly string[] {
  return features.mpegts ? VIDEO_DEMUXERS_WITH_MPEGTS : VIDEO_DEMUXERS;
}

export const AUDIO_DEMUXERS: readonly string[] = Object.freeze(['mp3', 'wav', 'flac', 'ogg', 'aac', 'mov', 'matroska']);

/** The default allow-list: every container Mediaflow ingests as video or audio. */
export const DEFAULT_DEMUXERS: readonly string[] = Object.freeze([...new Set([...VIDEO_DEMUXERS, ...AUDIO_DEMUXERS])]);

/**
 * The demuxer that produced `formatName` when it is allowed, else `undefined`. ffprobe reports a
 * demuxer by all of its aliases (`mov,mp4,m4a,3gp,3g2,mj2`); the first is the name `-f` takes.
 */
export function allowedDemuxer(formatName: string, allowed: readonly string[] = DEFAULT_DEMUXERS): string | undefined {
  const names = formatName.split(',');
  const first = names[0];
  if (first === undefined || first === '') return undefined;
  return names.some((n) => allowed.includes(n)) ? first : undefined;
}
