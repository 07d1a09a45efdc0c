import { CorruptMediaError, MediaError, UnsupportedMediaError, type MediaFacts } from '@mediaflow/domain';
import { DECODERS, PROBE_SUBTITLE_DECODERS } from './components.js';
import { DEFAULT_DEMUXERS, allowedDemuxer } from './demuxers.js';
import { ToolFailedError, translateToolFailure } from './errors.js';
import { toFacts } from './facts.js';
import { toFileInput } from './input.js';
import { checkProbeLimits, resolveProbeLimits, type ProbeLimits } from './limits.js';
import type { ToolIsolation } from './isolation.js';
import { ProbeResultSchema, type ProbeResult } from './probe-schema.js';
import { runTool, TOOL_INPUT_URL } from './run.js';

export interface ProbeOptions {
  ffprobe: string;
  /** Demuxer allow-list (ffmpeg names); defaults to `DEFAULT_DEMUXERS`. */
  demuxers?: readonly string[] | undefined;
  limits?: Partial<ProbeLimits> | undefined;
  /** Default 30 s: probing reads headers only, so a slow probe is a hostile file. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** See `RunToolOptions.crashUnderMemoryBoundIsOutOfMemory` (from the build's features). */
  crashUnderMemoryBoundIsOutOfMemory?: boolean | undefined;
  /** Who ffprobe runs as (`FfmpegBuild.isolation`); see `RunToolOptions.isolation`. */
  isolation?: ToolIsolation | undefined;
}

export interface ProbedFile {
  /** ffprobe's answer, checked against the schema. */
  raw: ProbeResult;
  facts: MediaFacts;
  /** The demuxer that read it, to pin with `-f` when the file is read again. */
  demuxer: string;
  /** The `file:` URL of this input (see `toFileInput`). */
  url: string;
  /** The input's real path: what a later run is handed (`RunToolOptions.input`). */
  path: string;
}

/**
 * ffmpeg arguments that go before `-i` on every read of an uploaded file: only the `file`
 * protocol, only allowed demuxers (pinned when already known), and only the decoders Mediaflow
 * needs (`DECODERS`): a stream in any other codec is refused before its decoder sees a byte, which
 * keeps the rarely used and least reviewed decoders of a full ffmpeg build out of reach.
 */
export function safeInputArgs(url: string, demuxers: readonly string[], demuxer?: string, decoders: readonly string[] = DECODERS): string[] {
  return [
    '-protocol_whitelist', 'file', '-format_whitelist', demuxers.join(','), '-codec_whitelist', decoders.join(','),
    ...(demuxer ? ['-f', demuxer] : []), '-i', url,
  ];
}

const PROBE_DECODERS: readonly string[] = Object.freeze([...DECODERS, ...PROBE_SUBTITLE_DECODERS]);

/**
 * Probes a local file with ffprobe under the allow-lists and returns its raw description and
 * domain facts.
 *
 * @throws UnsupportedMediaError for a refused or unrecognised format, or a file without audio or video.
 * @throws CorruptMediaError when ffprobe recognises the format but cannot read it.
 * @throws LimitExceededError when a limit is exceeded; TimeoutError when ffprobe takes too long.
 */
export async function probeFile(path: string, options: ProbeOptions): Promise<ProbedFile> {
  const demuxers = options.demuxers ?? DEFAULT_DEMUXERS;
  const limits = resolveProbeLimits(options.limits);
  const input = await toFileInput(path);
  if (input.bytes === 0) throw new UnsupportedMediaError('input file is empty');

  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...safeInputArgs(TOOL_INPUT_URL, demuxers, undefined, PROBE_DECODERS)];
  let stdout: string;
  try {
    ({ stdout } = await runTool(options.ffprobe, args, {
      timeoutMs: options.timeoutMs ?? 30_000,
      signal: options.signal,
      label: 'ffprobe',
      maxStdoutBytes: 2 * 1024 * 1024,
      crashUnderMemoryBoundIsOutOfMemory: options.crashUnderMemoryBoundIsOutOfMemory,
      isolation: options.isolation,
      input: input.absolutePath,
    }));
  } catch (error) {
    throw translateProbeFailure(error);
  }

  const raw = parseProbeJson(stdout);
  const demuxer = allowedDemuxer(raw.format.format_name, demuxers);
  if (demuxer === undefined) {
    throw new UnsupportedMediaError(`container "${raw.format.format_name}" is not allowed`, {
      details: { container: raw.format.format_name },
    });
  }
  if (!raw.streams.some((s) => s.codec_type === 'video' || s.codec_type === 'audio')) {
    throw new UnsupportedMediaError('input has no audio or video stream', { details: { container: demuxer } });
  }
  const facts = toFacts(raw);
  checkProbeLimits(facts, raw.streams.length, limits);
  return { raw, facts, demuxer, url: input.url, path: input.absolutePath };
}

/** Parses ffprobe JSON output. @throws CorruptMediaError when it is not what ffprobe prints. */
export function parseProbeJson(stdout: string): ProbeResult {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (cause) {
    throw new CorruptMediaError('ffprobe output is not JSON', { cause });
  }
  const parsed = ProbeResultSchema.safeParse(json);
  if (!parsed.success) throw new CorruptMediaError('ffprobe found no readable container', { cause: parsed.error });
  return parsed.data;
}

/**
 * A demuxer that took arbitrary bytes for its format and then sought past their end: read through
 * the open descriptor the tools are given, that ends as `EINVAL` on the input rather than as
 * "Invalid data" (seen with random bytes the mp3 demuxer's probe accepts).
 */
const UNREADABLE_INPUT = new RegExp(`${TOOL_INPUT_URL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: Invalid argument`);

/** Maps an ffprobe failure to the domain error a caller can report to the uploader. */
export function translateProbeFailure(error: unknown): Error {
  if (!(error instanceof ToolFailedError)) return error instanceof Error ? error : new MediaError('internal', String(error));
  // A refused decoder is named; ffprobe may add a vaguer line after it.
  if (/not on whitelist/.test(error.stderr)) return translateToolFailure(error);
  if (/Invalid data found when processing input|could not find codec parameters|Unknown input format/i.test(error.stderr) || UNREADABLE_INPUT.test(error.stderr)) {
    return new UnsupportedMediaError('input is not a recognised audio or video format', { cause: error });
  }
  return translateToolFailure(error);
}
