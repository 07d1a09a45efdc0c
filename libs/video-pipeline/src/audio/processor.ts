import { stat } from 'node:fs/promises';
import type { AudioProcessor, MediaFacts } from '@mediaflow/domain';
import { AUDIO_DEMUXERS, probeFile, type FfmpegBuild } from '../ffmpeg/index.js';
import { toAudioError } from './errors.js';
import { checkAudioBytes, checkAudioFacts, resolveAudioLimits } from './limits.js';
import { readAudioMetadata } from './metadata.js';
import { audioTimeoutMs, planAudio } from './plan.js';
import { defaultAudioPolicy } from './policy.js';
import { renderAudio } from './render.js';
import type { AudioLimits, AudioMetadata, AudioPolicy, AudioProcessResult, AudioTimeBudget } from './types.js';

export interface FfmpegAudioProcessorOptions {
  /** The ffmpeg and ffprobe to run and what they can do (`detectFfmpeg` at the composition root). */
  tools: FfmpegBuild;
  /** Replaces fields of `defaultAudioLimits`. */
  limits?: Partial<AudioLimits>;
  policy?: AudioPolicy;
  /** Demuxers accepted as audio (default `AUDIO_DEMUXERS`). */
  demuxers?: readonly string[];
  /** Budget of the ffmpeg run; default 60 s plus 250 ms per second of audio. */
  timeBudget?: Partial<AudioTimeBudget>;
  /** Budget of the probe (default 30 s). */
  probeTimeoutMs?: number;
  /** Budget of reading the tags (default 30 s); past it the tags are left out, not the job. */
  metadataTimeoutMs?: number;
  /** Parent of each job's tool directory (default: the OS temp directory). */
  workDir?: string;
  /** Run ffmpeg at a lower CPU priority (default true). */
  lowPriority?: boolean;
  /** Called with the encoding ffmpeg's pid once it runs (tests check that it is gone afterwards). */
  onSpawn?: (pid: number) => void;
}

const defaultTimeBudget: Readonly<AudioTimeBudget> = Object.freeze({ baseMs: 60_000, perSecondMs: 250 });

/**
 * The audio pipeline behind the domain's `AudioProcessor` port: probe under the audio demuxer
 * allow-list, check the limits, then encode the previews and the waveform with ffmpeg while
 * music-metadata reads the tags and cover art.
 *
 * Tags go into `facts.audio`; the cover comes back as bytes for the image pipeline. A file whose
 * tags cannot be read is still processed: the failure is reported in `warnings`.
 *
 * @example
 * const audio = new FfmpegAudioProcessor({ tools: await detectFfmpeg({ searchPath: env.PATH }) });
 * const { facts, files, cover } = await audio.process('/tmp/upload.mp3', signal);
 */
export class FfmpegAudioProcessor implements AudioProcessor {
  private readonly tools: FfmpegBuild;
  private readonly limits: AudioLimits;
  private readonly policy: AudioPolicy;
  private readonly demuxers: readonly string[];
  private readonly timeBudget: AudioTimeBudget;
  private readonly probeTimeoutMs: number;
  private readonly metadataTimeoutMs: number;

  constructor(private readonly options: FfmpegAudioProcessorOptions) {
    this.tools = options.tools;
    this.limits = resolveAudioLimits(options.limits);
    this.policy = options.policy ?? defaultAudioPolicy;
    this.demuxers = options.demuxers ?? AUDIO_DEMUXERS;
    this.timeBudget = { ...defaultTimeBudget, ...options.timeBudget };
    this.probeTimeoutMs = options.probeTimeoutMs ?? 30_000;
    this.metadataTimeoutMs = options.metadataTimeoutMs ?? 30_000;
  }

  /**
   * @throws UnsupportedMediaError for anything but an allowed audio container with an audio
   *   stream; LimitExceededError; CorruptMediaError for undecodable or truncated audio;
   *   TimeoutError; the abort reason when `signal` aborts (ffmpeg is killed first).
   */
  async process(input: string, signal?: AbortSignal): Promise<AudioProcessResult> {
    signal?.throwIfAborted();
    const crashUnderMemoryBoundIsOutOfMemory = this.tools.features.crashUnderMemoryBoundIsOutOfMemory;
    const size = await sizeOf(input);
    if (size !== undefined) checkAudioBytes(size, this.limits);

    const probed = await probeFile(input, {
      ffprobe: this.tools.ffprobe,
      demuxers: this.demuxers,
      limits: { maxDurationSeconds: this.limits.maxDurationSeconds },
      timeoutMs: this.probeTimeoutMs,
      signal,
      crashUnderMemoryBoundIsOutOfMemory,
      isolation: this.tools.isolation,
    }).catch((error: unknown) => {
      throw toAudioError(error, 'reading the file');
    });
    checkAudioFacts(probed.facts, this.limits);
    signal?.throwIfAborted();
    const plan = planAudio(probed.facts, probed.demuxer, this.limits.maxDurationSeconds, this.policy);

    // One job-wide signal: the caller's abort, or either half failing, stops the other half.
    const job = new AbortController();
    const forward = (): void => job.abort(signal?.reason);
    signal?.addEventListener('abort', forward, { once: true });
    try {
      const rendering = renderAudio(plan, {
        ffmpeg: this.tools.ffmpeg,
        isolation: this.tools.isolation,
        input: probed.path,
        demuxers: this.demuxers,
        facts: probed.facts,
        timeoutMs: audioTimeoutMs(probed.facts.durationSeconds ?? this.limits.maxDurationSeconds, this.timeBudget),
        signal: job.signal,
        workDir: this.options.workDir,
        lowPriority: this.options.lowPriority,
        onSpawn: this.options.onSpawn,
        crashUnderMemoryBoundIsOutOfMemory,
      }).catch((error: unknown) => {
        job.abort(error);
        throw error;
      });
      const reading = this.readMetadata(probed.path, job.signal);
      // Both settle before the job does, so no ffmpeg outlives a rejected promise.
      const [rendered, metadata] = await Promise.allSettled([rendering, reading]);
      if (rendered.status === 'rejected') throw rendered.reason;
      if (metadata.status === 'rejected') throw metadata.reason;

      const { tags, cover, warnings } = metadata.value;
      const facts: MediaFacts = Object.keys(tags).length > 0 ? { ...probed.facts, audio: tags } : { ...probed.facts };
      return {
        facts,
        files: rendered.value.files,
        ...(cover === undefined ? {} : { cover: cover.bytes }),
        tags,
        plan,
        demuxer: probed.demuxer,
        warnings,
      };
    } finally {
      signal?.removeEventListener('abort', forward);
    }
  }

  /** Tags are a bonus: only an abort fails the job; other failures become warnings. */
  private async readMetadata(path: string, signal: AbortSignal): Promise<AudioMetadata & { warnings: string[] }> {
    try {
      const metadata = await readAudioMetadata(path, { maxCoverBytes: this.limits.maxCoverBytes, timeoutMs: this.metadataTimeoutMs, signal });
      return { ...metadata, warnings: [] };
    } catch (error) {
      if (signal.aborted) throw error;
      return { tags: {}, cover: undefined, warnings: [error instanceof Error ? error.message : String(error)] };
    }
  }
}

/** The input's size, or `undefined` when it cannot be read (the probe then reports why). */
async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}
