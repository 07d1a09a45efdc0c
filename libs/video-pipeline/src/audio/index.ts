export { checkAudioBytes, checkAudioFacts, defaultAudioLimits, resolveAudioLimits } from './limits.js';
export { readAudioMetadata, type ReadMetadataOptions } from './metadata.js';
export { PeakAccumulator, peaksOf } from './peaks.js';
export { aacSampleRate, audioArgs, audioTimeoutMs, muxerOf, planAudio } from './plan.js';
export { defaultAudioPolicy } from './policy.js';
export { FfmpegAudioProcessor, type FfmpegAudioProcessorOptions } from './processor.js';
export { checkDecodedLength, renderAudio, type RenderAudioOptions, type RenderedAudio } from './render.js';
export { cleanTagText, pickCover, tagsFromCommon, type CommonTags, type EmbeddedPicture } from './tags.js';
export { encodeWaveform, waveformDocument, waveformOfPcmFile } from './waveform.js';
export type {
  AudioEncoding,
  AudioLimits,
  AudioMetadata,
  AudioOutputFormat,
  AudioPlan,
  AudioPolicy,
  AudioProcessResult,
  AudioTags,
  AudioTimeBudget,
  CoverArt,
  PlannedAudioOutput,
  WaveformDocument,
} from './types.js';
