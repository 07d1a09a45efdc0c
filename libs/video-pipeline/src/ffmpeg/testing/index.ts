export { makeClip, tempDir, type ClipSpec } from './clips.js';
export { identifyingMetadata } from './metadata.js';
export { testFfmpeg, bundledFfmpeg } from './tools.js';
