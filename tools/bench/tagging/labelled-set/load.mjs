// The labelled set: real photographs read from installed npm packages (nothing is committed), with
// what was checked by eye to be in each one and not. See README.md beside this file for the rules
// and the sources; libs/tagging/src/testing/labelled-set.ts reads the same manifest for jest.
//
//   import { loadLabelledSet } from './labelled-set/load.mjs';
//   for (const photo of await loadLabelledSet()) console.log(photo.id, photo.present, photo.bytes.length);
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '../../../..');
export const MANIFEST_PATH = join(here, 'manifest.json');

/** The manifest as written: `{ description, photos: [...] }`. */
export function readManifest() {
  return JSON.parse(readFileSync(MANIFEST_PATH, 'utf8'));
}

/**
 * The directory of an installed package, found through Node's module search paths from the
 * workspace root (a package's `exports` may hide its package.json from `require.resolve`).
 */
export function packageDir(name) {
  const paths = createRequire(join(workspace, 'package.json')).resolve.paths(name) ?? [];
  for (const base of paths) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`labelled set: package ${name} is not installed (npm ci installs the root devDependencies)`);
}

/** Where a manifest entry comes from, as printed in reports: package@version/path [crop]. */
export function sourceOf(entry) {
  const crop = entry.crop ? ` [${entry.crop.left},${entry.crop.top} ${entry.crop.width}x${entry.crop.height}]` : '';
  return `${entry.package}@${entry.version}/${entry.path}${crop}`;
}

/**
 * Reads every photograph of the manifest (or those whose id is in `ids`) from its package and
 * crops it when the entry says so (re-encoded as JPEG, quality 92). An installed version other
 * than the manifest's is an error: crops and labels were checked on that version's file.
 *
 * @returns {Promise<Array<{ id: string, source: string, licence: string, description: string, bytes: Buffer,
 *   present: string[], absent: string[], incidental: string[], faces?: number, text?: string[] }>>}
 */
export async function loadLabelledSet({ ids } = {}) {
  const sharp = createRequire(join(workspace, 'libs/tagging/package.json'))('sharp');
  const wanted = ids ? new Set(ids) : undefined;
  const entries = readManifest().photos.filter((entry) => !wanted || wanted.has(entry.id));
  return Promise.all(
    entries.map(async (entry) => {
      const dir = packageDir(entry.package);
      const installed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
      if (installed !== entry.version) {
        throw new Error(`labelled set: ${entry.id} was checked on ${entry.package}@${entry.version}, ${installed} is installed`);
      }
      const file = readFileSync(join(dir, entry.path));
      const bytes = entry.crop ? await sharp(file).extract(entry.crop).jpeg({ quality: 92 }).toBuffer() : file;
      return {
        id: entry.id,
        source: sourceOf(entry),
        licence: entry.licence,
        description: entry.description,
        bytes,
        present: entry.present,
        absent: entry.absent,
        incidental: entry.incidental ?? [],
        ...(entry.faces === undefined ? {} : { faces: entry.faces }),
        ...(entry.text === undefined ? {} : { text: entry.text }),
      };
    }),
  );
}
