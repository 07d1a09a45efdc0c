import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { CfnQueue as CfnMediaConvertQueue } from 'aws-cdk-lib/aws-mediaconvert';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { wildcardResourceFinding } from '../nag.js';
import { ORIGINALS_PREFIX, RENDITIONS_PREFIX } from './storage.js';

export interface MediaTranscodingProps {
  /** The bucket of originals and renditions (one bucket, two prefixes), as the cloud transcoder uses it. */
  readonly media: IBucket;
  /** The function that settles a video's item from its job's state changes (video-complete). */
  readonly onJobStateChange: IFunction;
  /**
   * Also send the events the function itself failed on, after Lambda's own retries, to the
   * dead-letter queue. Leave on unless the function's asynchronous invocation is configured elsewhere.
   * @default true
   */
  readonly deadLetterFailedInvocations?: boolean;
}

/**
 * The job states `parseJobStateChange` acts on: SUBMITTED, PROGRESSING and STATUS_UPDATE move the
 * item's progress, COMPLETE records the outputs, ERROR and CANCELED fail the item. The rest
 * (INPUT_INFORMATION, NEW_WARNING, QUEUE_HOP) would only wake the function to be ignored.
 */
const HANDLED_JOB_STATES: readonly string[] = ['SUBMITTED', 'PROGRESSING', 'STATUS_UPDATE', 'COMPLETE', 'ERROR', 'CANCELED'];

/**
 * How long an undelivered or failing state change is retried. The handler is idempotent and late
 * events for a settled item change nothing, so retrying as long as Lambda allows lets an outage
 * heal with nobody stepping in; past that the event waits in the dead-letter queue, whose alarm
 * asks for a replay.
 */
const MAX_EVENT_AGE = Duration.hours(6);
const DELIVERY_RETRIES = 24;
const FUNCTION_RETRIES = 2;

/** Undelivered events stay long enough to be looked at and redriven. */
const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * Video transcoding in AWS: the role MediaConvert works with (reading originals, writing
 * renditions, nothing else), the stage's own MediaConvert queue so its jobs are isolated and
 * counted apart, and the EventBridge rule that brings that queue's job state changes to the
 * function that settles the items.
 */
export class MediaTranscoding extends Construct {
  /** The role to pass as `Role` of every job (`MEDIACONVERT_ROLE_ARN`). */
  readonly role: Role;
  readonly queue: CfnMediaConvertQueue;
  /** The queue to submit jobs to (`MEDIACONVERT_QUEUE_ARN`); the role only serves jobs of this queue. */
  readonly queueArn: string;
  readonly rule: Rule;
  /** State changes that could not be delivered to, or were failed by, the function. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: MediaTranscodingProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // On-demand is the only plan CloudFormation can create; a queue of its own lets jobs be
    // listed, paused and counted (AWS/MediaConvert metrics by Queue) per stage.
    this.queue = new CfnMediaConvertQueue(this, 'Queue', {
      description: 'Mediaflow video renditions',
      pricingPlan: 'ON_DEMAND',
      status: 'ACTIVE',
    });
    this.queueArn = this.queue.attrArn;

    const readOriginals = props.media.arnForObjects(`${ORIGINALS_PREFIX}*`);
    const writeRenditions = props.media.arnForObjects(`${RENDITIONS_PREFIX}*`);
    this.role = new Role(this, 'Role', {
      description: 'Assumed by MediaConvert for jobs of the Mediaflow queue: reads originals, writes renditions.',
      // MediaConvert names the queue of the job it assumes the role for in aws:SourceArn: no job
      // of another queue, let alone of another account, can use this role.
      assumedBy: new ServicePrincipal('mediaconvert.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnEquals: { 'aws:SourceArn': this.queueArn },
      }),
      inlinePolicies: {
        media: new PolicyDocument({
          statements: [
            new PolicyStatement({ sid: 'ReadOriginals', actions: ['s3:GetObject'], resources: [readOriginals] }),
            new PolicyStatement({ sid: 'WriteRenditions', actions: ['s3:PutObject'], resources: [writeRenditions] }),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge(
      {
        id: wildcardResourceFinding(this, readOriginals),
        reason:
          'A job reads the original named in it (originals/{owner}/{id}), which is only known when the job is created; the role may read nothing else of the bucket, and only jobs of this stage queue can assume it.',
      },
      {
        id: wildcardResourceFinding(this, writeRenditions),
        reason:
          'A job writes a variable set of playlists, segments, preview and captures under renditions/{owner}/{id}/, known only when the job is created; the role may write nowhere else and only jobs of this stage queue can assume it.',
      },
    );

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue, of the EventBridge rule target and of the function's asynchronous invocations, uses cdk-nag does not recognise; a dead-letter queue behind it would never be read.",
    });

    this.rule = new Rule(this, 'JobStateChanges', {
      description: 'MediaConvert job state changes of the Mediaflow queue, to the function that settles the items.',
      eventPattern: {
        source: ['aws.mediaconvert'],
        detailType: ['MediaConvert Job State Change'],
        detail: { queue: [this.queueArn], status: [...HANDLED_JOB_STATES] },
      },
    });
    this.rule.addTarget(
      new LambdaFunction(props.onJobStateChange, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: DELIVERY_RETRIES,
        maxEventAge: MAX_EVENT_AGE,
      }),
    );

    // The rule's dead-letter queue only catches events EventBridge could not hand to Lambda; an
    // event the function throws on is retried by Lambda and then lost unless it has a destination.
    // In this queue, an undelivered event arrives as itself, a failed one as Lambda's invocation
    // record with the event in `requestPayload`.
    if (props.deadLetterFailedInvocations ?? true) {
      props.onJobStateChange.configureAsyncInvoke({
        onFailure: new SqsDestination(this.deadLetterQueue),
        retryAttempts: FUNCTION_RETRIES,
        maxEventAge: MAX_EVENT_AGE,
      });
    }
  }
}
