import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReceivedMessage } from '@mediaflow/domain';
import { openQueues, redrive, type SqliteQueueBroker } from './sqlite/index.js';
import { PollingConsumer, type ConsumerErrorContext } from './polling-consumer.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const QUEUES = {
  work: { visibilityTimeoutSeconds: 30, maxReceives: 3, deadLetter: 'work-dlq' },
  'work-dlq': { visibilityTimeoutSeconds: 30 },
};
type QueueName = keyof typeof QUEUES;

describe('PollingConsumer over the SQLite queue', () => {
  let dir: string;
  let path: string;
  const brokers: SqliteQueueBroker[] = [];
  const consumers: PollingConsumer[] = [];

  function open(): SqliteQueueBroker<QueueName> {
    const broker = openQueues(path, QUEUES, { pollIntervalMs: 10 });
    brokers.push(broker);
    return broker;
  }

  function consume(broker: SqliteQueueBroker<QueueName>, options: ConstructorParameters<typeof PollingConsumer>[1] = {}) {
    const consumer = new PollingConsumer(broker.queue('work'), {
      waitTimeSeconds: 0.1,
      retryBackoff: { baseSeconds: 0, maxSeconds: 0 },
      ...options,
    });
    consumers.push(consumer);
    return consumer;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-consumer-'));
    path = join(dir, 'queues.db');
  });

  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.stop();
    for (const broker of brokers.splice(0)) await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves a poison message to the dead-letter queue after maxReceives, and it can be redriven', async () => {
    const broker = open();
    await broker.queue('work').send('{"poison":true}', { attributes: { kind: 'image' } });
    let fixed = false;
    const attempts: number[] = [];
    const errors: ConsumerErrorContext[] = [];
    consume(broker, { onError: (_, context) => errors.push(context) }).start(async (message) => {
      attempts.push(message.receiveCount);
      if (!fixed) throw new Error('cannot decode');
    });

    await eventually(async () => (await broker.queue('work-dlq').depth()).visible === 1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(errors.map((e) => e.stage)).toEqual(['handle', 'handle', 'handle']);
    const [dead] = await broker.queue('work-dlq').list();
    expect(dead).toMatchObject({ body: '{"poison":true}', attributes: { kind: 'image' }, deadLetter: { sourceQueue: 'work', receiveCount: 3 } });

    fixed = true;
    expect(await redrive(broker.queue('work-dlq'), broker.queue('work'))).toBe(1);
    await eventually(async () => attempts.length === 4 && (await broker.queue('work').depth()).inFlight === 0);
    expect(attempts[3]).toBe(1);
    expect(await broker.queue('work').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await broker.queue('work-dlq').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('keeps a long handler its message with heartbeats, so no other consumer gets it', async () => {
    const broker = open();
    const rival = open();
    await broker.queue('work').send('long');
    const errors: unknown[] = [];
    let finished = false;
    consume(broker, { visibilityTimeoutSeconds: 0.3, onError: (error) => errors.push(error) }).start(async () => {
      await sleep(1200);
      finished = true;
    });
    await eventually(async () => (await broker.queue('work').depth()).inFlight === 1);
    const stolen = await rival.queue('work').receive({ waitTimeSeconds: 1 });
    expect(stolen).toEqual([]);
    await eventually(async () => finished && (await broker.queue('work').depth()).inFlight === 0);
    expect(errors).toEqual([]);
    expect(await broker.queue('work').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('stop() finishes what it can and returns unfinished messages to the queue at once', async () => {
    const broker = open();
    for (const body of ['quick', 'stuck']) await broker.queue('work').send(body);
    const consumer = consume(broker, { concurrency: 2, stopTimeoutMs: 100, visibilityTimeoutSeconds: 300 });
    const started: string[] = [];
    let unstick: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (unstick = resolve));
    consumer.start(async (message: ReceivedMessage) => {
      started.push(message.body);
      await (message.body === 'quick' ? sleep(20) : stuck);
    });
    await eventually(() => started.length === 2);
    await consumer.stop();
    const left = await broker.queue('work').list();
    expect(left.map((m) => [m.body, m.state, m.receiveCount])).toEqual([['stuck', 'visible', 1]]);
    // Finishing after stop() gave up changes nothing: the message stays for the next consumer.
    unstick();
    await sleep(20);
    expect((await broker.queue('work').list()).map((m) => m.state)).toEqual(['visible']);
  });

  it('redelivers the message of a consumer that died mid-message, with receiveCount 2', async () => {
    const first = open();
    await first.queue('work').send('job');
    const started: ReceivedMessage[] = [];
    const dying = consume(first, { visibilityTimeoutSeconds: 0.3, stopTimeoutMs: 0, receiveErrorDelayMs: 10 });
    dying.start(async (message) => {
      started.push(message);
      await new Promise<never>(() => undefined);
    });
    await eventually(() => started.length === 1);
    // The process dies: its database connection goes away, no ack, no release, no more heartbeats.
    await first.close();

    const second = open();
    const redelivered: ReceivedMessage[] = [];
    consume(second).start(async (message) => {
      redelivered.push(message);
    });
    await eventually(async () => redelivered.length === 1 && (await second.queue('work').depth()).inFlight === 0);
    expect(redelivered[0]).toMatchObject({ id: started[0]?.id, receiveCount: 2 });
  });
});
