import { createEvent, type MediaItem } from '@mediaflow/domain';
import type { ServiceDeps } from '@mediaflow/media-service';
import type { SqliteQueue } from '@mediaflow/messaging/sqlite';

const PAGE = 1000;

/** `owner/id` of every item some message of these queues (waiting, delayed or in flight) is about. */
async function itemsWithMessages(queues: readonly SqliteQueue[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const queue of queues) {
    let afterId: string | undefined;
    for (;;) {
      const page = await queue.list(afterId === undefined ? { limit: PAGE } : { limit: PAGE, afterId });
      for (const message of page) {
        try {
          const { ownerId, mediaId } = JSON.parse(message.body) as { ownerId?: unknown; mediaId?: unknown };
          if (typeof ownerId === 'string' && typeof mediaId === 'string') found.add(`${ownerId}/${mediaId}`);
        } catch {
          // Not an event: says nothing about any item.
        }
      }
      if (page.length < PAGE) break;
      afterId = page[page.length - 1]?.id;
    }
  }
  return found;
}

/**
 * Publishes `media.uploaded` again for items that ingest recorded as `uploaded` but whose event is
 * in none of the queues that carry it: the process died between the two writes (the item and the
 * queue are two databases, no transaction spans both), and ingest, rightly, treats a redelivery of
 * its message as done. Nothing would ever process such an item.
 *
 * Reading the queues makes this exact where a timeout could only guess: an item whose event waits
 * in a backlog, is being worked on, or sits in a dead-letter queue is left alone. The queues are
 * read before the items, so an event consumed meanwhile has moved its item past `uploaded`. Run
 * at start-up, before this process's workers take messages. Returns how many were announced.
 */
export async function reannounceStrandedUploads(deps: Pick<ServiceDeps, 'repo' | 'bus' | 'ids' | 'clock'>, queues: readonly SqliteQueue[], limit = 10_000): Promise<number> {
  if (!deps.repo.listStale) return 0;
  const announced = await itemsWithMessages(queues);
  let count = 0;
  for (const listed of await deps.repo.listStale('uploaded', deps.clock.now(), limit)) {
    if (announced.has(`${listed.ownerId}/${listed.id}`)) continue;
    const item: MediaItem | undefined = await deps.repo.get(listed.ownerId, listed.id);
    const sha256 = item?.original.sha256;
    if (item?.status !== 'uploaded' || sha256 === undefined) continue;
    await deps.bus.publish(
      createEvent('media.uploaded', {
        id: deps.ids.next(),
        occurredAt: deps.clock.now(),
        ownerId: item.ownerId,
        mediaId: item.id,
        data: { kind: item.kind, mime: item.original.mime, size: item.original.size, sha256, key: item.original.key },
      }),
    );
    count += 1;
  }
  return count;
}
