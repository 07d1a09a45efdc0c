import { applyAction, ConflictError, createEvent, renditionPrefix, type ItemChanges, type MediaItem } from '@mediaflow/domain';
import type { CoreDeps } from '../context.js';

export type ProcessOutcome = { outcome: 'ready' | 'failed'; item: MediaItem } | { outcome: 'ignored'; reason: string };

/** What a step returns when its item is not there to work on (settled, gone, or begun by a twin delivery). */
export const NOTHING_TO_DO: ProcessOutcome = Object.freeze({ outcome: 'ignored', reason: 'item is settled or gone' });

/**
 * Moves an item into `processing` unless a previous attempt already did (that attempt died; this
 * one takes over). Returns `undefined` when the item is settled or gone, or when another delivery
 * of the same event began it at the same moment: duplicate deliveries.
 */
export async function begin(deps: CoreDeps, ownerId: string, id: string): Promise<MediaItem | undefined> {
  const item = await deps.repo.get(ownerId, id);
  if (!item) return undefined;
  if (item.status === 'processing') return item;
  let next: MediaItem;
  if (item.status === 'failed' && item.failure?.code === 'dead_lettered') {
    // A redriven dead letter (`mediaflow dlq redrive`): the step ran out of retries on something
    // outside the content (since fixed), so it gets another go. Content failures stay failed.
    const { failure: _lastFailure, ...rest } = item;
    next = applyAction(rest, 'reprocess.requested', deps.clock.now(), { progress: 0 });
  } else if (item.status === 'uploaded') {
    next = applyAction(item, 'processing.started', deps.clock.now(), { progress: 0 });
  } else {
    return undefined;
  }
  try {
    return await deps.repo.update(next, item.version);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // Two deliveries of one event, side by side: the other began first and its message stays with
    // the job (to take over if it dies), so this one has nothing to do. Any other change (a title
    // edited at that moment) is thrown, and the queue tries again.
    const current = await deps.repo.get(ownerId, id);
    if (current?.status === 'processing') return undefined;
    throw error;
  }
}

/** `processing -> ready` with the step's changes, then `media.processed` for tagging. */
export async function finish(deps: CoreDeps, item: MediaItem, changes: ItemChanges): Promise<MediaItem> {
  const ready = applyAction(item, 'processing.succeeded', deps.clock.now(), changes);
  await deps.repo.update(ready, item.version);
  await deps.bus.publish(
    createEvent('media.processed', {
      id: deps.ids.next(),
      occurredAt: deps.clock.now(),
      ownerId: item.ownerId,
      mediaId: item.id,
      data: { kind: item.kind, renditions: ready.renditions },
    }),
  );
  return ready;
}

/**
 * Ends a long job: re-reads the item (its progress and the owner's edits moved its version on
 * meanwhile) and moves that version to `ready`. An item deleted or settled meanwhile is left alone.
 */
export async function finishLatest(deps: CoreDeps, item: MediaItem, changes: (current: MediaItem) => ItemChanges): Promise<ProcessOutcome> {
  const current = await deps.repo.get(item.ownerId, item.id);
  if (!current || current.status !== 'processing') {
    await deps.store.deleteByPrefix(renditionPrefix(item.ownerId, item.id));
    return { outcome: 'ignored', reason: 'item moved on' };
  }
  return { outcome: 'ready', item: await finish(deps, current, changes(current)) };
}
