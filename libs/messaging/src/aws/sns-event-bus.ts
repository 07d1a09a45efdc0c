import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { eventAttributes, type DomainEvent, type EventBus } from '@mediaflow/domain';
import { correlated } from '../correlation.js';

export interface SnsEventBusOptions {
  client: SNSClient;
  topicArn: string;
}

/** SNS message attributes from the event's routing attributes (`type`, `kind`), all strings. */
export function snsAttributes(event: DomainEvent): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(eventAttributes(event))) out[name] = { DataType: 'String', StringValue: value };
  return out;
}

/**
 * The cloud EventBus: one SNS topic. Subscription filter policies on `type` and `kind` fan events
 * out to the per-kind SQS queues, exactly as the local bus's policies do. Throttling and transient
 * errors are retried by the SDK client (configure `maxAttempts` on it); what still fails is thrown,
 * so the caller's message returns to its queue. An event without a `correlationId` gets the one of
 * the work publishing it, as on the local bus.
 */
export class SnsEventBus implements EventBus {
  constructor(private readonly options: SnsEventBusOptions) {}

  async publish(published: DomainEvent): Promise<void> {
    const event = correlated(published);
    await this.options.client.send(
      new PublishCommand({ TopicArn: this.options.topicArn, Message: JSON.stringify(event), MessageAttributes: snsAttributes(event) }),
    );
  }
}
