/**
 * The REST contract as the gallery sees it (`GET /api/openapi.json`, mirrored from
 * libs/api/src/openapi.ts). Declared here as plain types so the browser bundle carries no schema
 * library; the server validates everything it receives.
 */
export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'other';
export type MediaStatus = 'uploading' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'flagged';
export type TagSource = 'ai' | 'user' | 'metadata';

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'other'];
export const MEDIA_STATUSES: readonly MediaStatus[] = ['uploading', 'uploaded', 'processing', 'ready', 'failed', 'flagged'];

export interface RenditionView {
  name: string;
  format: string;
  width: number | null;
  height: number | null;
  bytes: number;
  url: string;
}

export interface Tag {
  name: string;
  confidence: number;
  source: TagSource;
  parent?: string;
}

export interface MediaFacts {
  format?: string;
  width?: number;
  height?: number;
  frames?: number;
  hasAlpha?: boolean;
  colorSpace?: string;
  bitDepth?: number;
  durationSeconds?: number;
  frameRate?: number;
  bitrate?: number;
  container?: string;
  videoCodec?: string;
  audioCodec?: string;
  sampleRate?: number;
  channels?: number;
  capturedAt?: string;
  camera?: { make?: string; model?: string; lens?: string };
  exposure?: { iso?: number; fNumber?: number; exposureTime?: number; focalLength?: number };
  audio?: { title?: string; artist?: string; album?: string; genre?: string; year?: number };
  pages?: number;
}

export interface MediaView {
  id: string;
  kind: MediaKind;
  status: MediaStatus;
  title: string | null;
  filename: string;
  original: { size: number; mime: string; sha256: string | null };
  facts: MediaFacts;
  renditions: RenditionView[];
  tags: Tag[];
  moderation: { verdict: 'pending' | 'safe' | 'flagged' | 'released'; labels: { name: string; confidence: number; parent?: string }[] };
  placeholder: { thumbhash?: string; dominantColor?: string } | null;
  failure: { code: string; reason: string; stage?: string } | null;
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

export interface UploadRequest {
  filename: string;
  size: number;
  contentType?: string;
  sha256?: string;
}

export interface SinglePutUpload {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresAt?: string;
}

export interface MultipartUpload {
  partSize: number;
  parts: { number: number; url: string }[];
  completeUrl: string;
  uploadId: string;
  expiresAt?: string;
}

export type UploadGrant =
  | { id: string; duplicate: true }
  | { id: string; duplicate?: false; upload: SinglePutUpload | MultipartUpload };

export interface ListFilter {
  kind?: MediaKind | undefined;
  status?: MediaStatus | undefined;
  tag?: string | undefined;
}

export interface MediaUpdate {
  title?: string | null;
  tags?: string[];
}

/** The states after which an item changes only when its owner acts. */
export function isSettled(status: MediaStatus): boolean {
  return status === 'ready' || status === 'failed' || status === 'flagged';
}

export function isMultipart(upload: SinglePutUpload | MultipartUpload): upload is MultipartUpload {
  return 'parts' in upload;
}
