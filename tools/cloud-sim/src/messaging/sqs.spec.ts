import { DEFAULT_ACCOUNT, type AwsRequest, type AwsResponse } from '../types.js';
import { ManualClock } from './clock.js';
import { md5Hex } from './sqs-messages.js';
import { SqsQueues } from './sqs-queues.js';
import { createSqsHandler } from './sqs.js';
import { queueSpec } from './testing.js';

const dlq = queueSpec('ingest-dlq');
const ingest = queueSpec('ingest', { visibilityTimeoutSeconds: 150, redrive: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 } });

function call(operation: string, input: unknown): AwsRequest {
  return {
    service: 'sqs',
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'x-amz-target': `AmazonSQS.${operation}`, 'content-type': 'application/x-amz-json-1.0' },
    body: Buffer.from(JSON.stringify(input)),
    principal: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/api', sessionName: 'api', accessKeyId: 'ASIA' },
  };
}

function json(response: AwsResponse): Record<string, unknown> {
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

function setup() {
  const queues = new SqsQueues([ingest, dlq], { clock: new ManualClock() });
  return { queues, handler: createSqsHandler({ queues, account: DEFAULT_ACCOUNT }) };
}

describe('the sqs service handler (AWS JSON 1.0)', () => {
  it('names sqs:<Action> on the queue ARN, from the URL or the queue name', async () => {
    const { handler } = setup();
    expect(await handler.authorizations(call('SendMessage', { QueueUrl: ingest.url, MessageBody: 'x' }))).toEqual([{ action: 'sqs:SendMessage', resource: ingest.arn }]);
    expect(await handler.authorizations(call('DeleteMessageBatch', { QueueUrl: `http://127.0.0.1:4566/123456789012/ingest`, Entries: [] }))).toEqual([
      { action: 'sqs:DeleteMessage', resource: ingest.arn },
    ]);
    expect(await handler.authorizations(call('GetQueueUrl', { QueueName: 'nope' }))).toEqual([
      { action: 'sqs:GetQueueUrl', resource: 'arn:aws:sqs:us-east-1:123456789012:nope' },
    ]);
  });

  it('sends, receives with the requested attributes, and deletes', async () => {
    const { handler } = setup();
    const attributes = { kind: { DataType: 'String', StringValue: 'image' }, size: { DataType: 'Number', StringValue: '12' } };
    const sent = await handler.handle(call('SendMessage', { QueueUrl: ingest.url, MessageBody: 'body', MessageAttributes: attributes }));
    expect(sent.status).toBe(200);
    expect(sent.headers?.['content-type']).toBe('application/x-amz-json-1.0');
    expect(json(sent)).toMatchObject({ MessageId: expect.any(String), MD5OfMessageBody: md5Hex('body'), MD5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/) });

    const received = json(
      await handler.handle(call('ReceiveMessage', { QueueUrl: ingest.url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'], MessageAttributeNames: ['All'] })),
    );
    const [message] = received['Messages'] as Array<Record<string, unknown>>;
    expect(message).toMatchObject({ Body: 'body', MD5OfBody: md5Hex('body'), MessageAttributes: attributes, Attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.any(String) } });
    expect(Object.keys(message?.['Attributes'] as object)).toEqual(['ApproximateReceiveCount', 'SentTimestamp']);

    const deleted = await handler.handle(call('DeleteMessageBatch', { QueueUrl: ingest.url, Entries: [{ Id: 'a', ReceiptHandle: message?.['ReceiptHandle'] }] }));
    expect(json(deleted)).toEqual({ Successful: [{ Id: 'a' }], Failed: [] });
    expect(json(await handler.handle(call('GetQueueAttributes', { QueueUrl: ingest.url, AttributeNames: ['All'] })))).toMatchObject({
      Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', QueueArn: ingest.arn, VisibilityTimeout: '150', RedrivePolicy: JSON.stringify(ingest.redrive) },
    });
  });

  it('answers a missing queue as SQS does, with the query error header', async () => {
    const { handler } = setup();
    const response = await handler.handle(call('SendMessage', { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/missing', MessageBody: 'x' }));
    expect(response.status).toBe(400);
    expect(response.headers?.['x-amzn-query-error']).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(json(response)).toEqual({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
    const denied = handler.denied(call('SendMessage', {}), 'not allowed');
    expect(denied.status).toBe(403);
    expect(denied.headers?.['x-amzn-query-error']).toBe('AccessDenied;Sender');
  });

  it('reports per-entry failures of a batch and refuses malformed batches whole', async () => {
    const { handler } = setup();
    const batch = json(
      await handler.handle(call('SendMessageBatch', { QueueUrl: ingest.url, Entries: [{ Id: 'ok', MessageBody: 'a' }, { Id: 'bad', MessageBody: 'a\u0000b' }] })),
    );
    expect(batch['Successful']).toEqual([expect.objectContaining({ Id: 'ok', MD5OfMessageBody: md5Hex('a') })]);
    expect(batch['Failed']).toEqual([expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents' })]);
    const repeated = await handler.handle(call('SendMessageBatch', { QueueUrl: ingest.url, Entries: [{ Id: 'x', MessageBody: 'a' }, { Id: 'x', MessageBody: 'b' }] }));
    expect(repeated.headers?.['x-amzn-query-error']).toBe('AWS.SimpleQueueService.BatchEntryIdsNotDistinct;Sender');
    const empty = await handler.handle(call('DeleteMessageBatch', { QueueUrl: ingest.url, Entries: [] }));
    expect(empty.headers?.['x-amzn-query-error']).toBe('AWS.SimpleQueueService.EmptyBatchRequest;Sender');
  });

  it('resolves a queue name to its URL and refuses an invalid receipt handle', async () => {
    const { handler } = setup();
    expect(json(await handler.handle(call('GetQueueUrl', { QueueName: 'ingest' })))).toEqual({ QueueUrl: ingest.url });
    const bad = await handler.handle(call('DeleteMessage', { QueueUrl: ingest.url, ReceiptHandle: 'garbage!' }));
    expect(bad.headers?.['x-amzn-query-error']).toBe('ReceiptHandleIsInvalid;Sender');
  });
});
