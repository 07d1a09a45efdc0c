export { resolveBinaries, bundledBinaryPath, ensureExecutable, type FfmpegBinaries, type BinaryOverrides } from './binaries.js';
export { runTool, LOW_PRIORITY_NICE, TOOL_INPUT_URL, type RunToolOptions, type RunToolResult } from './run.js';
export { detectToolIsolation, toolIsolationFor, SAME_USER, UNPRIVILEGED_ID, type ToolIsolation } from './isolation.js';
export { ToolDir } from './tool-dir.js';
export { ProgressParser, type FfmpegProgress } from './progress.js';
export { ToolFailedError, translateToolFailure } from './errors.js';
export { toFileInput } from './input.js';
export { DEFAULT_DEMUXERS, VIDEO_DEMUXERS, AUDIO_DEMUXERS, allowedDemuxer, videoDemuxersFor } from './demuxers.js';
export {
  detectFfmpeg,
  featuresOf,
  findOnPath,
  parseToolVersion,
  MINIMUM_FFMPEG_RELEASE,
  type DetectFfmpegOptions,
  type FfmpegBuild,
  type FfmpegFeatures,
  type FfmpegSource,
  type ToolVersion,
} from './build.js';
export { DECODERS, PROBE_SUBTITLE_DECODERS, ENCODERS, DEMUXERS, MUXERS, FILTERS, PARSERS, BITSTREAM_FILTERS, PROTOCOLS } from './components.js';
export { defaultProbeLimits, resolveProbeLimits, checkProbeLimits, type ProbeLimits } from './limits.js';
export { probeFile, parseProbeJson, translateProbeFailure, safeInputArgs, type ProbeOptions, type ProbedFile } from './probe.js';
export { fileFormat, toFacts, parseRate, rotationOf, primaryVideoStream, primaryAudioStream } from './facts.js';
export {
  ProbeResultSchema,
  ProbeStreamSchema,
  ProbeFormatSchema,
  ProbeSideDataSchema,
  type ProbeResult,
  type ProbeStream,
  type ProbeFormat,
} from './probe-schema.js';
