import type { SQSEvent } from 'aws-lambda';
import { DEFAULT_ACCOUNT } from '../types.js';
import { ManualClock } from './clock.js';
import { batchOutcome } from './event-sources.js';
import { createMessaging } from './index.js';
import { mappingSpec, queueSpec, recordingLog, ScriptedInvoker, until, type RecordedInvocation } from './testing.js';
import type { EventSourceMappingSpec } from '../specs.js';
import type { InvokeResult } from '../types.js';

const dlq = queueSpec('image-dlq');
const image = queueSpec('image', { visibilityTimeoutSeconds: 30, redrive: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 } });

function bodies(call: RecordedInvocation | undefined): string[] {
  return ((call?.event as SQSEvent | undefined)?.Records ?? []).map((record) => record.body);
}

function stage(respond: (event: SQSEvent) => InvokeResult | Promise<InvokeResult>, mapping: Partial<EventSourceMappingSpec> = {}) {
  const clock = new ManualClock();
  const log = recordingLog();
  const invoker = new ScriptedInvoker((call) => respond(call.event as SQSEvent));
  const messaging = createMessaging({
    queues: [image, dlq],
    topics: [],
    subscriptions: [],
    rules: [],
    mappings: [mappingSpec(image, 'image', mapping)],
    invoker,
    authorizeDelivery: () => true,
    account: DEFAULT_ACCOUNT,
    log,
    clock,
  });
  return { clock, log, invoker, messaging };
}

/** A function failing the records whose body is in `bad`, as the product's partial batch responses do. */
function failing(bad: string[]) {
  return (event: SQSEvent): InvokeResult => ({
    result: { batchItemFailures: event.Records.filter((record) => bad.includes(record.body)).map((record) => ({ itemIdentifier: record.messageId })) },
  });
}

describe('batchOutcome', () => {
  const ids = ['m1', 'm2'];
  it('reads success, partial failures and invalid responses as Lambda does', () => {
    expect(batchOutcome({ error: { errorType: 'Error', errorMessage: 'x' } }, ids, true)).toMatchObject({ kind: 'failed' });
    expect(batchOutcome({ result: { batchItemFailures: [{ itemIdentifier: 'm2' }] } }, ids, false)).toEqual({ kind: 'partial', failed: [] });
    expect(batchOutcome({}, ids, true)).toEqual({ kind: 'partial', failed: [] });
    expect(batchOutcome({ result: { batchItemFailures: [] } }, ids, true)).toEqual({ kind: 'partial', failed: [] });
    expect(batchOutcome({ result: { batchItemFailures: [{ itemIdentifier: 'm2' }] } }, ids, true)).toEqual({ kind: 'partial', failed: ['m2'] });
    expect(batchOutcome({ result: { batchItemFailures: [{ itemIdentifier: 'other' }] } }, ids, true)).toMatchObject({ kind: 'failed' });
    expect(batchOutcome({ result: { batchItemFailures: [{ itemIdentifier: '' }] } }, ids, true)).toMatchObject({ kind: 'failed' });
    expect(batchOutcome({ result: { batchItemFailures: [{ id: 'm1' }] } }, ids, true)).toMatchObject({ kind: 'failed' });
  });
});

