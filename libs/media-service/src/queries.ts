import {
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
