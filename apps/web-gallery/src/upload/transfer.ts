import type { ApiClient } from '../api/client';
import type { MultipartUpload, SinglePutUpload } from '../api/types';
import { MESSAGES, describe } from './messages';
import type { Job } from './state';
import { PutRefusedError, type PutTransport } from './types';

/** What sending a job's bytes needs from the queue that owns the job. */
export interface TransferContext {
  readonly api: Pick<ApiClient, 'completeUpload'>;
  readonly put: PutTransport;
  /** Parts of one multipart upload sent at once. */
  readonly partConcurrency: number;
  /** Tries per part before the upload stops and waits for Retry. */
  readonly maxPartAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Tells the queue's listeners that an entry changed. */
  readonly emit: () => void;
  readonly fail: (job: Job, message: string, retryable: boolean) => void;
}

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
 * Sends the parts not sent yet, a few at once, retrying each with backoff, then completes the
 * multipart upload with their ETags. False when it stopped: paused, or a part or the completion failed.
 */
export async function sendParts(context: TransferContext, job: Job, grant: MultipartUpload): Promise<boolean> {
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
      context.emit();
      try {
        const start = (part.number - 1) * grant.partSize;
        const result = await context.put({
          url: urls.get(part.number) ?? '',
          body: job.file.slice(start, start + part.size),
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

  await Promise.all(Array.from({ length: Math.min(context.partConcurrency, entry.parts.length) }, worker));
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
    await context.api.completeUpload(grant.completeUrl, grant.uploadId, parts);
    return true;
  } catch (error) {
    context.fail(job, `The upload could not be finished: ${describe(error)}`, true);
    return false;
  }
}
