import { Duration } from 'aws-cdk-lib';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { EventType, type Bucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { QueueDefinition } from '@mediaflow/workers';
import { Construct } from 'constructs';
import { acknowledgeCdkHandler } from '../nag.js';
import { pascal } from '../naming.js';

export interface MediaEventsProps {
  /** The pipeline's queues as the workers define them (`pipelineQueues`): names, retries and filter policies. */
  readonly queues: readonly QueueDefinition[];
  /** Timeout of the function that consumes each queue, by queue name; every queue needs one. */
  readonly consumerTimeouts: Readonly<Record<string, Duration>>;
  /** The media bucket: its new objects under {@link originalsPrefix} start the pipeline on the `ingest` queue. */
  readonly media: Bucket;
  readonly originalsPrefix?: string;
  /** Name of the queue fed by the object store rather than by the topic. */
  readonly ingestQueueName?: string;
}

/** A work queue and the dead-letter queue its failed messages end in. */
export interface PipelineQueue {
  readonly definition: QueueDefinition;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

/**
 * Lambda may still be running a message's function when the message would become visible again;
 * this margin keeps a second invocation from starting the same job.
 */
const VISIBILITY_MARGIN = Duration.seconds(30);

/** Failed messages stay long enough in a dead-letter queue to be looked at and redriven. */
const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * The event fabric: one SNS topic, one SQS queue (with its dead-letter queue) per kind of work,
 * subscribed with the same filter policies the local bus applies, and the originals bucket's
 * notifications of new originals to the ingest queue.
 */
export class MediaEvents extends Construct {
  readonly topic: Topic;
  readonly queues: ReadonlyMap<string, PipelineQueue>;

  constructor(scope: Construct, id: string, props: MediaEventsProps) {
    super(scope, id);
    const ingestQueueName = props.ingestQueueName ?? 'ingest';

    // The AWS managed key is enough for publishers that are functions of this account, and costs nothing.
    const topic = new Topic(this, 'Topic', {
      masterKey: Alias.fromAliasName(this, 'TopicKey', 'alias/aws/sns'),
      enforceSSL: true,
    });

    const queues = new Map<string, PipelineQueue>();
    for (const definition of props.queues) {
      const consumerTimeout = props.consumerTimeouts[definition.name];
      if (consumerTimeout === undefined) throw new Error(`no consumer timeout for queue ${definition.name}`);
      const visibilitySeconds = Math.max(definition.visibilityTimeoutSeconds, consumerTimeout.toSeconds() + VISIBILITY_MARGIN.toSeconds());

      const deadLetterQueue = new Queue(this, `${pascal(definition.deadLetter)}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DEAD_LETTER_RETENTION,
      });
      const queue = new Queue(this, `${pascal(definition.name)}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(visibilitySeconds),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: definition.maxReceives },
      });

      if (definition.filter !== undefined) {
        topic.addSubscription(
          new SqsSubscription(queue, {
            // Handlers read the event from the body and `type`/`kind` from message attributes, as locally.
            rawMessageDelivery: true,
            filterPolicy: toSnsFilterPolicy(definition.filter),
          }),
        );
      }
      queues.set(definition.name, { definition, queue, deadLetterQueue });
    }

    const ingest = queues.get(ingestQueueName);
    if (ingest === undefined) throw new Error(`no ${ingestQueueName} queue among the pipeline's queues`);
    props.media.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(ingest.queue), { prefix: props.originalsPrefix ?? 'originals/' });
    // S3 notifications are configured at deploy time by a singleton function CDK adds to the stack.
    acknowledgeCdkHandler(
      this,
      'BucketNotificationsHandler',
      'CDK-provided handler that applies the bucket notification configuration during deployment; the managed policy only lets it write its own logs, and it touches no media data.',
    );

    this.topic = topic;
    this.queues = queues;
  }
}

/** The workers' filter (attribute -> allowed values) as the SNS subscription's filter policy. */
export function toSnsFilterPolicy(filter: Readonly<Record<string, readonly string[]>>): Record<string, SubscriptionFilter> {
  const policy: Record<string, SubscriptionFilter> = {};
  for (const [attribute, values] of Object.entries(filter)) policy[attribute] = SubscriptionFilter.stringFilter({ allowlist: [...values] });
  return policy;
}
