import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ValidationError } from '@mediaflow/domain';
import { InMemoryQueue, ManualClock } from '@mediaflow/domain/testing';
import { UnknownQueueError } from '../errors.js';
import { openQueues, type SqliteQueueBroker } from './broker.js';
import { redrive } from './redrive.js';

const DEFINITIONS = {
  work: { visibilityTimeoutSeconds: 30, maxReceives: 2, deadLetter: 'dlq' },
  dlq: { visibilityTimeoutSeconds: 30 },
  other: { visibilityTimeoutSeconds: 30 },
};

describe('SQLite dead letters: list, redrive, purge and atomic sends', () => {
  let dir: string;
  let clock: ManualClock;
  let broker: SqliteQueueBroker<keyof typeof DEFINITIONS>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-queue-dlq-'));
    clock = new ManualClock();
    broker = openQueues(join(dir, 'queues.db'), DEFINITIONS, { clock });
  });

  afterEach(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function exhaust(body: string): Promise<string> {
    const id = await broker.queue('work').send(body, { attributes: { type: 'media.uploaded' } });
    for (let i = 0; i < DEFINITIONS.work.maxReceives; i += 1) {
      await broker.queue('work').receive();
      clock.advance(31_000);
    }
    // This receive finds the message exhausted and moves it.
    expect(await broker.queue('work').receive()).toEqual([]);
    return id;
  }

  it('keeps id, body, attributes and send time of a dead letter, and says where it came from', async () => {
    const sentAt = clock.now();
    const id = await exhaust('poison');
    const [dead] = await broker.queue('dlq').list();
    expect(dead).toEqual({
      id,
      body: 'poison',
      attributes: { type: 'media.uploaded' },
      receiveCount: 0,
      sentAt,
      state: 'visible',
      deadLetter: { sourceQueue: 'work', receiveCount: 2, at: clock.now() },
    });
    expect(await broker.queue('work').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('lists in pages without receiving', async () => {
    for (const body of ['a', 'b', 'c']) await exhaust(body);
    const first = await broker.queue('dlq').list({ limit: 2 });
    const second = await broker.queue('dlq').list({ limit: 2, afterId: first[1]?.id as string });
    expect([...first, ...second].map((m) => m.body)).toEqual(['a', 'b', 'c']);
    expect((await broker.queue('dlq').depth()).visible).toBe(3);
    await expect(broker.queue('dlq').list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('redrives up to max messages back, oldest first, leaving messages in flight alone', async () => {
    for (const body of ['a', 'b', 'c', 'd']) await exhaust(body);
    const [inFlight] = await broker.queue('dlq').receive();
    expect(inFlight?.body).toBe('a');

    expect(await redrive(broker.queue('dlq'), broker.queue('work'), 2)).toBe(2);
    const back = await broker.queue('work').receive({ maxMessages: 10 });
    expect(back.map((m) => [m.body, m.receiveCount])).toEqual([
      ['b', 1],
      ['c', 1],
    ]);
    expect(await broker.redrive('dlq', 'work')).toBe(1);
    expect((await broker.queue('dlq').list()).map((m) => [m.body, m.state])).toEqual([['a', 'inFlight']]);
    expect((await broker.queue('work').list()).find((m) => m.body === 'd')?.deadLetter).toBeUndefined();
  });

  it('refuses to redrive into the same queue, an unknown queue or another database', async () => {
    await expect(redrive(broker.queue('dlq'), broker.queue('dlq'))).rejects.toBeInstanceOf(ValidationError);
    await expect(broker.redrive('dlq', 'nope' as 'work')).rejects.toBeInstanceOf(UnknownQueueError);
    const elsewhere = openQueues(join(dir, 'other.db'), DEFINITIONS, { clock });
    try {
      await expect(redrive(broker.queue('dlq'), elsewhere.queue('work'))).rejects.toBeInstanceOf(ValidationError);
    } finally {
      await elsewhere.close();
    }
  });

  it('purges what is not in flight', async () => {
    await broker.queue('other').send('1');
    await broker.queue('other').send('2');
    await broker.queue('other').receive();
    expect(await broker.queue('other').purge()).toBe(1);
    expect(await broker.queue('other').depth()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
  });

  it('without a dead-letter queue, never drops a message however often it is received', async () => {
    await broker.queue('other').send('stubborn');
    for (let i = 1; i <= 5; i += 1) {
      expect((await broker.queue('other').receive())[0]?.receiveCount).toBe(i);
      clock.advance(31_000);
    }
  });

  it('sends to several queues in one transaction: all or none', async () => {
    const ids = await broker.sendAtomically([
      { queue: broker.queue('work'), body: 'w', options: { delaySeconds: 5 } },
      { queue: broker.queue('other'), body: 'o', options: { attributes: { kind: 'image' } } },
    ]);
    expect(ids).toHaveLength(2);
    expect(await broker.queue('work').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    expect((await broker.queue('other').list())[0]).toMatchObject({ id: ids[1], attributes: { kind: 'image' } });

    // A failure half way through (here a trigger refusing the second insert) stores nothing.
    // better-sqlite3 builds its errors in the realm of the first test file that loaded it, so
    // later files match them by shape: `toThrow` would not see them as errors.
    const raw = new Database(join(dir, 'queues.db'));
    raw.exec(`CREATE TRIGGER refuse_other BEFORE INSERT ON queue_messages WHEN NEW.queue = 'other'
              BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    raw.close();
    await expect(
      broker.sendAtomically([
        { queue: broker.queue('work'), body: 'w2' },
        { queue: broker.queue('other'), body: 'o2' },
      ]),
    ).rejects.toMatchObject({ message: 'refused' });
    expect((await broker.queue('work').list()).map((m) => m.body)).toEqual(['w']);

    await expect(broker.sendAtomically([{ queue: new InMemoryQueue('foreign'), body: 'x' }])).rejects.toBeInstanceOf(ValidationError);
    expect(await broker.sendAtomically([])).toEqual([]);
  });

  it('validates delays and visibility timeouts', async () => {
    await expect(broker.queue('work').send('x', { delaySeconds: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(broker.queue('work').send('x', { delaySeconds: 901 })).rejects.toBeInstanceOf(ValidationError);
    await expect(broker.queue('work').receive({ visibilityTimeoutSeconds: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(broker.queue('work').receive({ waitTimeSeconds: 21 })).rejects.toBeInstanceOf(ValidationError);
    expect(() => broker.queue('nope' as 'work')).toThrow(UnknownQueueError);
  });

  it('extends the visibility of a message in flight, and only with a current receipt', async () => {
    await broker.queue('work').send('long job');
    const [m] = await broker.queue('work').receive();
    clock.advance(25_000);
    await broker.queue('work').changeVisibility(m?.receiptHandle as string, 30);
    clock.advance(25_000);
    expect(await broker.queue('work').receive()).toEqual([]);
    clock.advance(6_000);
    await expect(broker.queue('work').changeVisibility(m?.receiptHandle as string, 30)).rejects.toThrow('no longer valid');
  });
});
