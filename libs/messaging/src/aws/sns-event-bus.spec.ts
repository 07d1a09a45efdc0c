import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { createEvent } from '@mediaflow/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsEventBus } from './sns-event-bus.js';

const sns = mockClient(SNSClient);

const uploaded = createEvent('media.uploaded', {
  id: '01JQ0000000000000000000001',
  occurredAt: new Date('2026-06-01T00:00:00Z'),
  ownerId: 'alice',
  mediaId: '01JQ0000000000000000000002',
  data: { kind: 'video', mime: 'video/mp4', size: 10, sha256: 'a'.repeat(64), key: 'originals/alice/01JQ0000000000000000000002' },
});

describe('SnsEventBus', () => {
  beforeEach(() => sns.reset());

  it('publishes the event as JSON with the type and kind attributes the filter policies use', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new SnsEventBus({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: 'arn:aws:sns:eu-west-1:123456789012:media' }).publish(uploaded);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.TopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:media');
    expect(JSON.parse(input?.Message ?? '')).toEqual(JSON.parse(JSON.stringify(uploaded)));
    expect(input?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'media.uploaded' },
      kind: { DataType: 'String', StringValue: 'video' },
    });
  });

  it('throws what SNS still refuses after the client\u2019s retries, so the message is retried', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    const bus = new SnsEventBus({ client: new SNSClient({ region: 'eu-west-1', maxAttempts: 1 }), topicArn: 'arn:aws:sns:eu-west-1:123456789012:media' });
    await expect(bus.publish(uploaded)).rejects.toThrow('Rate exceeded');
  });
});
