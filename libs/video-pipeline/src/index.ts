export * from './video/index.js';
export * from './audio/index.js';
export * from './ffmpeg/index.js';
