import { ApiError, type ApiClient } from '../api/client';
import { isDuplicate, isMultipart, isSettled, type MediaView, type MultipartUpload, type SinglePutUpload } from '../api/types';

/** One HTTP PUT of bytes to a presigned URL, reporting bytes sent. */
export interface PutRequest {
  url: string;
  body: Blob;
  headers: Record<string, string>;
  onProgress: (loaded: number) => void;
  signal: AbortSignal;
}
export type PutTransport = (request: PutRequest) => Promise<{ etag: string | null }>;

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
  | 'rejected';

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
  api: Pick<ApiClient, 'startUpload' | 'completeUpload' | 'getMedia'>;
  put: PutTransport;
  /** Files sent at once. */
  concurrency?: number;
  /** Parts of one multipart upload sent at once. */
  partConcurrency?: number;
  /** Tries per part before the upload stops and waits for Retry. */
  maxPartAttempts?: number;
  pollIntervalMs?: number;
  /** Gives up watching an item after this long (it keeps processing on the server). */
  pollTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** SHA-256 (hex) of a file, so the API can say "duplicate" before any byte is sent. */
  hash?: (file: Blob) => Promise<string | undefined>;
  /** Told whenever the server's view of an uploaded item changes (the grid shows it). */
  onItem?: (item: MediaView) => void;
}

interface Job {
  entry: UploadEntry;
  file: Blob;
  grant: SinglePutUpload | MultipartUpload | null;
  etags: Map<number, string>;
  controllers: Set<AbortController>;
  pauseRequested: boolean;
}

const MESSAGES = {
  duplicate: 'Already in your library, so it was not uploaded again.',
  flagged: 'Held for review: only you can see it until it is released.',
  partFailed: (n: number, why: string) => `Part ${n} could not be sent (${why}). Retry continues with the parts not sent yet.`,
  stillProcessing: 'Still processing; it will appear in your library when ready.',
};

