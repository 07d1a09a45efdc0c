import { ConflictError, type MediaItem } from '@mediaflow/domain';
import type { CoreDeps } from './context.js';
import { getMedia } from './queries.js';

const MAX_ATTEMPTS = 3;

/**
 * Runs a read-modify-write of one item with the repository's conditional update, retrying when
 * another writer (a worker finishing, say) got there first. `change` sees the fresh item each time
 * and may throw to refuse (the item is no longer in a state the change applies to).
 */
export async function updateItem(deps: CoreDeps, ownerId: string, id: string, change: (item: MediaItem) => MediaItem): Promise<MediaItem> {
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
