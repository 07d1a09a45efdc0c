export { makeAudio, makeCover, probeOutput, type AudioFixtureFormat, type AudioFixtureSpec } from './fixtures.js';