let keySeq = 0;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** SHA-256 in the browser for files small enough to read at once; larger ones are hashed at ingest. */
export async function sha256Hex(file: Blob, maxBytes = 32 * 1024 * 1024): Promise<string | undefined> {
  if (file.size > maxBytes || typeof crypto === 'undefined' || !crypto.subtle) return undefined;
  try {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return 'unknown error';
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'AbortError';
}

/**
 * The upload queue behind the Upload tray: asks the API where to send each file, sends it with
 * progress (one PUT, or presigned parts that can be paused, resumed and retried one by one), then
 * watches the item until it is ready, failed or held for review. UI-free, so it is unit-tested.
 */
export class UploadQueue {
  private readonly jobs: Job[] = [];
  private readonly listeners = new Set<() => void>();
  private snapshot: readonly UploadEntry[] = [];
  private readonly concurrency: number;
  private readonly partConcurrency: number;
  private readonly maxPartAttempts: number;
  private readonly pollIntervalMs: number;
  private readonly pollTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private running = 0;

  constructor(private readonly options: UploadQueueOptions) {
    this.concurrency = options.concurrency ?? 3;
    this.partConcurrency = options.partConcurrency ?? 3;
    this.maxPartAttempts = options.maxPartAttempts ?? 3;
    this.pollIntervalMs = options.pollIntervalMs ?? 1500;
    this.pollTimeoutMs = options.pollTimeoutMs ?? 10 * 60_000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): readonly UploadEntry[] => this.snapshot;

  /** Queues files; returns their keys. */
  add(files: Iterable<File | (Blob & { name: string })>): string[] {
    const keys: string[] = [];
    for (const file of files) {
      keySeq += 1;
      const key = `u${keySeq}`;
      keys.push(key);
      this.jobs.push({
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
      });
    }
    this.emit();
    this.pump();
    return keys;
  }

  /** Pauses a multipart upload: parts in flight are aborted and sent again on resume. */
  pause(key: string): void {
    const job = this.find(key);
    if (!job || !job.entry.multipart || (job.entry.phase !== 'uploading' && job.entry.phase !== 'queued')) return;
    job.pauseRequested = true;
    for (const controller of job.controllers) controller.abort();
    if (job.entry.phase === 'queued') job.entry.phase = 'paused';
    this.emit();
  }

  resume(key: string): void {
    const job = this.find(key);
    if (!job || job.entry.phase !== 'paused') return;
    job.pauseRequested = false;
    job.entry.phase = 'queued';
    this.emit();
    this.pump();
  }

  /** Tries a failed upload again; a multipart upload resends only the parts not yet sent. */
  retry(key: string): void {
    const job = this.find(key);
    if (!job || job.entry.phase !== 'failed' || !job.entry.retryable) return;
    for (const part of job.entry.parts) {
      if (part.state === 'failed') Object.assign(part, { state: 'pending', attempts: 0, loaded: 0 });
    }
    Object.assign(job.entry, { phase: 'queued', message: null, retryable: false });
    this.emit();
    this.pump();
  }

  /** Removes an entry from the list (aborting it if it is still sending). */
  dismiss(key: string): void {
    const index = this.jobs.findIndex((j) => j.entry.key === key);
    const job = this.jobs[index];
    if (!job) return;
    for (const controller of job.controllers) controller.abort();
    this.jobs.splice(index, 1);
    this.emit();
  }

  /** Removes every entry that needs nothing more from the person. */
  clearFinished(): void {
    for (let i = this.jobs.length - 1; i >= 0; i--) {
      const phase = this.jobs[i]?.entry.phase;
      if (phase === 'ready' || phase === 'duplicate' || phase === 'flagged' || phase === 'rejected') this.jobs.splice(i, 1);
    }
    this.emit();
  }

  totals(): UploadTotals {
    let loaded = 0;
    let total = 0;
    let active = 0;
    let done = 0;
    let problems = 0;
    for (const { entry } of this.jobs) {
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

  private find(key: string): Job | undefined {
    return this.jobs.find((j) => j.entry.key === key);
  }

  private emit(): void {
    this.snapshot = this.jobs.map((j) => ({ ...j.entry, parts: j.entry.parts.map((p) => ({ ...p })) }));
    for (const listener of this.listeners) listener();
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const job = this.jobs.find((j) => j.entry.phase === 'queued');
      if (!job) return;
      this.running += 1;
      job.entry.phase = 'starting';
      void this.send(job).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private fail(job: Job, message: string, retryable: boolean, phase: 'failed' | 'rejected' = 'failed'): void {
    Object.assign(job.entry, { phase, message, retryable });
    this.emit();
  }

  private async send(job: Job): Promise<void> {
    const entry = job.entry;
    this.emit();
    if (!job.grant) {
      try {
        const sha256 = await this.options.hash?.(job.file);
        const grant = await this.options.api.startUpload({
          filename: entry.name,
          size: entry.size,
          ...(entry.type ? { contentType: entry.type } : {}),
          ...(sha256 ? { sha256 } : {}),
        });
        entry.mediaId = grant.id;
        if (isDuplicate(grant)) {
          Object.assign(entry, { phase: 'duplicate', message: MESSAGES.duplicate });
          this.emit();
          return;
        }
        job.grant = grant.upload;
        if (isMultipart(grant.upload)) {
          const partSize = grant.upload.partSize;
          entry.multipart = true;
          entry.parts = grant.upload.parts.map((p) => ({
            number: p.number,
            size: Math.max(0, Math.min(partSize, entry.size - (p.number - 1) * partSize)),
            loaded: 0,
            state: 'pending',
            attempts: 0,
          }));
        }
      } catch (error) {
        const rejected = error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 408 && error.status !== 429;
        this.fail(job, rejected ? `Not accepted: ${describe(error)}` : describe(error), !rejected, rejected ? 'rejected' : 'failed');
        return;
      }
    }
    if (job.pauseRequested) {
      entry.phase = 'paused';
      this.emit();
      return;
    }
    entry.phase = 'uploading';
    this.emit();
    const grant = job.grant;
    const sent = isMultipart(grant) ? await this.sendParts(job, grant) : await this.sendWhole(job, grant);
    if (!sent) return;
    void this.watch(job);
  }

  private async sendWhole(job: Job, grant: SinglePutUpload): Promise<boolean> {
    const controller = new AbortController();
    job.controllers.add(controller);
    try {
      await this.options.put({
        url: grant.url,
        body: job.file,
        headers: grant.headers,
        signal: controller.signal,
        onProgress: (loaded) => {
          job.entry.loaded = Math.min(loaded, job.entry.size);
          this.emit();
        },
      });
      job.entry.loaded = job.entry.size;
      return true;
    } catch (error) {
      job.entry.loaded = 0;
      if (!isAbort(error)) this.fail(job, `The upload stopped: ${describe(error)}`, true);
      return false;
    } finally {
      job.controllers.delete(controller);
    }
  }

  private async sendParts(job: Job, grant: MultipartUpload): Promise<boolean> {
    const entry = job.entry;
    const urls = new Map(grant.parts.map((p) => [p.number, p.url]));
    const sum = () => {
      entry.loaded = entry.parts.reduce((n, p) => n + (p.state === 'done' ? p.size : p.loaded), 0);
    };
    let failure: string | null = null;

    const worker = async (): Promise<void> => {
      for (;;) {
        if (job.pauseRequested || failure) return;
        const part = entry.parts.find((p) => p.state === 'pending');
        if (!part) return;
        part.state = 'uploading';
        part.attempts += 1;
        const controller = new AbortController();
        job.controllers.add(controller);
        this.emit();
        try {
          const start = (part.number - 1) * grant.partSize;
          const result = await this.options.put({
            url: urls.get(part.number) ?? '',
            body: job.file.slice(start, start + part.size),
            headers: {},
            signal: controller.signal,
            onProgress: (loaded) => {
              part.loaded = Math.min(loaded, part.size);
              sum();
              this.emit();
            },
          });
          if (!result.etag) throw new Error('the server sent no ETag for the part');
          job.etags.set(part.number, result.etag);
          Object.assign(part, { state: 'done', loaded: part.size });
        } catch (error) {
          part.loaded = 0;
          if (job.pauseRequested || isAbort(error)) {
            part.state = 'pending';
            part.attempts -= 1;
          } else if (part.attempts < this.maxPartAttempts) {
            part.state = 'pending';
            await this.sleep(500 * 2 ** (part.attempts - 1));
          } else {
            part.state = 'failed';
            failure = MESSAGES.partFailed(part.number, describe(error));
          }
        } finally {
          job.controllers.delete(controller);
          sum();
          this.emit();
        }
      }
    };

    await Promise.all(Array.from({ length: Math.min(this.partConcurrency, entry.parts.length) }, worker));
    if (failure) {
      this.fail(job, failure, true);
      return false;
    }
    if (job.pauseRequested) {
      entry.phase = 'paused';
      this.emit();
      return false;
    }
    entry.phase = 'completing';
    this.emit();
    try {
      const parts = entry.parts.map((p) => ({ number: p.number, etag: job.etags.get(p.number) ?? '' }));
      await this.options.api.completeUpload(grant.completeUrl, grant.uploadId, parts);
      return true;
    } catch (error) {
      this.fail(job, `The upload could not be finished: ${describe(error)}`, true);
      return false;
    }
  }

  /** Polls the item until it settles, so the tray and the grid show live status. */
  private async watch(job: Job): Promise<void> {
    const entry = job.entry;
    const id = entry.mediaId;
    if (!id) return;
    Object.assign(entry, { phase: 'processing', loaded: entry.size });
    this.emit();
    const deadline = Date.now() + this.pollTimeoutMs;
    let misses = 0;
    while (this.jobs.includes(job)) {
      try {
        const item = await this.options.api.getMedia(id);
        misses = 0;
        entry.item = item;
        this.options.onItem?.(item);
        if (isSettled(item.status)) {
          if (item.status === 'ready') Object.assign(entry, { phase: 'ready', message: null });
          else if (item.status === 'flagged') Object.assign(entry, { phase: 'flagged', message: MESSAGES.flagged });
          else if (item.failure?.code === 'duplicate') Object.assign(entry, { phase: 'duplicate', message: MESSAGES.duplicate });
          else Object.assign(entry, { phase: 'failed', retryable: false, message: item.failure?.reason ?? 'Processing failed.' });
          this.emit();
          return;
        }
        this.emit();
      } catch (error) {
        misses += 1;
        if (misses >= 5) {
          this.fail(job, `Lost track of this upload: ${describe(error)}`, false);
          return;
        }
      }
      if (Date.now() > deadline) {
        Object.assign(entry, { message: MESSAGES.stillProcessing });
        this.emit();
        return;
      }
      await this.sleep(this.pollIntervalMs);
    }
  }
}
