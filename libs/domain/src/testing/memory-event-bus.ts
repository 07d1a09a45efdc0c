import { eventAttributes, type DomainEvent } from '../events.js';
import type { EventBus, MessageQueue } from '../ports.js';

/**
 * A subscription filter in the style of SNS filter policies: every listed attribute must have one
 * of the listed values. An empty policy matches everything.
 */
export type FilterPolicy = Record<string, readonly string[]>;

export function matchesPolicy(attributes: Record<string, string>, policy: FilterPolicy): boolean {
  return Object.entries(policy).every(([name, allowed]) => {
    const value = attributes[name];
    return value !== undefined && allowed.includes(value);
  });
}

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
