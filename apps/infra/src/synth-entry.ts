// What `synth.mjs` runs: the app and the workspace's assets.
export { workspaceAssets } from './assets.js';
export { createApp } from './main.js';
