import type { ApiClient } from '../api/client';
import type { MediaView } from '../api/types';
import type { LiveUpdates } from '../live/live-status';
import type { PendingUploadStore } from './pending-store';

/** One HTTP PUT of bytes to a presigned URL, reporting bytes sent. */
export interface PutRequest {
  url: string;
  body: Blob;
  headers: Record<string, string>;
  onProgress: (loaded: number) => void;
  signal: AbortSignal;
}
/** One HTTP PUT; answers outside 2xx reject with {@link PutRefusedError}. */
export type PutTransport = (request: PutRequest) => Promise<{ etag: string | null }>;

/** A PUT the server answered outside 2xx, with the status it answered. */
export class PutRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'PutRefusedError';
  }
}

export type UploadPhase =
  | 'queued'
  | 'starting'
  | 'uploading'
  | 'paused'
  | 'completing'
  | 'processing'
  | 'ready'
  | 'flagged'
  | 'failed'
  | 'duplicate'
  | 'rejected'
  /** Started before the page was reloaded: waits for the person to choose the same file again. */
  | 'interrupted';

export interface PartState {
  number: number;
  size: number;
  loaded: number;
  state: 'pending' | 'uploading' | 'done' | 'failed';
  attempts: number;
}

export interface UploadEntry {
  key: string;
  name: string;
  size: number;
  type: string;
  phase: UploadPhase;
  /** Bytes sent so far (all of them once the upload is through). */
  loaded: number;
  mediaId: string | null;
  /** What to tell the person: the problem's detail, the failure reason, ... */
  message: string | null;
  /** Whether Retry can help (false for a rejected file or a failed processing step). */
  retryable: boolean;
  multipart: boolean;
  parts: PartState[];
  item: MediaView | null;
}

export interface UploadTotals {
  loaded: number;
  total: number;
  /** Files still on their way (queued, sending or processing). */
  active: number;
  done: number;
  problems: number;
}

export interface UploadQueueOptions {
  api: Pick<ApiClient, 'startUpload' | 'completeUpload' | 'getMedia' | 'requestPartUrls' | 'getUpload' | 'deleteMedia'>;
  put: PutTransport;
  /** Files sent at once. */
  concurrency?: number;
  /** Parts of one multipart upload sent at once. */
  partConcurrency?: number;
  /** Tries per part before the upload stops and waits for Retry. */
  maxPartAttempts?: number;
  /**
   * The page's event stream (`pageLiveStatus`): while it is live, an uploaded item's status comes
   * from there and the queue asks the API nothing. Without it, or while it is down, the queue polls.
   */
  live?: LiveUpdates;
  /** Between polls of an uploaded item while there is no stream. */
  pollIntervalMs?: number;
  /** Gives up watching an item after this long (it keeps processing on the server). */
  pollTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** SHA-256 (hex) of a file, so the API can say "duplicate" before any byte is sent. */
  hash?: (file: Blob) => Promise<string | undefined>;
  /** Told whenever the server's view of an uploaded item changes (the grid shows it). */
  onItem?: (item: MediaView) => void;
  /**
   * Where multipart uploads are kept so a reload can resume them (IndexedDB in the browser).
   * Without it, or without a signed-in `owner`, nothing outlives the page.
   */
  store?: PendingUploadStore;
  /** Who is signed in: uploads are kept under, and offered only to, their owner. */
  owner?: () => string | null;
  /** SHA-256 (hex) of a file's first part, to recognise the same file after a reload. */
  hashPart?: (part: Blob) => Promise<string>;
  /** Part URLs asked for at once (the API takes at most 100). */
  partUrlBatch?: number;
  /** The clock, in ms since the epoch (part URLs lapse, kept uploads expire). */
  now?: () => number;
}
