import { ApiError } from '../api/client';
import { isDuplicate, isMultipart, type MultipartUpload, type UploadStatus } from '../api/types';
import { formatBytes } from '../ui/format';
import { sha256OfBlob } from './hash';
import { MESSAGES, describe } from './messages';
import { isExpired, type PendingUpload } from './pending-store';
import { createInterruptedJob, createJob, partsOf, snapshotOf, totalsOf, type Job } from './state';
import { sendParts, sendWhole, type TransferContext } from './transfer';
import type { UploadEntry, UploadQueueOptions, UploadTotals } from './types';
import { watch, type WatchContext } from './watch';

export { sha256Hex } from './hash';
export { PutRefusedError } from './types';
export type { PartState, PutRequest, PutTransport, UploadEntry, UploadPhase, UploadQueueOptions, UploadTotals } from './types';

let keySeq = 0;

function nextKey(): string {
  keySeq += 1;
  return `u${keySeq}`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;

/** A file's date modified as the browser gives it (0 for a blob that has none). */
function lastModifiedOf(file: Blob): number {
  return 'lastModified' in file && typeof file.lastModified === 'number' ? file.lastModified : 0;
}

/** The bytes of a file's first and last parts (one and the same for a file of one part). */
function endParts(file: Blob, partSize: number, partCount: number): [Blob, Blob] {
  return [file.slice(0, partSize), file.slice(Math.max(0, partCount - 1) * partSize)];
}

/** Where a kept upload stands on the server, as far as resuming it goes. */
type ServerSide =
  | { state: 'resumable'; progress: UploadStatus & { multipart: NonNullable<UploadStatus['multipart']> } }
  /** Its bytes arrived (completed before the page went): only its processing is left to follow. */
  | { state: 'sent' }
  /** 404, or the store no longer has the parts: `uploading` says whether an empty item is left. */
  | { state: 'gone'; uploading: boolean };

/**
 * The upload queue behind the Upload tray: asks the API where to send each file, sends it with
 * progress (one PUT, or presigned parts that can be paused, resumed and retried one by one), then
 * watches the item until it is ready, failed or held for review (over the page's event stream
 * where the server has one, else by polling). Multipart uploads are kept in the `store`, so after
 * a reload the tray offers them again and the same file, chosen or dropped, carries on from the
 * parts the server has. UI-free, so it is unit-tested.
 */
export class UploadQueue {
  private readonly jobs: Job[] = [];
  private readonly listeners = new Set<() => void>();
  private snapshot: readonly UploadEntry[] = [];
  private readonly concurrency: number;
  private readonly context: TransferContext & WatchContext;
  private readonly now: () => number;
  private readonly hashPart: (part: Blob) => Promise<string>;
  private running = 0;
  /** Whose kept uploads were read, and the reading (files added meanwhile wait for it). */
  private restoredFor: string | null = null;
  private restoring: Promise<void> = Promise.resolve();

  constructor(private readonly options: UploadQueueOptions) {
    this.concurrency = options.concurrency ?? 3;
    this.now = options.now ?? Date.now;
    this.hashPart = options.hashPart ?? sha256OfBlob;
    this.context = {
      api: options.api,
      live: options.live,
      put: options.put,
      onItem: options.onItem,
      partConcurrency: options.partConcurrency ?? 3,
      maxPartAttempts: options.maxPartAttempts ?? 3,
      partUrlBatch: Math.min(100, Math.max(1, options.partUrlBatch ?? 20)),
      now: this.now,
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

  /**
   * Queues files; returns their keys. A file whose size, date modified and first and last parts
   * match an interrupted upload resumes that upload (its entry takes the interrupted one's place).
   */
  add(files: Iterable<File | (Blob & { name: string })>): string[] {
    const keys: string[] = [];
    const ownerId = this.owner();
    for (const file of files) {
      const key = nextKey();
      keys.push(key);
      this.jobs.push(createJob(key, file, ownerId));
    }
    this.emit();
    this.pump();
    return keys;
  }

  /**
   * Reads the signed-in owner's kept uploads into the list as interrupted entries (once per
   * owner; another owner's leave the list), drops those past their window, and asks the server
   * how far each got. Every owner's kept uploads past their window are removed from the store,
   * signed in or not. Resolves when they are listed.
   */
  restore(): Promise<void> {
    const ownerId = this.owner();
    const store = this.options.store;
    const others = this.jobs.filter((j) => j.entry.phase === 'interrupted' && j.ownerId !== ownerId);
    if (others.length > 0) {
      for (const job of others) this.jobs.splice(this.jobs.indexOf(job), 1);
      this.emit();
    }
    if (!store) {
      this.restoredFor = null;
      return Promise.resolve();
    }
    if (!ownerId) {
      this.restoredFor = null;
      return store.removeExpired(this.now()).catch(() => undefined);
    }
    if (this.restoredFor === ownerId) return this.restoring;
    this.restoredFor = ownerId;
    this.restoring = (async () => {
      let records: PendingUpload[];
      try {
        records = await store.list(ownerId);
      } catch {
        return;
      }
      // Another owner's lapsed uploads would otherwise stay until they sign in here again. The
      // signed-in owner's, read above, are still listed: to say so, and to delete their items.
      await store.removeExpired(this.now()).catch(() => undefined);
      if (this.restoredFor !== ownerId) return;
      for (const record of records) {
        if (this.jobs.some((j) => j.record?.mediaId === record.mediaId || j.entry.mediaId === record.mediaId)) continue;
        const job = createInterruptedJob(nextKey(), record);
        job.entry.message = MESSAGES.interrupted(null);
        this.jobs.push(job);
        void this.look(job);
      }
      this.emit();
    })();
    return this.restoring;
  }

  /**
   * Resumes an interrupted upload with the file the person chose for it: the same size, date
   * modified and first and last parts, else the entry says it is another file (or the file
   * changed since). Resolves to whether it resumed.
   */
  async resumeWith(key: string, file: Blob & { name: string }): Promise<boolean> {
    const job = this.find(key);
    const record = job?.record;
    if (!job || !record || job.entry.phase !== 'interrupted') return false;
    if (file.size !== record.size) {
      job.entry.message = MESSAGES.otherSize(record.name, formatBytes(record.size));
      this.emit();
      return false;
    }
    if (lastModifiedOf(file) !== record.lastModified) {
      job.entry.message = MESSAGES.otherModified(record.name);
      this.emit();
      return false;
    }
    job.entry.message = MESSAGES.checkingFile;
    this.emit();
    const same = await this.partsMatch(file, record);
    if (job.entry.phase !== 'interrupted' || !this.jobs.includes(job)) return false;
    if (!same) {
      job.entry.message = MESSAGES.otherContent(record.name);
      this.emit();
      return false;
    }
    Object.assign(job.entry, { phase: 'queued', message: null, type: file.type || job.entry.type });
    job.file = file;
    this.emit();
    this.pump();
    return true;
  }

  /** Gives up an interrupted upload: the server's item is deleted and nothing of it is kept. */
  async discard(key: string): Promise<void> {
    const job = this.find(key);
    if (!job) return;
    if (job.entry.phase !== 'interrupted' || !job.entry.mediaId) return this.dismiss(key);
    try {
      await this.options.api.deleteMedia(job.entry.mediaId);
    } catch (error) {
      if (!isNotFound(error)) {
        job.entry.message = MESSAGES.discardFailed(describe(error));
        this.emit();
        return;
      }
    }
    await this.forget(job);
    const index = this.jobs.indexOf(job);
    if (index >= 0) this.jobs.splice(index, 1);
    this.emit();
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

  /**
   * Removes an entry from the list; nothing of it is kept. One still sending stops (each step of
   * sending asks whether its entry is still listed), and a multipart upload it started and did not
   * complete is given up: its item is deleted, as Discard does.
   */
  dismiss(key: string): void {
    const index = this.jobs.findIndex((j) => j.entry.key === key);
    const job = this.jobs[index];
    if (!job) return;
    if (job.entry.phase === 'interrupted') {
      void this.discard(key);
      return;
    }
    for (const controller of job.controllers) controller.abort();
    this.jobs.splice(index, 1);
    void this.forget(job);
    const mediaId = job.entry.mediaId;
    if (mediaId && job.entry.multipart && !job.delivered) void this.options.api.deleteMedia(mediaId).catch(() => undefined);
    this.emit();
  }

  /**
   * Forgets an owner who signs out (or whose account was deleted): their entries leave the list,
   * what is still sending stops, and nothing of theirs stays kept in the browser. What the server
   * has of an unfinished upload is swept with the upload's window.
   */
  async forgetOwner(ownerId: string | null): Promise<void> {
    if (!ownerId) return;
    for (const job of this.jobs.filter((j) => j.ownerId === ownerId)) {
      for (const controller of job.controllers) controller.abort();
      job.record = null;
      this.jobs.splice(this.jobs.indexOf(job), 1);
    }
    if (this.restoredFor === ownerId) this.restoredFor = null;
    this.emit();
    await this.options.store?.removeOwner(ownerId).catch(() => undefined);
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

  private owner(): string | null {
    return this.options.owner?.() ?? null;
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
    // Failed for good: nothing is left to resume.
    if (!retryable) void this.forget(job);
    this.emit();
  }

  private expired(record: PendingUpload): boolean {
    return isExpired(record, this.now());
  }

  private listed(job: Job): boolean {
    return this.jobs.includes(job);
  }

  /** Drops what the browser keeps of the job's upload (best effort: the store may be unavailable). */
  private async forget(job: Job): Promise<void> {
    const record = job.record;
    if (!record) return;
    job.record = null;
    await this.options.store?.remove(record.mediaId).catch(() => undefined);
  }

  /**
   * Whether a file of the record's size and date modified has its first and last parts: an edit
   * that keeps both the size and the date is unlikely, one that also keeps both ends more so.
   */
  private async partsMatch(file: Blob, record: PendingUpload): Promise<boolean> {
    const [first, last] = endParts(file, record.partSize, record.partCount);
    try {
      return (await this.hashPart(first)) === record.firstPartSha256 && (await this.hashPart(last)) === record.lastPartSha256;
    } catch {
      return false;
    }
  }

  /** Where the kept upload stands on the server. Throws when the server cannot be asked. */
  private async serverSide(mediaId: string): Promise<ServerSide> {
    let progress: UploadStatus;
    try {
      progress = await this.options.api.getUpload(mediaId);
    } catch (error) {
      if (isNotFound(error)) return { state: 'gone', uploading: false };
      throw error;
    }
    if (progress.status !== 'uploading') return { state: 'sent' };
    const multipart = progress.multipart;
    if (!progress.resumable || !multipart) return { state: 'gone', uploading: true };
    return { state: 'resumable', progress: { ...progress, multipart } };
  }

  /**
   * After a reload: how far an interrupted upload got, or that it can no longer be resumed (past
   * its window, whatever the server still has, or gone there).
   */
  private async look(job: Job): Promise<void> {
    const mediaId = job.entry.mediaId;
    const record = job.record;
    if (!mediaId || !record) return;
    let side: ServerSide;
    try {
      side = await this.serverSide(mediaId);
    } catch {
      if (!this.expired(record)) return; // Asked again when its file is chosen.
      side = { state: 'gone', uploading: false };
    }
    if (!this.jobs.includes(job) || job.entry.phase !== 'interrupted') return;
    if (side.state === 'resumable' && this.expired(record)) {
      await this.dropGone(job, true);
      this.fail(job, MESSAGES.expired, false);
    } else if (side.state === 'resumable') {
      this.applyReceived(job, side.progress.multipart);
      // A file chosen meanwhile may have been refused: that message stays.
      if (job.entry.message === MESSAGES.interrupted(null)) job.entry.message = MESSAGES.interrupted(job.entry.size > 0 ? Math.floor((job.entry.loaded / job.entry.size) * 100) : 0);
      this.emit();
    } else if (side.state === 'sent') {
      job.delivered = true;
      await this.forget(job);
      void watch(this.context, job);
    } else {
      await this.dropGone(job, side.uploading);
      this.fail(job, this.expired(record) ? MESSAGES.expired : MESSAGES.goneOnServer, false);
    }
  }

  /** Marks the parts the store has as sent, with their ETags for the completion. */
  private applyReceived(job: Job, multipart: NonNullable<UploadStatus['multipart']>): void {
    const received = new Map(multipart.received.map((p) => [p.number, p]));
    job.entry.multipart = true;
    job.entry.parts = partsOf(job.entry.size, multipart.partSize, multipart.partCount).map((part) => {
      const got = received.get(part.number);
      return got ? { ...part, state: 'done', loaded: part.size } : part;
    });
    job.etags = new Map(multipart.received.map((p) => [p.number, p.etag]));
    job.entry.loaded = job.entry.parts.reduce((n, p) => n + (p.state === 'done' ? p.size : 0), 0);
  }

  /** A kept upload the server can no longer finish: not kept any more, and its empty item deleted. */
  private async dropGone(job: Job, uploading: boolean): Promise<void> {
    await this.forget(job);
    const mediaId = job.entry.mediaId;
    if (uploading && mediaId) await this.options.api.deleteMedia(mediaId).catch(() => undefined);
  }

  /** The interrupted upload this new file is the same as (size and date modified, then first and last parts), if any. */
  private async interruptedMatch(job: Job): Promise<Job | null> {
    const file = job.file;
    if (!file) return null;
    const modified = lastModifiedOf(file);
    const candidates = this.jobs.filter((j) => j.entry.phase === 'interrupted' && j.record && j.ownerId === job.ownerId && j.record.size === file.size && j.record.lastModified === modified);
    for (const candidate of candidates) {
      const record = candidate.record;
      if (record && (await this.partsMatch(file, record)) && candidate.entry.phase === 'interrupted' && this.listed(candidate)) return candidate;
    }
    return null;
  }

  /** Sends a queued job. After every wait it stops if the entry was dismissed meanwhile. */
  private async send(job: Job): Promise<void> {
    const entry = job.entry;
    this.emit();
    if (!job.grant && !job.multipart && !job.record) {
      await this.restoring;
      if (!this.listed(job)) return;
      const match = await this.interruptedMatch(job);
      if (!this.listed(job)) return;
      if (match) this.adopt(job, match);
    }
    if (!job.grant && !job.multipart && job.record) {
      // A kept upload: the server says which parts it has.
      if (!(await this.reopen(job))) return;
    }
    if (!job.grant && !job.multipart) {
      if (!(await this.start(job))) return;
    }
    if (job.pauseRequested) {
      entry.phase = 'paused';
      this.emit();
      return;
    }
    entry.phase = 'uploading';
    this.emit();
    const sent = job.multipart ? await sendParts(this.context, job, job.multipart) : job.grant ? await sendWhole(this.context, job, job.grant) : false;
    if (!sent || !this.listed(job)) return;
    job.delivered = true;
    await this.forget(job);
    if (this.listed(job)) void watch(this.context, job);
  }

  /** The new file's job takes over the interrupted one (whose entry leaves the list). */
  private adopt(job: Job, interrupted: Job): void {
    this.jobs.splice(this.jobs.indexOf(interrupted), 1);
    Object.assign(job, { record: interrupted.record, etags: interrupted.etags });
    Object.assign(job.entry, { mediaId: interrupted.entry.mediaId, multipart: true, parts: interrupted.entry.parts, loaded: interrupted.entry.loaded });
    this.emit();
  }

  /**
   * Carries on with a kept upload: the parts the server has count as sent. One it can no longer
   * finish is dropped and the file starts afresh; one whose bytes arrived is only watched.
   */
  private async reopen(job: Job): Promise<boolean> {
    const record = job.record;
    const mediaId = job.entry.mediaId;
    if (!record || !mediaId) return false;
    let side: ServerSide;
    try {
      side = await this.serverSide(mediaId);
    } catch (error) {
      if (this.listed(job)) this.fail(job, describe(error), true);
      return false;
    }
    if (!this.listed(job)) return false;
    if (side.state === 'sent') {
      job.delivered = true;
      await this.forget(job);
      if (this.listed(job)) void watch(this.context, job);
      return false;
    }
    if (side.state === 'gone') {
      await this.dropGone(job, side.uploading);
      if (!this.listed(job)) return false;
      Object.assign(job.entry, { mediaId: null, multipart: false, parts: [], loaded: 0, message: MESSAGES.restartedFresh });
      job.etags = new Map();
      return true;
    }
    const multipart = side.progress.multipart;
    this.applyReceived(job, multipart);
    job.multipart = {
      uploadId: multipart.uploadId,
      partSize: multipart.partSize,
      partCount: multipart.partCount,
      completeUrl: `/api/v1/uploads/${mediaId}/complete`,
      partsUrl: `/api/v1/uploads/${mediaId}/parts`,
      urls: new Map(),
    };
    this.emit();
    return true;
  }

  /** Asks the API where to send a new file; false when that settled the job (refused, duplicate). */
  private async start(job: Job): Promise<boolean> {
    const entry = job.entry;
    const file = job.file;
    if (!file) return false;
    try {
      const sha256 = await this.options.hash?.(file);
      if (!this.listed(job)) return false;
      const grant = await this.options.api.startUpload({
        filename: entry.name,
        size: entry.size,
        ...(entry.type ? { contentType: entry.type } : {}),
        ...(sha256 ? { sha256 } : {}),
      });
      if (!this.listed(job)) {
        // Dismissed while the item was made: nothing will be sent to it. A duplicate is the item
        // already in the library; after a sign-out the API is not asked any more.
        if (!isDuplicate(grant) && job.ownerId === this.owner()) void this.options.api.deleteMedia(grant.id).catch(() => undefined);
        return false;
      }
      entry.mediaId = grant.id;
      if (isDuplicate(grant)) {
        Object.assign(entry, { phase: 'duplicate', message: MESSAGES.duplicate });
        this.emit();
        return false;
      }
      if (!isMultipart(grant.upload)) {
        job.grant = grant.upload;
        return true;
      }
      const upload: MultipartUpload = grant.upload;
      const partCount = upload.partCount;
      const expiresAt = Date.parse(upload.expiresAt);
      job.multipart = {
        uploadId: upload.uploadId,
        partSize: upload.partSize,
        partCount,
        completeUrl: upload.completeUrl,
        partsUrl: upload.partsUrl,
        urls: new Map(upload.parts.map((p) => [p.number, { url: p.url, expiresAt: Number.isFinite(expiresAt) ? expiresAt : this.now() }])),
      };
      entry.multipart = true;
      entry.parts = partsOf(entry.size, upload.partSize, partCount);
      await this.keep(job, file, grant.id, upload, partCount);
      return this.listed(job);
    } catch (error) {
      if (!this.listed(job)) return false;
      const rejected = error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 408 && error.status !== 429;
      this.fail(job, rejected ? `Not accepted: ${describe(error)}` : describe(error), !rejected, rejected ? 'rejected' : 'failed');
      return false;
    }
  }

  /**
   * Keeps a multipart upload the server can resume, so a reload does not start it over. Nothing is
   * kept for an entry dismissed meanwhile (or whose owner signed out).
   */
  private async keep(job: Job, file: Blob, mediaId: string, upload: MultipartUpload, partCount: number): Promise<void> {
    const store = this.options.store;
    const ownerId = job.ownerId;
    if (!store || !ownerId) return;
    try {
      const [first, last] = endParts(file, upload.partSize, partCount);
      const firstPartSha256 = await this.hashPart(first);
      const lastPartSha256 = await this.hashPart(last);
      if (!this.listed(job)) return;
      const record: PendingUpload = {
        mediaId,
        ownerId,
        uploadId: upload.uploadId,
        name: job.entry.name,
        size: job.entry.size,
        lastModified: lastModifiedOf(file),
        type: job.entry.type,
        partSize: upload.partSize,
        partCount,
        firstPartSha256,
        lastPartSha256,
        startedAt: new Date(this.now()).toISOString(),
        resumableUntil: upload.resumableUntil,
      };
      await store.put(record);
      if (!this.listed(job)) {
        await store.remove(mediaId);
        return;
      }
      job.record = record;
    } catch {
      // Not kept (no IndexedDB, no crypto.subtle): the upload goes on, it just cannot outlive the page.
    }
  }
}
