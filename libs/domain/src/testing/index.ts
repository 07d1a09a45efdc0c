/**
 * Test doubles of the domain's ports and the contract suites every adapter must pass.
 * Import from `@mediaflow/domain/testing` in tests only.
 */
export * from './fixtures.js';
export * from './memory-object-store.js';
export * from './memory-repository.js';
export * from './memory-album-repository.js';
export * from './memory-search.js';
export * from './memory-share-repository.js';
export * from './memory-change-feed.js';
export * from './memory-queue.js';
export * from './memory-event-bus.js';
export * from './memory-cache.js';
export * from './memory-edge-cache.js';
export * from './fake-tagger.js';
export * from './contracts/index.js';
