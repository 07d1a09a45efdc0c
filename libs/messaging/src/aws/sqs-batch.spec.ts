import type { ReceivedMessage } from '@mediaflow/domain';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsBatchHandler } from './sqs-batch.js';
import { toReceivedMessage } from './sqs-records.js';

function record(messageId: string, body: string, overrides: Partial<SQSRecord> = {}): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '2',
      SentTimestamp: '1780000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1780000000100',
    },
    messageAttributes: { kind: { stringValue: 'image', dataType: 'String', stringListValues: [], binaryListValues: [] } },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:image',
    awsRegion: 'eu-west-1',
    ...overrides,
  };
}

const context = { functionName: 'image', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

describe('toReceivedMessage', () => {
  it('maps ids, attributes, receive count and send time', () => {
    expect(toReceivedMessage(record('m1', '{"id":"e1"}'))).toEqual({
      id: 'm1',
      body: '{"id":"e1"}',
      attributes: { kind: 'image' },
      receiptHandle: 'rh-m1',
      receiveCount: 2,
      sentAt: new Date(1780000000000),
    });
  });

  it('unwraps an SNS envelope (raw delivery off) with its attributes', () => {
    const envelope = JSON.stringify({ Type: 'Notification', Message: '{"id":"e2"}', MessageAttributes: { type: { Type: 'String', Value: 'media.uploaded' } } });
    const message = toReceivedMessage(record('m2', envelope, { messageAttributes: {} }));
    expect(message.body).toBe('{"id":"e2"}');
    expect(message.attributes).toEqual({ type: 'media.uploaded' });
  });

  it('keeps a body that only looks like JSON as it is', () => {
    expect(toReceivedMessage(record('m3', '{not json')).body).toBe('{not json');
    expect(toReceivedMessage(record('m4', '{"Type":"Other","Message":"x"}')).body).toBe('{"Type":"Other","Message":"x"}');
  });
});

describe('sqsBatchHandler', () => {
  it('reports only the poison record of a batch, after running every record', async () => {
    const seen: string[] = [];
    const handler = sqsBatchHandler(async (message: ReceivedMessage) => {
      seen.push(message.id);
      if (message.body === 'poison') throw new Error('cannot parse');
    });
    const event: SQSEvent = { Records: [record('a', '{"ok":1}'), record('b', 'poison'), record('c', '{"ok":2}')] };
    await expect(handler(event, context)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
  });

  it('reports nothing when every record succeeds', async () => {
    const handler = sqsBatchHandler(async () => undefined);
    await expect(handler({ Records: [record('a', '{}'), record('b', '{}')] }, context)).resolves.toEqual({ batchItemFailures: [] });
  });
});
