import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from '@mediaflow/domain';
import { ManualClock } from '@mediaflow/domain/testing';
import { QueueClosedError, QueueSchemaError } from '../errors.js';
import { openQueues, type SqliteQueueBroker } from './broker.js';
import type { QueueDefinitions } from './definitions.js';

const DEFINITIONS = {
  work: { visibilityTimeoutSeconds: 30, maxReceives: 3, deadLetter: 'dlq' },
  dlq: { visibilityTimeoutSeconds: 30 },
} satisfies QueueDefinitions;

describe('SqliteQueue durability', () => {
  let dir: string;
  let path: string;
  let clock: ManualClock;
  const open: SqliteQueueBroker[] = [];

  function reopen(): SqliteQueueBroker<keyof typeof DEFINITIONS> {
    const broker = openQueues(path, DEFINITIONS, { clock });
    open.push(broker);
    return broker;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-queue-durable-'));
    path = join(dir, 'queues.db');
    clock = new ManualClock();
  });

  afterEach(async () => {
    for (const broker of open.splice(0)) await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a sent message across closing and reopening the file', async () => {
    const first = reopen();
    const id = await first.queue('work').send('{"n":1}', { attributes: { kind: 'video' } });
    await first.close();

    const second = reopen();
    const [m] = await second.queue('work').receive();
    expect(m).toMatchObject({ id, body: '{"n":1}', attributes: { kind: 'video' }, receiveCount: 1 });
    expect(m?.sentAt).toEqual(clock.now());
  });

  it('brings back a received but unacked message after its timeout, across a reopen (a consumer died mid-message)', async () => {
    const first = reopen();
    await first.queue('work').send('job');
    const [taken] = await first.queue('work').receive();
    // The process dies here: no ack, no release.
    await first.close();

    const second = reopen();
    expect(await second.queue('work').receive()).toEqual([]);
    expect(await second.queue('work').depth()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    clock.advance(31_000);
    const [again] = await second.queue('work').receive();
    expect(again?.id).toBe(taken?.id);
    expect(again?.receiveCount).toBe(2);
    await expect(second.queue('work').ack(taken?.receiptHandle as string)).rejects.toBeInstanceOf(ConflictError);
    await second.queue('work').ack(again?.receiptHandle as string);
    expect(await second.queue('work').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('keeps a delay and the receive count across a reopen', async () => {
    const first = reopen();
    await first.queue('work').send('later', { delaySeconds: 60 });
    await first.close();
    const second = reopen();
    expect((await second.queue('work').depth()).delayed).toBe(1);
    clock.advance(61_000);
    const [m] = await second.queue('work').receive();
    await second.queue('work').release(m?.receiptHandle as string);
    await second.close();
    const third = reopen();
    expect((await third.queue('work').receive())[0]?.receiveCount).toBe(2);
  });

  it('records its schema version once, however often the file is opened', async () => {
    reopen();
    reopen();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM queue_migrations').all()).toEqual([{ version: 1 }]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('refuses a file written by a newer schema', async () => {
    reopen();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path);
    db.prepare("INSERT INTO queue_migrations (version, name, applied_at) VALUES (99, 'future', '2030-01-01')").run();
    db.close();
    expect(() => reopen()).toThrow(QueueSchemaError);
  });

  it('throws QueueClosedError after close and ends a long poll in progress quietly', async () => {
    const broker = reopen();
    const polling = broker.queue('work').receive({ waitTimeSeconds: 5 });
    await new Promise((r) => setTimeout(r, 20));
    await broker.close();
    await expect(polling).resolves.toEqual([]);
    await expect(broker.queue('work').send('x')).rejects.toBeInstanceOf(QueueClosedError);
  });
});
