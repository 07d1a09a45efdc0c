import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LayerSpec } from '../specs.js';
import { hostLayerDirs, layerKind, mountLayers } from './layers.js';

const root = mkdtempSync(join(tmpdir(), 'mediaflow-sim-layers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A layer directory holding a file at each of `paths`. */
function layerWith(name: string, ...paths: string[]): string {
  const dir = join(root, name);
  for (const path of paths) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), '{}');
  }
  return dir;
}

const spec = (assetDir: string): LayerSpec => ({ logicalId: 'Layer', arn: `arn:aws:lambda:eu-west-1:123456789012:layer:${assetDir}:1`, assetDir, compatibleArchitectures: ['arm64'] });

describe('the simulated stage\u2019s layers', () => {
  const sharp = layerWith('sharp', 'nodejs/node_modules/sharp/package.json');
  const tools = layerWith('media-tools', 'bin/ffmpeg');
  const models = layerWith('tagger-models', 'share/tagger-models/manifest.json', 'nodejs/node_modules/@vladmandic/human/package.json');
  const other = layerWith('other', 'lib/readme.txt');

  it('tells the layers apart by their files', () => {
    expect([sharp, tools, models, other].map(layerKind)).toEqual(['sharp', 'media-tools', 'tagger-models', 'other']);
  });

  it('swaps the arm64 builds for the host\u2019s, but mounts the tagger\u2019s models from cdk.out as they are', () => {
    const hostSharp = join(root, 'sharp-x64');
    const hostTools = join(root, 'media-tools-x64');
    expect(hostLayerDirs([spec(sharp), spec(tools), spec(models), spec(other)], { sharp: hostSharp, 'media-tools': hostTools })).toEqual([hostSharp, hostTools, models, other]);
    // Even when a host build is named for it: the deployed layer is the one to prove.
    expect(hostLayerDirs([spec(models)], { 'tagger-models': join(root, 'elsewhere') })).toEqual([models]);
    expect(() => hostLayerDirs([spec(sharp)], {})).toThrow(/sharp layer needs a host-architecture build/);
  });

  it('merges the sharp and tagger-models layers under one nodejs/node_modules, as Lambda extracts them into /opt', () => {
    const opt = join(root, 'opt');
    mountLayers(opt, [sharp, models]);
    expect(readlinkSync(join(opt, 'nodejs/node_modules/sharp'))).toBe(join(sharp, 'nodejs/node_modules/sharp'));
    expect(readlinkSync(join(opt, 'nodejs/node_modules/@vladmandic'))).toBe(join(models, 'nodejs/node_modules/@vladmandic'));
    expect(readlinkSync(join(opt, 'share'))).toBe(join(models, 'share'));
  });
});
