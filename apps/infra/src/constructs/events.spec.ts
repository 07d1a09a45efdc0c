import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { pipelineQueues } from '@mediaflow/workers';
import { MediaEvents } from './events.js';

const definitions = pipelineQueues(1, undefined, { tagging: true });
const timeouts = Object.fromEntries(definitions.map((definition) => [definition.name, Duration.seconds(definition.name === 'audio' ? 600 : 30)]));

const stack = new Stack(new App(), 'Test');
const events = new MediaEvents(stack, 'Events', {
  queues: definitions,
  consumerTimeouts: timeouts,
  media: new Bucket(stack, 'Media'),
});
const template = Template.fromStack(stack);

function queueId(name: string, which: 'queue' | 'deadLetterQueue' = 'queue'): string {
  const entry = events.queues.get(name);
  if (entry === undefined) throw new Error(`no queue ${name}`);
  return stack.getLogicalId(entry[which].node.defaultChild as CfnQueue);
}

describe('MediaEvents', () => {
  it('creates a queue and a dead-letter queue for every queue of the workers topology', () => {
    expect(definitions.map((definition) => definition.name).sort()).toEqual(['audio', 'document', 'image', 'ingest', 'tagging', 'text', 'video']);
    template.resourceCountIs('AWS::SQS::Queue', definitions.length * 2);
  });

  it('gives every work queue a dead-letter queue after 3 to 5 receives', () => {
    for (const definition of definitions) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueId(definition.name, 'deadLetterQueue'), 'Arn'] }, maxReceiveCount: definition.maxReceives },
      });
      expect(definition.maxReceives).toBeGreaterThanOrEqual(3);
      expect(definition.maxReceives).toBeLessThanOrEqual(5);
    }
  });

  it('encrypts every queue and denies every request that does not use TLS', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    for (const id of Object.keys(queues)) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('keeps each message hidden longer than its consumer may run', () => {
    for (const definition of definitions) {
      const queue = template.findResources('AWS::SQS::Queue')[queueId(definition.name)];
      const timeout = timeouts[definition.name]?.toSeconds() ?? Number.POSITIVE_INFINITY;
      expect(queue?.Properties.VisibilityTimeout).toBeGreaterThan(timeout);
      expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(definition.visibilityTimeoutSeconds);
    }
  });

  it('encrypts the topic and denies publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('subscribes each filtered queue with exactly the filter policy the local bus applies, delivering raw messages', () => {
    const filtered = definitions.filter((definition) => definition.filter !== undefined);
    template.resourceCountIs('AWS::SNS::Subscription', filtered.length);
    for (const definition of filtered) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        Endpoint: { 'Fn::GetAtt': [queueId(definition.name), 'Arn'] },
        FilterPolicy: Match.exact(definition.filter),
        RawMessageDelivery: true,
      });
    }
  });

  it('feeds the ingest queue from objects created under originals/, not from the topic', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'originals/' }] } },
            QueueArn: { 'Fn::GetAtt': [queueId('ingest'), 'Arn'] },
          },
        ],
      },
    });
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'));
    expect(subscriptions.some((subscription) => JSON.stringify(subscription.Properties.Endpoint).includes(queueId('ingest')))).toBe(false);
  });

  it('refuses a queue whose consumer timeout is unknown', () => {
    const other = new Stack(new App(), 'Other');
    expect(
      () => new MediaEvents(other, 'Events', { queues: definitions, consumerTimeouts: {}, media: new Bucket(other, 'Media') }),
    ).toThrow(/no consumer timeout/);
  });
});
