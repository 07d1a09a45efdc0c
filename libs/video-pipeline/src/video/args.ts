import { safeInputArgs } from '../ffmpeg/index.js';
import { fileNameOf, POSTER, PREVIEW } from './layout.js';
import { defaultVideoPolicy, type VideoPolicy } from './policy.js';
import type { VideoPlan } from './types.js';

/** How the runner reads the source: the allow-listed `file:` input (see `probeFile`). */
export interface EncodeInput {
  url: string;
  /** The demuxer found when probing, pinned with `-f`. */
  demuxer: string;
  /** The demuxer allow-list, repeated on this read. */
  demuxers: readonly string[];
}

export type EncoderSettings = Pick<VideoPolicy, 'crf' | 'x264Preset' | 'posterQuality' | 'thumbnailQuality'>;

/**
 * How the HLS muxer names its output. `named`: each variant under its rung name
 * (`hls/720p.m3u8`, `hls/720p_00001.ts`, the rendition layout itself) and ffmpeg's own master
 * playlist (`hls/master.m3u8`). `indexed`: variants by index (`hls/0.m3u8`, `hls/0_00001.ts`), renamed
 * and given a master playlist afterwards, for builds whose muxer cannot do better (see
 * `FfmpegFeatures.hlsNamedVariants`).
 */
export type HlsNaming = 'named' | 'indexed';

/** Where ffmpeg writes the HLS variants: `%v` is the variant's name or index. */
export const VARIANT_PLAYLIST = 'hls/%v.m3u8';
export const VARIANT_SEGMENT = 'hls/%v_%05d.ts';
/** ffmpeg writes `-master_pl_name` beside the first variant playlist. */
export const FFMPEG_MASTER_PLAYLIST = 'master.m3u8';

const kbps = (bits: number): string => `${Math.round(bits / 1000)}k`;

/**
 * Output options that keep the source's tags and chapters out of an output, and ffmpeg's name and
 * version with them. ffmpeg copies tags by default, and uploads carry locations, names and markup
 * in them (the MPEG-TS muxer even writes the title into every segment). Bit-exact muxing and
 * encoding leave out what names the build: the MP4 `encoder` tag (`Lavf59.27.100`), the JPEG
 * comment and the AAC fill element (`Lavc59.37.100`). Output options apply to the next output
 * only, so each gets them.
 */
const NO_METADATA: readonly string[] = [
  '-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact',
];

/**
 * The MPEG-TS service description of every segment, which otherwise names the muxer (`FFmpeg`,
 * `Service01`) or, from a source's tags, the title. It cannot be left empty, so it names the product.
 */
const SERVICE: readonly string[] = ['-metadata', 'service_provider=Mediaflow', '-metadata', 'service_name=Mediaflow'];

function out(outDir: string, relative: string): string {
  // `file:` so that a name can never be read as another protocol; outDir is absolute, or `.`
  // for the tool's working directory.
  return `file:${outDir}/${relative}`;
}

/**
 * The filter graph: one decode, frame rate made constant (variable-rate phone clips), split once
 * per rung plus the stills, each branch scaled to its exact even size with square pixels.
 * Rotation is not handled here: ffmpeg applies the display matrix before the graph (autorotate).
 */
export function filterGraph(plan: VideoPlan, options: { preview: boolean }): string {
  const branches = plan.rungs.length + (options.preview ? 1 : 0) + 2;
  const labels = Array.from({ length: branches }, (_, i) => `[s${i}]`);
  const parts = [`[0:v]fps=${plan.frameRate},split=${branches}${labels.join('')}`];
  let i = 0;
  const scale = (w: number, h: number): string => `scale=${w}:${h}:flags=bicubic,setsar=1,format=yuv420p`;
  for (const [r, rung] of plan.rungs.entries()) parts.push(`[s${i++}]${scale(rung.width, rung.height)}[v${r}]`);
  if (options.preview) parts.push(`[s${i++}]${scale(plan.preview.width, plan.preview.height)}[vpreview]`);
  parts.push(`[s${i++}]select=eq(n\\,${plan.poster.frame}),${scale(plan.poster.width, plan.poster.height)}[vposter]`);
  const frames = plan.thumbnails.map((t) => `eq(n\\,${t.frame})`).join('+');
  const thumb = plan.thumbnails[0];
  // Selected frames are re-timed back to back so that no output sync duplicates them.
  const thumbScale = thumb ? scale(thumb.width, thumb.height) : 'null';
  parts.push(`[s${i++}]select=${frames || '0'},${thumbScale},setpts=N/(${plan.frameRate}*TB)[vthumbs]`);
  return parts.join(';');
}

/** libx264 options shared by every rung and the preview: one GOP per segment, no scene-cut keyframes. */
function x264(plan: VideoPlan, settings: EncoderSettings): string[] {
  return [
    '-c:v', 'libx264', '-preset', settings.x264Preset, '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-crf', String(settings.crf),
    '-g', String(plan.gopFrames), '-keyint_min', String(plan.gopFrames), '-sc_threshold', '0',
    '-force_key_frames', `expr:gte(t,n_forced*${plan.segmentSeconds})`,
  ];
}

