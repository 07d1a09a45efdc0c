export { makeClip, tempDir, type ClipSpec } from './clips.js';
export { testFfmpeg, bundledFfmpeg } from './tools.js';
