import type { MediaFacts } from '@mediaflow/domain';
import { defaultAudioPolicy } from './policy.js';
import type { AudioOutputFormat, AudioPlan, AudioPolicy, AudioTimeBudget, PlannedAudioOutput } from './types.js';

/** Sample rates the AAC encoder takes, ascending (ISO 14496-3 sampling frequency table). */
const AAC_SAMPLE_RATES = [7350, 8000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000] as const;

const OUTPUT = {
  m4a: { encoder: 'aac', contentType: 'audio/mp4', muxer: 'mp4' },
  // Opus decoders always run at 48 kHz, so encoding at anything else only adds a resampling step.
  opus: { encoder: 'libopus', contentType: 'audio/ogg; codecs=opus', muxer: 'opus' },
} as const satisfies Record<AudioOutputFormat, { encoder: string; contentType: string; muxer: string }>;

/** The ffmpeg muxer that writes `format`. */
export function muxerOf(format: AudioOutputFormat): string {
  return OUTPUT[format].muxer;
}

/**
 * The AAC sample rate for a source: the source's own rate when AAC has it, else the next one up
 * (no information is thrown away), and 48 kHz for anything above, which no listener can tell apart.
 */
export function aacSampleRate(sourceRate: number | undefined): number {
  if (sourceRate === undefined) return 44_100;
  return AAC_SAMPLE_RATES.find((rate) => rate >= sourceRate) ?? 48_000;
}

/**
 * Decides the outputs of one audio job from the probe's facts: previews in each policy format
 * (stereo at most: surround downmixed, mono kept mono at a lower bitrate) and the waveform.
 *
 * @example
 * const plan = planAudio({ audioCodec: 'flac', sampleRate: 96_000, channels: 2 }, 'flac', 4 * 3600);
 * plan.outputs.map((o) => `${o.name}.${o.format}@${o.sampleRate}`); // ['preview.m4a@48000', 'preview.opus@48000']
 */
export function planAudio(facts: MediaFacts, demuxer: string, maxDurationSeconds: number, policy: AudioPolicy = defaultAudioPolicy): AudioPlan {
  const channels = Math.min(2, facts.channels ?? 2);
  const outputs = policy.previewFormats.map((format): PlannedAudioOutput => {
    const encoding = policy.encoders[format];
    return {
      name: policy.previewName,
      format,
      contentType: OUTPUT[format].contentType,
      encoder: OUTPUT[format].encoder,
      bitrate: channels === 1 ? encoding.monoBitrate : encoding.stereoBitrate,
      sampleRate: format === 'opus' ? 48_000 : aacSampleRate(facts.sampleRate),
      channels,
      fileName: `${policy.previewName}.${format}`,
    };
  });
  return {
    demuxer,
    maxDurationSeconds,
    outputs,
    waveform: {
      name: policy.waveform.name,
      buckets: policy.waveform.buckets,
      sampleRate: policy.waveform.sampleRate,
      channels,
      pcmFileName: `${policy.waveform.name}.s16le`,
    },
  };
}

/**
 * ffmpeg output arguments of a plan: every preview and the waveform's PCM from one decode.
 * `inputArgs` are the protected input arguments (protocol and demuxer allow-lists, `-i`), and
 * `dir` the job's work directory. Only the first audio stream is read: cover art, video, subtitles
 * and data streams are never decoded, and tags, chapters and ffmpeg's own name are not written
 * into the previews.
 */
export function audioArgs(plan: AudioPlan, inputArgs: readonly string[], dir: string): string[] {
  // One second past the limit, so that a file whose header understates its length is caught
  // (`checkDecodedLength`) rather than silently cut at exactly the limit.
  const stopAt = String(plan.maxDurationSeconds + 1);
  // Bit-exact muxing and encoding leave ffmpeg's name and version out: the MP4 `encoder` tag, the
  // Ogg vendor string and AAC's fill element. The Ogg comment ffmpeg adds anyway (`encoder=Lavc
  // libopus`) is removed afterwards (`emptyOpusTags`).
  const common = ['-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1', '-map_chapters', '-1', '-t', stopAt, '-fflags', '+bitexact', '-flags:a', '+bitexact'];
  const previews = plan.outputs.flatMap((o) => [
    ...common,
    '-c:a',
    o.encoder,
    '-b:a',
    String(o.bitrate),
    '-ar',
    String(o.sampleRate),
    '-ac',
    String(o.channels),
    ...(o.format === 'm4a' ? ['-movflags', '+faststart'] : []),
    '-f',
    muxerOf(o.format),
    joinPath(dir, o.fileName),
  ]);
  const waveform = [
    ...common,
    '-c:a',
    'pcm_s16le',
    '-ar',
    String(plan.waveform.sampleRate),
    '-ac',
    String(plan.waveform.channels),
    '-f',
    's16le',
    joinPath(dir, plan.waveform.pcmFileName),
  ];
  return ['-nostdin', '-hide_banner', '-nostats', '-v', 'error', '-y', ...inputArgs, ...previews, ...waveform];
}

/**
 * Output paths are given to ffmpeg as `file:` URLs: a work directory containing `:` would
 * otherwise be read as a protocol name.
 */
function joinPath(dir: string, name: string): string {
  return `file:${dir.endsWith('/') ? dir : `${dir}/`}${name}`;
}

/**
 * Time allowed for one job: a fixed part for start-up and probing, plus a share of the duration.
 * On 2 cores both previews and the PCM are made at about 16x real time, so `perSecondMs` of 250
 * (4x real time) leaves room for a busy machine without letting a stuck decode run for long.
 */
export function audioTimeoutMs(durationSeconds: number, budget: AudioTimeBudget): number {
  return Math.round(budget.baseMs + Math.max(0, durationSeconds) * budget.perSecondMs);
}
