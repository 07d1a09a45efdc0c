import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEvent, parseEvent, type MessageQueue } from '@mediaflow/domain';
import { ClockedIds, ManualClock } from '@mediaflow/domain/testing';
import { openQueues, type SqliteQueueBroker } from './sqlite/index.js';
import { LocalEventBus } from './local-event-bus.js';

const QUEUES = {
  image: { visibilityTimeoutSeconds: 30 },
  video: { visibilityTimeoutSeconds: 30 },
  tagging: { visibilityTimeoutSeconds: 30 },
  audit: { visibilityTimeoutSeconds: 30 },
};

describe('LocalEventBus over SQLite queues', () => {
  let dir: string;
  let broker: SqliteQueueBroker<keyof typeof QUEUES>;
  let bus: LocalEventBus;
  const clock = new ManualClock();
  const ids = new ClockedIds(clock);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-bus-'));
    broker = openQueues(join(dir, 'queues.db'), QUEUES, { clock });
    bus = new LocalEventBus([
      { queue: broker.queue('image'), policy: { type: ['media.uploaded'], kind: ['image'] } },
      { queue: broker.queue('video'), policy: { type: ['media.uploaded'], kind: ['video'] } },
      { queue: broker.queue('tagging'), policy: { type: ['media.processed'] } },
      { queue: broker.queue('audit'), policy: { type: ['media.uploaded', 'media.processed'] } },
    ]);
  });

  afterEach(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function uploadedImage() {
    const data = { kind: 'image' as const, mime: 'image/png', size: 10, sha256: 'b'.repeat(64), key: 'originals/alice/y' };
    return createEvent('media.uploaded', { id: ids.next(), occurredAt: clock.now(), ownerId: 'alice', mediaId: ids.next(), data });
  }

  async function received(queue: MessageQueue): Promise<string[]> {
    return (await queue.receive({ maxMessages: 10 })).map((m) => parseEvent(m.body).type);
  }

  it('sends media.uploaded with kind=image only to the image queue and to type subscribers', async () => {
    await bus.publish(uploadedImage());
    const processed = createEvent('media.processed', {
      id: ids.next(),
      occurredAt: clock.now(),
      ownerId: 'alice',
      mediaId: ids.next(),
      data: { kind: 'video', renditions: [] },
    });
    await bus.publish(processed);

    expect(await received(broker.queue('image'))).toEqual(['media.uploaded']);
    expect(await received(broker.queue('video'))).toEqual([]);
    expect(await received(broker.queue('tagging'))).toEqual(['media.processed']);
    expect(await received(broker.queue('audit'))).toEqual(['media.uploaded', 'media.processed']);
  });

  it('delivers an event to every matching queue or to none', async () => {
    // better-sqlite3 builds its errors in the realm of the first test file that loaded it, so
    // later files match them by shape: `toThrow` would not see them as errors.
    const raw = new Database(join(dir, 'queues.db'));
    raw.exec(`CREATE TRIGGER refuse_audit BEFORE INSERT ON queue_messages WHEN NEW.queue = 'audit'
              BEGIN SELECT RAISE(ABORT, 'audit is down'); END`);
    raw.close();
    await expect(bus.publish(uploadedImage())).rejects.toMatchObject({ message: 'audit is down' });
    expect(await broker.queue('image').depth()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
