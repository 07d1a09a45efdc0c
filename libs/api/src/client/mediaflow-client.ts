// The client of Mediaflow API 1.0.0, generated from its OpenAPI document by
// libs/api/src/client/generate.ts. Do not edit: `npx nx run @mediaflow/api:generate-client` writes it
// again, and src/client/generate.spec.ts fails while it differs from what the routes declare.
//
// Left out, as their URLs come from the API and are fetched as they are:
// - getMediaFile: it answers with bytes
// - putPresignedObject: its body is bytes
// - getPresignedObject: it answers with bytes
// - getLocalArchive: it answers with bytes

import { send, type ClientOptions } from './runtime.js';

export interface UploadRequest {
  filename: string;
  size: number;
  contentType?: string | undefined;
  sha256?: string | undefined;
}

export interface CompleteUpload {
  uploadId: string;
  parts: {
    number: number;
    etag: string;
  }[];
}

export interface UploadPartsRequest {
  numbers: number[];
}

export interface MediaUpdate {
  title?: string | null | undefined;
  description?: string | null | undefined;
  tags?: string[] | undefined;
  favourite?: boolean | undefined;
}

export interface BulkRequest {
  ids: string[];
  action: 'trash' | 'restore' | 'delete' | 'addTags' | 'removeTags' | 'favourite' | 'unfavourite' | 'addToAlbum';
  tags?: string[] | undefined;
  albumId?: string | undefined;
}

export interface AlbumCreate {
  name: string;
  description?: string | undefined;
}

export interface AlbumUpdate {
  name?: string | undefined;
  description?: string | null | undefined;
  coverMediaId?: string | null | undefined;
}

export interface AlbumItemsChange {
  mediaIds: string[];
}

export type ShareTarget = {
  type: 'media';
  mediaId: string;
} | {
  type: 'album';
  albumId: string;
};

export interface ShareCreate {
  target: ShareTarget;
  allowDownload?: boolean | undefined;
  expiresInSeconds?: number | undefined;
  password?: string | undefined;
}

export interface ShareUnlockRequest {
  password: string;
}

export interface ShareReport {
  reason?: string | undefined;
}

export interface ReviewReject {
  reason: string;
}

export interface DownloadRequest {
  ids: string[];
  rendition?: 'original' | string | undefined;
}

export interface AccountDeletionRequest {
  confirm: 'delete my account';
}

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'other';

export type MediaStatus = 'uploading' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'flagged' | 'trashed' | 'deleted';

export type TagSource = 'ai' | 'user' | 'metadata';

export interface Tag {
  name: string;
  confidence: number;
  source: TagSource;
  parent?: string | undefined;
}

export type ModerationVerdict = 'pending' | 'safe' | 'flagged' | 'released' | 'rejected';

export interface Moderation {
  verdict: ModerationVerdict;
  labels: {
    name: string;
    confidence: number;
    parent?: string | undefined;
  }[];
  checkedAt?: string | undefined;
  reviewedAt?: string | undefined;
  reviewedBy?: string | undefined;
  reason?: string | undefined;
  reviewRequestedAt?: string | undefined;
  reports?: number | undefined;
}

export interface MediaFacts {
  format?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
  orientation?: number | undefined;
  frames?: number | undefined;
  hasAlpha?: boolean | undefined;
  colorSpace?: string | undefined;
  bitDepth?: number | undefined;
  durationSeconds?: number | undefined;
  frameRate?: number | undefined;
  bitrate?: number | undefined;
  container?: string | undefined;
  videoCodec?: string | undefined;
  audioCodec?: string | undefined;
  sampleRate?: number | undefined;
  channels?: number | undefined;
  capturedAt?: string | undefined;
  camera?: {
    make?: string | undefined;
    model?: string | undefined;
    lens?: string | undefined;
  } | undefined;
  exposure?: {
    iso?: number | undefined;
    fNumber?: number | undefined;
    exposureTime?: number | undefined;
    focalLength?: number | undefined;
  } | undefined;
  audio?: {
    title?: string | undefined;
    artist?: string | undefined;
    album?: string | undefined;
    genre?: string | undefined;
    year?: number | undefined;
  } | undefined;
  pages?: number | undefined;
}

