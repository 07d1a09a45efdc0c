import {
  ConflictError,
  ListQuerySchema,
  type MediaItem,
  NotFoundError,
  type Page,
  parseOrThrow,
  type TagCount,
} from '@mediaflow/domain';
import type { CoreDeps } from './context.js';

/** One item of the owner; another owner's item is "not found", never "forbidden". */
export async function getMedia(deps: CoreDeps, ownerId: string, id: string): Promise<MediaItem> {
  const item = await deps.repo.get(ownerId, id);
  if (!item || item.status === 'deleted') throw new NotFoundError('no such media item');
  return item;
}

/** `GET /api/v1/media?kind=&status=&tag=&cursor=&limit=`, newest first. */
export async function listMedia(deps: CoreDeps, ownerId: string, query: unknown): Promise<Page<MediaItem>> {
  return deps.repo.list(ownerId, parseOrThrow(ListQuerySchema, query, 'query'));
}

/** `GET /api/v1/tags` */
export async function listTags(deps: CoreDeps, ownerId: string): Promise<TagCount[]> {
  return deps.repo.tagCounts(ownerId);
}

/** Where an original can be downloaded from, and until when. */
export interface OriginalDownload {
  /** A short-lived presigned GET that serves the original as an attachment under its file name. */
  url: string;
  expiresAt: Date;
}

/**
 * `GET /api/v1/media/{id}/original`: a short-lived link to the original, served as an attachment
 * (never rendered by the browser, whatever it holds) under the name it was uploaded with. The
 * link is the object store's own (S3 presigned, or the local store's signed URL), so the bytes do
 * not pass through the API; it lives `downloadUrlTtlSeconds`.
 *
 * @throws NotFoundError for another owner's item or a deleted one; ConflictError while the
 *   original has not arrived yet.
 */
export async function originalDownload(deps: CoreDeps, ownerId: string, id: string): Promise<OriginalDownload> {
  const item = await getMedia(deps, ownerId, id);
  if (item.status === 'uploading') throw new ConflictError('the original has not been uploaded yet');
  const grant = await deps.store.presignGet(item.original.key, {
    expiresInSeconds: deps.config.downloadUrlTtlSeconds,
    downloadFilename: item.original.filename,
  });
  return { url: grant.url, expiresAt: grant.expiresAt };
}
