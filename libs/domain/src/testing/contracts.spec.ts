import {
  InMemoryCache,
  InMemoryEdgeCache,
  InMemoryMediaRepository,
  InMemoryObjectStore,
  InMemoryQueue,
  ManualClock,
  MemoryAlbumRepository,
  MemoryMediaSearch,
  MemoryShareLinkRepository,
} from './index.js';
import {
  albumRepositoryContract,
  cacheContract,
  edgeCacheContract,
  mediaRepositoryContract,
  mediaSearchContract,
  objectStoreContract,
  ownerRecordsContract,
  QUEUE_CONTRACT_SETTINGS,
  queueContract,
  reviewQueueContract,
  shareLinkRepositoryContract,
  storageUsageContract,
} from './contracts/index.js';

objectStoreContract('in memory', async () => ({ store: new InMemoryObjectStore() }));

mediaRepositoryContract('in memory', async () => ({ repo: new InMemoryMediaRepository() }));

storageUsageContract('in memory', async () => ({ repo: new InMemoryMediaRepository() }));

albumRepositoryContract('in memory', async () => ({ albums: new MemoryAlbumRepository() }));

shareLinkRepositoryContract('in memory', async () => ({ shares: new MemoryShareLinkRepository() }));

ownerRecordsContract('in memory', async () => {
  const repo = new InMemoryMediaRepository();
  return { repo, albums: new MemoryAlbumRepository(), shares: new MemoryShareLinkRepository(), records: repo };
});

reviewQueueContract('in memory', async () => {
  const repo = new InMemoryMediaRepository();
  return { repo, queue: repo };
});

mediaSearchContract('in memory', async () => {
  const repo = new InMemoryMediaRepository();
  const albums = new MemoryAlbumRepository();
  return { repo, albums, search: new MemoryMediaSearch(repo, albums) };
});

queueContract('in memory', async () => {
  const clock = new ManualClock();
  const deadLetter = new InMemoryQueue('dlq', { visibilityTimeoutSeconds: 30, maxReceives: 1000 }, clock);
  const queue = new InMemoryQueue('work', { ...QUEUE_CONTRACT_SETTINGS, deadLetter }, clock);
  return { queue, deadLetter, advance: async (seconds: number) => clock.advance(seconds * 1000) };
});

cacheContract('in memory', async () => {
  const clock = new ManualClock();
  return { cache: new InMemoryCache(clock), advance: async (seconds: number) => clock.advance(seconds * 1000) };
});

edgeCacheContract('in memory', async () => {
  const edge = new InMemoryEdgeCache();
  return {
    edge,
    cache: async (key: string) => {
      edge.cached.add(key);
    },
    isCached: async (key: string) => edge.cached.has(key),
  };
});
