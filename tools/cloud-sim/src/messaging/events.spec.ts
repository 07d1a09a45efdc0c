import type { EventRuleSpec } from '../specs.js';
import { DEFAULT_ACCOUNT, type AwsRequest } from '../types.js';
import { Activity } from './activity.js';
import { ChangeSignal, ManualClock } from './clock.js';
import { createEventsHandler, EventBuses, schedulePeriodMs } from './events.js';
import { SqsQueues } from './sqs-queues.js';
import { queueSpec, recordingLog, ScriptedInvoker, until } from './testing.js';

const QUEUE_ARN = 'arn:aws:mediaconvert:us-east-1:123456789012:queues/Mediaflow-dev';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:video-complete';
const dlq = queueSpec('transcoding-dlq', { messageRetentionSeconds: 1_209_600 });

function rule(retryPolicy: EventRuleSpec['targets'][number]['retryPolicy']): EventRuleSpec {
  return {
    logicalId: 'JobStateChanges',
    name: 'job-state-changes',
    arn: 'arn:aws:events:us-east-1:123456789012:rule/job-state-changes',
    eventBusName: 'default',
    enabled: true,
    pattern: { source: ['aws.mediaconvert'], 'detail-type': ['MediaConvert Job State Change'], detail: { queue: [QUEUE_ARN], status: ['COMPLETE', 'ERROR'] } },
    targets: [{ id: 'Target0', arn: FUNCTION_ARN, deadLetterArn: dlq.arn, ...(retryPolicy ? { retryPolicy } : {}) }],
  };
}

function setup(retryPolicy: EventRuleSpec['targets'][number]['retryPolicy'], invoker = new ScriptedInvoker()) {
  const clock = new ManualClock();
  const changes = new ChangeSignal();
  const activity = new Activity(changes);
  const log = recordingLog();
  const queues = new SqsQueues([dlq], { clock, changes });
  const buses = new EventBuses({ rules: [rule(retryPolicy)], queues, invoker, authorizeDelivery: () => true, account: DEFAULT_ACCOUNT, log, clock, activity });
  return { clock, activity, log, queues, buses, invoker };
}

const complete = { Source: 'aws.mediaconvert', DetailType: 'MediaConvert Job State Change', Detail: JSON.stringify({ queue: QUEUE_ARN, status: 'COMPLETE', jobId: 'j1' }) };
const failing = () => new ScriptedInvoker(() => ({ error: { errorType: 'Error', errorMessage: 'database down' } }));

describe('EventBuses', () => {
  it('delivers a matching event to the Lambda target in the EventBridge envelope', async () => {
    const { buses, invoker, activity } = setup({ maximumRetryAttempts: 2 });
    const result = buses.putEvents([complete, { ...complete, Detail: JSON.stringify({ queue: QUEUE_ARN, status: 'PROGRESSING' }) }]);
    expect(result).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }, { EventId: expect.any(String) }] });
    await until(() => activity.pending === 0);
    expect(invoker.calls).toHaveLength(1);
    expect(invoker.calls[0]).toEqual({
      functionName: 'video-complete',
      type: 'Event',
      event: {
        version: '0',
        id: (result.Entries[0] as { EventId: string }).EventId,
        'detail-type': 'MediaConvert Job State Change',
        source: 'aws.mediaconvert',
        account: '123456789012',
        time: '2026-06-01T00:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: { queue: QUEUE_ARN, status: 'COMPLETE', jobId: 'j1' },
      },
    });
  });

  it('retries with backoff up to MaximumRetryAttempts, then sends the event to the DLQ with the error attributes', async () => {
    const { buses, invoker, clock, activity, queues, log } = setup({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 }, failing());
    buses.putEvents([complete]);
    await until(() => clock.pendingSleeps === 1);
    expect(invoker.calls).toHaveLength(1);
    clock.advance(999);
    await until(() => clock.pendingSleeps === 1);
    expect(invoker.calls).toHaveLength(1);
    clock.advance(1);
    await until(() => invoker.calls.length === 2);
    await until(() => clock.pendingSleeps === 1);
    clock.advance(2_000);
    await until(() => activity.pending === 0);
    expect(invoker.calls).toHaveLength(3);

    const [dead] = await queues.receive(dlq.arn, { maxMessages: 10 });
    expect(JSON.parse(dead?.body ?? '')).toMatchObject({ source: 'aws.mediaconvert', detail: { jobId: 'j1' } });
    const value = (name: string) => dead?.messageAttributes[name]?.StringValue;
    expect(value('ERROR_CODE')).toBe('SDK_CLIENT_ERROR');
    expect(value('ERROR_MESSAGE')).toContain('database down');
    expect(value('RULE_ARN')).toBe('arn:aws:events:us-east-1:123456789012:rule/job-state-changes');
    expect(value('TARGET_ARN')).toBe(FUNCTION_ARN);
    expect(value('EXHAUSTED_RETRY_CONDITION')).toBe('MaximumRetryAttempts');
    expect(log.events).toEqual([expect.objectContaining({ kind: 'dead-letter', source: 'events' })]);
  });

  it('gives up when the next retry would pass MaximumEventAgeInSeconds', async () => {
    const { buses, invoker, clock, activity, queues } = setup({ maximumRetryAttempts: 100, maximumEventAgeSeconds: 2 }, failing());
    buses.putEvents([complete]);
    await until(() => clock.pendingSleeps === 1);
    clock.advance(1_000);
    await until(() => activity.pending === 0);
    expect(invoker.calls).toHaveLength(2);
    const [dead] = await queues.receive(dlq.arn);
    expect(dead?.messageAttributes['EXHAUSTED_RETRY_CONDITION']?.StringValue).toBe('MaximumEventAgeInSeconds');
  });

  it('stops retrying once an attempt succeeds', async () => {
    let attempts = 0;
    const invoker = new ScriptedInvoker(() => (++attempts < 2 ? { error: { errorType: 'TooManyRequestsException', errorMessage: 'slow down' } } : {}));
    const { buses, clock, activity, queues } = setup({ maximumRetryAttempts: 5 }, invoker);
    buses.putEvents([complete]);
    await until(() => clock.pendingSleeps === 1);
    clock.advance(1_000);
    await until(() => activity.pending === 0);
    expect(attempts).toBe(2);
    expect(queues.depth(dlq.arn).visible).toBe(0);
  });
});

