import { ConflictError, ValidationError, type MessageHandler, type ReceivedMessage } from '@mediaflow/domain';
import { InMemoryQueue } from '@mediaflow/domain/testing';
import { PollingConsumer, type ConsumerErrorContext } from './polling-consumer.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const FAST = { waitTimeSeconds: 0.05, retryBackoff: { baseSeconds: 0, maxSeconds: 0 } };

describe('PollingConsumer (in-memory queue)', () => {
  const consumers: PollingConsumer[] = [];
  function consumer(queue: InMemoryQueue, options: ConstructorParameters<typeof PollingConsumer>[1] = {}): PollingConsumer {
    const c = new PollingConsumer(queue, { ...FAST, ...options });
    consumers.push(c);
    return c;
  }

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.stop();
  });

  it('never runs more handlers at once than its concurrency, and acks every success', async () => {
    const queue = new InMemoryQueue('work');
    for (let i = 0; i < 20; i += 1) await queue.send(`m${i}`);
    let active = 0;
    let peak = 0;
    const handled: string[] = [];
    consumer(queue, { concurrency: 3 }).start(async (message) => {
      active += 1;
      peak = Math.max(peak, active);
      await sleep(15);
      handled.push(message.body);
      active -= 1;
    });
    await eventually(async () => (await queue.depth()).visible + (await queue.depth()).inFlight === 0);
    expect(peak).toBe(3);
    expect(handled.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
  });

  it('retries a failed message with its backoff delay and reports the error', async () => {
    const queue = new InMemoryQueue('work');
    await queue.send('flaky');
    const errors: [unknown, ConsumerErrorContext][] = [];
    const attempts: number[] = [];
    consumer(queue, { onError: (error, context) => errors.push([error, context]) }).start(async (message) => {
      attempts.push(message.receiveCount);
      if (message.receiveCount < 3) throw new Error(`attempt ${message.receiveCount} failed`);
    });
    await eventually(async () => (await queue.depth()).visible + (await queue.depth()).inFlight === 0);
    expect(attempts).toEqual([1, 2, 3]);
    expect(errors.map(([error, context]) => [(error as Error).message, context.stage, context.retryDelaySeconds])).toEqual([
      ['attempt 1 failed', 'handle', 0],
      ['attempt 2 failed', 'handle', 0],
    ]);
  });

  it('releases a failure with exponential, capped delays', async () => {
    const queue = new InMemoryQueue('work');
    const delays: number[] = [];
    const original = queue.release.bind(queue);
    queue.release = async (receipt: string, delaySeconds?: number) => {
      delays.push(delaySeconds ?? 0);
      return original(receipt, 0);
    };
    await queue.send('always fails');
    consumer(queue, { retryBackoff: { baseSeconds: 1, maxSeconds: 4 } }).start(async () => {
      throw new Error('nope');
    });
    await eventually(() => delays.length >= 5);
    expect(delays.slice(0, 5)).toEqual([1, 2, 4, 4, 4]);
  });

  it('survives handlers that throw synchronously and an onError hook that throws', async () => {
    const queue = new InMemoryQueue('work');
    await queue.send('boom');
    let calls = 0;
    const handler = ((message: ReceivedMessage) => {
      calls += 1;
      if (message.receiveCount === 1) throw new Error('sync throw');
      return Promise.resolve();
    }) as MessageHandler;
    consumer(queue, {
      onError: () => {
        throw new Error('logger down');
      },
    }).start(handler);
    await eventually(async () => (await queue.depth()).visible + (await queue.depth()).inFlight === 0);
    expect(calls).toBe(2);
  });

  it('stop() stops receiving and waits for handlers in flight to finish', async () => {
    const queue = new InMemoryQueue('work');
    await queue.send('slow');
    const gate = deferred();
    const started = deferred();
    const c = consumer(queue);
    c.start(async () => {
      started.resolve();
      await gate.promise;
    });
    await started.promise;
    let stopped = false;
    const stopping = c.stop().then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    await queue.send('after stop');
    await sleep(100);
    expect((await queue.depth()).visible).toBe(1);
  });

  it('stop() returns the messages of handlers that outlive its timeout to the queue', async () => {
    const queue = new InMemoryQueue('work');
    await queue.send('stuck');
    const gate = deferred();
    const started = deferred();
    const c = consumer(queue, { stopTimeoutMs: 50, visibilityTimeoutSeconds: 300 });
    c.start(async () => {
      started.resolve();
      await gate.promise;
    });
    await started.promise;
    await c.stop();
    expect(c.inFlight).toBe(1);
    const [back] = await queue.receive();
    expect(back?.body).toBe('stuck');
    expect(back?.receiveCount).toBe(2);
    // The late finish must not ack (or release) the message someone else now holds.
    gate.resolve();
    await sleep(20);
    expect((await queue.depth()).inFlight).toBe(1);
  });

  it('reports receive errors and keeps polling', async () => {
    const queue = new InMemoryQueue('work');
    const original = queue.receive.bind(queue);
    let failures = 2;
    queue.receive = async (options) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('database is locked');
      }
      return original(options);
    };
    await queue.send('eventually');
    const stages: string[] = [];
    const done = deferred();
    consumer(queue, { receiveErrorDelayMs: 10, onError: (_, context) => stages.push(context.stage) }).start(async () => done.resolve());
    await done.promise;
    expect(stages).toEqual(['receive', 'receive']);
  });

  it('does not spin on an empty queue when long polling is off', async () => {
    const queue = new InMemoryQueue('work');
    const original = queue.receive.bind(queue);
    let receives = 0;
    queue.receive = async (options) => {
      receives += 1;
      return original(options);
    };
    consumer(queue, { waitTimeSeconds: 0 }).start(async () => undefined);
    await sleep(250);
    expect(receives).toBeLessThanOrEqual(4);
  });

  it('refuses to start twice and rejects bad options', () => {
    const queue = new InMemoryQueue('work');
    const c = consumer(queue);
    c.start(async () => undefined);
    expect(() => c.start(async () => undefined)).toThrow(ConflictError);
    expect(() => new PollingConsumer(queue, { concurrency: 0 })).toThrow(ValidationError);
    expect(() => new PollingConsumer(queue, { waitTimeSeconds: 30 })).toThrow(ValidationError);
  });
});
