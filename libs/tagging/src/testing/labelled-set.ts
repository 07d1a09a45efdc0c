import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/**
 * The labelled set of real photographs (tools/bench/tagging/labelled-set, see its README): the
 * same manifest and the same reading as the bench's `load.mjs`, for jest. Test-only: not exported
 * from the package index.
 */
export const MANIFEST_FILE = 'tools/bench/tagging/labelled-set/manifest.json';

/** A rectangle of the package's file, in its pixels. */
export interface Crop {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One photograph as the manifest describes it. */
export interface LabelledEntry {
  id: string;
  package: string;
  version: string;
  path: string;
  crop?: Crop;
  licence: string;
  description: string;
  present: string[];
  incidental?: string[];
  absent: string[];
  faces?: number;
  text?: string[];
}

/** One photograph, read and cropped. */
export interface LabelledPhoto {
  id: string;
  /** package@version/path, and the crop rectangle when there is one. */
  source: string;
  licence: string;
  description: string;
  bytes: Buffer;
  present: string[];
  absent: string[];
  incidental: string[];
  faces?: number;
  text?: string[];
}

/** The workspace root: the first directory up from `start` that holds the manifest. */
export function workspaceRoot(start: string = typeof __dirname === 'string' ? __dirname : process.cwd()): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, MANIFEST_FILE))) return dir;
    if (dirname(dir) === dir) throw new Error(`labelled set: ${MANIFEST_FILE} not found above ${start}`);
  }
}

/** The manifest's entries, as written. */
export function readManifest(root: string = workspaceRoot()): LabelledEntry[] {
  const manifest = JSON.parse(readFileSync(join(root, MANIFEST_FILE), 'utf8')) as { photos: LabelledEntry[] };
  return manifest.photos;
}

/** The directory of an installed package, through Node's module search paths from the workspace root. */
export function packageDir(name: string, root: string = workspaceRoot()): string {
  for (const base of createRequire(join(root, 'package.json')).resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`labelled set: package ${name} is not installed (npm ci installs the root devDependencies)`);
}

/** Where an entry comes from, as reports print it: package@version/path [crop]. */
export function sourceOf(entry: LabelledEntry): string {
  const crop = entry.crop ? ` [${entry.crop.left},${entry.crop.top} ${entry.crop.width}x${entry.crop.height}]` : '';
  return `${entry.package}@${entry.version}/${entry.path}${crop}`;
}

/**
 * Reads the photographs of the manifest (or those whose id is in `ids`) from their packages,
 * cropping where an entry says so (re-encoded as JPEG, quality 92). An installed version other
 * than the manifest's is an error: crops and labels were checked on that version's file.
 *
 * @example
 * const [sheep] = await loadLabelledSet({ ids: ['march-pastoral'] });
 * await tagger.detect({ kind: 'image', bytes: sheep.bytes });
 */
export async function loadLabelledSet(options: { ids?: readonly string[]; root?: string } = {}): Promise<LabelledPhoto[]> {
  const root = options.root ?? workspaceRoot();
  const wanted = options.ids ? new Set(options.ids) : undefined;
  const entries = readManifest(root).filter((entry) => !wanted || wanted.has(entry.id));
  return Promise.all(
    entries.map(async (entry): Promise<LabelledPhoto> => {
      const dir = packageDir(entry.package, root);
      const installed = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
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
