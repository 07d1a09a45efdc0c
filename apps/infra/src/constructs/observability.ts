import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Dashboard, MathExpression, TreatMissingData, type AlarmProps } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { ALARM_SHARE } from '@mediaflow/cost-model';
import { Construct } from 'constructs';
import { pascal } from '../naming.js';
import { alarmSourceConditions, alarmTopicKey, CLOUDWATCH } from './alarm-topic.js';
import { dashboardRows, mediaConvertMetric, PERIOD, TABLE_OPERATIONS, tableOperationMetric, type DashboardSources } from './dashboard.js';
import type { PipelineQueue } from './events.js';

/**
 * What the stage is made of (`DashboardSources`: stage name, functions by the name they report
 * metrics under, the pipeline's queues and other dead-letter queues, the table, the HTTP API, the
 * MediaConvert queue whose failed jobs alarm), and how to alarm on it.
 */
export interface MediaObservabilityProps extends DashboardSources {
  /** Address subscribed to the alarm topic; it has to confirm the subscription from the mail SNS sends. */
  readonly alarmEmail?: string;
  /**
   * The functions an EventBridge schedule runs, by name, with its period (`MediaCompute.schedules`):
   * one run a period is too few for a share of failures over five minutes, so they alarm on failed
   * runs instead.
   */
  readonly schedules?: ReadonlyMap<string, Duration>;
  /**
   * Age of a queue's oldest message above which it alarms, by queue name. By default the queue's
   * visibility timeout times its receives: a message that failed every attempt has left for the
   * dead-letter queue by then, so an older one has never been picked up.
   */
  readonly maxMessageAge?: Readonly<Record<string, Duration>>;
  /**
   * The limits the stage was deployed with (`stackLimits` of `@mediaflow/cost-model` for its
   * scale), each alarmed at {@link ALARM_SHARE} of it: a function's maximum concurrency by function
   * name, and the HTTP API stage's steady requests a second.
   */
  readonly limits?: CapacityLimits;
}

/** What {@link MediaObservabilityProps.limits} alarms on. */
export interface CapacityLimits {
  readonly concurrency: ReadonlyMap<string, number>;
  readonly apiRequestsPerSecond?: number;
}

/**
 * Rates and counts that are normal in bursts (a deploy, a traffic spike) alarm when they last:
 * 2 of the last 3 periods, so a single bad period neither alarms nor hides a flapping one.
 */
const SUSTAINED = { evaluationPeriods: 3, datapointsToAlarm: 2 } as const;

/** Share of a function's invocations, or of the API's requests, that may fail before it alarms. */
const FAILURE_RATE_PERCENT = 5;

/**
 * Alarms and a dashboard for one stage: dead-lettered messages, queues nobody drains, failing or
 * throttled functions, API 5xx, DynamoDB throttling and errors, failed MediaConvert jobs, demand
 * nearing the stage's limits, all notified on one encrypted topic; the dashboard adds the items the
 * functions count themselves.
 *
 * Every alarm treats missing data as not breaching, on purpose: these metrics are published only
 * while there is traffic (an idle SQS queue, a function nobody invoked, an API nobody called report
 * nothing), so no data means nothing failed, not that monitoring broke.
 */
export class MediaObservability extends Construct {
  readonly alarmTopic: Topic;
  /** The customer managed key of the alarm topic (CloudWatch cannot use the AWS managed `alias/aws/sns`). */
  readonly alarmTopicKey: Key;
  readonly alarms: readonly Alarm[];
  readonly dashboard: Dashboard;

  private readonly alarmList: Alarm[] = [];
  private readonly namePrefix: string;
  private readonly notify: SnsAction;

