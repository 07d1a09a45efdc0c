/**
 * The ffmpeg components Mediaflow uses, in one place. The pipeline hands `DECODERS` to every read
 * of an upload as `-codec_whitelist` (a stream in any other codec is never decoded), and the
 * Lambda media-tools layer is a build of ffmpeg with exactly these components and nothing else
 * (`apps/lambdas/layers/media-tools.sh`; a test compares the two lists).
 *
 * Names are ffmpeg's own (`ffmpeg -decoders`, `-encoders`, `-demuxers`, ...).
 */

/**
 * Decoders for what people upload: phone, camera and screen-recorder video (H.264, HEVC, VP8/9,
 * AV1, MPEG-2/4, H.263 of old phones, ProRes, Motion JPEG), broadcast and camcorder MPEG-TS
 * (MPEG-2, AC-3), films (DTS), music files (MP3, AAC, ALAC, FLAC, Vorbis, Opus, AMR, PCM) and the
 * cover art inside them (JPEG, PNG). These are the only decoders that ever see picture or sound.
 */
export const DECODERS: readonly string[] = Object.freeze([
  // video
  'h264', 'hevc', 'vp8', 'vp9', 'libdav1d', 'mpeg4', 'mpeg2video', 'mpeg1video', 'h263', 'prores', 'mjpeg', 'png',
  // audio
  'aac', 'aac_latm', 'mp3float', 'mp3', 'mp2float', 'mp2', 'ac3', 'eac3', 'dca', 'alac', 'flac', 'vorbis', 'opus', 'amrnb', 'amrwb',
  'pcm_s16le', 'pcm_s16be', 'pcm_s24le', 'pcm_s24be', 'pcm_s32le', 'pcm_f32le', 'pcm_f64le', 'pcm_u8', 'pcm_alaw', 'pcm_mulaw',
]);

/**
 * Subtitle decoders ffprobe may open while it describes a file. ffprobe opens a decoder for every
 * stream and gives up on the whole file when one is refused, so without these a phone clip with a
 * caption track could not even be probed. Nothing else decodes subtitles: every encode drops them
 * (`-sn`), so they are on the probe's list only.
 */
export const PROBE_SUBTITLE_DECODERS: readonly string[] = Object.freeze([
  'mov_text', 'srt', 'subrip', 'ass', 'ssa', 'webvtt', 'text', 'dvdsub', 'dvbsub', 'pgssub',
]);

/**
 * Encoders of the renditions: the HLS ladder and MP4 preview, the audio previews, stills and
 * waveform PCM; and `wrapped_avframe`, what the `null` muxer takes when a file is decoded to the end
 * only to check it (`-f null -`).
 */
export const ENCODERS: readonly string[] = Object.freeze(['libx264', 'aac', 'libopus', 'mjpeg', 'pcm_s16le', 'wrapped_avframe']);

/** Containers read: uploads (see `DEFAULT_DEMUXERS`) and our own HLS output (the preview remux). */
export const DEMUXERS: readonly string[] = Object.freeze(['mov', 'matroska', 'avi', 'mpegts', 'mp3', 'wav', 'flac', 'ogg', 'aac', 'hls']);

/** Containers written. */
export const MUXERS: readonly string[] = Object.freeze(['hls', 'mpegts', 'mp4', 'ipod', 'opus', 'ogg', 'image2', 's16le', 'null']);

/** Filters of the ladder's graph and the audio conversions ffmpeg inserts on its own. */
export const FILTERS: readonly string[] = Object.freeze([
  'fps', 'split', 'scale', 'setsar', 'format', 'select', 'setpts', 'null', 'trim',
  'aresample', 'aformat', 'anull', 'atrim', 'asetpts',
]);

/** Parsers for the decoders above (stream splitting in MPEG-TS, raw AAC/MP3/FLAC). */
export const PARSERS: readonly string[] = Object.freeze([
  'h264', 'hevc', 'vp8', 'vp9', 'av1', 'mpeg4video', 'mpegvideo', 'mjpeg', 'png',
  'aac', 'aac_latm', 'mpegaudio', 'ac3', 'flac', 'vorbis', 'opus',
]);

/** Bitstream filters the muxers insert (Annex B for MPEG-TS, ADTS to ASC for the MP4 remux). */
export const BITSTREAM_FILTERS: readonly string[] = Object.freeze(['h264_mp4toannexb', 'hevc_mp4toannexb', 'aac_adtstoasc', 'extract_extradata', 'vp9_superframe']);

/** Only local files and the pipes of progress reports; never the network. */
export const PROTOCOLS: readonly string[] = Object.freeze(['file', 'pipe']);
