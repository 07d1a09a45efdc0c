import { createEvent, parseEvent, type DomainEvent } from '@mediaflow/domain';
import { ClockedIds, InMemoryQueue, ManualClock } from '@mediaflow/domain/testing';
import type { Context, SQSRecord } from 'aws-lambda';
import { sqsBatchHandler } from './aws/sqs-batch.js';
import { correlated, correlationIdOf, currentCorrelationId, isCorrelationId, withCorrelationId } from './correlation.js';
import { LocalEventBus } from './local-event-bus.js';
import { PollingConsumer } from './polling-consumer.js';

const clock = new ManualClock();
const ids = new ClockedIds(clock);

function uploaded(correlationId?: string): DomainEvent {
  return createEvent('media.uploaded', {
    id: ids.next(),
    occurredAt: clock.now(),
    ownerId: 'alice',
    mediaId: ids.next(),
    ...(correlationId === undefined ? {} : { correlationId }),
    data: { kind: 'image', mime: 'image/jpeg', size: 1024, sha256: 'a'.repeat(64), key: 'originals/alice/x' },
  });
}

async function published(queue: InMemoryQueue): Promise<DomainEvent[]> {
  return (await queue.receive({ maxMessages: 10 })).map((m) => parseEvent(m.body));
}

describe('correlation ids', () => {
  it('takes plain short tokens only', () => {
    expect(isCorrelationId('01JQ0000000000000000000001')).toBe(true);
    expect(isCorrelationId('JKJaXmPLvHcESHA=')).toBe(true);
    expect(isCorrelationId('a'.repeat(128))).toBe(true);
    for (const bad of ['', 'a'.repeat(129), 'two words', 'line\nbreak', '{"level":"ERROR"}', 'caf\u00e9', 42, undefined]) {
      expect(isCorrelationId(bad)).toBe(false);
    }
  });

  it('are read from a message: its correlationId, else an event\u2019s own id, else none', () => {
    const event = uploaded();
    expect(correlationIdOf(JSON.stringify(uploaded('req-1')))).toBe('req-1');
    expect(correlationIdOf(JSON.stringify(event))).toBe(event.id);
    expect(correlationIdOf(JSON.stringify({ key: 'originals/alice/x', size: 3, correlationId: 'req-2' }))).toBe('req-2');
    expect(correlationIdOf(JSON.stringify({ key: 'originals/alice/x', size: 3 }))).toBeUndefined();
    expect(correlationIdOf(JSON.stringify({ Records: [] }))).toBeUndefined();
    expect(correlationIdOf(JSON.stringify({ key: 'k', correlationId: 'not safe\n' }))).toBeUndefined();
    expect(correlationIdOf('not json')).toBeUndefined();
    expect(correlationIdOf('null')).toBeUndefined();
  });

  it('are kept for the work in progress, however far it goes, and not for what runs outside it', async () => {
    expect(currentCorrelationId()).toBeUndefined();
    const seen = await withCorrelationId('req-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return [currentCorrelationId(), withCorrelationId(undefined, () => currentCorrelationId())];
    });
    expect(seen).toEqual(['req-1', undefined]);
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('are put on the events published during the work, unless an event has one', () => {
    const event = uploaded();
    expect(correlated(event)).toBe(event);
    expect(withCorrelationId('req-1', () => correlated(event))).toEqual({ ...event, correlationId: 'req-1' });
    const own = uploaded('req-0');
    expect(withCorrelationId('req-1', () => correlated(own))).toBe(own);
  });

  it('travel on the local bus and from a consumed message to the events its handler publishes', async () => {
    const image = new InMemoryQueue('image');
    const tagging = new InMemoryQueue('tagging');
    const bus = new LocalEventBus([{ queue: image, policy: { type: ['media.uploaded'] } }, { queue: tagging, policy: { type: ['media.processed'] } }]);
    await withCorrelationId('req-1', () => bus.publish(uploaded()));
    const [first] = await image.receive();
    expect(first && parseEvent(first.body).correlationId).toBe('req-1');
    await image.release(first?.receiptHandle ?? '', 0);

    const handled: (string | undefined)[] = [];
    const consumer = new PollingConsumer(image, { waitTimeSeconds: 0 });
    const done = new Promise<void>((resolve) => {
      consumer.start(async (message) => {
        handled.push(currentCorrelationId());
        const event = parseEvent(message.body);
        await bus.publish(createEvent('media.processed', { id: ids.next(), occurredAt: clock.now(), ownerId: event.ownerId, mediaId: ids.next(), data: { kind: 'image', renditions: [] } }));
        resolve();
      });
    });
    await done;
    await consumer.stop();
    expect(handled).toEqual(['req-1']);
    expect((await published(tagging)).map((e) => [e.type, e.correlationId])).toEqual([['media.processed', 'req-1']]);
  });

  it('travel from an SQS record to the events its handler publishes (the Lambdas)', async () => {
    const queue = new InMemoryQueue('tagging');
    const bus = new LocalEventBus([{ queue }]);
    const event = uploaded('JKJaXmPLvHcESHA=');
    const record = { messageId: 'm-1', receiptHandle: 'rh', body: JSON.stringify(event), attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1780000000000' }, messageAttributes: {} } as unknown as SQSRecord;
    const handler = sqsBatchHandler(async () => {
      await bus.publish(createEvent('media.processed', { id: ids.next(), occurredAt: clock.now(), ownerId: 'alice', mediaId: ids.next(), data: { kind: 'image', renditions: [] } }));
    });
    await handler({ Records: [record] }, { functionName: 'tagging', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context);
    expect((await published(queue)).map((e) => e.correlationId)).toEqual(['JKJaXmPLvHcESHA=']);
  });
});
