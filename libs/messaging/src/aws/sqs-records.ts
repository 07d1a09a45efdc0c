import type { MessageAttributes, ReceivedMessage } from '@mediaflow/domain';
import type { SQSRecord } from 'aws-lambda';

interface SnsEnvelope {
  Type: 'Notification';
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

function snsEnvelope(body: string): SnsEnvelope | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(body) as Partial<SnsEnvelope>;
    return value.Type === 'Notification' && typeof value.Message === 'string' ? (value as SnsEnvelope) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An SQS record as the port's `ReceivedMessage`. Subscriptions use raw message delivery, so the
 * body is the event itself; a body still wrapped in an SNS envelope (raw delivery off) is
 * unwrapped, with its attributes, so handlers see the same message either way.
 */
export function toReceivedMessage(record: SQSRecord): ReceivedMessage {
  const attributes: MessageAttributes = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[name] = value.stringValue;
  }
  let body = record.body;
  const envelope = snsEnvelope(body);
  if (envelope !== undefined) {
    body = envelope.Message;
    for (const [name, value] of Object.entries(envelope.MessageAttributes ?? {})) {
      if (value.Type === 'String') attributes[name] = value.Value;
    }
  }
  const receiveCount = Number(record.attributes.ApproximateReceiveCount);
  const sentAt = Number(record.attributes.SentTimestamp);
  return {
    id: record.messageId,
    body,
    attributes,
    receiptHandle: record.receiptHandle,
    receiveCount: Number.isInteger(receiveCount) && receiveCount > 0 ? receiveCount : 1,
    sentAt: new Date(Number.isFinite(sentAt) ? sentAt : 0),
  };
}
