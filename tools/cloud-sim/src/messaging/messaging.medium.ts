import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_ACCOUNT, type Authorization, type AwsRequest, type ServiceHandler } from '../types.js';
import { createMessaging, type Messaging } from './index.js';
import { md5Hex } from './sqs-messages.js';
import { queueSpec, recordingLog, ScriptedInvoker, subscriptionSpec, topicSpec } from './testing.js';

const topic = topicSpec('events');
const imageDlq = queueSpec('image-dlq');
const image = queueSpec('image', { redrive: { deadLetterTargetArn: imageDlq.arn, maxReceiveCount: 3 } });
const video = queueSpec('video');

/**
 * A stand-in for the gateway: no signature check, every call made by one role, and a switch that
 * refuses everything, so the SDK's reading of a refusal is tested too.
 */
function gateway(handlers: Record<string, ServiceHandler>) {
  const seen: Authorization[][] = [];
  const state = { deny: false };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await read(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      const url = new URL(req.url ?? '/', 'http://localhost');
      const service = headers['x-amz-target']?.startsWith('AmazonSQS.') ? 'sqs' : 'sns';
      const request: AwsRequest = {
        service,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
        principal: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/api', sessionName: 'api', accessKeyId: 'ASIATEST' },
      };
      const handler = handlers[service] as ServiceHandler;
      seen.push(await handler.authorizations(request));
      const response = state.deny ? handler.denied(request, 'User is not authorized') : await handler.handle(request);
      res.writeHead(response.status, response.headers ?? {});
      res.end(response.body ?? '');
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  return { server, seen, state };
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('messaging behind HTTP, with the real SNS client', () => {
  let messaging: Messaging;
  let server: Server;
  let seen: Authorization[][];
  let state: { deny: boolean };
  let endpoint: string;
  let sns: SNSClient;

  beforeEach(async () => {
    messaging = createMessaging({
      queues: [image, imageDlq, video],
      topics: [topic],
      subscriptions: [
        subscriptionSpec(topic, image, { filterPolicy: { type: ['media.uploaded'], kind: ['image'] } }),
        subscriptionSpec(topic, video, { filterPolicy: { type: ['media.uploaded'], kind: ['video'] } }),
      ],
      rules: [],
      mappings: [],
      invoker: new ScriptedInvoker(),
      authorizeDelivery: () => true,
      account: DEFAULT_ACCOUNT,
      log: recordingLog(),
    });
    ({ server, seen, state } = gateway({ sqs: messaging.sqs, sns: messaging.sns }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sns = new SNSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'ASIATEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  });

  afterEach(async () => {
    sns.destroy();
    await messaging.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  async function sqs(operation: string, input: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown>; queryError: string | null }> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': `AmazonSQS.${operation}`, 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify(input),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown>, queryError: response.headers.get('x-amzn-query-error') };
  }

  it('routes a Publish by its attributes to the image queue, raw, for the queue to hand out', async () => {
    const event = JSON.stringify({ id: '01JQ0000000000000000000001', type: 'media.uploaded', data: { kind: 'image' } });
    const published = await sns.send(
      new PublishCommand({
        TopicArn: topic.arn,
        Message: event,
        MessageAttributes: { type: { DataType: 'String', StringValue: 'media.uploaded' }, kind: { DataType: 'String', StringValue: 'image' } },
      }),
    );
    expect(published.MessageId).toEqual(expect.any(String));
    expect(seen[0]).toEqual([{ action: 'sns:Publish', resource: topic.arn }]);

    const received = await sqs('ReceiveMessage', { QueueUrl: image.url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] });
    const messages = received.json['Messages'] as Array<Record<string, unknown>>;
    expect(messages).toEqual([
      expect.objectContaining({
        Body: event,
        MD5OfBody: md5Hex(event),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'media.uploaded' }, kind: { DataType: 'String', StringValue: 'image' } },
        Attributes: expect.objectContaining({ ApproximateReceiveCount: '1', SenderId: 'AIDAIT2UOQQY3AUEKVGXU' }),
      }),
    ]);
    expect(seen[1]).toEqual([{ action: 'sqs:ReceiveMessage', resource: image.arn }]);
    expect(messaging.queues.depth(video.arn).visible).toBe(0);

    const deleted = await sqs('DeleteMessage', { QueueUrl: image.url, ReceiptHandle: messages[0]?.['ReceiptHandle'] });
    expect(deleted.status).toBe(200);
    expect(messaging.queues.depth(image.arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('publishes a batch through the SDK and reads each entry\u2019s result', async () => {
    const attributes = (kind: string) => ({ type: { DataType: 'String', StringValue: 'media.uploaded' }, kind: { DataType: 'String', StringValue: kind } });
    const result = await sns.send(
      new PublishBatchCommand({
        TopicArn: topic.arn,
        PublishBatchRequestEntries: [
          { Id: 'image', Message: 'i', MessageAttributes: attributes('image') },
          { Id: 'video', Message: 'v', MessageAttributes: attributes('video') },
        ],
      }),
    );
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['image', 'video']);
    expect(result.Failed ?? []).toEqual([]);
    expect(messaging.queues.peek(image.arn).map((m) => m.body)).toEqual(['i']);
    expect(messaging.queues.peek(video.arn).map((m) => m.body)).toEqual(['v']);
  });

  it('gives the SDK errors it recognises: NotFound, AuthorizationError, and SQS\u2019s query error codes', async () => {
    await expect(sns.send(new PublishCommand({ TopicArn: `${topic.arn}-missing`, Message: 'x' }))).rejects.toMatchObject({ name: 'NotFoundException' });
    state.deny = true;
    await expect(sns.send(new PublishCommand({ TopicArn: topic.arn, Message: 'x' }))).rejects.toMatchObject({ name: 'AuthorizationErrorException', $metadata: { httpStatusCode: 403 } });
    const deniedSqs = await sqs('SendMessage', { QueueUrl: image.url, MessageBody: 'x' });
    expect(deniedSqs).toMatchObject({ status: 403, queryError: 'AccessDenied;Sender' });
    state.deny = false;
    const missing = await sqs('GetQueueUrl', { QueueName: 'nope' });
    expect(missing).toMatchObject({ status: 400, queryError: 'AWS.SimpleQueueService.NonExistentQueue;Sender', json: { __type: 'com.amazonaws.sqs#QueueDoesNotExist' } });
  });
});
