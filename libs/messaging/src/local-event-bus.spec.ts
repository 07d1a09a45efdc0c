import { createEvent, parseEvent, type DomainEvent, type MessageQueue } from '@mediaflow/domain';
import { ClockedIds, InMemoryQueue, ManualClock } from '@mediaflow/domain/testing';
import { LocalEventBus } from './local-event-bus.js';

const clock = new ManualClock();
const ids = new ClockedIds(clock);

function uploaded(kind: 'image' | 'video'): DomainEvent {
  return createEvent('media.uploaded', {
    id: ids.next(),
    occurredAt: clock.now(),
    ownerId: 'alice',
    mediaId: ids.next(),
    data: { kind, mime: kind === 'image' ? 'image/jpeg' : 'video/mp4', size: 1024, sha256: 'a'.repeat(64), key: 'originals/alice/x' },
  });
}

async function bodies(queue: MessageQueue): Promise<DomainEvent[]> {
  return (await queue.receive({ maxMessages: 10 })).map((m) => parseEvent(m.body));
}

describe('LocalEventBus', () => {
  it('routes by kind and by type, with the event as body and its attributes', async () => {
    const image = new InMemoryQueue('image');
    const video = new InMemoryQueue('video');
    const audit = new InMemoryQueue('audit');
    const bus = new LocalEventBus([
      { queue: image, policy: { type: ['media.uploaded'], kind: ['image'] } },
      { queue: video, policy: { type: ['media.uploaded'], kind: ['video'] } },
      { queue: audit },
    ]);
    const event = uploaded('image');
    await bus.publish(event);

    const [message] = await image.receive();
    expect(parseEvent(message?.body)).toEqual(event);
    expect(message?.attributes).toEqual({ type: 'media.uploaded', kind: 'image' });
    expect(await bodies(video)).toEqual([]);
    expect(await bodies(audit)).toEqual([event]);
  });

  it('delivers once to a queue that several subscriptions match', async () => {
    const queue = new InMemoryQueue('all');
    const bus = new LocalEventBus([{ queue }, { queue, policy: { kind: ['image'] } }]);
    await bus.publish(uploaded('image'));
    expect(await bodies(queue)).toHaveLength(1);
  });

  it('rejects when a send fails, so the publisher can publish again (at least once)', async () => {
    const failing: MessageQueue = Object.assign(new InMemoryQueue('broken'), {
      send: async (): Promise<string> => {
        throw new Error('disk full');
      },
    });
    const bus = new LocalEventBus([{ queue: failing }]);
    await expect(bus.publish(uploaded('video'))).rejects.toThrow('disk full');
  });
});
