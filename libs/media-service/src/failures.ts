import {
  applyAction,
  canTransition,
  ConflictError,
  createEvent,
  type Failure,
  type MediaItem,
} from '@mediaflow/domain';
import type { ServiceDeps } from './context.js';

/**
 * Marks an item failed with a reason and publishes `media.failed`. Returns the failed item, or
 * `undefined` when the item had moved on meanwhile (a concurrent writer won; nothing to do).
 */
export async function failItem(deps: ServiceDeps, item: MediaItem, failure: Failure): Promise<MediaItem | undefined> {
  if (!canTransition(item.status, 'processing.failed')) return undefined;
  const failed = applyAction(item, 'processing.failed', deps.clock.now(), { failure });
  try {
    await deps.repo.update(failed, item.version);
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    throw error;
  }
  await deps.bus.publish(
    createEvent('media.failed', {
      id: deps.ids.next(),
      occurredAt: deps.clock.now(),
      ownerId: item.ownerId,
      mediaId: item.id,
      data: { kind: item.kind, failure },
    }),
  );
  return failed;
}

/**
 * Marks an item failed by id (used when a message is about to be dead-lettered), re-reading it
 * first. Does nothing when the item is gone or already settled.
 */
export async function failById(deps: ServiceDeps, ownerId: string, id: string, failure: Failure): Promise<MediaItem | undefined> {
  const item = await deps.repo.get(ownerId, id);
  return item ? failItem(deps, item, failure) : undefined;
}
