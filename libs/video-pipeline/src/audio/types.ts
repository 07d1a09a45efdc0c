import type { AudioResult, MediaFacts, RenditionFormat } from '@mediaflow/domain';

/** Title, artist, album, genre and year, as the domain stores them in `MediaFacts.audio`. */
export type AudioTags = NonNullable<MediaFacts['audio']>;

/** Hard limits, checked on the probe's answer before anything is decoded. */
export interface AudioLimits {
  /** Largest accepted input, in bytes. */
  maxInputBytes: number;
  /** Longest accepted duration, in seconds. */
  maxDurationSeconds: number;
  /** Most channels accepted (beyond 7.1 is not music but a multitrack recording). */
  maxChannels: number;
  /** Highest accepted sample rate, in Hz. */
  maxSampleRate: number;
  /** Largest embedded cover kept; a larger one is skipped, not an error. */
  maxCoverBytes: number;
}

/** Wall-clock allowance of one job: `baseMs + durationSeconds * perSecondMs`. */
export interface AudioTimeBudget {
  baseMs: number;
  perSecondMs: number;
}

/** Audio formats the pipeline writes. */
export type AudioOutputFormat = Extract<RenditionFormat, 'm4a' | 'opus'>;

/** How one preview is encoded. */
export interface AudioEncoding {
  /** Target bitrate for stereo, in bits per second. */
  stereoBitrate: number;
  /** Target bitrate for mono, in bits per second. */
  monoBitrate: number;
}

/** Which outputs to make and how. `defaultAudioPolicy` is the one in use. */
export interface AudioPolicy {
  /** Rendition name of the listening previews (one per format). */
  previewName: string;
  previewFormats: readonly AudioOutputFormat[];
  encoders: Readonly<Record<AudioOutputFormat, AudioEncoding>>;
  waveform: {
    /** Rendition name of the peaks JSON. */
    name: string;
    /** Number of peaks. */
    buckets: number;
    /** Sample rate the peaks are computed at, in Hz. */
    sampleRate: number;
  };
}

/** One encoded output of a plan. */
export interface PlannedAudioOutput {
  name: string;
  format: AudioOutputFormat;
  contentType: string;
  /** ffmpeg encoder name. */
  encoder: string;
  /** Target bitrate in bits per second. */
  bitrate: number;
  sampleRate: number;
  channels: number;
  /** File name inside the job's work directory. */
  fileName: string;
}

/** Everything the runner needs, decided up front from the probe's facts. */
export interface AudioPlan {
  /** The ffmpeg demuxer the probe identified; the runner forces it with `-f`. */
  demuxer: string;
  /** The duration limit; decoding stops just past it even if the file holds more than announced. */
  maxDurationSeconds: number;
  outputs: PlannedAudioOutput[];
  waveform: {
    name: string;
    buckets: number;
    sampleRate: number;
    /** Channels decoded for the peaks (at most 2: surround is downmixed to stereo first). */
    channels: number;
    /** File name inside the job's work directory for the decoded PCM. */
    pcmFileName: string;
  };
}

/** The peaks JSON as stored under the `waveform` rendition. */
export interface WaveformDocument {
  version: 1;
  /** Duration covered by the peaks (from the decoded samples), in seconds. */
  durationSeconds: number;
  /** Sample rate the peaks were computed at, in Hz. */
  sampleRate: number;
  /** Loudest absolute sample (of any channel) per equal stretch, 0..1. */
  peaks: number[];
}

/** Embedded cover art, as found in the file (not decoded, not checked as an image). */
export interface CoverArt {
  bytes: Uint8Array;
  /** The MIME type the file declares for it; the image pipeline sniffs the bytes anyway. */
  declaredType: string | undefined;
}

/** What `readAudioMetadata` found in the tags. */
export interface AudioMetadata {
  tags: AudioTags;
  cover: CoverArt | undefined;
}

/** Everything one audio job produces: the port's result plus what was decided and read. */
export interface AudioProcessResult extends AudioResult {
  /** Also in `facts.audio`; kept apart for callers that only want the tags. */
  tags: AudioTags;
  plan: AudioPlan;
  /** The ffmpeg demuxer that read the file (`mp3`, `mov`, `ogg`, ...). */
  demuxer: string;
  /** Problems that did not fail the job (tags that could not be read). */
  warnings: string[];
}
