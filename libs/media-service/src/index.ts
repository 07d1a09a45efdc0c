export { ServiceConfigSchema, IMMUTABLE_CACHE } from './context.js';
export { OriginalChangedError } from './errors.js';
export type {
  AudioStepDeps,
  CoreDeps,
  ImageStepDeps,
  LocalJobDeps,
  ServiceConfig,
  ServiceDeps,
  TaggingDeps,
  TaggingStepDeps,
  VideoJobUpdateDeps,
  VideoStepDeps,
  CloudVideoDeps,
  VideoPlacement,
} from './context.js';
export { sniff, SNIFF_BYTES } from './sniff.js';
export type { SniffResult } from './sniff.js';
export { startUpload, completeMultipartUpload } from './uploads.js';
export type { StartUploadResult } from './uploads.js';
export { ingestObject, ObjectCreatedSchema } from './ingest.js';
export type { IngestOutcome, ObjectCreated } from './ingest.js';
export { begin, finish, finishLatest, type ProcessOutcome } from './jobs/lifecycle.js';
export { failById, failItem, failOrRethrow, isFileFault, type JobOptions } from './jobs/failure.js';
export { storeRenditions } from './jobs/renditions.js';
export { processImage } from './steps/image.js';
export { processAsIs } from './steps/document.js';
export { processCloudVideo, processVideo } from './steps/video.js';
export type { CloudVideoOutcome } from './steps/video.js';
export { applyVideoJobUpdate } from './steps/video-cloud.js';
export type { OutputClassifier, VideoJobUpdate } from './steps/video-cloud.js';
export { processAudio, metadataTags } from './steps/audio.js';
export { framesToTag, tagMedia } from './steps/tagging.js';
export type { TagOutcome } from './steps/tagging.js';
export { getMedia, listMedia, listTags, originalDownload, type OriginalDownload } from './queries.js';
export { updateMedia, releaseMedia, deleteMedia } from './commands.js';
export { MediaViewSchema, RenditionViewSchema, toMediaView } from './view.js';
export type { MediaView, RenditionView } from './view.js';
export { isReferenced, judgeObject, sweepOrphans } from './sweeper.js';
export type { ObjectVerdict, SweepCutoffs, SweeperDeps, SweepOptions, SweepReport } from './sweeper.js';