describe('the events service handler', () => {
  function putEvents(entries: unknown[]): AwsRequest {
    return {
      service: 'events',
      method: 'POST',
      path: '/',
      query: new URLSearchParams(),
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: Buffer.from(JSON.stringify({ Entries: entries })),
      principal: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/api', sessionName: 'api', accessKeyId: 'ASIA' },
    };
  }

  it('names events:PutEvents on each bus and refuses aws.* sources from callers', async () => {
    const { buses } = setup(undefined);
    const handler = createEventsHandler(buses);
    const request = putEvents([
      { Source: 'mediaflow.api', DetailType: 'x', Detail: '{}' },
      { Source: 'aws.mediaconvert', DetailType: 'MediaConvert Job State Change', Detail: complete.Detail, EventBusName: 'default' },
      { Source: 'mediaflow.api', DetailType: 'x', Detail: 'not json' },
    ]);
    expect(await handler.authorizations(request)).toEqual([{ action: 'events:PutEvents', resource: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }]);
    const response = await handler.handle(request);
    expect(JSON.parse(String(response.body))).toEqual({
      FailedEntryCount: 2,
      Entries: [
        { EventId: expect.any(String) },
        { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: expect.any(String) },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      ],
    });
  });
});

describe('scheduled rules', () => {
  const PURGE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:trash-purge';
  const scheduled: EventRuleSpec = {
    logicalId: 'ComputeTrashPurgeSchedule1A2B3C4D',
    name: 'mediaflow-trash-purge',
    arn: 'arn:aws:events:us-east-1:123456789012:rule/mediaflow-trash-purge',
    eventBusName: 'default',
    enabled: true,
    schedule: 'rate(1 hour)',
    targets: [{ id: 'Target0', arn: PURGE_ARN, retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 } }],
  };

  function buses(authorize = true) {
    const clock = new ManualClock();
    const changes = new ChangeSignal();
    const activity = new Activity(changes);
    const invoker = new ScriptedInvoker();
    const authorized: string[] = [];
    const built = new EventBuses({
      rules: [scheduled, rule(undefined)],
      queues: new SqsQueues([dlq], { clock, changes }),
      invoker,
      authorizeDelivery: (service, source, action, resource) => {
        authorized.push(`${service} ${source} ${action} ${resource}`);
        return authorize;
      },
      account: DEFAULT_ACCOUNT,
      log: recordingLog(),
      clock,
      activity,
    });
    return { built, invoker, activity, authorized };
  }

  it('sends its target a Scheduled Event naming the rule, as events.amazonaws.com, when it runs', async () => {
    const { built, invoker, activity, authorized } = buses();
    const id = built.runSchedule('ComputeTrashPurgeSchedule');
    await until(() => activity.pending === 0);
    expect(invoker.calls).toEqual([
      {
        functionName: 'trash-purge',
        type: 'Event',
        event: { version: '0', id, 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: '2026-06-01T00:00:00Z', region: 'us-east-1', resources: [scheduled.arn], detail: {} },
      },
    ]);
    expect(authorized).toEqual([`events.amazonaws.com ${scheduled.arn} lambda:InvokeFunction ${PURGE_ARN}`]);
    expect(built.runSchedule('mediaflow-trash-purge')).not.toBe(id);
    expect(() => built.runSchedule('job-state-changes')).toThrow(/no scheduled rule/);
  });

  it('is not reached by events put on the bus, and does not invoke a function whose permission does not name it', async () => {
    const { built, invoker, activity } = buses(false);
    built.putEvents([{ Source: 'aws.events', DetailType: 'Scheduled Event', Detail: '{}' }]);
    built.runSchedule(scheduled.name);
    await until(() => activity.pending === 0);
    expect(invoker.calls).toEqual([]);
  });

  it('reads rate expressions as EventBridge does, and leaves cron ones to be run by hand', () => {
    expect(schedulePeriodMs('rate(1 hour)')).toBe(3_600_000);
    expect(schedulePeriodMs('rate(5 minutes)')).toBe(300_000);
    expect(schedulePeriodMs('rate(2 days)')).toBe(172_800_000);
    expect(schedulePeriodMs('cron(0 3 * * ? *)')).toBeUndefined();
    for (const refused of ['rate(1 hours)', 'rate(2 hour)', 'rate(0 minutes)', 'every hour']) expect(() => schedulePeriodMs(refused)).toThrow(/not a schedule expression/);
  });
});

