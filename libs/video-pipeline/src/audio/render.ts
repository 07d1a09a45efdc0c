import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptMediaError, LimitExceededError, type MediaFacts, type RenderedFile } from '@mediaflow/domain';
import { runTool, safeInputArgs, SAME_USER, ToolDir, TOOL_INPUT_URL, type ToolIsolation } from '../ffmpeg/index.js';
import { toAudioError } from './errors.js';
import { emptyOpusTags } from './ogg.js';
import { audioArgs } from './plan.js';
import { encodeWaveform, waveformOfPcmFile } from './waveform.js';
import type { AudioPlan, PlannedAudioOutput, WaveformDocument } from './types.js';

export interface RenderAudioOptions {
  ffmpeg: string;
  /** The probed input's real path (`ProbedFile.path`). */
  input: string;
  /** Who ffmpeg runs as (`FfmpegBuild.isolation`); default this process's user. */
  isolation?: ToolIsolation | undefined;
  /** Demuxers ffmpeg may use; the plan's demuxer is pinned on top of this. */
  demuxers: readonly string[];
  /** What the probe found; the decoded length is checked against its duration. */
  facts: MediaFacts;
  /** Hard limit of the ffmpeg run. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Parent of the job's tool directory (default: the OS temp directory). */
  workDir?: string | undefined;
  lowPriority?: boolean | undefined;
  /** Called with ffmpeg's pid once it runs. */
  onSpawn?: ((pid: number) => void) | undefined;
  /** See `RunToolOptions.crashUnderMemoryBoundIsOutOfMemory` (from the build's features). */
  crashUnderMemoryBoundIsOutOfMemory?: boolean | undefined;
}

export interface RenderedAudio {
  files: RenderedFile[];
  waveform: WaveformDocument;
}

/**
 * Below this share of the announced duration, a file is taken as cut off. Headers of VBR MP3s
 * without an index are estimates and can be off by a few percent, never by a quarter.
 */
const MIN_DECODED_SHARE = 0.75;

/**
 * Executes a plan with one ffmpeg process (decoding once for every output), in a private tool
 * directory (`ToolDir`) that is removed afterwards whatever happens. The previews are read back into memory
 * (at the preview bitrates, even hours of audio are a few hundred MB at most) and the waveform is
 * computed by streaming the decoded PCM.
 *
 * @throws CorruptMediaError when ffmpeg cannot decode the input or it ends well before the duration
 *   its header announces (a truncated upload); LimitExceededError when it decodes past the
 *   plan's maximum duration; TimeoutError; the abort reason.
 */
export async function renderAudio(plan: AudioPlan, options: RenderAudioOptions): Promise<RenderedAudio> {
  const work = await ToolDir.create(options.workDir ?? tmpdir(), options.isolation ?? SAME_USER);
  const dir = work.path;
  try {
    // ffmpeg names its outputs relative to its working directory, the tool directory.
    const args = audioArgs(plan, safeInputArgs(TOOL_INPUT_URL, options.demuxers, plan.demuxer), '.');
    try {
      await runTool(options.ffmpeg, args, {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        lowPriority: options.lowPriority ?? true,
        label: 'ffmpeg (audio)',
        maxStdoutBytes: 64 * 1024,
        onSpawn: options.onSpawn,
        crashUnderMemoryBoundIsOutOfMemory: options.crashUnderMemoryBoundIsOutOfMemory,
        workDir: work,
        input: options.input,
      });
    } catch (error) {
      throw toAudioError(error, 'decoding the audio');
    }

    const waveform = await waveformOfPcmFile(join(dir, plan.waveform.pcmFileName), plan.waveform, options.signal);
    checkDecodedLength(waveform.durationSeconds, options.facts.durationSeconds, plan.maxDurationSeconds);

    const files: RenderedFile[] = [];
    for (const output of plan.outputs) files.push(await readOutput(join(dir, output.fileName), output, waveform.durationSeconds));
    files.push({
      name: plan.waveform.name,
      format: 'json',
      contentType: 'application/json',
      body: encodeWaveform(waveform),
      durationSeconds: waveform.durationSeconds,
    });
    return { files, waveform };
  } finally {
    await work.remove();
  }
}

/**
 * @throws CorruptMediaError when nothing, or much less than announced, could be decoded;
 *   LimitExceededError when decoding ran past the limit (the header understated the duration).
 */
export function checkDecodedLength(decodedSeconds: number, announcedSeconds: number | undefined, maxDurationSeconds: number): void {
  if (decodedSeconds <= 0) throw new CorruptMediaError('no audio could be decoded from the file');
  if (decodedSeconds > maxDurationSeconds) {
    throw new LimitExceededError(`decoded audio runs past the limit of ${maxDurationSeconds} seconds`, {
      details: { limit: 'maxDurationSeconds', max: maxDurationSeconds },
    });
  }
  if (announcedSeconds !== undefined && decodedSeconds < announcedSeconds * MIN_DECODED_SHARE && announcedSeconds - decodedSeconds > 1) {
    throw new CorruptMediaError(
      `the audio ends early: ${decodedSeconds.toFixed(1)} s could be decoded of the ${announcedSeconds.toFixed(1)} s the file announces (truncated upload?)`,
      { details: { decodedSeconds, announcedSeconds } },
    );
  }
}

async function readOutput(path: string, output: PlannedAudioOutput, durationSeconds: number): Promise<RenderedFile> {
  const body = output.format === 'opus' ? emptyOpusTags(await readFile(path)) : await readFile(path);
  // The real average, which for VBR Opus differs from the target.
  const bitrate = durationSeconds > 0 ? Math.max(1, Math.round((body.length * 8) / durationSeconds)) : output.bitrate;
  return {
    name: output.name,
    format: output.format,
    contentType: output.contentType,
    body: new Uint8Array(body.buffer, body.byteOffset, body.length),
    durationSeconds,
    bitrate,
  };
}
