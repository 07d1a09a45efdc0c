import type { MediaFacts } from '@mediaflow/domain';
import type { ProbeResult, ProbeStream } from './probe-schema.js';

function num(value: number | string | undefined): number | undefined {
  if (value === undefined || value === '' || value === 'N/A') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function positiveInt(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Math.round(value);
  return n > 0 ? n : undefined;
}

/** `30000/1001` → 29.97; `0/0` (unknown) → undefined. */
export function parseRate(rate: string | undefined): number | undefined {
  if (rate === undefined) return undefined;
  const [n, d] = rate.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  const den = d === undefined ? 1 : d;
  if (!Number.isFinite(den) || den <= 0) return undefined;
  return Math.round((n / den) * 1000) / 1000;
}

/**
 * Clockwise rotation in degrees (0, 90, 180, 270) the player applies. Newer ffprobe reports the
 * display matrix as side data (`rotation`, counter-clockwise); older files and tools carry a
 * `rotate` tag (clockwise). Only quarter turns matter for dimensions.
 */
export function rotationOf(stream: ProbeStream): number {
  const matrix = stream.side_data_list?.find((s) => s.rotation !== undefined);
  const fromMatrix = num(matrix?.rotation);
  const degrees = fromMatrix !== undefined ? -fromMatrix : num(stream.tags?.['rotate']);
  if (degrees === undefined) return 0;
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

/**
 * The stream Mediaflow treats as "the video": the first real video stream, skipping cover art
 * (`attached_pic`), which audio files carry as a one-frame video stream.
 */
export function primaryVideoStream(result: ProbeResult): ProbeStream | undefined {
  return result.streams.find((s) => s.codec_type === 'video' && s.disposition?.['attached_pic'] !== 1);
}

export function primaryAudioStream(result: ProbeResult): ProbeStream | undefined {
  return result.streams.find((s) => s.codec_type === 'audio');
}

/** Demuxers whose name is not what people call the file. */
const FORMAT_OF_DEMUXER: Record<string, string> = { matroska: 'mkv', mpegts: 'ts', ogg: 'ogg', wav: 'wav', flac: 'flac', mp3: 'mp3', avi: 'avi', aac: 'aac' };

/**
 * The file format as people know it. The QuickTime family shares one demuxer (`mov,mp4,m4a,...`);
 * the major brand tells an `.mp4` from a `.mov`, an `.m4a` or a `.3gp`.
 */
export function fileFormat(container: string, majorBrand: string | undefined): string {
  if (container === 'mov') {
    const brand = (majorBrand ?? '').trim().toLowerCase();
    if (brand === 'qt') return 'mov';
    if (brand.startsWith('m4a') || brand.startsWith('m4b')) return 'm4a';
    if (brand.startsWith('3g')) return '3gp';
    return brand === '' ? 'mov' : 'mp4';
  }
  if (container === 'matroska' || container === 'webm') return container === 'webm' ? 'webm' : 'mkv';
  return FORMAT_OF_DEMUXER[container] ?? container;
}

/**
 * Domain facts from ffprobe's answer. `width`/`height` are as displayed (a phone video shot in
 * portrait reports a portrait size); `container` is the demuxer name (`mov`, `matroska`, ...) and
 * `format` the file format people know (`mp4`, `mov`, `mkv`, `webm`, ...).
 */
export function toFacts(result: ProbeResult): MediaFacts {
  const video = primaryVideoStream(result);
  const audio = primaryAudioStream(result);
  const facts: MediaFacts = {};
  const container = result.format.format_name.split(',')[0];
  if (container) {
    facts.container = container.slice(0, 64);
    // ffprobe names the matroska demuxer `matroska,webm` whatever the file; the doctype decides.
    const doctype = result.format.format_name.startsWith('matroska') && result.format.tags?.['DOCTYPE'] === 'webm' ? 'webm' : container;
    facts.format = fileFormat(doctype, result.format.tags?.['major_brand']).slice(0, 32);
  }

  const duration = num(result.format.duration) ?? num(video?.duration) ?? num(audio?.duration);
  if (duration !== undefined && duration >= 0) facts.durationSeconds = Math.round(duration * 1000) / 1000;
  const bitrate = positiveInt(num(result.format.bit_rate));
  if (bitrate !== undefined) facts.bitrate = bitrate;

  if (video) {
    const w = positiveInt(video.width);
    const h = positiveInt(video.height);
    if (w !== undefined && h !== undefined) {
      const quarter = rotationOf(video) % 180 === 90;
      facts.width = quarter ? h : w;
      facts.height = quarter ? w : h;
    }
    // avg_frame_rate is the real rate of variable-rate phone clips; r_frame_rate is the timebase
    // guess and can be 90000 for those, so it is only the fallback.
    const rate = parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate);
    if (rate !== undefined) facts.frameRate = rate;
    const frames = positiveInt(num(video.nb_frames));
    if (frames !== undefined) facts.frames = frames;
    if (video.codec_name) facts.videoCodec = video.codec_name.slice(0, 64);
  }
  if (audio) {
    if (audio.codec_name) facts.audioCodec = audio.codec_name.slice(0, 64);
    const rate = positiveInt(num(audio.sample_rate));
    if (rate !== undefined) facts.sampleRate = rate;
    const channels = positiveInt(audio.channels);
    if (channels !== undefined) facts.channels = channels;
  }
  return facts;
}
