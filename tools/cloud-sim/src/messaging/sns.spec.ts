import { DEFAULT_ACCOUNT, type AwsRequest } from '../types.js';
import { Activity } from './activity.js';
import { ChangeSignal, ManualClock } from './clock.js';
import { SnsTopics, createSnsHandler, type AuthorizeDelivery } from './sns.js';
import { SqsQueues } from './sqs-queues.js';
import { queueSpec, recordingLog, ScriptedInvoker, subscriptionSpec, topicSpec, until } from './testing.js';

const topic = topicSpec('events');
const image = queueSpec('image');
const audit = queueSpec('audit');
const refused = queueSpec('refused');

function setup(authorizeDelivery: AuthorizeDelivery = (_service, _source, _action, resource) => resource !== refused.arn) {
  const clock = new ManualClock();
  const changes = new ChangeSignal();
  const activity = new Activity(changes);
  const log = recordingLog();
  const invoker = new ScriptedInvoker();
  const queues = new SqsQueues([image, audit, refused], { clock, changes });
  const topics = new SnsTopics({
    topics: [topic],
    subscriptions: [
      subscriptionSpec(topic, image, { filterPolicy: { type: ['media.uploaded'], kind: ['image'] } }),
      subscriptionSpec(topic, audit, { rawMessageDelivery: false }),
      subscriptionSpec(topic, refused),
      { logicalId: 'FnSub', topicArn: topic.arn, protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:notify', filterPolicyScope: 'MessageAttributes', rawMessageDelivery: false },
    ],
    queues,
    invoker,
    authorizeDelivery,
    account: DEFAULT_ACCOUNT,
    log,
    clock,
    activity,
  });
  return { queues, topics, log, invoker, activity, handler: createSnsHandler(topics) };
}

function form(params: Record<string, string>): AwsRequest {
  return {
    service: 'sns',
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams(params).toString()),
    principal: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/api', sessionName: 'api', accessKeyId: 'ASIA' },
  };
}

const uploadedImage = {
  Action: 'Publish',
  TopicArn: topic.arn,
  Message: '{"type":"media.uploaded"}',
  'MessageAttributes.entry.1.Name': 'type',
  'MessageAttributes.entry.1.Value.DataType': 'String',
  'MessageAttributes.entry.1.Value.StringValue': 'media.uploaded',
  'MessageAttributes.entry.2.Name': 'kind',
  'MessageAttributes.entry.2.Value.DataType': 'String',
  'MessageAttributes.entry.2.Value.StringValue': 'image',
};