export interface Placeholder {
  thumbhash?: string | undefined;
  dominantColor?: string | undefined;
}

export interface Failure {
  code: string;
  reason: string;
  stage?: string | undefined;
}

export interface RenditionView {
  name: string;
  format: string;
  width: number | null;
  height: number | null;
  bytes: number;
  url: string;
}

export interface MediaView {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  title: string | null;
  description: string | null;
  filename: string;
  original: {
    size: number;
    mime: string;
    sha256: string | null;
  };
  facts: MediaFacts;
  renditions: RenditionView[];
  tags: Tag[];
  moderation: Moderation;
  placeholder: Placeholder | null;
  failure: Failure | null;
  progress: number | null;
  takenAt: string;
  faces: number | null;
  text: {
    content: string;
    readAt: string;
  } | null;
  favourite: boolean;
  trashedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MediaPage {
  items: MediaView[];
  nextCursor: string | null;
}

export type SearchField = 'title' | 'description' | 'filename' | 'tag' | 'label' | 'audio' | 'camera' | 'text';

export interface SearchHitView {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  title: string | null;
  description: string | null;
  filename: string;
  original: {
    size: number;
    mime: string;
    sha256: string | null;
  };
  facts: MediaFacts;
  renditions: RenditionView[];
  tags: Tag[];
  moderation: Moderation;
  placeholder: Placeholder | null;
  failure: Failure | null;
  progress: number | null;
  takenAt: string;
  faces: number | null;
  text: {
    content: string;
    readAt: string;
  } | null;
  favourite: boolean;
  trashedAt: string | null;
  createdAt: string;
  updatedAt: string;
  matched: SearchField[];
}

export interface SearchPage {
  items: SearchHitView[];
  nextCursor: string | null;
}

export interface TimelineMonth {
  month: string;
  count: number;
}

export interface Timeline {
  months: TimelineMonth[];
}

export interface TagCount {
  name: string;
  count: number;
}

export interface TagCounts {
  tags: TagCount[];
}

export interface SinglePutUpload {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

export interface MultipartUpload {
  uploadId: string;
  partSize: number;
  partCount: number;
  parts: {
    number: number;
    url: string;
  }[];
  partsUrl: string;
  completeUrl: string;
  expiresAt: string;
  resumableUntil: string;
}

export interface UploadStarted {
  id: string;
  upload: SinglePutUpload | MultipartUpload;
}

export interface DuplicateUpload {
  id: string;
  duplicate: true;
}

export interface UploadAccepted {
  id: string;
  status: 'uploading';
}

export interface UploadParts {
  parts: {
    number: number;
    url: string;
  }[];
  expiresAt: string;
}

export interface ReceivedPart {
  number: number;
  etag: string;
  size: number;
}

export interface UploadStatus {
  id: string;
  status: MediaStatus;
  size: number;
  filename: string;
  createdAt: string;
  resumable: boolean;
  multipart?: {
    uploadId: string;
    partSize: number;
    partCount: number;
    received: ReceivedPart[];
    resumableUntil: string;
  } | undefined;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string | undefined;
  code: string;
  errors?: {
    path: string;
    message: string;
  }[] | undefined;
}

export interface Health {
  ok: true;
}

export interface OriginalDownload {
  url: string;
  expiresAt: string;
}

export interface BulkResult {
  results: ({
    id: string;
    ok: true;
  } | {
    id: string;
    ok: false;
    status: number;
    code: string;
    reason: string;
  })[];
  succeeded: number;
  failed: number;
}

export interface TrashItemView {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  title: string | null;
  description: string | null;
  filename: string;
  original: {
    size: number;
    mime: string;
    sha256: string | null;
  };
  facts: MediaFacts;
  renditions: RenditionView[];
  tags: Tag[];
  moderation: Moderation;
  placeholder: Placeholder | null;
  failure: Failure | null;
  progress: number | null;
  takenAt: string;
  faces: number | null;
  text: {
    content: string;
    readAt: string;
  } | null;
  favourite: boolean;
  trashedAt: string | null;
  createdAt: string;
  updatedAt: string;
  purgeAt: string;
}

export interface TrashPage {
  items: TrashItemView[];
  nextCursor: string | null;
  retentionDays: number;
}

export interface EmptyTrash {
  purged: number;
  more: boolean;
}

export interface MediaAccess {
  expiresAt: string | null;
}

export interface AlbumView {
  id: string;
  name: string;
  description: string | null;
  coverMediaId: string | null;
  cover: MediaView | null;
  itemCount: number;
  newestTakenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AlbumPage {
  items: AlbumView[];
  nextCursor: string | null;
}

export interface AlbumList {
  items: AlbumView[];
}

export interface AlbumItemsAdded {
  album: AlbumView;
  results: {
    id: string;
    outcome: 'added' | 'present' | 'not_found';
  }[];
}

export interface AlbumItemsRemoved {
  album: AlbumView;
  results: {
    id: string;
    outcome: 'removed' | 'absent';
  }[];
}

export type ShareState = 'active' | 'expired' | 'revoked';

export interface ShareView {
  id: string;
  target: ShareTarget;
  allowDownload: boolean;
  expiresAt: string | null;
  hasPassword: boolean;
  revokedAt: string | null;
  lastOpenedAt: string | null;
  createdAt: string;
  state: ShareState;
}

export interface ShareCreated {
  share: ShareView;
  token: string;
  path: string;
}

export interface ShareList {
  items: ShareView[];
}

export interface SharedMediaView {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  title: string | null;
  description: string | null;
  filename: string;
  original: {
    size: number;
    mime: string;
  };
  facts: MediaFacts;
  renditions: RenditionView[];
  tags: Tag[];
  placeholder: Placeholder | null;
  takenAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface SharedPage {
  share: {
    type: 'media' | 'album';
    allowDownload: boolean;
    expiresAt: string | null;
  };
  album: {
    name: string;
    description: string | null;
    itemCount: number;
  } | null;
  items: SharedMediaView[];
  nextCursor: string | null;
}

export interface ShareUnlocked {
  unlock: string;
  expiresAt: string;
}

export type ReportAccepted = Record<string, never>;

export interface ReviewItemView {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  title: string | null;
  description: string | null;
  filename: string;
  original: {
    size: number;
    mime: string;
    sha256: string | null;
  };
  facts: MediaFacts;
  renditions: RenditionView[];
  tags: Tag[];
  moderation: Moderation;
  placeholder: Placeholder | null;
  failure: Failure | null;
  progress: number | null;
  takenAt: string;
  faces: number | null;
  text: {
    content: string;
    readAt: string;
  } | null;
  favourite: boolean;
  trashedAt: string | null;
  createdAt: string;
  updatedAt: string;
  ownerId: string;
}

export interface ReviewPage {
  items: ReviewItemView[];
  nextCursor: string | null;
}

export interface Me {
  ownerId: string;
  roles: string[];
  storage: {
    usedBytes: number;
    items: number;
    quotaBytes: number | null;
  } | null;
}

export type OpenApiDocument = Record<string, unknown>;

export interface DownloadView {
  id: string;
  kind: 'selection' | 'export';
  status: 'pending' | 'ready' | 'failed';
  url: string | null;
  expiresAt: string | null;
  reason: string | null;
  createdAt: string;
}

export interface AccountDeletion {
  done: boolean;
  removed: {
    items: number;
    albums: number;
    shares: number;
    objects: number;
  };
}

/** What `startUpload` sends. */
export interface StartUploadInput {
  body: UploadRequest;
}

/** What `presignUploadParts` sends. */
export interface PresignUploadPartsInput {
  path: {
    id: string;
  };
  body: UploadPartsRequest;
}

/** What `getUpload` sends. */
export interface GetUploadInput {
  path: {
    id: string;
  };
}

/** What `completeUpload` sends. */
export interface CompleteUploadInput {
  path: {
    id: string;
  };
  body: CompleteUpload;
}

/** What `listMedia` sends. */
export interface ListMediaInput {
  query?: {
    kind?: 'image' | 'video' | 'audio' | 'document' | 'other' | undefined;
    status?: 'uploading' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'flagged' | undefined;
    tag?: string | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  } | undefined;
}

/** What `getMedia` sends. */
export interface GetMediaInput {
  path: {
    id: string;
  };
}

/** What `updateMedia` sends. */
export interface UpdateMediaInput {
  path: {
    id: string;
  };
  body: MediaUpdate;
}

/** What `deleteMedia` sends. */
export interface DeleteMediaInput {
  path: {
    id: string;
  };
  query?: {
    permanent?: 'true' | 'false' | undefined;
  } | undefined;
}

/** What `restoreMedia` sends. */
export interface RestoreMediaInput {
  path: {
    id: string;
  };
}

/** What `bulkMedia` sends. */
export interface BulkMediaInput {
  body: BulkRequest;
}

/** What `getOriginalDownload` sends. */
export interface GetOriginalDownloadInput {
  path: {
    id: string;
  };
}

/** What `searchMedia` sends. */
export interface SearchMediaInput {
  query?: {
    q?: string | undefined;
    kind?: 'image' | 'video' | 'audio' | 'document' | 'other' | undefined;
    status?: 'uploading' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'flagged' | undefined;
    favourite?: 'true' | undefined;
    tags?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    camera?: string | undefined;
    album?: string | undefined;
    order?: 'relevance' | 'taken-desc' | 'taken-asc' | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  } | undefined;
}

/** What `listTrash` sends. */
export interface ListTrashInput {
  query?: {
    cursor?: string | undefined;
    limit?: number | undefined;
  } | undefined;
}

/** What `createAlbum` sends. */
export interface CreateAlbumInput {
  body: AlbumCreate;
}

/** What `listAlbums` sends. */
export interface ListAlbumsInput {
  query?: {
    cursor?: string | undefined;
    limit?: number | undefined;
  } | undefined;
}

/** What `getAlbum` sends. */
export interface GetAlbumInput {
  path: {
    albumId: string;
  };
}

/** What `updateAlbum` sends. */
export interface UpdateAlbumInput {
  path: {
    albumId: string;
  };
  body: AlbumUpdate;
}

/** What `deleteAlbum` sends. */
export interface DeleteAlbumInput {
  path: {
    albumId: string;
  };
}

/** What `listAlbumItems` sends. */
export interface ListAlbumItemsInput {
  path: {
    albumId: string;
  };
  query?: {
    order?: 'asc' | 'desc' | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  } | undefined;
}

/** What `addAlbumItems` sends. */
export interface AddAlbumItemsInput {
  path: {
    albumId: string;
  };
  body: AlbumItemsChange;
}

/** What `removeAlbumItems` sends. */
export interface RemoveAlbumItemsInput {
  path: {
    albumId: string;
  };
  body: AlbumItemsChange;
}

/** What `listMediaAlbums` sends. */
export interface ListMediaAlbumsInput {
  path: {
    id: string;
  };
}

/** What `createDownload` sends. */
export interface CreateDownloadInput {
  body: DownloadRequest;
}

/** What `getDownload` sends. */
export interface GetDownloadInput {
  path: {
    id: string;
  };
}

/** What `createShare` sends. */
export interface CreateShareInput {
  body: ShareCreate;
}

/** What `listShares` sends. */
export interface ListSharesInput {
  query?: {
    mediaId?: string | undefined;
    albumId?: string | undefined;
  } | undefined;
}

/** What `getShare` sends. */
export interface GetShareInput {
  path: {
    shareId: string;
  };
}

/** What `revokeShare` sends. */
export interface RevokeShareInput {
  path: {
    shareId: string;
  };
}

/** What `listReview` sends. */
export interface ListReviewInput {
  query?: {
    cursor?: string | undefined;
    limit?: number | undefined;
  } | undefined;
}

/** What `approveMedia` sends. */
export interface ApproveMediaInput {
  path: {
    ownerId: string;
    id: string;
  };
}

/** What `rejectMedia` sends. */
export interface RejectMediaInput {
  path: {
    ownerId: string;
    id: string;
  };
  body: ReviewReject;
}

/** What `requestReview` sends. */
export interface RequestReviewInput {
  path: {
    id: string;
  };
}

/** What `deleteMe` sends. */
export interface DeleteMeInput {
  body: AccountDeletionRequest;
}

/** What `openShare` sends. */
export interface OpenShareInput {
  path: {
    token: string;
  };
  query?: {
    cursor?: string | undefined;
    limit?: number | undefined;
  } | undefined;
}

/** What `unlockShare` sends. */
export interface UnlockShareInput {
  path: {
    token: string;
  };
  body: ShareUnlockRequest;
}

/** What `openSharedMedia` sends. */
export interface OpenSharedMediaInput {
  path: {
    token: string;
    id: string;
  };
}

/** What `downloadSharedOriginal` sends. */
export interface DownloadSharedOriginalInput {
  path: {
    token: string;
    id: string;
  };
}

/** What `reportSharedMedia` sends. */
export interface ReportSharedMediaInput {
  path: {
    token: string;
    id: string;
  };
  body: ShareReport;
}

/** The operations of the API, one method each. */
export interface MediaflowClient {
  /** Whether the API answers (`GET /api/health`) */
  getHealth(init?: RequestInit): Promise<Health>;
  /** This contract as an OpenAPI 3.0 document (`GET /api/openapi.json`) */
  getOpenApiDocument(init?: RequestInit): Promise<OpenApiDocument>;
  /** Start an upload (a single PUT, or presigned parts above the multipart threshold) (`POST /api/v1/uploads`) */
  startUpload(input: StartUploadInput, init?: RequestInit): Promise<DuplicateUpload | UploadStarted>;
  /** Presigned URLs for parts of a multipart upload (1 to 100 part numbers a request) (`POST /api/v1/uploads/{id}/parts`) */
  presignUploadParts(input: PresignUploadPartsInput, init?: RequestInit): Promise<UploadParts>;
  /** Where an upload stands: for a multipart upload that can be resumed, the parts received (`GET /api/v1/uploads/{id}`) */
  getUpload(input: GetUploadInput, init?: RequestInit): Promise<UploadStatus>;
  /** Complete a multipart upload (`POST /api/v1/uploads/{id}/complete`) */
  completeUpload(input: CompleteUploadInput, init?: RequestInit): Promise<UploadAccepted>;
  /** List media, newest first (`GET /api/v1/media`) */
  listMedia(input?: ListMediaInput, init?: RequestInit): Promise<MediaPage>;
  /** One item (`GET /api/v1/media/{id}`) */
  getMedia(input: GetMediaInput, init?: RequestInit): Promise<MediaView>;
  /** Edit the title, the description and the owner’s tags (`PATCH /api/v1/media/{id}`) */
  updateMedia(input: UpdateMediaInput, init?: RequestInit): Promise<MediaView>;
  /** Move the item to the trash, or with permanent=true delete it for good (original, every rendition and every version of them) (`DELETE /api/v1/media/{id}`) */
  deleteMedia(input: DeleteMediaInput, init?: RequestInit): Promise<void>;
  /** Take the item out of the trash, with the status it had (`POST /api/v1/media/{id}/restore`) */
  restoreMedia(input: RestoreMediaInput, init?: RequestInit): Promise<MediaView>;
  /** One action on many items: trash, restore, delete, add or remove tags, favourite, add to an album; answered item by item (`POST /api/v1/media/bulk`) */
  bulkMedia(input: BulkMediaInput, init?: RequestInit): Promise<BulkResult>;
  /** A short-lived link that downloads the original as an attachment, under its file name (`GET /api/v1/media/{id}/original`) */
  getOriginalDownload(input: GetOriginalDownloadInput, init?: RequestInit): Promise<OriginalDownload>;
  /** Tags with counts (`GET /api/v1/tags`) */
  listTags(init?: RequestInit): Promise<TagCounts>;
  /** Search and filter the owner’s items, by relevance or date taken (`GET /api/v1/search`) */
  searchMedia(input?: SearchMediaInput, init?: RequestInit): Promise<SearchPage>;
  /** How many items there are per month taken, newest month first (`GET /api/v1/timeline`) */
  getTimeline(init?: RequestInit): Promise<Timeline>;
  /** The items in the trash, most recently trashed first, with when each is removed for good (`GET /api/v1/trash`) */
  listTrash(input?: ListTrashInput, init?: RequestInit): Promise<TrashPage>;
  /** Delete for good a batch of the items in the trash; ask again while more are left (`DELETE /api/v1/trash`) */
  emptyTrash(init?: RequestInit): Promise<EmptyTrash>;
  /** Cookies that let this browser load the caller’s own renditions from the CDN for a while (`POST /api/v1/media-access`) */
  grantMediaAccess(init?: RequestInit): Promise<MediaAccess>;
  /** Create an empty album (`POST /api/v1/albums`) */
  createAlbum(input: CreateAlbumInput, init?: RequestInit): Promise<AlbumView>;
  /** List albums, newest first (`GET /api/v1/albums`) */
  listAlbums(input?: ListAlbumsInput, init?: RequestInit): Promise<AlbumPage>;
  /** One album (`GET /api/v1/albums/{albumId}`) */
  getAlbum(input: GetAlbumInput, init?: RequestInit): Promise<AlbumView>;
  /** Rename an album, describe it, or choose its cover (one of its items) (`PATCH /api/v1/albums/{albumId}`) */
  updateAlbum(input: UpdateAlbumInput, init?: RequestInit): Promise<AlbumView>;
  /** Delete an album (its items stay; its share links stop working) (`DELETE /api/v1/albums/{albumId}`) */
  deleteAlbum(input: DeleteAlbumInput, init?: RequestInit): Promise<void>;
  /** The album’s items by date taken (upload time where unknown) (`GET /api/v1/albums/{albumId}/items`) */
  listAlbumItems(input: ListAlbumItemsInput, init?: RequestInit): Promise<MediaPage>;
  /** Add items to an album; says for each id whether it was added, already there, or not found (`POST /api/v1/albums/{albumId}/items`) */
  addAlbumItems(input: AddAlbumItemsInput, init?: RequestInit): Promise<AlbumItemsAdded>;
  /** Take items out of an album (they stay in the library) (`POST /api/v1/albums/{albumId}/items/remove`) */
  removeAlbumItems(input: RemoveAlbumItemsInput, init?: RequestInit): Promise<AlbumItemsRemoved>;
  /** The albums that hold an item (`GET /api/v1/media/{id}/albums`) */
  listMediaAlbums(input: ListMediaAlbumsInput, init?: RequestInit): Promise<AlbumList>;
  /** Zip a selection of the owner’s items: their originals, or one rendition of each (`large`, …; the largest image rendition or the original where an item has none by that name). Items that cannot go in are listed in the zip’s manifest.json. (`POST /api/v1/downloads`) */
  createDownload(input: CreateDownloadInput, init?: RequestInit): Promise<DownloadView>;
  /** Zip the owner’s whole library: every original, and library.json with titles, descriptions, tags, favourites and albums (items in the trash stay out) (`POST /api/v1/export`) */
  exportLibrary(init?: RequestInit): Promise<DownloadView>;
  /** Where a download (or an export) stands: pending, ready with a short-lived link, or failed with the reason (`GET /api/v1/downloads/{id}`) */
  getDownload(input: GetDownloadInput, init?: RequestInit): Promise<DownloadView>;
  /** Create a link to an item or an album; its token is in this answer only (`POST /api/v1/shares`) */
  createShare(input: CreateShareInput, init?: RequestInit): Promise<ShareCreated>;
  /** The caller’s links, newest first, optionally those of one item or album (`GET /api/v1/shares`) */
  listShares(input?: ListSharesInput, init?: RequestInit): Promise<ShareList>;
  /** One of the caller’s links (never its token) (`GET /api/v1/shares/{shareId}`) */
  getShare(input: GetShareInput, init?: RequestInit): Promise<ShareView>;
  /** Turn a link off for good (visitors get 410 from then on) (`DELETE /api/v1/shares/{shareId}`) */
  revokeShare(input: RevokeShareInput, init?: RequestInit): Promise<void>;
  /** Items of every owner held for review and not yet decided, oldest first (moderators) (`GET /api/v1/review`) */
  listReview(input?: ListReviewInput, init?: RequestInit): Promise<ReviewPage>;
  /** Release a held item: ready, visible through links and shareable again (moderators) (`POST /api/v1/review/{ownerId}/{id}/approve`) */
  approveMedia(input: ApproveMediaInput, init?: RequestInit): Promise<ReviewItemView>;
  /** Keep a held item held, with a reason its owner reads (moderators) (`POST /api/v1/review/{ownerId}/{id}/reject`) */
  rejectMedia(input: RejectMediaInput, init?: RequestInit): Promise<ReviewItemView>;
  /** Ask a moderator to look (again) at one of the caller’s held items (`POST /api/v1/media/{id}/review-request`) */
  requestReview(input: RequestReviewInput, init?: RequestInit): Promise<MediaView>;
  /** The caller’s owner id, roles and storage used (`GET /api/v1/me`) */
  getMe(init?: RequestInit): Promise<Me>;
  /** Delete the caller’s account and everything of it, for good; call again while it answers 202 (`DELETE /api/v1/me`) */
  deleteMe(input: DeleteMeInput, init?: RequestInit): Promise<AccountDeletion>;
  /** What a share link shows: its item, or a page of its album’s items in album order (`GET /api/v1/shared/{token}`) */
  openShare(input: OpenShareInput, init?: RequestInit): Promise<SharedPage>;
  /** The password of a protected link, for an unlock grant to send as x-share-unlock (`POST /api/v1/shared/{token}/unlock`) */
  unlockShare(input: UnlockShareInput, init?: RequestInit): Promise<ShareUnlocked>;
  /** One item a share link shows (`GET /api/v1/shared/{token}/media/{id}`) */
  openSharedMedia(input: OpenSharedMediaInput, init?: RequestInit): Promise<SharedMediaView>;
  /** A short-lived link that downloads an item’s original, where the share link allows downloads (`GET /api/v1/shared/{token}/media/{id}/original`) */
  downloadSharedOriginal(input: DownloadSharedOriginalInput, init?: RequestInit): Promise<OriginalDownload>;
  /** Report an item: it is held for a moderator and disappears from the link (`POST /api/v1/shared/{token}/media/{id}/report`) */
  reportSharedMedia(input: ReportSharedMediaInput, init?: RequestInit): Promise<ReportAccepted>;
}

/**
 * A client of the API over `fetch`: paths, query strings and JSON bodies from typed inputs, the
 * 2xx answer parsed, anything else thrown as a `MediaflowApiError`.
 *
 * @example
 * const api = createMediaflowClient({ baseUrl: 'http://localhost:3000', headers: { authorization: `Bearer ${token}` } });
 * const page = await api.listMedia({ query: { kind: 'image' } });
 */
export function createMediaflowClient(options: ClientOptions = {}): MediaflowClient {
  return {
    getHealth: (init) => send(options, 'GET', '/api/health', {}, init, true),
    getOpenApiDocument: (init) => send(options, 'GET', '/api/openapi.json', {}, init, true),
    startUpload: (input, init) => send(options, 'POST', '/api/v1/uploads', input, init, true),
    presignUploadParts: (input, init) => send(options, 'POST', '/api/v1/uploads/{id}/parts', input, init, true),
    getUpload: (input, init) => send(options, 'GET', '/api/v1/uploads/{id}', input, init, true),
    completeUpload: (input, init) => send(options, 'POST', '/api/v1/uploads/{id}/complete', input, init, true),
    listMedia: (input = {}, init) => send(options, 'GET', '/api/v1/media', input, init, true),
    getMedia: (input, init) => send(options, 'GET', '/api/v1/media/{id}', input, init, true),
    updateMedia: (input, init) => send(options, 'PATCH', '/api/v1/media/{id}', input, init, true),
    deleteMedia: (input, init) => send(options, 'DELETE', '/api/v1/media/{id}', input, init, false),
    restoreMedia: (input, init) => send(options, 'POST', '/api/v1/media/{id}/restore', input, init, true),
    bulkMedia: (input, init) => send(options, 'POST', '/api/v1/media/bulk', input, init, true),
    getOriginalDownload: (input, init) => send(options, 'GET', '/api/v1/media/{id}/original', input, init, true),
    listTags: (init) => send(options, 'GET', '/api/v1/tags', {}, init, true),
    searchMedia: (input = {}, init) => send(options, 'GET', '/api/v1/search', input, init, true),
    getTimeline: (init) => send(options, 'GET', '/api/v1/timeline', {}, init, true),
    listTrash: (input = {}, init) => send(options, 'GET', '/api/v1/trash', input, init, true),
    emptyTrash: (init) => send(options, 'DELETE', '/api/v1/trash', {}, init, true),
    grantMediaAccess: (init) => send(options, 'POST', '/api/v1/media-access', {}, init, true),
    createAlbum: (input, init) => send(options, 'POST', '/api/v1/albums', input, init, true),
    listAlbums: (input = {}, init) => send(options, 'GET', '/api/v1/albums', input, init, true),
    getAlbum: (input, init) => send(options, 'GET', '/api/v1/albums/{albumId}', input, init, true),
    updateAlbum: (input, init) => send(options, 'PATCH', '/api/v1/albums/{albumId}', input, init, true),
    deleteAlbum: (input, init) => send(options, 'DELETE', '/api/v1/albums/{albumId}', input, init, false),
    listAlbumItems: (input, init) => send(options, 'GET', '/api/v1/albums/{albumId}/items', input, init, true),
    addAlbumItems: (input, init) => send(options, 'POST', '/api/v1/albums/{albumId}/items', input, init, true),
    removeAlbumItems: (input, init) => send(options, 'POST', '/api/v1/albums/{albumId}/items/remove', input, init, true),
    listMediaAlbums: (input, init) => send(options, 'GET', '/api/v1/media/{id}/albums', input, init, true),
    createDownload: (input, init) => send(options, 'POST', '/api/v1/downloads', input, init, true),
    exportLibrary: (init) => send(options, 'POST', '/api/v1/export', {}, init, true),
    getDownload: (input, init) => send(options, 'GET', '/api/v1/downloads/{id}', input, init, true),
    createShare: (input, init) => send(options, 'POST', '/api/v1/shares', input, init, true),
    listShares: (input = {}, init) => send(options, 'GET', '/api/v1/shares', input, init, true),
    getShare: (input, init) => send(options, 'GET', '/api/v1/shares/{shareId}', input, init, true),
    revokeShare: (input, init) => send(options, 'DELETE', '/api/v1/shares/{shareId}', input, init, false),
    listReview: (input = {}, init) => send(options, 'GET', '/api/v1/review', input, init, true),
    approveMedia: (input, init) => send(options, 'POST', '/api/v1/review/{ownerId}/{id}/approve', input, init, true),
    rejectMedia: (input, init) => send(options, 'POST', '/api/v1/review/{ownerId}/{id}/reject', input, init, true),
    requestReview: (input, init) => send(options, 'POST', '/api/v1/media/{id}/review-request', input, init, true),
    getMe: (init) => send(options, 'GET', '/api/v1/me', {}, init, true),
    deleteMe: (input, init) => send(options, 'DELETE', '/api/v1/me', input, init, true),
    openShare: (input, init) => send(options, 'GET', '/api/v1/shared/{token}', input, init, true),
    unlockShare: (input, init) => send(options, 'POST', '/api/v1/shared/{token}/unlock', input, init, true),
    openSharedMedia: (input, init) => send(options, 'GET', '/api/v1/shared/{token}/media/{id}', input, init, true),
    downloadSharedOriginal: (input, init) => send(options, 'GET', '/api/v1/shared/{token}/media/{id}/original', input, init, true),
    reportSharedMedia: (input, init) => send(options, 'POST', '/api/v1/shared/{token}/media/{id}/report', input, init, true),
  };
}
