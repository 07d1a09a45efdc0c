import { ApiError } from '../api/client';
import { isDuplicate, isMultipart } from '../api/types';
import { MESSAGES, describe } from './messages';
import { createJob, snapshotOf, totalsOf, type Job } from './state';
import { sendParts, sendWhole, type TransferContext } from './transfer';
import type { UploadEntry, UploadQueueOptions, UploadTotals } from './types';
import { watch, type WatchContext } from './watch';

export { sha256Hex } from './hash';
export { PutRefusedError } from './types';
export type { PartState, PutRequest, PutTransport, UploadEntry, UploadPhase, UploadQueueOptions, UploadTotals } from './types';

let keySeq = 0;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The upload queue behind the Upload tray: asks the API where to send each file, sends it with
 * progress (one PUT, or presigned parts that can be paused, resumed and retried one by one), then
 * watches the item until it is ready, failed or held for review (over the page's event stream
 * where the server has one, else by polling). UI-free, so it is unit-tested.
 */
export class UploadQueue {
  private readonly jobs: Job[] = [];
  private readonly listeners = new Set<() => void>();
  private snapshot: readonly UploadEntry[] = [];
  private readonly concurrency: number;
  private readonly context: TransferContext & WatchContext;
  private running = 0;

  constructor(private readonly options: UploadQueueOptions) {
    this.concurrency = options.concurrency ?? 3;
    this.context = {
      api: options.api,
      live: options.live,
      put: options.put,
      onItem: options.onItem,
      partConcurrency: options.partConcurrency ?? 3,
      maxPartAttempts: options.maxPartAttempts ?? 3,
      pollIntervalMs: options.pollIntervalMs ?? 1500,
      pollTimeoutMs: options.pollTimeoutMs ?? 10 * 60_000,
      sleep: options.sleep ?? defaultSleep,
      isListed: (job) => this.jobs.includes(job),
      emit: () => this.emit(),
      fail: (job, message, retryable) => this.fail(job, message, retryable),
    };
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
      this.jobs.push(createJob(key, file));
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
    return totalsOf(this.jobs);
  }

  private find(key: string): Job | undefined {
    return this.jobs.find((j) => j.entry.key === key);
  }

  private emit(): void {
    this.snapshot = snapshotOf(this.jobs);
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
    const sent = isMultipart(grant) ? await sendParts(this.context, job, grant) : await sendWhole(this.context, job, grant);
    if (!sent) return;
    void watch(this.context, job);
  }
}
