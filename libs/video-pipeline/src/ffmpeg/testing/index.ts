export { makeClip, tempDir, type ClipSpec } from './clips.js';
