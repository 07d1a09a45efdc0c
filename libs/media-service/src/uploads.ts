import {
  ConflictError,
  createEvent,
  fitsQuota,
  LimitExceededError,
  type MediaItem,
  type MediaStatus,
  NotFoundError,
  originalKey,
  parseOrThrow,
  type ReceivedPart,
  sanitizeDisplayName,
  type UploadRequest,
  UploadRequestSchema,
  ValidationError,
} from '@mediaflow/domain';
import type { CoreDeps, ServiceDeps } from './context.js';
import { ResumeWindowOverError } from './errors.js';
import { abortStoreUpload } from './multipart.js';
import { getMedia } from './queries.js';
import { restoreForReupload } from './trash.js';

/** How many part URLs the start of a multipart upload hands out; the client asks for the rest. */
export const FIRST_PART_URLS = 4;
/** The most part URLs one `POST /api/v1/uploads/{id}/parts` asks for. */
export const MAX_PART_URLS_PER_REQUEST = 100;

/** What starting and completing an upload needs: the core, and multipart uploads where the store has them. */
export type UploadDeps = CoreDeps & Pick<ServiceDeps, 'multipart'>;

export type StartUploadResult =
  | { id: string; duplicate: true }
  | {
      id: string;
      duplicate: false;
      upload:
        | { method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string }
        | {
            uploadId: string;
            partSize: number;
            partCount: number;
            /** URLs for the first parts only (at most {@link FIRST_PART_URLS}). */
            parts: { number: number; url: string }[];
            /** When those URLs lapse. */
            expiresAt: string;
            /** Until when the upload may be resumed (its start plus `uploadResumeWindowSeconds`). */
            resumableUntil: string;
          };
    };

/**
 * `POST /api/v1/uploads`: creates the item in `uploading` and hands out where to send the bytes.
 * The key comes from the generated id, never from the name. When the client sends a SHA-256 the
 * owner already has, nothing is created and the existing id comes back.
 */
/**
 * Refuses an upload that would take the owner past `storageQuotaBytes` (413, `limit_exceeded`,
 * with what is used and what is allowed). Uploads under way count at their declared size; the
 * check reads the usage before the item is created, so two uploads started at the same instant
 * may both pass (the store would have to check within its create to stop that).
 */
async function checkQuota(deps: UploadDeps, ownerId: string, size: number): Promise<void> {
  const quota = deps.config.storageQuotaBytes;
  if (quota === undefined || deps.repo.usage === undefined) return;
  const usage = await deps.repo.usage(ownerId);
  if (fitsQuota(usage, size, quota)) return;
  throw new LimitExceededError(`this upload of ${size} bytes would go past your storage quota: ${usage.bytes} of ${quota} bytes are used`, {
    details: { reason: 'storage_quota', quotaBytes: quota, usedBytes: usage.bytes, size },
  });
}

