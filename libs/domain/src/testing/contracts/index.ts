export * from './object-store.contract.js';
export * from './media-repository.contract.js';
export * from './queue.contract.js';
export * from './cache.contract.js';
export * from './rate-limiter.contract.js';
export * from './edge-cache.contract.js';
