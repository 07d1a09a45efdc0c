import { ManualClock } from './clock.js';
import { SqsError, UnknownQueueError } from './errors.js';
import { SqsQueues } from './sqs-queues.js';
import { queueSpec, recordingLog, turns } from './testing.js';

const dlq = queueSpec('image-dlq', { messageRetentionSeconds: 1_209_600 });
const image = queueSpec('image', { visibilityTimeoutSeconds: 120, redrive: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 } });

function store(clock = new ManualClock()) {
  const log = recordingLog();
  return { clock, log, queues: new SqsQueues([image, dlq], { clock, log }) };
}

describe('SqsQueues', () => {
  it('hides a received message for the visibility timeout, then gives it again with a new handle', async () => {
    const { clock, queues } = store();
    const { messageId } = queues.enqueue(image.arn, 'hello', { messageAttributes: { type: { DataType: 'String', StringValue: 'media.uploaded' } } });
    const [first] = await queues.receive(image.arn);
    expect(first).toMatchObject({ messageId, body: 'hello', attributes: { ApproximateReceiveCount: '1' } });
    expect(first?.messageAttributes).toEqual({ type: { DataType: 'String', StringValue: 'media.uploaded' } });
    expect(await queues.receive(image.arn)).toEqual([]);
    expect(queues.depth(image.arn)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });

    clock.advance(119_999);
    expect(await queues.receive(image.arn)).toEqual([]);
    clock.advance(1);
    const [second] = await queues.receive(image.arn);
    expect(second?.attributes).toMatchObject({ ApproximateReceiveCount: '2', ApproximateFirstReceiveTimestamp: first?.attributes['ApproximateFirstReceiveTimestamp'] });
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);

    // The first receive's handle no longer deletes the message; the latest one does.
    expect(queues.deleteMessage(image.arn, first?.receiptHandle as string)).toBe(false);
    expect(queues.deleteMessage(image.arn, second?.receiptHandle as string)).toBe(true);
    expect(queues.depth(image.arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('moves a message to the dead-letter queue at the receive after maxReceiveCount, keeping its id', async () => {
    const { clock, queues, log } = store();
    const { messageId } = queues.enqueue(image.arn, 'poison');
    for (let receive = 1; receive <= 3; receive += 1) {
      const [message] = await queues.receive(image.arn);
      expect(message?.attributes['ApproximateReceiveCount']).toBe(String(receive));
      clock.advance(120_000);
    }
    expect(queues.deadLetters(image.arn)).toEqual([]);
    expect(await queues.receive(image.arn)).toEqual([]);
    expect(queues.deadLetters(image.arn)).toEqual([expect.objectContaining({ messageId, body: 'poison', deadLetterSourceArn: image.arn })]);
    const [dead] = await queues.receive(dlq.arn, { maxMessages: 10 });
    expect(dead?.attributes).toMatchObject({ ApproximateReceiveCount: '1', DeadLetterQueueSourceArn: image.arn });
    expect(log.events).toEqual([expect.objectContaining({ kind: 'dead-letter', source: 'sqs' })]);
  });

  it('honours the visibility override, ChangeMessageVisibility and the queue delay', async () => {
    const { clock, queues } = store();
    queues.enqueue(image.arn, 'later', { delaySeconds: 10 });
    expect(queues.depth(image.arn)).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    clock.advance(10_000);
    const [message] = await queues.receive(image.arn, { visibilityTimeoutSeconds: 5 });
    clock.advance(5_000);
    const [again] = await queues.receive(image.arn, { visibilityTimeoutSeconds: 60 });
    expect(again?.messageId).toBe(message?.messageId);
    queues.changeVisibility(image.arn, again?.receiptHandle as string, 0);
    expect(queues.depth(image.arn).visible).toBe(1);
    expect(() => queues.changeVisibility(image.arn, again?.receiptHandle as string, 10)).toThrow(SqsError);
    expect(() => queues.changeVisibility(image.arn, 'not a handle!', 10)).toThrow(/not a valid receipt handle/);
  });

  it('drops messages older than the retention period', async () => {
    const clock = new ManualClock();
    const short = queueSpec('short', { messageRetentionSeconds: 60 });
    const queues = new SqsQueues([short], { clock });
    queues.enqueue(short.arn, 'old');
    clock.advance(30_000);
    queues.enqueue(short.arn, 'new');
    clock.advance(30_000);
    expect((await queues.receive(short.arn, { maxMessages: 10 })).map((m) => m.body)).toEqual(['new']);
  });

  it('long-polls until a message arrives, and returns empty when the wait ends', async () => {
    const { clock, queues } = store();
    const waiting = queues.receive(image.arn, { waitTimeSeconds: 20, maxMessages: 10 });
    await turns(5);
    queues.enqueue(image.arn, 'arrived');
    expect((await waiting).map((m) => m.body)).toEqual(['arrived']);

    const empty = queues.receive(image.arn, { waitTimeSeconds: 20 });
    let settled = false;
    void empty.then(() => (settled = true));
    clock.advance(19_000);
    await turns(5);
    expect(settled).toBe(false);
    clock.advance(1_000);
    expect(await empty).toEqual([]);
  });

  it('wakes a long poll when an in-flight message becomes visible again', async () => {
    const { clock, queues } = store();
    queues.enqueue(image.arn, 'retry');
    await queues.receive(image.arn, { visibilityTimeoutSeconds: 5 });
    const waiting = queues.receive(image.arn, { waitTimeSeconds: 20 });
    await turns(5);
    clock.advance(5_000);
    expect((await waiting).map((m) => m.body)).toEqual(['retry']);
  });

  it('limits purges to one a minute and validates its inputs', async () => {
    const { clock, queues } = store();
    queues.enqueue(image.arn, 'a');
    queues.purge(image.arn);
    expect(queues.depth(image.arn).visible).toBe(0);
    expect(() => queues.purge(image.arn)).toThrow(/60 seconds/);
    clock.advance(60_000);
    expect(() => queues.purge(image.arn)).not.toThrow();
    await expect(queues.receive(image.arn, { maxMessages: 11 })).rejects.toThrow(SqsError);
    expect(() => queues.enqueue('arn:aws:sqs:us-east-1:123456789012:missing', 'x')).toThrow(UnknownQueueError);
    expect(() => new SqsQueues([image])).toThrow(UnknownQueueError);
  });
});