describe('SNS topics', () => {
  it('delivers raw to a matching queue with the attributes, and an envelope to a non-raw one', async () => {
    const { handler, queues } = setup();
    const response = await handler.handle(form(uploadedImage));
    expect(response.status).toBe(200);
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(String(response.body))?.[1];
    expect(String(response.body)).toMatch(/^<PublishResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><PublishResult><MessageId>.+<\/MessageId><\/PublishResult><ResponseMetadata><RequestId>.+<\/RequestId><\/ResponseMetadata><\/PublishResponse>$/);

    const [raw] = await queues.receive(image.arn);
    expect(raw?.body).toBe('{"type":"media.uploaded"}');
    expect(raw?.messageAttributes).toEqual({ type: { DataType: 'String', StringValue: 'media.uploaded' }, kind: { DataType: 'String', StringValue: 'image' } });
    expect(raw?.attributes['SenderId']).toBe('AIDAIT2UOQQY3AUEKVGXU');

    const [wrapped] = await queues.receive(audit.arn);
    expect(wrapped?.messageAttributes).toEqual({});
    expect(JSON.parse(wrapped?.body ?? '')).toEqual({
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topic.arn,
      Message: '{"type":"media.uploaded"}',
      Timestamp: '2026-06-01T00:00:00.000Z',
      SignatureVersion: '1',
      Signature: expect.any(String),
      SigningCertURL: expect.stringMatching(/^https:\/\/sns\.us-east-1\.amazonaws\.com\//),
      UnsubscribeURL: expect.stringContaining('Action=Unsubscribe'),
      MessageAttributes: { type: { Type: 'String', Value: 'media.uploaded' }, kind: { Type: 'String', Value: 'image' } },
    });
  });

  it('does not deliver where the filter policy does not match', async () => {
    const { topics, queues } = setup();
    topics.publish(topic.arn, { message: 'v', attributes: { type: { DataType: 'String', StringValue: 'media.uploaded' }, kind: { DataType: 'String', StringValue: 'video' } } });
    expect(queues.depth(image.arn).visible).toBe(0);
    expect(queues.depth(audit.arn).visible).toBe(1);
  });

  it('drops and logs a delivery the queue policy refuses, still answering the publisher', async () => {
    const calls: string[][] = [];
    const { handler, queues, log } = setup((...args) => {
      calls.push(args);
      return args[3] !== refused.arn;
    });
    expect((await handler.handle(form(uploadedImage))).status).toBe(200);
    expect(queues.depth(refused.arn).visible).toBe(0);
    expect(calls).toContainEqual(['sns.amazonaws.com', topic.arn, 'sqs:SendMessage', refused.arn]);
    expect(log.events).toEqual([expect.objectContaining({ kind: 'dropped', source: 'sns', detail: expect.objectContaining({ endpoint: refused.arn }) })]);
  });

  it('invokes a function subscriber asynchronously with an SNS event', async () => {
    const { topics, invoker, activity } = setup();
    topics.publish(topic.arn, { message: 'hi', subject: 'greeting' });
    await until(() => activity.pending === 0 && invoker.calls.length === 1);
    expect(invoker.calls[0]).toMatchObject({
      functionName: 'notify',
      type: 'Event',
      event: { Records: [{ EventSource: 'aws:sns', Sns: { Type: 'Notification', TopicArn: topic.arn, Subject: 'greeting', Message: 'hi' } }] },
    });
  });

  it('publishes batches, reporting each entry', async () => {
    const { handler, queues } = setup();
    const response = await handler.handle(
      form({
        Action: 'PublishBatch',
        TopicArn: topic.arn,
        'PublishBatchRequestEntries.member.1.Id': 'one',
        'PublishBatchRequestEntries.member.1.Message': 'first',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name': 'type',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType': 'String',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue': 'media.uploaded',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.2.Name': 'kind',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.2.Value.DataType': 'String',
        'PublishBatchRequestEntries.member.1.MessageAttributes.entry.2.Value.StringValue': 'image',
        'PublishBatchRequestEntries.member.2.Id': 'two',
        'PublishBatchRequestEntries.member.2.Message': '',
      }),
    );
    const body = String(response.body);
    expect(body).toMatch(/<Successful><member><Id>one<\/Id><MessageId>[^<]+<\/MessageId><\/member><\/Successful>/);
    expect(body).toMatch(/<Failed><member><Id>two<\/Id><Code>InvalidParameter<\/Code>/);
    expect((await queues.receive(image.arn)).map((m) => m.body)).toEqual(['first']);
  });

  it('names sns:Publish on the topic and answers errors in the query protocol', async () => {
    const { handler } = setup();
    expect(await handler.authorizations(form({ ...uploadedImage, Action: 'PublishBatch' }))).toEqual([{ action: 'sns:Publish', resource: topic.arn }]);
    const missing = await handler.handle(form({ ...uploadedImage, TopicArn: 'arn:aws:sns:us-east-1:123456789012:missing' }));
    expect(missing.status).toBe(404);
    expect(String(missing.body)).toContain('<Code>NotFound</Code>');
    const denied = handler.denied(form(uploadedImage), 'no');
    expect(denied.status).toBe(403);
    expect(String(denied.body)).toMatch(/<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>AuthorizationError<\/Code><Message>no<\/Message><\/Error>/);
    const badNumber = await handler.handle(form({ ...uploadedImage, 'MessageAttributes.entry.2.Value.DataType': 'Number' }));
    expect(String(badNumber.body)).toContain('<Code>ParameterValueInvalid</Code>');
  });
});
