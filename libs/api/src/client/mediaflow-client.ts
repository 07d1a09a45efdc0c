// The client of Mediaflow API 1.0.0, generated from its OpenAPI document by
// libs/api/src/client/generate.ts. Do not edit: `npx nx run @mediaflow/api:generate-client` writes it
// again, and src/client/generate.spec.ts fails while it differs from what the routes declare.
//
// Left out, as their URLs come from the API and are fetched as they are:
// - getMediaFile: it answers with bytes
// - putPresignedObject: its body is bytes
// - getPresignedObject: it answers with bytes

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

export interface MediaUpdate {
  title?: string | null | undefined;
  tags?: string[] | undefined;
}

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'other';

export type MediaStatus = 'uploading' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'flagged' | 'deleted';

export type TagSource = 'ai' | 'user' | 'metadata';

export interface Tag {
  name: string;
  confidence: number;
  source: TagSource;
  parent?: string | undefined;
}

export type ModerationVerdict = 'pending' | 'safe' | 'flagged' | 'released';

export interface Moderation {
  verdict: ModerationVerdict;
  labels: {
    name: string;
    confidence: number;
    parent?: string | undefined;
  }[];
  checkedAt?: string | undefined;
  reviewedAt?: string | undefined;
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
  createdAt: string;
  updatedAt: string;
}

export interface MediaPage {
  items: MediaView[];
  nextCursor: string | null;
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
  partSize: number;
  parts: {
    number: number;
    url: string;
  }[];
  completeUrl: string;
  uploadId: string;
  expiresAt: string;
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

export interface MediaAccess {
  expiresAt: string | null;
}

export type OpenApiDocument = Record<string, unknown>;

/** What `startUpload` sends. */
export interface StartUploadInput {
  body: UploadRequest;
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
}

/** What `getOriginalDownload` sends. */
export interface GetOriginalDownloadInput {
  path: {
    id: string;
  };
}

/** What `releaseMedia` sends. */
export interface ReleaseMediaInput {
  path: {
    id: string;
  };
}

/** The operations of the API, one method each. */
export interface MediaflowClient {
  /** Whether the API answers (`GET /api/health`) */
  getHealth(init?: RequestInit): Promise<Health>;
  /** This contract as an OpenAPI 3.0 document (`GET /api/openapi.json`) */
  getOpenApiDocument(init?: RequestInit): Promise<OpenApiDocument>;
  /** Start an upload (a single PUT, or presigned parts above the multipart threshold) (`POST /api/v1/uploads`) */
  startUpload(input: StartUploadInput, init?: RequestInit): Promise<DuplicateUpload | UploadStarted>;
  /** Complete a multipart upload (`POST /api/v1/uploads/{id}/complete`) */
  completeUpload(input: CompleteUploadInput, init?: RequestInit): Promise<UploadAccepted>;
  /** List media, newest first (`GET /api/v1/media`) */
  listMedia(input?: ListMediaInput, init?: RequestInit): Promise<MediaPage>;
  /** One item (`GET /api/v1/media/{id}`) */
  getMedia(input: GetMediaInput, init?: RequestInit): Promise<MediaView>;
  /** Edit the title and the owner’s tags (`PATCH /api/v1/media/{id}`) */
  updateMedia(input: UpdateMediaInput, init?: RequestInit): Promise<MediaView>;
  /** Delete the item, its original and every rendition (`DELETE /api/v1/media/{id}`) */
  deleteMedia(input: DeleteMediaInput, init?: RequestInit): Promise<void>;
  /** A short-lived link that downloads the original as an attachment, under its file name (`GET /api/v1/media/{id}/original`) */
  getOriginalDownload(input: GetOriginalDownloadInput, init?: RequestInit): Promise<OriginalDownload>;
  /** Release an item held by moderation (`POST /api/v1/media/{id}/release`) */
  releaseMedia(input: ReleaseMediaInput, init?: RequestInit): Promise<MediaView>;
  /** Tags with counts (`GET /api/v1/tags`) */
  listTags(init?: RequestInit): Promise<TagCounts>;
  /** Cookies that let this browser load the caller’s own renditions from the CDN for a while (`POST /api/v1/media-access`) */
  grantMediaAccess(init?: RequestInit): Promise<MediaAccess>;
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
    completeUpload: (input, init) => send(options, 'POST', '/api/v1/uploads/{id}/complete', input, init, true),
    listMedia: (input = {}, init) => send(options, 'GET', '/api/v1/media', input, init, true),
    getMedia: (input, init) => send(options, 'GET', '/api/v1/media/{id}', input, init, true),
    updateMedia: (input, init) => send(options, 'PATCH', '/api/v1/media/{id}', input, init, true),
    deleteMedia: (input, init) => send(options, 'DELETE', '/api/v1/media/{id}', input, init, false),
    getOriginalDownload: (input, init) => send(options, 'GET', '/api/v1/media/{id}/original', input, init, true),
    releaseMedia: (input, init) => send(options, 'POST', '/api/v1/media/{id}/release', input, init, true),
    listTags: (init) => send(options, 'GET', '/api/v1/tags', {}, init, true),
    grantMediaAccess: (init) => send(options, 'POST', '/api/v1/media-access', {}, init, true),
  };
}
