export { ServiceConfigSchema, IMMUTABLE_CACHE } from './context.js';
export {
  DownloadNotAllowedError,
  HeldForReviewError,
  LinkGoneError,
  OriginalChangedError,
  PasswordRequiredError,
  refusalReason,
  WrongPasswordError,
  type RefusalReason,
} from './errors.js';
export type {
  AudioStepDeps,
  CoreDeps,
  ImageStepDeps,
  LocalJobDeps,
  ServiceConfig,
  ServiceDeps,
  TaggingDeps,
  TaggingStepDeps,
  TextDeps,
  TextStepDeps,
  VideoJobUpdateDeps,
  VideoStepDeps,
  CloudVideoDeps,
  VideoPlacement,
} from './context.js';
export { sniff, SNIFF_BYTES } from './sniff.js';
export type { SniffResult } from './sniff.js';
export { startUpload, completeMultipartUpload, presignUploadParts, uploadStatus, FIRST_PART_URLS, MAX_PART_URLS_PER_REQUEST } from './uploads.js';
export type { StartUploadResult, UploadStatus } from './uploads.js';
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
export { framesToRead, readText, TEXT_SAVE_ATTEMPTS } from './steps/text.js';
export type { TextOutcome, TextStepOptions } from './steps/text.js';
export { getMedia, listMedia, listTags, originalDownload, type OriginalDownload } from './queries.js';
export { updateMedia, deleteMedia, forgetDeletedMedia } from './commands.js';
export { ACCOUNT_DELETION_PHRASE, AccountDeletionRequestSchema, AccountDeletionSchema, AccountRemovedSchema, deleteAccount } from './account.js';
export type { AccountDeletion, AccountDeletionRequest, AccountDeps, AccountRemoved, DeleteAccountOptions } from './account.js';
export { bulkMedia, emptyTrash, EMPTY_TRASH_BATCH, listTrash, restoreMedia, trashMedia, type BulkItemResult, type BulkResult } from './trash.js';
export {
  addAlbumItems,
  albumCover,
  albumView,
  albumViews,
  createAlbum,
  deleteAlbum,
  getAlbum,
  listAlbumItems,
  listAlbums,
  listMediaAlbums,
  removeAlbumItems,
  takenAt,
  updateAlbum,
} from './albums.js';
export type { AddOutcome, AlbumItemsResult, RemoveOutcome } from './albums.js';
export {
  createShare,
  downloadSharedOriginal,
  getShare,
  hashPassword,
  linkPageStatus,
  listShares,
  newShareToken,
  openShare,
  openSharedMedia,
  PASSWORD_SCRYPT,
  revokeShare,
  revokeSharesOf,
  SHARE_LIST_LIMIT,
  SHARE_UNLOCK_SECONDS,
  SHARED_PAGE_MAX,
  SharedPageQuerySchema,
  ShareListQuerySchema,
  shareTokenHash,
  ShareUnlocks,
  unlockShare,
  verifyPassword,
  visibleThroughLinks,
} from './shares.js';
export type { CreatedShare, SharedItem, SharedPage, ShareUnlock, UnlockOptions, VisitorDeps, VisitorPass } from './shares.js';
export {
  approveMedia,
  listReview,
  rejectMedia,
  reportSharedMedia,
  requestReview,
  ReviewQuerySchema,
  ReviewRejectSchema,
  ShareReportSchema,
  VISITOR_REPORT_LABEL,
} from './moderation.js';
export {
  AlbumViewSchema,
  MediaViewSchema,
  RenditionViewSchema,
  ReviewItemViewSchema,
  SharedMediaViewSchema,
  shareState,
  ShareStateSchema,
  ShareViewSchema,
  toAlbumView,
  toMediaView,
  toReviewItemView,
  toSharedMediaView,
  toShareView,
  toTrashItemView,
  TrashItemViewSchema,
} from './view.js';
export type { AlbumView, MediaView, RenditionView, ReviewItemView, SharedMediaView, ShareState, ShareView, TrashItemView } from './view.js';
export { isReferenced, judgeObject, purgeExpiredTrash, sweepOrphans } from './sweeper.js';
export type { ObjectVerdict, SweepCutoffs, SweeperDeps, SweepOptions, SweepReport } from './sweeper.js';
export { mediaTimeline, searchMedia, type SearchHit } from './search.js';
export * from './downloads/index.js';
