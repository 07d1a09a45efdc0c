import {
  ConflictError,
  createEvent,
  fitsQuota,
  LimitExceededError,
  type MediaItem,
  originalKey,
  parseOrThrow,
  sanitizeDisplayName,
  type UploadRequest,
  UploadRequestSchema,
} from '@mediaflow/domain';
import type { CoreDeps, ServiceDeps } from './context.js';
import { restoreForReupload } from './trash.js';

/** What starting and completing an upload needs: the core, and multipart uploads where the store has them. */
export type UploadDeps = CoreDeps & Pick<ServiceDeps, 'multipart'>;

export type StartUploadResult =
  | { id: string; duplicate: true }
  | {
      id: string;
      duplicate: false;
      upload:
        | { method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string }
        | { partSize: number; parts: { number: number; url: string }[]; uploadId: string; expiresAt: string };
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
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await deps.repo.create(item);

  const multipart = request.size > config.multipartThresholdBytes && deps.multipart !== undefined;
  await deps.bus.publish(
    createEvent('media.upload_started', {
      id: deps.ids.next(),
      occurredAt: now,
      ownerId,
      mediaId: id,
      data: { filename: item.original.filename, size: request.size, multipart },
    }),
  );

  if (multipart && deps.multipart) {
    const plan = await deps.multipart.start(key, request.size, {
      partSize: config.multipartPartBytes,
      expiresInSeconds: config.uploadUrlTtlSeconds,
    });
    return {
      id,
      duplicate: false,
      upload: { partSize: plan.partSize, parts: plan.parts, uploadId: plan.uploadId, expiresAt: plan.expiresAt.toISOString() },
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

/** Finishes a multipart upload after the client sent every part. Ingest follows the object event. */
export async function completeMultipartUpload(
  deps: UploadDeps,
  ownerId: string,
  id: string,
  uploadId: string,
  parts: { number: number; etag: string }[],
): Promise<void> {
  const item = await deps.repo.get(ownerId, id);
  if (!item || item.status !== 'uploading') throw new ConflictError('this upload is not waiting for parts');
  if (!deps.multipart) throw new ConflictError('multipart uploads are not enabled');
  await deps.multipart.complete(item.original.key, uploadId, parts);
}