  constructor(scope: Construct, id: string, props: MediaObservabilityProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9-]+$/.test(props.stage)) throw new Error(`stage "${props.stage}" cannot name alarms and dashboards: use letters, digits and dashes`);
    this.namePrefix = `Mediaflow-${props.stage}-`;
    this.alarms = this.alarmList;

    this.alarmTopicKey = alarmTopicKey(this, props.stage);
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `Mediaflow ${props.stage} alarms`,
      masterKey: this.alarmTopicKey,
      enforceSSL: true,
    });
    // A topic policy replaces the default one, under which the account's alarms could publish.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal(CLOUDWATCH)],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: alarmSourceConditions(this),
      }),
    );
    if (props.alarmEmail !== undefined) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.notify = new SnsAction(this.alarmTopic);

    this.queueAlarms(props);
    for (const [name, fn] of props.functions) this.functionAlarms(name, fn, props.schedules?.get(name));
    if (props.httpApi !== undefined) this.apiAlarm(props.httpApi);
    this.tableAlarms(props.table);
    if (props.mediaConvertQueueArn !== undefined) this.mediaConvertAlarm(props.mediaConvertQueueArn);
    if (props.limits !== undefined) this.capacityAlarms(props, props.limits);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `Mediaflow-${props.stage}`,
      defaultInterval: Duration.hours(3),
      widgets: dashboardRows(props, this.alarmList),
    });
  }

  private queueAlarms(props: MediaObservabilityProps): void {
    for (const [name, entry] of props.queues) {
      const { definition } = entry;
      this.alarm(`DeadLetters${pascal(definition.deadLetter)}`, `dead-letters-${definition.deadLetter}`, {
        metric: entry.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        alarmDescription:
          `Messages of the ${name} queue failed ${definition.maxReceives} times and were set aside in ${definition.deadLetter}; their items do not progress. ` +
          `Find the error in the consumer function's logs (search the message id or mediaId), fix the cause, then redrive ${definition.deadLetter} to ${name} ` +
          '(SQS console, Start DLQ redrive). Purge only messages that are not worth retrying.',
      });

      const visibility = visibilitySeconds(entry);
      const override = props.maxMessageAge?.[name];
      const maxAge = override?.toSeconds() ?? visibility * definition.maxReceives;
      const why = override === undefined ? `its visibility timeout (${visibility} s) times its ${definition.maxReceives} receives, by when a failing message has been dead-lettered` : 'the age set for this queue';
      this.alarm(`QueueAge${pascal(name)}`, `queue-age-${name}`, {
        metric: entry.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: PERIOD }),
        threshold: maxAge,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        alarmDescription:
          `The oldest message of the ${name} queue has waited more than ${maxAge} s (${why}): nobody is draining the queue and its items wait. ` +
          "Check the consumer function's throttles, errors and concurrency, and that its SQS event source mapping is enabled.",
      });
    }
    for (const [name, queue] of props.deadLetterQueues ?? []) {
      this.alarm(`DeadLetters${pascal(name)}`, `dead-letters-${name}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        alarmDescription:
          `Messages were set aside in ${name}: something failed after all its retries. Read one (SQS console, Poll for messages); its body, ` +
          'or `requestPayload` and `responsePayload` for a Lambda failure record, says what and why. Fix the cause, replay the event to its consumer, then delete the message.',
      });
    }
  }

  private functionAlarms(name: string, fn: IFunction, schedule: Duration | undefined): void {
    if (schedule !== undefined) {
      const runs = schedule.toHumanString();
      this.alarm(`FunctionErrors${pascal(name)}`, `function-errors-${name}`, {
        metric: fn.metric('Errors', { statistic: 'Sum', period: schedule }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...SUSTAINED,
        alarmDescription:
          `${name} runs every ${runs}, and 2 of its last 3 runs failed: crashes, timeouts, an item it cannot get past. What it did not do waits for a run that succeeds. ` +
          "Read the function's recent ERROR logs and fix the cause; its next scheduled run takes up what was left.",
      });
    } else {
      const errors = fn.metric('Errors', { statistic: 'Sum', period: PERIOD });
      const invocations = fn.metricInvocations({ statistic: 'Sum', period: PERIOD });
      this.alarm(`FunctionErrors${pascal(name)}`, `function-errors-${name}`, {
        metric: new MathExpression({ expression: '100 * errors / invocations', usingMetrics: { errors, invocations }, label: `${name} errors (%)`, period: PERIOD }),
        threshold: FAILURE_RATE_PERCENT,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ...SUSTAINED,
        alarmDescription:
          `${FAILURE_RATE_PERCENT}% or more of the invocations of ${name} failed in 2 of the last 3 five-minute periods: crashes, timeouts, running out of memory ` +
          "(a queue consumer's failed records are reported to SQS and do not count). Read the function's recent ERROR logs and fix or roll back; " +
          'the messages and events it failed on are retried and then dead-lettered.',
      });
    }
    this.alarm(`FunctionThrottles${pascal(name)}`, `function-throttles-${name}`, {
      metric: fn.metricThrottles({ statistic: 'Sum', period: PERIOD }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...SUSTAINED,
      alarmDescription:
        `Lambda refused invocations of ${name} for lack of concurrency in 2 of the last 3 five-minute periods: queue consumers fall behind, API calls fail. ` +
        "Check the account's concurrent executions quota and the function's reserved concurrency or its event source's maximum concurrency.",
    });
  }

  private apiAlarm(api: IHttpApi): void {
    const errors = api.metricServerError({ statistic: 'Sum', period: PERIOD });
    const requests = api.metricCount({ statistic: 'Sum', period: PERIOD });
    this.alarm('Api5xx', 'api-5xx', {
      metric: new MathExpression({ expression: '100 * errors / requests', usingMetrics: { errors, requests }, label: 'API 5xx (%)', period: PERIOD }),
      threshold: FAILURE_RATE_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...SUSTAINED,
      alarmDescription:
        `${FAILURE_RATE_PERCENT}% or more of the HTTP API's requests ended in 5xx in 2 of the last 3 five-minute periods: users see failures. ` +
        "Look at the api function's errors and the API's integration latency (a timed-out integration answers 503/504); roll back a bad deploy first.",
    });
  }

  /**
   * Demand at {@link ALARM_SHARE} of a limit: the capacity plan puts its modelled peak there, so this
   * says the stage has outgrown the scale it was deployed for, before the limit makes work wait.
   */
  private capacityAlarms(props: MediaObservabilityProps, limits: CapacityLimits): void {
    const share = `${Math.round(ALARM_SHARE * 100)}%`;
    for (const [name, limit] of limits.concurrency) {
      const fn = props.functions.get(name);
      if (fn === undefined) throw new Error(`a concurrency limit for ${name}, which is not one of the stage's functions`);
      const threshold = limit * ALARM_SHARE;
      this.alarm(`FunctionConcurrency${pascal(name)}`, `function-concurrency-${name}`, {
        metric: fn.metric('ConcurrentExecutions', { statistic: 'Maximum', period: PERIOD }),
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ...SUSTAINED,
        alarmDescription:
          `${name} ran ${threshold} or more instances at once (${share} of the ${limit} its event source allows) in 2 of the last 3 five-minute periods: ` +
          'demand is past the peak the capacity plan expects at this stage’s scale, and at the limit its messages wait in the queue. ' +
          'Compare with `mediaflow cost --capacity`, check the account’s concurrency quota, and redeploy with the next scale (-c scale=...).',
      });
    }
    const rateLimit = limits.apiRequestsPerSecond;
    if (rateLimit === undefined) return;
    if (props.httpApi === undefined) throw new Error('an API rate limit to alarm on, but no HTTP API');
    const threshold = rateLimit * ALARM_SHARE;
    const requests = props.httpApi.metricCount({ statistic: 'Sum', period: PERIOD });
    this.alarm('ApiRequestRate', 'api-request-rate', {
      metric: new MathExpression({ expression: `requests / ${PERIOD.toSeconds()}`, usingMetrics: { requests }, label: 'API requests/s', period: PERIOD }),
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...SUSTAINED,
      alarmDescription:
        `The HTTP API served ${threshold} or more requests a second on average (${share} of the stage throttle of ${rateLimit}) in 2 of the last 3 five-minute periods: ` +
        'demand is past the peak the capacity plan expects at this stage’s scale, and past the throttle every caller gets 429. ' +
        'Compare with `mediaflow cost --capacity` and redeploy with the next scale (-c scale=...); if one caller makes most of the traffic, the per-caller limit answers them 429 first.',
    });
  }

  private tableAlarms(table: ITableV2): void {
    this.alarm('TableThrottles', 'table-throttles', {
      metric: new MathExpression({
        expression: 'SUM([reads, writes])',
        usingMetrics: {
          reads: table.metric('ReadThrottleEvents', { statistic: 'Sum', period: PERIOD }),
          writes: table.metric('WriteThrottleEvents', { statistic: 'Sum', period: PERIOD }),
        },
        label: 'Throttle events',
        period: PERIOD,
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...SUSTAINED,
      alarmDescription:
        'DynamoDB throttled requests to the media table in 2 of the last 3 five-minute periods. The SDK retries them, but every step slows down. ' +
        'An on-demand table throttles traffic beyond twice its previous peak, or a hot partition key: compare with the consumed capacity on the dashboard, ' +
        'and enable CloudWatch Contributor Insights on the table to find a hot key.',
    });
    this.alarm('TableSystemErrors', 'table-system-errors', {
      metric: new MathExpression({
        expression: `SUM([${TABLE_OPERATIONS.map((operation) => operation.toLowerCase()).join(', ')}])`,
        usingMetrics: Object.fromEntries(TABLE_OPERATIONS.map((operation) => [operation.toLowerCase(), tableOperationMetric(table, 'SystemErrors', operation)])),
        label: 'System errors',
        period: PERIOD,
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...SUSTAINED,
      alarmDescription:
        'DynamoDB answered requests to the media table with internal errors (HTTP 500) in 2 of the last 3 five-minute periods. The SDK retries them and ' +
        'nothing in Mediaflow causes them: check the AWS Health Dashboard for DynamoDB in this region and open a support case if they persist.',
    });
  }

  private mediaConvertAlarm(queueArn: string): void {
    this.alarm('MediaConvertJobErrors', 'mediaconvert-job-errors', {
      metric: mediaConvertMetric('JobsErroredCount', queueArn),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      alarmDescription:
        "A MediaConvert job of this stage's queue failed, and video-complete marked its video failed. Open the job (MediaConvert console, Jobs, this queue, " +
        "status Error) for its error code and message: an unreadable or unsupported upload is the user's to replace; an access or settings error is ours " +
        'to fix before the video is processed again.',
    });
  }

  /** An alarm named after the stage, notifying the topic when it fires and when it recovers. */
  private alarm(id: string, name: string, props: Omit<AlarmProps, 'alarmName' | 'treatMissingData'>): void {
    const alarm = new Alarm(this, id, { ...props, alarmName: `${this.namePrefix}${name}`, treatMissingData: TreatMissingData.NOT_BREACHING });
    alarm.addAlarmAction(this.notify);
    alarm.addOkAction(this.notify);
    this.alarmList.push(alarm);
  }
}

/** The visibility timeout the queue was given (MediaEvents may raise the definition's to outlast the consumer). */
function visibilitySeconds(entry: PipelineQueue): number {
  const configured = (entry.queue.node.defaultChild as CfnQueue | undefined)?.visibilityTimeout;
  return typeof configured === 'number' ? configured : entry.definition.visibilityTimeoutSeconds;
}