/**
 * The arguments of the one ffmpeg process that encodes every rung into HLS (and, when `preview`
 * is set, the MP4 preview as one more encode), the poster and the thumbnails. Pure.
 *
 * With `hls: 'named'` (the default) the muxer writes the rendition layout and the master playlist;
 * with `'indexed'` the runner renames the files and writes the master (see `HlsNaming`).
 */
export function buildEncodeArgs(
  plan: VideoPlan,
  input: EncodeInput,
  outDir: string,
  options: { preview?: boolean; progress?: boolean; settings?: EncoderSettings; hls?: HlsNaming } = {},
): string[] {
  const settings = options.settings ?? defaultVideoPolicy;
  const preview = options.preview ?? false;
  const named = (options.hls ?? 'named') === 'named';
  const args = ['-nostdin', '-hide_banner', '-nostats', '-v', 'error'];
  if (options.progress) args.push('-progress', 'pipe:1');
  args.push(...safeInputArgs(input.url, input.demuxers, input.demuxer));
  args.push('-filter_complex', filterGraph(plan, { preview }));
  // Subtitles, data tracks, attachments and tags are never carried over.
  args.push('-sn', '-dn', ...NO_METADATA, ...SERVICE);

  // HLS ladder.
  for (const [i] of plan.rungs.entries()) {
    args.push('-map', `[v${i}]`);
    if (plan.hasAudio) args.push('-map', '0:a:0');
  }
  args.push(...x264(plan, settings));
  for (const [i, rung] of plan.rungs.entries()) {
    args.push(`-maxrate:v:${i}`, kbps(rung.maxBitrate), `-bufsize:v:${i}`, kbps(rung.maxBitrate * 2), `-level:v:${i}`, rung.level.level);
  }
  if (plan.hasAudio) {
    args.push('-c:a', 'aac', '-ac', '2', '-ar', '48000');
    for (const [i, rung] of plan.rungs.entries()) args.push(`-b:a:${i}`, kbps(rung.audioBitrate));
  }
  const streamMap = plan.rungs
    .map((rung, i) => [`v:${i}`, ...(plan.hasAudio ? [`a:${i}`] : []), ...(named ? [`name:${rung.name}`] : [])].join(','))
    .join(' ');
  args.push(
    '-f', 'hls', '-hls_time', String(plan.segmentSeconds), '-hls_playlist_type', 'vod', '-hls_list_size', '0',
    '-hls_flags', 'independent_segments', '-hls_segment_type', 'mpegts', '-start_number', '1',
    '-hls_segment_filename', out(outDir, VARIANT_SEGMENT), '-var_stream_map', streamMap,
    ...(named ? ['-master_pl_name', FFMPEG_MASTER_PLAYLIST] : []),
    out(outDir, VARIANT_PLAYLIST),
  );

  if (preview) {
    args.push(...NO_METADATA, '-map', '[vpreview]');
    if (plan.hasAudio) args.push('-map', '0:a:0');
    args.push(...x264(plan, settings), '-maxrate:v:0', kbps(plan.preview.maxBitrate), '-bufsize:v:0', kbps(plan.preview.maxBitrate * 2));
    if (plan.hasAudio) args.push('-c:a', 'aac', '-ac', '2', '-ar', '48000', '-b:a', kbps(plan.preview.audioBitrate));
    args.push('-movflags', '+faststart', '-f', 'mp4', out(outDir, fileNameOf(PREVIEW, 'mp4')));
  }

  args.push(...NO_METADATA, '-map', '[vposter]', '-frames:v', '1', '-q:v', String(settings.posterQuality), '-f', 'image2', out(outDir, fileNameOf(POSTER, 'jpeg')));
  args.push(
    ...NO_METADATA, '-map', '[vthumbs]', '-frames:v', String(plan.thumbnails.length), '-q:v', String(settings.thumbnailQuality),
    '-f', 'image2', '-start_number', '1', out(outDir, 'thumbs/%02d.jpeg'),
  );
  return args;
}

/**
 * The preview made from the encoded HLS rung without re-encoding: the rung's playlist (our own
 * output, so the `hls` demuxer and `file` protocol are safe here) remuxed into a fast-start MP4.
 */
export function buildPreviewRemuxArgs(plan: VideoPlan, outDir: string, rungPlaylist: string): string[] {
  const args = ['-nostdin', '-hide_banner', '-nostats', '-v', 'error'];
  args.push('-protocol_whitelist', 'file', '-format_whitelist', 'hls,applehttp,mpegts', '-f', 'hls', '-i', out(outDir, rungPlaylist));
  args.push('-map', '0:v:0');
  if (plan.hasAudio) args.push('-map', '0:a:0', '-bsf:a', 'aac_adtstoasc');
  args.push('-c', 'copy', ...NO_METADATA, '-movflags', '+faststart', '-f', 'mp4', out(outDir, fileNameOf(PREVIEW, 'mp4')));
  return args;
}
