import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AlarmStatusWidget, GraphWidget, MathExpression, Metric, TextWidget, type Alarm, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { PipelineQueue } from './events.js';

/** Five-minute periods: fine enough to notify within minutes, coarse enough that one slow minute does not. */
export const PERIOD = Duration.minutes(5);

/** The operations the media repository sends; DynamoDB reports system errors per operation. */
export const TABLE_OPERATIONS = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems'];

/** The namespace and dimensions of the functions' own (EMF) metrics: apps/lambdas `Telemetry`. */
const APP_NAMESPACE = 'Mediaflow';
const APP_SERVICE = 'mediaflow';
const APP_DIMENSIONS = ['function', 'kind', 'service'];

/** What the dashboard shows, and the alarms watch (`MediaObservabilityProps`). */
export interface DashboardSources {
  /** Stage name (`dev`, `prod`, ...): names the alarms and the dashboard, so stages sharing an account stay apart. */
  readonly stage: string;
  /** The functions, by the name they report their own metrics under (`api`, `video`, ...). */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** The pipeline's work queues and their dead-letter queues, by queue name (`MediaEvents.queues`). */
  readonly queues: ReadonlyMap<string, PipelineQueue>;
  /** Dead-letter queues outside the pipeline's, by name: MediaTranscoding's, for one. */
  readonly deadLetterQueues?: ReadonlyMap<string, IQueue>;
  /** The media table. */
  readonly table: ITableV2;
  readonly httpApi?: IHttpApi;
  /** The stage's MediaConvert queue (`MediaTranscoding.queueArn`), whose failed jobs alarm. */
  readonly mediaConvertQueueArn?: string;
}

/** A DynamoDB count the service only reports per operation (system errors, throttled requests). */
export function tableOperationMetric(table: ITableV2, metricName: string, operation: string): Metric {
  return new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: table.tableName, Operation: operation }, statistic: 'Sum', period: PERIOD, label: operation });
}

/** A MediaConvert count of the queue (by its ARN, the `Queue` dimension's value). */
export function mediaConvertMetric(metricName: string, queueArn: string): Metric {
  return new Metric({ namespace: 'AWS/MediaConvert', metricName, dimensionsMap: { Queue: queueArn }, statistic: 'Sum', period: PERIOD });
}

/**
 * The functions' own counts, across every function and kind they report: a search rather than
 * fixed metrics, because the kinds a function reports are only known at run time.
 */
function appMetric(metricName: string, statistic: string): IMetric {
  const search = `SEARCH('{${APP_NAMESPACE},${APP_DIMENSIONS.join(',')}} service="${APP_SERVICE}" MetricName="${metricName}"', '${statistic}', ${PERIOD.toSeconds()})`;
  // No label: CloudWatch names each series found by its function and kind.
  return new MathExpression({ expression: search, usingMetrics: {}, period: PERIOD });
}

function graph(title: string, left: IMetric[], width = 8): GraphWidget {
  return new GraphWidget({ title, left, width, height: 6 });
}

/** The dashboard's rows, top to bottom: the stage's alarms, then queues, functions, API, table, MediaConvert and the items the functions count. */
export function dashboardRows(props: DashboardSources, alarms: readonly Alarm[]): IWidget[][] {
  const queues = [...props.queues];
  const functions = [...props.functions];
  const deadLetters: [string, IQueue][] = [
    ...queues.map(([, entry]): [string, IQueue] => [entry.definition.deadLetter, entry.deadLetterQueue]),
    ...(props.deadLetterQueues ?? []),
  ];
  const perQueue = (metric: (queue: IQueue) => Metric, label: (name: string) => string = (name) => name): Metric[] =>
    queues.map(([name, entry]) => metric(entry.queue).with({ label: label(name) }));
  const perFunction = (metric: (fn: IFunction) => Metric): Metric[] => functions.map(([name, fn]) => metric(fn).with({ label: name }));
  const table = props.table;

  const rows: IWidget[][] = [
    [
      new TextWidget({
        markdown:
          `# Mediaflow ${props.stage}\nQueues, functions, API, table and transcoding of the stage. Alarms notify the alarm topic; ` +
          'each alarm says what to do in its description.',
        width: 24,
        height: 2,
      }),
    ],
    [new AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 24, height: Math.min(12, 2 + Math.ceil(alarms.length / 4)) })],
    [
      graph('Queue depth (visible and in flight)', [
        ...perQueue((queue) => queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' })),
        ...perQueue((queue) => queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum' }), (name) => `${name} in flight`),
      ]),
      graph('Oldest message age (s)', perQueue((queue) => queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' }))),
      graph(
        'Dead-letter queue depth',
        deadLetters.map(([name, queue]) => queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: name })),
      ),
    ],
    [
      graph('Invocations', perFunction((fn) => fn.metricInvocations({ statistic: 'Sum' }))),
      graph('Errors', perFunction((fn) => fn.metric('Errors', { statistic: 'Sum' }))),
      graph('Throttles', perFunction((fn) => fn.metricThrottles({ statistic: 'Sum' }))),
    ],
    [
      graph('Duration p99 (ms)', perFunction((fn) => fn.metricDuration({ statistic: 'p99' })), 12),
      graph('Concurrent executions', perFunction((fn) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum' })), 12),
    ],
  ];

  if (props.httpApi !== undefined) {
    const api = props.httpApi;
    rows.push([
      graph('API requests', [api.metricCount({ statistic: 'Sum', label: 'Requests' })]),
      graph('API 4xx and 5xx', [api.metricClientError({ statistic: 'Sum', label: '4xx' }), api.metricServerError({ statistic: 'Sum', label: '5xx' })]),
      graph('API latency p99 (ms)', [api.metricLatency({ statistic: 'p99', label: 'Latency' }), api.metricIntegrationLatency({ statistic: 'p99', label: 'Integration' })]),
    ]);
  }

  rows.push([
    graph('Table consumed capacity', [
      table.metricConsumedReadCapacityUnits({ statistic: 'Sum', label: 'Read units' }),
      table.metricConsumedWriteCapacityUnits({ statistic: 'Sum', label: 'Write units' }),
    ]),
    graph('Table throttling', [
      table.metric('ReadThrottleEvents', { statistic: 'Sum', label: 'Read throttle events' }),
      table.metric('WriteThrottleEvents', { statistic: 'Sum', label: 'Write throttle events' }),
      ...TABLE_OPERATIONS.map((operation) => tableOperationMetric(table, 'ThrottledRequests', operation)),
    ]),
    graph('Table system errors', TABLE_OPERATIONS.map((operation) => tableOperationMetric(table, 'SystemErrors', operation))),
  ]);

  if (props.mediaConvertQueueArn !== undefined) {
    const queueArn = props.mediaConvertQueueArn;
    rows.push([graph('MediaConvert jobs', [mediaConvertMetric('JobsCompletedCount', queueArn).with({ label: 'Completed' }), mediaConvertMetric('JobsErroredCount', queueArn).with({ label: 'Errored' })], 24)]);
  }

  rows.push([
    graph('Items processed (by function and kind)', [appMetric('ItemsProcessed', 'Sum')]),
    graph('Items failed (by function and kind)', [appMetric('ItemsFailed', 'Sum')]),
    graph('Item duration p99 (ms)', [appMetric('Duration', 'p99')]),
  ]);
  return rows;
}
