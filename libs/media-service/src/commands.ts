import {
  applyAction,
  ConflictError,
  createEvent,
  type ItemRevision,
  type MediaItem,
  MediaUpdateSchema,
  NotFoundError,
  parseOrThrow,
  renditionPrefix,
  reviseItem,
  type Tag,
} from '@mediaflow/domain';
import type { CoreDeps } from './context.js';
import { invalidateEdgeCopies } from './edge.js';
import { getMedia } from './queries.js';

const MAX_ATTEMPTS = 3;

/**
 * Runs a read-modify-write with the repository's conditional update, retrying when another writer
 * (a worker finishing, say) got there first.
 */
async function withRetry(deps: CoreDeps, ownerId: string, id: string, change: (item: MediaItem) => MediaItem): Promise<MediaItem> {
  for (let attempt = 1; ; attempt += 1) {
    const item = await getMedia(deps, ownerId, id);
    const next = change(item);
    try {
      return await deps.repo.update(next, item.version);
    } catch (error) {
      if (!(error instanceof ConflictError) || error.code !== 'conflict' || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * `PATCH /api/v1/media/{id}`: the title and the owner's own tags. AI and metadata tags are kept
 * apart and untouched; `tags` replaces the user's tags as a whole.
 */
export async function updateMedia(deps: CoreDeps, ownerId: string, id: string, body: unknown): Promise<MediaItem> {
  const update = parseOrThrow(MediaUpdateSchema, body, 'update');
  return withRetry(deps, ownerId, id, (item) => {
    const changes: ItemRevision = {};
    if (update.title !== undefined) {
      const title = update.title?.trim() ?? '';
      // An empty title clears it.
      changes.title = title === '' ? undefined : title;
    }
    if (update.tags !== undefined) {
      const userTags: Tag[] = update.tags.map((name) => ({ name, confidence: 1, source: 'user' }));
      changes.tags = [...item.tags.filter((t) => t.source !== 'user'), ...userTags];
    }
    return reviseItem(item, deps.clock.now(), changes);
  });
}

/** Releases an item held by moderation (the owner reviewed it). */
export async function releaseMedia(deps: CoreDeps, ownerId: string, id: string): Promise<MediaItem> {
  return withRetry(deps, ownerId, id, (item) =>
    applyAction(item, 'moderation.released', deps.clock.now(), {
      moderation: { ...item.moderation, verdict: 'released', reviewedAt: deps.clock.now().toISOString() },
    }),
  );
}

/**
 * `DELETE /api/v1/media/{id}`: the original, every rendition and every index entry. The item is
 * marked `deleted` first so that a worker racing with the delete cannot resurrect it, then the
 * bytes go, then the edge cache's copies (best effort), then the record. Running it again finishes
 * a delete that was interrupted.
 */
export async function deleteMedia(deps: CoreDeps, ownerId: string, id: string): Promise<void> {
  const existing = await deps.repo.get(ownerId, id);
  if (!existing) throw new NotFoundError('no such media item');
  let item = existing;
  if (item.status !== 'deleted') {
    item = await withRetry(deps, ownerId, id, (current) => applyAction(current, 'deleted', deps.clock.now()));
  }
  await deps.store.delete(item.original.key);
  await deps.store.deleteByPrefix(renditionPrefix(ownerId, id));
  // Before the record goes: a crash here leaves the item `deleted`, and the sweeper's completion
  // of the delete asks again, where one after the record went would leave the copies served.
  await invalidateEdgeCopies(deps, ownerId, id, 'deleted');
  await deps.repo.delete(ownerId, id);
  await deps.bus.publish(
    createEvent('media.deleted', {
      id: deps.ids.next(),
      occurredAt: deps.clock.now(),
      ownerId,
      mediaId: id,
      data: { kind: item.kind },
    }),
  );
}
