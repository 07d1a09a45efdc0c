export { planLadder, evenDown, outputFrameRate } from './ladder.js';
export { defaultLadder, defaultVideoPolicy, resolveVideoPolicy, type LadderStep, type VideoPolicy } from './policy.js';
export type { FrameGrab, PlannedOutput, PlannedOutputKind, Rung, VideoPlan } from './types.js';
export { h264Level, avcMainCodec, AAC_LC_CODEC, type H264Level } from './level.js';
export {
  MASTER_PLAYLIST,
  PREVIEW,
  POSTER,
  playlistName,
  segmentName,
  thumbnailName,
  fileNameOf,
  contentTypeOf,
} from './layout.js';
export { buildEncodeArgs, buildPreviewRemuxArgs, filterGraph, type EncodeInput, type EncoderSettings, type HlsNaming } from './args.js';
export {
  parseMediaPlaylist,
  rewriteMediaPlaylist,
  buildMasterPlaylist,
  parseAttributeList,
  reconcileMasterPlaylist,
  type MediaSegment,
  type MasterVariant,
  type ReconciledMaster,
} from './playlists.js';
export { finalizeHls } from './finalize.js';
export { ladderTimeoutMs } from './timeouts.js';
export {
  placeVideo,
  estimateLadderSeconds,
  ladderCpuPerSecond,
  longestPlacedSeconds,
  lambdaVcpus,
  LAMBDA_CORE_SLOWDOWN,
  MEASURED_LADDER_COST,
  MB_PER_VCPU,
  MAX_LAMBDA_VCPUS,
  type LadderCost,
  type PlacementOptions,
  type VideoPlacementDecision,
} from './placement.js';
export { FfmpegVideoTranscoder, type FfmpegVideoTranscoderOptions } from './transcoder.js';
export {
  buildMediaConvertJob,
  frameRateFraction,
  renditionForKey,
  classifyCloudOutput,
  MEDIACONVERT_LAYOUT,
  type MediaConvertJobOptions,
  type CloudRendition,
  type CloudRenditionKind,
} from './mediaconvert.js';
export {
  parseJobStateChange,
  JobStateChangeEventSchema,
  type JobStateChangeEvent,
  type JobOutcome,
  type JobOutputFile,
} from './job-state.js';
