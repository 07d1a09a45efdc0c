import { mediaChangeFeedContract } from './contracts/index.js';
import { makeMediaItem } from './fixtures.js';
import { InMemoryMediaChangeFeed } from './memory-change-feed.js';
import { InMemoryMediaRepository } from './memory-repository.js';

mediaChangeFeedContract('in memory', async () => {
  const feed = new InMemoryMediaChangeFeed();
  return { repo: feed.track(new InMemoryMediaRepository()), feed };
});

describe('InMemoryMediaChangeFeed', () => {
  it('keeps only the newest changes it is told to, and calls an older sequence expired', async () => {
    const feed = new InMemoryMediaChangeFeed({ retain: 3 });
    const repo = feed.track(new InMemoryMediaRepository());
    const items = [];
    for (let i = 0; i < 5; i += 1) items.push(await repo.create(makeMediaItem({ ownerId: 'alice' })));
    expect(await feed.head()).toBe(5);
    // Sequences 1 and 2 are gone: after 0 or 1 a change may be missing; after 2 nothing is.
    expect(await feed.changesAfter('alice', 1, 10)).toMatchObject({ expired: true, next: 5 });
    const resumed = await feed.changesAfter('alice', 2, 10);
    expect(resumed.expired).toBe(false);
    expect(resumed.changes.map((c) => c.mediaId)).toEqual(items.slice(2).map((i) => i.id));
  });

  it('passes every other method of the repository through', async () => {
    const feed = new InMemoryMediaChangeFeed();
    const inner = new InMemoryMediaRepository();
    const repo = feed.track(inner);
    const item = await repo.create(makeMediaItem({ ownerId: 'alice' }));
    expect(await repo.get('alice', item.id)).toEqual(item);
    expect(await repo.revision?.('alice')).toBe(await inner.revision('alice'));
    expect(() => new InMemoryMediaChangeFeed({ retain: 0 })).toThrow('retain');
  });
});
