import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { HttpApi, type IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { pipelineQueues } from '@mediaflow/workers';
import type { IConstruct } from 'constructs';
import { CONSUMER_TIMEOUTS } from '../config.js';
import { MediaData } from './data.js';
import { MediaEvents } from './events.js';
import { MediaObservability, type MediaObservabilityProps } from './observability.js';

const FUNCTION_NAMES = ['api', 'ingest', 'image', 'document', 'audio', 'tagging', 'video', 'video-complete'];
const MEDIACONVERT_QUEUE_ARN = 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/Mediaflow-test';
const ALARM_EMAIL = 'oncall@example.com';

interface Options extends Partial<Pick<MediaObservabilityProps, 'alarmEmail' | 'mediaConvertQueueArn' | 'maxMessageAge' | 'stage' | 'limits' | 'schedules'>> {
  /** Build an HTTP API and give it to the construct. */
  withApi?: boolean;
}

interface Built {
  stack: Stack;
  events: MediaEvents;
  functions: Map<string, LambdaFunction>;
  observability: MediaObservability;
  extraDeadLetterQueue: Queue;
}

/**
 * A stack with the real queues, tables and stand-in functions, the HTTP API when asked for, and
 * the construct under test. Stand-ins other constructs build for real acknowledge their findings here.
 */
function build(app: App, { withApi = false, stage = 'test', ...optional }: Options = {}): Built {
  const stack = new Stack(app, 'Test');
  const media = new Bucket(stack, 'Media', { blockPublicAccess: BlockPublicAccess.BLOCK_ALL, encryption: BucketEncryption.S3_MANAGED, enforceSSL: true });
  Validations.of(media).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason: 'Test stand-in for the media bucket, whose access logging MediaStorage configures.' });
  const events = new MediaEvents(stack, 'Events', { queues: pipelineQueues(1, undefined, { tagging: true }), consumerTimeouts: CONSUMER_TIMEOUTS, media });
  const data = new MediaData(stack, 'Data', { retain: false });
  const functions = new Map(
    FUNCTION_NAMES.map((name) => {
      const fn = new LambdaFunction(stack, `Fn-${name}`, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => undefined;') });
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'Test stand-in for a function another construct builds.',
      });
      return [name, fn];
    }),
  );
  const extraDeadLetterQueue = new Queue(stack, 'TranscodingDeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
  Validations.of(extraDeadLetterQueue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'Test stand-in for a dead-letter queue of EventBridge.' });
  let httpApi: IHttpApi | undefined;
  if (withApi) {
    const api = new HttpApi(stack, 'Api');
    Validations.of(api).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG1', reason: 'Test stand-in for the HTTP API, whose access logging another construct configures.' });
    httpApi = api as IHttpApi;
  }
  const observability = new MediaObservability(stack, 'Observability', {
    stage,
    functions,
    queues: events.queues,
    deadLetterQueues: new Map([['transcoding-dlq', extraDeadLetterQueue]]),
    table: data.mediaTable as ITableV2,
    ...(httpApi === undefined ? {} : { httpApi }),
    ...optional,
  });
  return { stack, events, functions, observability, extraDeadLetterQueue };
}

function fixture(options: Options = {}): Built & { template: Template } {
  const built = build(new App(), options);
  return { ...built, template: Template.fromStack(built.stack) };
}

const logicalId = (stack: Stack, construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);

interface AlarmProperties {
  AlarmName: string;
  AlarmDescription?: string;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions?: { Name: string; Value: unknown }[] } } }[];
  AlarmActions?: unknown[];
  OKActions?: unknown[];
}

function alarms(template: Template): AlarmProperties[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as AlarmProperties);
}

