import type { SqliteQueue } from './queue.js';

/**
 * Moves up to `max` (default: all) messages that are not in flight from a dead-letter queue back
 * to a work queue, oldest first, in one transaction: what `mediaflow dlq redrive` does. Both queues
 * must come from the same broker. Moved messages start again at receive count 0 and are visible
 * at once. Returns how many moved.
 *
 * @example
 * const moved = await redrive(broker.queue('image-dlq'), broker.queue('image'), 100);
 */
export async function redrive(fromDeadLetter: SqliteQueue, toQueue: SqliteQueue, max?: number): Promise<number> {
  return fromDeadLetter.redriveTo(toQueue, max);
}
