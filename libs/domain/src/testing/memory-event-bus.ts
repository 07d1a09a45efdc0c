import { eventAttributes, type DomainEvent } from '../events.js';
import type { EventBus, MessageQueue } from '../ports.js';
import { matchesPolicy, type FilterPolicy } from '../routing.js';

/** Records published events and fans them out to subscribed queues by filter policy. */
export class InMemoryEventBus implements EventBus {
  readonly published: DomainEvent[] = [];
  private readonly subscriptions: { queue: MessageQueue; policy: FilterPolicy }[] = [];

  subscribe(queue: MessageQueue, policy: FilterPolicy = {}): void {
    this.subscriptions.push({ queue, policy });
  }

  async publish(event: DomainEvent): Promise<void> {
    this.published.push(event);
    const attributes = eventAttributes(event);
    for (const { queue, policy } of this.subscriptions) {
      if (matchesPolicy(attributes, policy)) await queue.send(JSON.stringify(event), { attributes });
    }
  }
}
