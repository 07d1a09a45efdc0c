import { Size, Token, type Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Function as LambdaFunction, Runtime, Tracing, type Code, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { CfnQueue, IQueue } from 'aws-cdk-lib/aws-sqs';
import type { DeployedEnvKey } from '@mediaflow/workers';
import { Construct } from 'constructs';
import { pascal } from '../naming.js';
import type { PipelineQueue } from './events.js';
import { functionEnvironment, type FunctionEnvironment } from './function-environment.js';
import { FunctionGrants, type MediaConvertTarget } from './function-grants.js';
import { REKOGNITION_OPERATIONS, scratchMiB, type FunctionPlan, type MediaFunctionName, type QueueFeed } from './function-plans.js';

/** The latest Node.js runtime this CDK knows: cdk-nag's L1 asks for it, and the node22 bundles run unchanged on it. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** Where a function joins a VPC. */
export interface FunctionNetwork {
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  readonly securityGroups: readonly ISecurityGroup[];
}

/** What the functions' code works on, each granted as the plan says. */
export interface FunctionResources {
  /** The media bucket; S3-managed encryption, as no function is granted a KMS key. */
  readonly media: IBucket;
  readonly mediaTable: ITableV2;
  readonly idempotencyTable: ITableV2;
  readonly topic: ITopic;
  /** The ARN of the media signing key's secret, read by the functions whose plan signs media cookies. */
  readonly mediaSigningSecretArn?: string;
  /** The queue of zips to build, sent to by the functions whose plan sends archive jobs. */
  readonly archiveQueue?: IQueue;
}

export interface MediaFunctionProps {
  readonly plan: FunctionPlan;
  /** How its queue feeds it (`feedOf`), with the queue; neither for a function no queue feeds. */
  readonly feed?: { readonly plan: QueueFeed; readonly queue: PipelineQueue };
  /** The other queues its plan consumes that the topology has (`FunctionPlan.alsoFeeds`), each with its queue. */
  readonly alsoFeeds?: readonly { readonly plan: QueueFeed; readonly queue: PipelineQueue }[];
  readonly timeout: Duration;
  readonly code: Code;
  readonly layers: readonly ILayerVersion[];
  readonly environment: FunctionEnvironment;
  readonly resources: FunctionResources;
  /** Sizes /tmp for functions whose plan copies originals there. */
  readonly maxUploadBytes: number;
  readonly network?: FunctionNetwork;
}

/**
 * One function of `apps/lambdas` with its own role, its own log group and, for a queue consumer,
 * its queue's event source: arm64, the current Node.js runtime, active tracing, and a policy of
 * exactly what its code does.
 */
export class MediaFunction extends Construct {
  readonly fn: LambdaFunction;
  /** The EventBridge rule that invokes it, for a function its plan schedules. */
  readonly rule: Rule | undefined;
  private readonly grants: FunctionGrants;
  private submitsJobs = false;

  constructor(
    scope: Construct,
    private readonly name: MediaFunctionName,
    props: MediaFunctionProps,
  ) {
    super(scope, pascal(name));
    const { plan, feed, timeout, resources, network } = props;
    const feeds = feed === undefined ? [] : [feed, ...(props.alsoFeeds ?? [])];
    for (const each of feeds) checkVisibility(each.queue, timeout);

    // Its own role, without the AWS managed basic-execution policy: logging is granted on its own log group only.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Runs the ${name} function` });
    // Its retention is the LogRetention aspect's (MediaCompute's logRetention).
    const logGroup = new LogGroup(this, 'Logs');

    this.fn = new LambdaFunction(this, 'Function', {
      description: plan.description,
      code: props.code,
      handler: 'index.handler',
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: plan.memory,
      timeout,
      ...(plan.scratch === undefined ? {} : { ephemeralStorageSize: Size.mebibytes(scratchMiB(props.maxUploadBytes, plan.scratch.extraMiB, name)) }),
      layers: [...props.layers],
      environment: functionEnvironment(name, props.environment),
      ...(plan.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: plan.reservedConcurrency }),
      role,
      logGroup,
      ...(network === undefined ? {} : { vpc: network.vpc, vpcSubnets: network.subnets, securityGroups: [...network.securityGroups] }),
      // Active tracing costs little (the first 100,000 traces a month are free, then sampled) and shows cold starts and durations per invocation.
      tracing: Tracing.ACTIVE,
      // Asynchronous invocation (video-complete's retries and where its failed events go) is left to
      // whoever routes events to it: CDK allows one such configuration per function.
    });

    this.grants = new FunctionGrants(role, name);
    this.grants.writeLogs(logGroup);
    if (plan.publishesEvents !== false) this.grants.publishEvents(resources.topic);
    this.grants.useMediaTable(resources.mediaTable, plan.mediaTable ?? 'items');
    if (plan.limitsCallers === true) this.grants.countCallerRequests(resources.mediaTable);
    if (feeds.some((each) => each.plan.idempotent)) this.grants.useIdempotencyTable(resources.idempotencyTable);
    this.grants.useMediaObjects(resources.media, plan);
    if (network !== undefined) this.grants.manageNetworkInterfaces();
    this.grants.traceWithXRay();
    if (plan.callsRekognition === true) this.grants.callRekognition(feeds.flatMap((each) => REKOGNITION_OPERATIONS[each.plan.queue] ?? []));
    if (plan.signsMediaCookies === true && resources.mediaSigningSecretArn !== undefined) this.grants.readSecret(resources.mediaSigningSecretArn);
    if (plan.sendsArchiveJobs === true) {
      if (resources.archiveQueue === undefined) throw new Error(`the ${name} function sends archive jobs, and there is no archive queue`);
      this.grants.sendArchiveJobs(resources.archiveQueue);
    }
    this.rule = plan.schedule === undefined ? undefined : this.scheduled(plan.schedule);

    for (const each of feeds) {
      this.fn.addEventSource(
        new SqsEventSource(each.queue.queue, {
          batchSize: each.plan.batchSize,
          ...(each.plan.batchingWindow === undefined ? {} : { maxBatchingWindow: each.plan.batchingWindow }),
          // Only the records that threw go back to the queue (the handlers answer with batchItemFailures).
          reportBatchItemFailures: true,
          maxConcurrency: each.plan.maxConcurrency,
        }),
      );
    }
    this.grants.acknowledgeWildcards();
  }

  /**
   * An EventBridge rule at the plan's rate. The event is worth nothing once the next one comes, so
   * neither EventBridge's delivery nor Lambda's retry of a failed run outlives that; a run that
   * fails is retried once (a passing error), and what it left is the next run's.
   */
  private scheduled(schedule: NonNullable<FunctionPlan['schedule']>): Rule {
    const rule = new Rule(this, 'Schedule', { description: `Runs the ${this.name} function every ${schedule.every.toHumanString()}. ${schedule.why}`.slice(0, 512), schedule: Schedule.rate(schedule.every) });
    rule.addTarget(new LambdaTarget(this.fn, { retryAttempts: 2, maxEventAge: schedule.every }));
    this.fn.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: schedule.every });
    return rule;
  }

  /** Settings and permissions to create MediaConvert jobs (the video function). */
  submitJobsTo(mediaConvert: MediaConvertTarget): void {
    if (this.submitsJobs) throw new Error(`the ${this.name} function already submits jobs to MediaConvert`);
    this.submitsJobs = true;
    this.setEnvironment('MEDIACONVERT_ROLE_ARN', mediaConvert.roleArn);
    this.setEnvironment('MEDIACONVERT_QUEUE_ARN', mediaConvert.queueArn);
    this.grants.submitMediaConvertJobs(mediaConvert);
    this.grants.acknowledgeWildcards();
  }

  /** The user pool whose users it deletes (`USER_POOL_ID`, `cognito-idp:AdminDeleteUser` on that pool alone). */
  deleteUsersOf(userPool: { userPoolId: string; userPoolArn: string }): void {
    this.setEnvironment('USER_POOL_ID', userPool.userPoolId);
    this.grants.deleteUsers(userPool.userPoolArn);
  }

  private setEnvironment(key: DeployedEnvKey, value: string): void {
    for (const [name, checked] of Object.entries(functionEnvironment(this.name, { [key]: value }))) this.fn.addEnvironment(name, checked);
  }
}

/** Lambda would let a message reappear while its function still runs on it; CloudFormation refuses that too late. */
function checkVisibility(pipelineQueue: PipelineQueue, timeout: Duration): void {
  const visibility = (pipelineQueue.queue.node.defaultChild as CfnQueue).visibilityTimeout;
  if (visibility !== undefined && !Token.isUnresolved(visibility) && visibility <= timeout.toSeconds()) {
    throw new Error(`the ${pipelineQueue.definition.name} queue hides a message for ${visibility} s, not longer than its consumer may run (${timeout.toSeconds()} s)`);
  }
}
