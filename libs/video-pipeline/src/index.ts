export * from './video/index.js';
export * from './audio/index.js';