export async function startUpload(deps: UploadDeps, ownerId: string, body: unknown): Promise<StartUploadResult> {
  const request: UploadRequest = parseOrThrow(UploadRequestSchema, body, 'upload request');
  const { config } = deps;
  if (request.size > config.maxUploadBytes) {
    throw new LimitExceededError(`the file is ${request.size} bytes; the limit is ${config.maxUploadBytes}`, {
      details: { limit: config.maxUploadBytes, size: request.size },
    });
  }
  if (request.sha256 !== undefined) {
    const existing = await deps.repo.findByHash(ownerId, request.sha256);
    // The same file again while its copy is in the trash: the owner wants it back.
    if (existing?.status === 'trashed') await restoreForReupload(deps, ownerId, existing.id);
    if (existing) return { id: existing.id, duplicate: true };
  }
  await checkQuota(deps, ownerId, request.size);

  const id = deps.ids.next();
  const now = deps.clock.now().toISOString();
  const key = originalKey(ownerId, id);
  const multipart = request.size > config.multipartThresholdBytes ? deps.multipart : undefined;
  // The store's upload is created first, so the item is written once, already resumable.
  const plan = multipart === undefined ? undefined : await multipart.start(key, request.size, { partSize: config.multipartPartBytes });
  // The declared hash is only a hint until ingest computes the real one, so it is not claimed here.
  const item: MediaItem = {
    id,
    ownerId,
    kind: 'other',
    status: 'uploading',
    original: { key, size: request.size, mime: 'application/octet-stream', filename: sanitizeDisplayName(request.filename) },
    facts: {},
    renditions: [],
    tags: [],
    moderation: { verdict: 'pending', labels: [] },
    ...(plan === undefined ? {} : { upload: { multipartId: plan.uploadId, partSize: plan.partSize, partCount: plan.partCount } }),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  try {
    await deps.repo.create(item);
  } catch (error) {
    if (multipart !== undefined) await abortStoreUpload({ ...deps, multipart }, item);
    throw error;
  }

  await deps.bus.publish(
    createEvent('media.upload_started', {
      id: deps.ids.next(),
      occurredAt: now,
      ownerId,
      mediaId: id,
      data: { filename: item.original.filename, size: request.size, multipart: plan !== undefined },
    }),
  );

  if (multipart !== undefined && plan !== undefined) {
    const first = Array.from({ length: Math.min(plan.partCount, FIRST_PART_URLS) }, (_, i) => i + 1);
    const signed = await multipart.presignParts(key, plan.uploadId, { size: request.size, partSize: plan.partSize }, first, {
      expiresInSeconds: config.uploadPartUrlTtlSeconds,
    });
    return {
      id,
      duplicate: false,
      upload: {
        uploadId: plan.uploadId,
        partSize: plan.partSize,
        partCount: plan.partCount,
        parts: signed.parts,
        expiresAt: signed.expiresAt.toISOString(),
        resumableUntil: resumableUntil(deps, item),
      },
    };
  }
  const presigned = await deps.store.presignPut(key, {
    expiresInSeconds: config.uploadUrlTtlSeconds,
    contentLength: request.size,
    ...(request.sha256 === undefined ? {} : { sha256: request.sha256 }),
  });
  return {
    id,
    duplicate: false,
    upload: { method: 'PUT', url: presigned.url, headers: presigned.headers, expiresAt: presigned.expiresAt.toISOString() },
  };
}

/** Until when an upload that started at the item's creation may be resumed (ISO). */
function resumableUntil(deps: Pick<CoreDeps, 'config'>, item: MediaItem): string {
  return new Date(Date.parse(item.createdAt) + deps.config.uploadResumeWindowSeconds * 1000).toISOString();
}

/** Whether the item's resume window is over (the sweeper may then remove it, the bucket's rule its parts). */
function windowOver(deps: Pick<CoreDeps, 'config' | 'clock'>, item: MediaItem): boolean {
  return deps.clock.now().getTime() >= Date.parse(resumableUntil(deps, item));
}

/**
 * The owner's item, still `uploading` a multipart upload within its resume window: 404 for another
 * owner's, 409 otherwise (`resume_window_over` once the window is over).
 */
async function multipartUpload(deps: UploadDeps, ownerId: string, id: string) {
  const item = await getMedia(deps, ownerId, id);
  if (item.status !== 'uploading') throw new ConflictError(`this upload is over (the item is ${item.status}); it takes no more parts`);
  if (item.upload === undefined || deps.multipart === undefined) {
    throw new ConflictError('this upload is not a multipart upload: it has no parts to resume', { details: { reason: 'not_multipart' } });
  }
  if (windowOver(deps, item)) {
    const until = resumableUntil(deps, item);
    throw new ResumeWindowOverError(`this upload could be resumed until ${until}; start it again`, { details: { reason: 'resume_window_over', resumableUntil: until } });
  }
  return { item, upload: item.upload, multipart: deps.multipart };
}

/**
 * `POST /api/v1/uploads/{id}/parts`: fresh presigned URLs for parts of the owner's multipart
 * upload (1 to {@link MAX_PART_URLS_PER_REQUEST} distinct numbers in 1..partCount), valid for
 * `uploadPartUrlTtlSeconds`. `NotFoundError` for an item the owner does not have; `ConflictError`
 * when it is not `uploading` or has no multipart upload, `ResumeWindowOverError` (409,
 * `resume_window_over`) once its resume window is over; `ValidationError` for bad numbers.
 *
 * @example
 * const { parts, expiresAt } = await presignUploadParts(deps, 'alice', id, [5, 6, 7]);
 */
export async function presignUploadParts(
  deps: UploadDeps,
  ownerId: string,
  id: string,
  numbers: readonly number[],
): Promise<{ parts: { number: number; url: string }[]; expiresAt: string }> {
  const { item, upload, multipart } = await multipartUpload(deps, ownerId, id);
  const issues: { path: string; message: string }[] = [];
  if (numbers.length < 1 || numbers.length > MAX_PART_URLS_PER_REQUEST) issues.push({ path: 'numbers', message: `1 to ${MAX_PART_URLS_PER_REQUEST} part numbers` });
  if (new Set(numbers).size !== numbers.length) issues.push({ path: 'numbers', message: 'each part number once' });
  numbers.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1 || n > upload.partCount) issues.push({ path: `numbers.${i}`, message: `a part number from 1 to ${upload.partCount}` });
  });
  if (issues.length > 0) throw new ValidationError(`part numbers are 1 to ${MAX_PART_URLS_PER_REQUEST} distinct integers from 1 to ${upload.partCount}`, issues);
  const signed = await multipart.presignParts(item.original.key, upload.multipartId, { size: item.original.size, partSize: upload.partSize }, numbers, {
    expiresInSeconds: deps.config.uploadPartUrlTtlSeconds,
  });
  return { parts: signed.parts, expiresAt: signed.expiresAt.toISOString() };
}

