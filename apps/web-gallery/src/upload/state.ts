import type { MultipartUpload, SinglePutUpload } from '../api/types';
import type { UploadEntry, UploadTotals } from './types';

/** One file in the queue: the entry the tray shows, plus what sending it needs. */
export interface Job {
  entry: UploadEntry;
  file: Blob;
  grant: SinglePutUpload | MultipartUpload | null;
  etags: Map<number, string>;
  controllers: Set<AbortController>;
  pauseRequested: boolean;
}

/** A job for a file just added: queued, nothing asked of the API yet. */
export function createJob(key: string, file: Blob & { name: string }): Job {
  return {
    file,
    grant: null,
    etags: new Map(),
    controllers: new Set(),
    pauseRequested: false,
    entry: {
      key,
      name: file.name,
      size: file.size,
      type: file.type,
      phase: 'queued',
      loaded: 0,
      mediaId: null,
      message: null,
      retryable: false,
      multipart: false,
      parts: [],
      item: null,
    },
  };
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
    if (entry.phase === 'rejected' || (entry.phase === 'duplicate' && entry.loaded === 0)) {
      problems += entry.phase === 'rejected' ? 1 : 0;
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
