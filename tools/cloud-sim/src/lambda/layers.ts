import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LayerSpec } from '../specs.js';

/** What a layer of the template holds, told from its files. */
export type LayerKind = 'sharp' | 'media-tools' | 'tagger-models' | 'other';

/**
 * Layers that hold no code for one CPU (the on-device tagger's models, WebAssembly and JavaScript:
 * its build refuses native files), so the template's own copy runs here as it is.
 */
export const ARCHITECTURE_INDEPENDENT: ReadonlySet<LayerKind> = new Set(['tagger-models']);

export function layerKind(directory: string): LayerKind {
  if (existsSync(join(directory, 'nodejs/node_modules/sharp'))) return 'sharp';
  if (existsSync(join(directory, 'bin/ffmpeg'))) return 'media-tools';
  if (existsSync(join(directory, 'share/tagger-models/manifest.json'))) return 'tagger-models';
  return 'other';
}

/**
 * The directory to mount for each of a function's layers. The template's layers are built for its
 * architecture (arm64), which this machine cannot load; a layer the simulator knows by its content
 * is swapped for the host-architecture build of the same recipe and versions (`hostLayers`), but an
 * architecture-independent one (the tagger's models) is mounted from cdk.out as deployed, and any
 * other layer is used as it is.
 */
export function hostLayerDirs(layers: LayerSpec[], hostLayers: Partial<Record<LayerKind, string>>): string[] {
  return layers.map((layer) => {
    if (!layer.assetDir) throw new Error(`layer ${layer.arn} has no asset in cdk.out`);
    const kind = layerKind(layer.assetDir);
    if (ARCHITECTURE_INDEPENDENT.has(kind)) return layer.assetDir;
    const host = hostLayers[kind];
    if (kind !== 'other' && !host) throw new Error(`the ${kind} layer needs a host-architecture build (see docs/cloud-sim.md)`);
    return host ?? layer.assetDir;
  });
}

/**
 * Lays the layers out under `optDir` in order, later layers over earlier ones, as Lambda extracts
 * them into /opt. Files are symbolic links into the layer directories; directories both layers
 * have are merged.
 */
export function mountLayers(optDir: string, layerDirs: string[]): void {
  rmSync(optDir, { recursive: true, force: true });
  mkdirSync(optDir, { recursive: true });
  for (const layer of layerDirs) merge(resolve(layer), optDir);
}

function merge(source: string, target: string): void {
  for (const name of readdirSync(source)) {
    const from = join(source, name);
    const to = join(target, name);
    const present = lstatSync(to, { throwIfNoEntry: false });
    if (!present) {
      symlinkSync(from, to);
      continue;
    }
    const fromIsDir = statSync(from).isDirectory();
    const toIsDir = statSync(to).isDirectory();
    if (!fromIsDir || !toIsDir) {
      rmSync(to, { recursive: true, force: true });
      symlinkSync(from, to);
      continue;
    }
    if (present.isSymbolicLink()) {
      // Turn the linked directory into a real one holding links to its entries, then add ours.
      const linked = readlinkSync(to);
      rmSync(to);
      mkdirSync(to);
      merge(linked, to);
    }
    merge(from, to);
  }
}
