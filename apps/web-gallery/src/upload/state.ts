import type { SinglePutUpload } from '../api/types';
import type { PendingUpload } from './pending-store';
import type { PartState, UploadEntry, UploadTotals } from './types';

/** A presigned part URL and when it lapses (ms since the epoch). */
export interface PartGrant {
  url: string;
  expiresAt: number;
}

/** A multipart upload under way: what sending and completing its parts needs. */
export interface MultipartSession {
  uploadId: string;
  partSize: number;
  partCount: number;
  completeUrl: string;
  /** Where more part URLs come from (`POST { numbers }`). */
  partsUrl: string;
  /** The part URLs known so far; the rest are asked for when needed. */
  urls: Map<number, PartGrant>;
}

/** One file in the queue: the entry the tray shows, plus what sending it needs. */
export interface Job {
  entry: UploadEntry;
  /** Null for an interrupted upload until the person chooses its file again. */
  file: Blob | null;
  /** Who added it (null: nobody signed in, nothing kept). */
  ownerId: string | null;
  grant: SinglePutUpload | null;
  multipart: MultipartSession | null;
  /** What the browser keeps of it so a reload can resume it (multipart only). */
  record: PendingUpload | null;
  etags: Map<number, string>;
  controllers: Set<AbortController>;
  pauseRequested: boolean;
  /** Its bytes are all on the server (the upload completed): dismissing it keeps the item. */
  delivered: boolean;
}

function entryOf(key: string, name: string, size: number, type: string): UploadEntry {
  return { key, name, size, type, phase: 'queued', loaded: 0, mediaId: null, message: null, retryable: false, multipart: false, parts: [], item: null };
}

/** A job for a file just added: queued, nothing asked of the API yet. */
export function createJob(key: string, file: Blob & { name: string }, ownerId: string | null): Job {
  return {
    file,
    ownerId,
    grant: null,
    multipart: null,
    record: null,
    etags: new Map(),
    controllers: new Set(),
    pauseRequested: false,
    delivered: false,
    entry: entryOf(key, file.name, file.size, file.type),
  };
}

/** A job for an upload a reload interrupted: it waits for its file. */
export function createInterruptedJob(key: string, record: PendingUpload): Job {
  return {
    file: null,
    ownerId: record.ownerId,
    grant: null,
    multipart: null,
    record,
    etags: new Map(),
    controllers: new Set(),
    pauseRequested: false,
    delivered: false,
    entry: { ...entryOf(key, record.name, record.size, record.type), phase: 'interrupted', mediaId: record.mediaId, multipart: true },
  };
}

/** Every part of a file of `size` bytes cut in parts of `partSize`, none of them sent. */
export function partsOf(size: number, partSize: number, partCount: number): PartState[] {
  return Array.from({ length: partCount }, (_, i) => ({
    number: i + 1,
    size: Math.max(0, Math.min(partSize, size - i * partSize)),
    loaded: 0,
    state: 'pending' as const,
    attempts: 0,
  }));
}

/** Copies of the entries, so a snapshot handed out does not change under its reader. */
export function snapshotOf(jobs: readonly Job[]): readonly UploadEntry[] {
  return jobs.map((j) => ({ ...j.entry, parts: j.entry.parts.map((p) => ({ ...p })) }));
}

/** Byte and file counts over the entries, for the tray's summary line. */
export function totalsOf(jobs: readonly Job[]): UploadTotals {
  let loaded = 0;
  let total = 0;
  let active = 0;
  let done = 0;
  let problems = 0;
  for (const { entry } of jobs) {
    // An interrupted upload waits for the person: it needs attention, and sends nothing meanwhile.
    if (entry.phase === 'rejected' || entry.phase === 'interrupted' || (entry.phase === 'duplicate' && entry.loaded === 0)) {
      problems += entry.phase === 'duplicate' ? 0 : 1;
      done += entry.phase === 'duplicate' ? 1 : 0;
      continue;
    }
    loaded += entry.loaded;
    total += entry.size;
    if (entry.phase === 'ready' || entry.phase === 'flagged' || entry.phase === 'duplicate') done += 1;
    else if (entry.phase === 'failed') problems += 1;
    else active += 1;
  }
  return { loaded, total, active, done, problems };
}
