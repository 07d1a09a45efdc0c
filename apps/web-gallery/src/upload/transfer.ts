import type { ApiClient } from '../api/client';
import type { SinglePutUpload } from '../api/types';
import { MESSAGES, describe } from './messages';
import type { Job, MultipartSession } from './state';
import { PutRefusedError, type PutTransport } from './types';

/** What sending a job's bytes needs from the queue that owns the job. */
export interface TransferContext {
  readonly api: Pick<ApiClient, 'completeUpload' | 'requestPartUrls'>;
  readonly put: PutTransport;
  /** Parts of one multipart upload sent at once. */
  readonly partConcurrency: number;
  /** Tries per part before the upload stops and waits for Retry. */
  readonly maxPartAttempts: number;
  /** Part URLs asked for at once. */
  readonly partUrlBatch: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** False once the entry is dismissed: nothing more of it is sent. */
  readonly isListed: (job: Job) => boolean;
  /** Tells the queue's listeners that an entry changed. */
  readonly emit: () => void;
  readonly fail: (job: Job, message: string, retryable: boolean) => void;
}

/** A part URL this close to lapsing is asked for again rather than used (a part takes a while to send). */
export const URL_MARGIN_MS = 60_000;

/**
 * A whole file's PUT headers with `If-None-Match: *`: originals are stored once, so a PUT sent
 * again after the file landed (a retry, a replayed URL) is refused instead of replacing it. Where
 * the grant signs the header (S3) it is in `headers` already and is sent as given.
 */
function createOnly(headers: Record<string, string>): Record<string, string> {
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'if-none-match')) return headers;
  return { ...headers, 'if-none-match': '*' };
}

/**
 * A create-only PUT refused because the original is stored already (S3 answers 412, the local
 * server 409): an earlier send of this grant landed and its answer was lost. The item's own
 * status, which the watch follows, says what became of it.
 */
function alreadyStored(error: unknown): boolean {
  return error instanceof PutRefusedError && (error.status === 409 || error.status === 412);
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'AbortError';
}

/** Sends the file with one PUT; false when it stopped (failed, or aborted by dismiss). */
export async function sendWhole(context: TransferContext, job: Job, grant: SinglePutUpload): Promise<boolean> {
  const controller = new AbortController();
  job.controllers.add(controller);
  try {
    if (!job.file) throw new Error('the file is not at hand');
    await context.put({
      url: grant.url,
      body: job.file,
      headers: createOnly(grant.headers),
      signal: controller.signal,
      onProgress: (loaded) => {
        job.entry.loaded = Math.min(loaded, job.entry.size);
        context.emit();
      },
    });
    job.entry.loaded = job.entry.size;
    return true;
  } catch (error) {
    if (alreadyStored(error)) {
      job.entry.loaded = job.entry.size;
      return true;
    }
    job.entry.loaded = 0;
    if (!isAbort(error)) context.fail(job, `The upload stopped: ${describe(error)}`, true);
    return false;
  } finally {
    job.controllers.delete(controller);
  }
}

/**
 * Part URLs on demand: the grant carries the first few; the others are asked for in batches (the
 * part wanted and the next pending ones), and again when a known one is close to lapsing. One
 * request at a time serves every worker.
 */
