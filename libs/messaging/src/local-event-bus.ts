import { eventAttributes, type DomainEvent, type EventBus, type MessageQueue } from '@mediaflow/domain';
import { correlated } from './correlation.js';
import { matchesPolicy, type FilterPolicy } from './filter-policy.js';
import { isGroupedQueue, type AtomicSendGroup, type GroupSend } from './types.js';

/** A queue subscribed to the bus, receiving the events its policy matches. */
export interface Subscription {
  queue: MessageQueue;
  /** SNS-style filter over `eventAttributes(event)` (`type`, `kind`); omitted = every event. */
  policy?: FilterPolicy;
}

/**
 * The local stand-in for the SNS topic: fans each event out to the subscribed queues whose filter
 * policy matches its attributes, with the event as JSON body and its attributes as message
 * attributes (as SNS raw message delivery with attributes does).
 *
 * Queues that share an {@link AtomicSendGroup} (the queues of one SQLite broker) get the event in
 * one transaction, so it is never delivered to some of them and not to others. Other queues get
 * sends one by one; if one fails, `publish` rejects and the caller publishes again, and queues that
 * already had the event get it twice. That is the at-least-once contract every consumer already
 * handles by de-duplicating on the event id. A queue gets an event once even when several of its
 * subscriptions match. An event without a `correlationId` gets the one of the work publishing it
 * (`withCorrelationId`: the request, or the job whose message caused it).
 *
 * @example
 * const bus = new LocalEventBus([
 *   { queue: broker.queue('image'), policy: { type: ['media.uploaded'], kind: ['image'] } },
 *   { queue: broker.queue('tagging'), policy: { type: ['media.processed'] } },
 * ]);
 */
export class LocalEventBus implements EventBus {
  private readonly subscriptions: readonly Subscription[];

  constructor(subscriptions: readonly Subscription[]) {
    this.subscriptions = subscriptions.map((s) => ({ ...s }));
  }

  async publish(published: DomainEvent): Promise<void> {
    const event = correlated(published);
    const attributes = eventAttributes(event);
    const body = JSON.stringify(event);
    const targets = new Set<MessageQueue>();
    for (const { queue, policy } of this.subscriptions) {
      if (matchesPolicy(attributes, policy ?? {})) targets.add(queue);
    }
    const grouped = new Map<AtomicSendGroup, GroupSend[]>();
    const single: MessageQueue[] = [];
    for (const queue of targets) {
      if (isGroupedQueue(queue)) {
        const sends = grouped.get(queue.sendGroup) ?? [];
        sends.push({ queue, body, options: { attributes } });
        grouped.set(queue.sendGroup, sends);
      } else {
        single.push(queue);
      }
    }
    for (const [group, sends] of grouped) await group.sendAtomically(sends);
    for (const queue of single) await queue.send(body, { attributes });
  }
}
