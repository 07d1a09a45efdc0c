import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { MediaAssets } from '../assets.js';
import { MEDIA_FUNCTIONS } from '../constructs/function-plans.js';
import { MEDIA_SIGNING_HANDLER } from '../constructs/media-signing.js';

/**
 * Small stand-ins for the bundles, layers and gallery build, laid out as the real ones are, for
 * tests that synthesize the whole app. Tests only.
 */

const dirs: string[] = [];
/** A temporary directory, removed after the test file that asked for it. */
export function tempDir(prefix = 'mediaflow-stack-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
// Jest runs this module inside each test file that imports it, so each file cleans up its own.
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function testAssets(): MediaAssets {
  const root = tempDir();
  const dir = (path: string, file: string, body: string): string => {
    mkdirSync(join(root, path), { recursive: true });
    writeFileSync(join(root, path, file), body);
    return join(root, path);
  };
  for (const name of [...MEDIA_FUNCTIONS, MEDIA_SIGNING_HANDLER]) dir(`functions/${name}`, 'index.mjs', `export const handler = async () => '${name}';\n`);
  return {
    functionCode: (name) => Code.fromAsset(join(root, 'functions', name)),
    layers: {
      sharp: Code.fromAsset(dir('sharp/nodejs/node_modules/sharp', 'package.json', '{}')),
      mediaTools: Code.fromAsset(dir('media-tools/bin', 'ffmpeg', '#!/bin/sh\n')),
      taggerModels: Code.fromAsset(join(dir('tagger-models/share/tagger-models', 'manifest.json', '{}'), '../..')),
    },
    gallery: Source.asset(dir('gallery', 'index.html', '<!doctype html><title>Mediaflow</title>')),
  };
}