function partUrls(context: TransferContext, job: Job, session: MultipartSession) {
  let inflight: { numbers: Set<number>; done: Promise<void> } | null = null;
  const fresh = (n: number) => {
    const grant = session.urls.get(n);
    return grant && grant.expiresAt - context.now() > URL_MARGIN_MS ? grant.url : null;
  };
  const ask = (numbers: number[]) => {
    const done = context.api.requestPartUrls(session.partsUrl, numbers).then((answer) => {
      const expiresAt = Date.parse(answer.expiresAt);
      for (const part of answer.parts) session.urls.set(part.number, { url: part.url, expiresAt: Number.isFinite(expiresAt) ? expiresAt : context.now() });
    });
    const current = { numbers: new Set(numbers), done };
    inflight = current;
    void done.catch(() => undefined).finally(() => {
      if (inflight === current) inflight = null;
    });
    return current;
  };
  return {
    async urlFor(n: number): Promise<string> {
      const known = fresh(n);
      if (known) return known;
      const waiting = inflight;
      if (waiting?.numbers.has(n)) await waiting.done;
      else {
        if (waiting) await waiting.done.catch(() => undefined);
        if (!fresh(n)) {
          const next = job.entry.parts.filter((p) => p.number !== n && p.state === 'pending' && !fresh(p.number)).map((p) => p.number);
          await ask([n, ...next].slice(0, context.partUrlBatch)).done;
        }
      }
      // Just handed out: used even if this machine's clock thinks it lapsed already.
      const url = session.urls.get(n)?.url;
      if (!url) throw new Error(`the server gave no URL for part ${n}`);
      return url;
    },
    /** A URL the store refused (lapsed, or signed for another part): asked for again next time. */
    forget(n: number): void {
      session.urls.delete(n);
    },
  };
}

/**
 * Sends the parts not sent yet, a few at once, retrying each with backoff, then completes the
 * multipart upload with every part's ETag. False when it stopped: paused, dismissed, or a part or the
 * completion failed.
 */
export async function sendParts(context: TransferContext, job: Job, session: MultipartSession): Promise<boolean> {
  const entry = job.entry;
  const file = job.file;
  if (!file) return false;
  const urls = partUrls(context, job, session);
  const sum = () => {
    entry.loaded = entry.parts.reduce((n, p) => n + (p.state === 'done' ? p.size : p.loaded), 0);
  };
  let failure: string | null = null;

  const worker = async (): Promise<void> => {
    for (;;) {
      if (job.pauseRequested || failure || !context.isListed(job)) return;
      const part = entry.parts.find((p) => p.state === 'pending');
      if (!part) return;
      part.state = 'uploading';
      part.attempts += 1;
      const controller = new AbortController();
      job.controllers.add(controller);
      context.emit();
      try {
        const url = await urls.urlFor(part.number);
        if (controller.signal.aborted) throw new DOMException('aborted', 'AbortError');
        const start = (part.number - 1) * session.partSize;
        const result = await context.put({
          url,
          body: file.slice(start, start + part.size),
          headers: {},
          signal: controller.signal,
          onProgress: (loaded) => {
            part.loaded = Math.min(loaded, part.size);
            sum();
            context.emit();
          },
        });
        if (!result.etag) throw new Error('the server sent no ETag for the part');
        job.etags.set(part.number, result.etag);
        Object.assign(part, { state: 'done', loaded: part.size });
      } catch (error) {
        part.loaded = 0;
        if (error instanceof PutRefusedError && error.status === 403) urls.forget(part.number);
        if (job.pauseRequested || isAbort(error)) {
          part.state = 'pending';
          part.attempts -= 1;
        } else if (part.attempts < context.maxPartAttempts) {
          part.state = 'pending';
          await context.sleep(500 * 2 ** (part.attempts - 1));
        } else {
          part.state = 'failed';
          failure = MESSAGES.partFailed(part.number, describe(error));
        }
      } finally {
        job.controllers.delete(controller);
        sum();
        context.emit();
      }
    }
  };

  const pending = entry.parts.filter((p) => p.state === 'pending').length;
  await Promise.all(Array.from({ length: Math.min(context.partConcurrency, pending) }, worker));
  // Dismissed meanwhile: the item is being deleted, so it is not completed.
  if (!context.isListed(job)) return false;
  if (failure) {
    context.fail(job, failure, true);
    return false;
  }
  if (job.pauseRequested) {
    entry.phase = 'paused';
    context.emit();
    return false;
  }
  entry.phase = 'completing';
  context.emit();
  try {
    const parts = entry.parts.map((p) => ({ number: p.number, etag: job.etags.get(p.number) ?? '' }));
    await context.api.completeUpload(session.completeUrl, session.uploadId, parts);
    return true;
  } catch (error) {
    context.fail(job, `The upload could not be finished: ${describe(error)}`, true);
    return false;
  }
}