/** What `GET /api/v1/uploads/{id}` answers. */
export interface UploadStatus {
  id: string;
  status: MediaStatus;
  size: number;
  filename: string;
  createdAt: string;
  /** Whether the client can send the missing parts and complete: `multipart` says which arrived. */
  resumable: boolean;
  multipart?: { uploadId: string; partSize: number; partCount: number; received: ReceivedPart[]; resumableUntil: string };
}

/**
 * `GET /api/v1/uploads/{id}`: where the owner's upload stands. `multipart` (and `resumable: true`)
 * only while the item is `uploading` a multipart upload, within its resume window, that the store still has (S3's ListParts; the
 * local store's part files); the parts listed there are those to leave out when resuming.
 * `NotFoundError` for an item the owner does not have.
 */
export async function uploadStatus(deps: UploadDeps, ownerId: string, id: string): Promise<UploadStatus> {
  const item = await getMedia(deps, ownerId, id);
  const base: UploadStatus = {
    id: item.id,
    status: item.status,
    size: item.original.size,
    filename: item.original.filename,
    createdAt: item.createdAt,
    resumable: false,
  };
  if (item.status !== 'uploading' || item.upload === undefined || deps.multipart === undefined) return base;
  // Past its window no part URL is handed out, and the sweeper may remove the item any time.
  if (windowOver(deps, item)) return base;
  let received: ReceivedPart[];
  try {
    received = await deps.multipart.listParts(item.original.key, item.upload.multipartId);
  } catch (error) {
    // Completed, aborted, or expired by the bucket's rule: nothing left to resume.
    if (error instanceof NotFoundError) return base;
    throw error;
  }
  const { multipartId, partSize, partCount } = item.upload;
  return {
    ...base,
    resumable: true,
    multipart: { uploadId: multipartId, partSize, partCount, received, resumableUntil: resumableUntil(deps, item) },
  };
}

/**
 * `POST /api/v1/uploads/{id}/complete`: finishes the owner's multipart upload after the client sent
 * every part. The upload id must be the item's and the parts exactly 1..partCount in order (the
 * store would otherwise assemble an object of the parts listed only, and ingest take it truncated).
 * `NotFoundError` for an item the owner does not have; `ConflictError` when it is not `uploading`;
 * `ValidationError` for another upload id or a wrong list of parts. Ingest follows the object event.
 */
export async function completeMultipartUpload(
  deps: UploadDeps,
  ownerId: string,
  id: string,
  uploadId: string,
  parts: { number: number; etag: string }[],
): Promise<void> {
  const item = await getMedia(deps, ownerId, id);
  if (item.status !== 'uploading') throw new ConflictError(`this upload is over (the item is ${item.status}); it is not waiting for parts`);
  if (!deps.multipart) throw new ConflictError('multipart uploads are not enabled');
  const { upload } = item;
  if (upload !== undefined) {
    if (uploadId !== upload.multipartId) {
      throw new ValidationError('this is not the upload id of this item: complete with the uploadId its start answered', [
        { path: 'uploadId', message: 'not this item\u2019s upload' },
      ]);
    }
    if (parts.length !== upload.partCount || parts.some((p, i) => p.number !== i + 1)) {
      throw new ValidationError(`complete needs every part, numbered 1 to ${upload.partCount} in order; ${parts.length} were sent`, [
        { path: 'parts', message: `parts 1 to ${upload.partCount}, in order` },
      ]);
    }
  }
  await deps.multipart.complete(item.original.key, uploadId, parts);
}