/** Renders an `Fn::Join` of strings and references into one string, references as `${Id}` / `${Id.Attr}`. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(delimiter);
  }
  if (node['Ref'] !== undefined) return `\${${String(node['Ref'])}}`;
  if (Array.isArray(node['Fn::GetAtt'])) return `\${${(node['Fn::GetAtt'] as string[]).join('.')}}`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

describe('MediaObservability', () => {
  const { template, stack, events, functions, observability, extraDeadLetterQueue } = fixture({ withApi: true, mediaConvertQueueArn: MEDIACONVERT_QUEUE_ARN });
  const topicId = logicalId(stack, observability.alarmTopic);
  const deadLetterQueueIds = [...[...events.queues.values()].map((entry) => logicalId(stack, entry.deadLetterQueue)), logicalId(stack, extraDeadLetterQueue)];

  it('alarms on any message in each dead-letter queue, pipeline or not', () => {
    const deadLetterAlarms = alarms(template).filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(deadLetterAlarms).toHaveLength(events.queues.size + 1);
    expect(deadLetterAlarms.map((alarm) => alarm.Dimensions)).toEqual(
      expect.arrayContaining(deadLetterQueueIds.map((id) => [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }])),
    );
    for (const alarm of deadLetterAlarms) {
      expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, Statistic: 'Maximum' });
    }
  });

  it("alarms when a work queue's oldest message outlives its visibility timeout times its receives", () => {
    const ageAlarms = alarms(template).filter((alarm) => alarm.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(ageAlarms).toHaveLength(events.queues.size);
    const queues = template.findResources('AWS::SQS::Queue');
    for (const entry of events.queues.values()) {
      const id = logicalId(stack, entry.queue);
      const visibility = queues[id]?.Properties.VisibilityTimeout as number;
      const alarm = ageAlarms.find((candidate) => JSON.stringify(candidate.Dimensions).includes(`"${id}"`));
      expect(alarm).toMatchObject({ Threshold: visibility * entry.definition.maxReceives, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('takes a per-queue age when given one', () => {
    const other = fixture({ maxMessageAge: { video: Duration.minutes(15) } });
    const video = other.events.queues.get('video');
    if (video === undefined) throw new Error('no video queue');
    const id = logicalId(other.stack, video.queue);
    const alarm = alarms(other.template).find((candidate) => candidate.MetricName === 'ApproximateAgeOfOldestMessage' && JSON.stringify(candidate.Dimensions).includes(`"${id}"`));
    expect(alarm?.Threshold).toBe(900);
  });

  it('alarms on the error rate and the throttles of every function', () => {
    for (const fn of functions.values()) {
      const id = logicalId(stack, fn);
      const mentions = alarms(template).filter((alarm) => JSON.stringify(alarm).includes(`{"Ref":"${id}"}`));
      const rate = mentions.find((alarm) => alarm.Metrics?.some((metric) => metric.Expression === '100 * errors / invocations'));
      expect(rate).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
      expect(rate?.Metrics?.map((metric) => metric.MetricStat?.Metric.MetricName).filter(Boolean).sort()).toEqual(['Errors', 'Invocations']);
      expect(mentions.find((alarm) => alarm.MetricName === 'Throttles')).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('alarms on a scheduled function\u2019s failed runs, two of its last three, rather than on a five-minute rate', () => {
    const scheduled = fixture({ schedules: new Map([['video-complete', Duration.hours(1)]]) });
    const fn = scheduled.functions.get('video-complete');
    if (fn === undefined) throw new Error('no function');
    const mentions = alarms(scheduled.template).filter((alarm) => JSON.stringify(alarm).includes(`{"Ref":"${logicalId(scheduled.stack, fn)}"}`));
    const errors = mentions.find((alarm) => alarm.MetricName === 'Errors');
    expect(errors).toMatchObject({ Statistic: 'Sum', Period: 3600, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(mentions.some((alarm) => alarm.Metrics?.some((metric) => metric.Expression === '100 * errors / invocations'))).toBe(false);
    expect(mentions.find((alarm) => alarm.MetricName === 'Throttles')).toBeDefined();
  });

  it('alarms on the API 5xx rate, DynamoDB throttling and system errors, and failed MediaConvert jobs of the queue', () => {
    const all = alarms(template);
    expect(all.find((alarm) => alarm.Metrics?.some((metric) => metric.Expression === '100 * errors / requests'))).toMatchObject({ Threshold: 5 });
    const throttles = all.find((alarm) => alarm.Metrics?.some((metric) => metric.Expression === 'SUM([reads, writes])'));
    expect(throttles?.Metrics?.flatMap((metric) => metric.MetricStat?.Metric.MetricName ?? []).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    const systemErrors = all.find((alarm) => alarm.Metrics?.some((metric) => metric.MetricStat?.Metric.MetricName === 'SystemErrors'));
    expect(systemErrors?.Metrics?.filter((metric) => metric.MetricStat !== undefined).length).toBeLessThanOrEqual(10);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/MediaConvert',
      MetricName: 'JobsErroredCount',
      Dimensions: [{ Name: 'Queue', Value: MEDIACONVERT_QUEUE_ARN }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('leaves out the API and MediaConvert alarms when there is no API or queue', () => {
    const bare = alarms(fixture().template);
    expect(bare.some((alarm) => JSON.stringify(alarm).includes('AWS/ApiGateway'))).toBe(false);
    expect(bare.some((alarm) => alarm.Namespace === 'AWS/MediaConvert')).toBe(false);
    expect(bare).toHaveLength(alarms(template).length - 2);
  });

  it('alarms at 80% of each limit the stage was deployed with: a function\u2019s concurrency, the API\u2019s request rate', () => {
    const limited = fixture({ withApi: true, mediaConvertQueueArn: MEDIACONVERT_QUEUE_ARN, limits: { concurrency: new Map([['image', 18], ['video', 45]]), apiRequestsPerSecond: 24 } });
    const all = alarms(limited.template);
    expect(all).toHaveLength(alarms(template).length + 3);
    for (const [name, limit] of [['image', 18], ['video', 45]] as const) {
      const fn = limited.functions.get(name);
      if (fn === undefined) throw new Error(`no ${name}`);
      const alarm = all.find((candidate) => candidate.MetricName === 'ConcurrentExecutions' && JSON.stringify(candidate.Dimensions).includes(`"${logicalId(limited.stack, fn)}"`));
      expect(alarm).toMatchObject({ Threshold: limit * 0.8, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Maximum', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
      expect(alarm?.AlarmName).toBe(`Mediaflow-test-function-concurrency-${name}`);
    }
    const rate = all.find((alarm) => alarm.Metrics?.some((metric) => metric.Expression === 'requests / 300'));
    expect(rate).toMatchObject({ AlarmName: 'Mediaflow-test-api-request-rate', Threshold: 24 * 0.8, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(rate?.Metrics?.flatMap((metric) => metric.MetricStat?.Metric.MetricName ?? [])).toEqual(['Count']);
    const topic = { Ref: logicalId(limited.stack, limited.observability.alarmTopic) };
    for (const alarm of all.filter((each) => /concurrency|request-rate/.test(each.AlarmName))) {
      expect(alarm.AlarmDescription?.length).toBeGreaterThan(100);
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
  });

  it('refuses a limit it cannot alarm on', () => {
    expect(() => fixture({ limits: { concurrency: new Map([['transcoder', 5]]) } })).toThrow(/not one of the stage's functions/);
    expect(() => fixture({ limits: { concurrency: new Map(), apiRequestsPerSecond: 24 } })).toThrow(/no HTTP API/);
  });

  it('names every alarm after the stage, explains what to do, treats no data as healthy and notifies the topic on alarm and recovery', () => {
    const all = alarms(template);
    expect(all).toHaveLength(observability.alarms.length);
    for (const alarm of all) {
      expect(alarm.AlarmName).toMatch(/^Mediaflow-test-/);
      expect(alarm.AlarmDescription?.length).toBeGreaterThan(100);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
    }
    expect(new Set(all.map((alarm) => alarm.AlarmName)).size).toBe(all.length);
  });

  it('encrypts the topic with a rotated key CloudWatch alarms of the account may use, and denies publishing without TLS', () => {
    const keyId = logicalId(stack, observability.alarmTopicKey);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const fromAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': Match.anyValue() },
    };
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: fromAlarms }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: fromAlarms }),
        ]),
      },
    });
  });

  it('subscribes the alarm email only when one is given', () => {
    const emails = (checked: Template): number => Object.keys(checked.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } })).length;
    expect(emails(template)).toBe(0);
    const withEmail = fixture({ alarmEmail: ALARM_EMAIL });
    expect(emails(withEmail.template)).toBe(1);
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: ALARM_EMAIL,
      TopicArn: { Ref: logicalId(withEmail.stack, withEmail.observability.alarmTopic) },
    });
  });

  it("builds a dashboard showing every queue, dead-letter queue and function, and the functions' own metrics", () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties.DashboardName).toBe('Mediaflow-test');
    const body = render(dashboards[0]?.Properties.DashboardBody);
    const widgets = (JSON.parse(body) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets;
    const metrics = widgets.flatMap((widget) => widget.properties.metrics ?? []);
    const shown = (namespace: string, dimension: string, value: string): boolean =>
      metrics.some((metric) => metric[0] === namespace && metric.includes(dimension) && metric[metric.indexOf(dimension) + 1] === value);

    for (const entry of events.queues.values()) {
      expect(shown('AWS/SQS', 'QueueName', `\${${logicalId(stack, entry.queue)}.QueueName}`)).toBe(true);
    }
    for (const id of deadLetterQueueIds) expect(shown('AWS/SQS', 'QueueName', `\${${id}.QueueName}`)).toBe(true);
    for (const fn of functions.values()) {
      const id = logicalId(stack, fn);
      for (const name of ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions']) {
        expect(metrics.some((metric) => metric[0] === 'AWS/Lambda' && metric[1] === name && metric.includes(`\${${id}}`))).toBe(true);
      }
    }
    expect(shown('AWS/MediaConvert', 'Queue', MEDIACONVERT_QUEUE_ARN)).toBe(true);
    for (const name of ['Count', '4xx', '5xx', 'Latency']) expect(metrics.some((metric) => metric[0] === 'AWS/ApiGateway' && metric[1] === name)).toBe(true);
    for (const name of ['ConsumedReadCapacityUnits', 'ReadThrottleEvents', 'SystemErrors']) expect(metrics.some((metric) => metric[0] === 'AWS/DynamoDB' && metric[1] === name)).toBe(true);
    for (const name of ['ItemsProcessed', 'ItemsFailed', 'Duration']) {
      expect(body).toContain(`SEARCH('{Mediaflow,function,kind,service} service=\\"mediaflow\\" MetricName=\\"${name}\\"'`);
    }
  });

  it('raises no synthesis warning of its own', () => {
    expect(Annotations.fromStack(stack).findWarning(`/Test/${observability.node.id}/*`, Match.anyValue())).toEqual([]);
  });

  it('refuses a stage that cannot name alarms', () => {
    expect(() => fixture({ stage: 'dev stage' })).toThrow(/cannot name alarms/);
  });

  describe('under cdk-nag', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mediaflow-observability-'));
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    it('synthesizes with no AwsSolutions finding and acknowledges nothing of its own', () => {
      const app = new App({ outdir });
      // Registered before anything synthesizes: an app synthesizes once, and validation runs then.
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
      const { stack, observability } = build(app, { withApi: true, mediaConvertQueueArn: MEDIACONVERT_QUEUE_ARN, alarmEmail: ALARM_EMAIL });
      const resources = app.synth().getStackByName('Test').template['Resources'] as Record<string, { Metadata?: { cdk_nag?: unknown } }>;
      const own = observability.node.findAll().filter(CfnResource.isCfnResource).map((resource) => stack.getLogicalId(resource));
      expect(own.length).toBeGreaterThan(0);
      expect(own.filter((id) => resources[id]?.Metadata?.cdk_nag !== undefined)).toEqual([]);
    });
  });
});