describe('the SQS event-source poller', () => {
  it('invokes with records in Lambda\u2019s shape and deletes a successful batch', async () => {
    const { messaging, invoker } = stage(() => ({}));
    messaging.queues.enqueue(image.arn, 'a', { messageAttributes: { type: { DataType: 'String', StringValue: 'media.uploaded' } }, senderId: 'AIDAIT2UOQQY3AUEKVGXU' });
    messaging.queues.enqueue(image.arn, 'b');
    messaging.start();
    await messaging.idle();
    await messaging.stop();
    expect(invoker.calls).toHaveLength(1);
    expect(invoker.calls[0]?.type).toBe('RequestResponse');
    const [first, second] = (invoker.calls[0]?.event as SQSEvent).Records;
    expect(first).toEqual({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: 'a',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse('2026-06-01T00:00:00Z')), SenderId: 'AIDAIT2UOQQY3AUEKVGXU', ApproximateFirstReceiveTimestamp: String(Date.parse('2026-06-01T00:00:00Z')) },
      messageAttributes: { type: { stringValue: 'media.uploaded', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      md5OfBody: '0cc175b9c0f1b6a831c399e269772661',
      eventSource: 'aws:sqs',
      eventSourceARN: image.arn,
      awsRegion: 'us-east-1',
    });
    expect(second?.body).toBe('b');
    expect(second).not.toHaveProperty('md5OfMessageAttributes');
    expect(messaging.queues.depth(image.arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('retries exactly the reported failure, then dead-letters it after maxReceiveCount', async () => {
    const { messaging, invoker, clock } = stage(failing(['b']));
    for (const body of ['a', 'b', 'c']) messaging.queues.enqueue(image.arn, body);
    messaging.start();
    await until(() => invoker.calls.length === 1 && messaging.queues.depth(image.arn).inFlight === 1 && clock.pendingSleeps > 0);
    expect(bodies(invoker.calls[0])).toEqual(['a', 'b', 'c']);
    expect(messaging.queues.depth(image.arn)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });

    clock.advance(30_000);
    await until(() => invoker.calls.length === 2 && clock.pendingSleeps > 0);
    expect(bodies(invoker.calls[1])).toEqual(['b']);
    expect((invoker.calls[1]?.event as SQSEvent).Records[0]?.attributes.ApproximateReceiveCount).toBe('2');

    clock.advance(30_000);
    await messaging.idle();
    await messaging.stop();
    expect(invoker.calls).toHaveLength(2);
    expect(messaging.queues.deadLetters(image.arn).map((message) => message.body)).toEqual(['b']);
    expect(messaging.deadLetterCounts()).toEqual({ [dlq.arn]: 1 });
  });

  it('deletes nothing when the function fails, or names a message outside the batch', async () => {
    let answer: InvokeResult = { error: { errorType: 'Runtime.ExitError', errorMessage: 'killed' } };
    const { messaging, invoker, clock, log } = stage(() => answer);
    messaging.queues.enqueue(image.arn, 'a');
    messaging.queues.enqueue(image.arn, 'b');
    messaging.start();
    await until(() => invoker.calls.length === 1 && clock.pendingSleeps > 0);
    expect(messaging.queues.depth(image.arn).inFlight).toBe(2);
    answer = { result: { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] } };
    clock.advance(30_000);
    await until(() => invoker.calls.length === 2 && clock.pendingSleeps > 0);
    expect(messaging.queues.depth(image.arn).inFlight).toBe(2);
    await messaging.stop();
    expect(log.events.filter((event) => event.kind === 'invoke-error')).toHaveLength(2);
  });

  it('waits up to the batching window to fill a batch', async () => {
    const { messaging, invoker, clock } = stage(() => ({}), { batchSize: 3, maximumBatchingWindowSeconds: 5 });
    messaging.start();
    messaging.queues.enqueue(image.arn, 'a');
    await until(() => messaging.queues.depth(image.arn).inFlight === 1 && clock.pendingSleeps > 0);
    messaging.queues.enqueue(image.arn, 'b');
    await until(() => messaging.queues.depth(image.arn).inFlight === 2 && clock.pendingSleeps > 0);
    expect(invoker.calls).toHaveLength(0);
    clock.advance(5_000);
    await messaging.idle();
    expect(invoker.calls.map(bodies)).toEqual([['a', 'b']]);

    // A batch that fills up goes at once, without waiting for the window.
    for (const body of ['c', 'd', 'e']) messaging.queues.enqueue(image.arn, body);
    await messaging.idle();
    await messaging.stop();
    expect(invoker.calls.map(bodies)).toEqual([['a', 'b'], ['c', 'd', 'e']]);
  });

  it('runs at most maximumConcurrency batches at once, and stop() drains them', async () => {
    const releases: Array<() => void> = [];
    let running = 0;
    let most = 0;
    const { messaging, invoker } = stage(
      () =>
        new Promise<InvokeResult>((resolve) => {
          running += 1;
          most = Math.max(most, running);
          releases.push(() => {
            running -= 1;
            resolve({});
          });
        }),
      { batchSize: 1, maximumConcurrency: 2 },
    );
    for (const body of ['a', 'b', 'c', 'd']) messaging.queues.enqueue(image.arn, body);
    messaging.start();
    await until(() => invoker.calls.length === 2);
    expect(running).toBe(2);
    releases.splice(0).forEach((release) => release());
    await until(() => invoker.calls.length === 4);
    const stopped = messaging.stop();
    releases.splice(0).forEach((release) => release());
    await stopped;
    expect(most).toBe(2);
    expect(messaging.queues.depth(image.arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
