import { lstat, readdir, realpath } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { ValidationError } from '@mediaflow/domain';
import { assertSafeObjectKey } from '../object-key.js';
import { errorCode, MISSING } from './file-ops.js';

/** Bytes being written before they become an object (puts, multipart parts). */
export const TEMP_DIR = '.tmp';
/** The metadata sidecars, in a tree that mirrors the objects' own. */
export const META_DIR = '.meta';
/** Under {@link TEMP_DIR}: one directory per multipart upload in progress. */
export const MULTIPART_DIR = 'multipart';
/** First segments no key may have: the store's own directories. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([TEMP_DIR, META_DIR]);
/** NAME_MAX on Linux and macOS filesystems. */
const MAX_SEGMENT_BYTES = 255;

/** Where one object lives on disk. Only made by `FsLayout.paths`, after every check. */
export interface ObjectPaths {
  readonly key: string;
  readonly data: string;
  readonly meta: string;
}

/**
 * Throws `ValidationError` unless `key` is a safe object key that can also be a path here: the
 * checks of `assertSafeObjectKey`, segments no longer than a file name may be, and a first segment
 * that is not one of the store's own directories.
 */
export function assertFsKey(key: string): void {
  assertSafeObjectKey(key);
  const segments = key.split('/');
  if (RESERVED_NAMES.has(segments[0] ?? '')) {
    throw new ValidationError(`object key may not start with "${segments[0]}/": it is reserved by the filesystem store`, [
      { path: 'key', message: 'reserved first segment' },
    ]);
  }
  if (segments.some((s) => Buffer.byteLength(s, 'utf8') > MAX_SEGMENT_BYTES)) {
    throw new ValidationError(`object key has a segment longer than ${MAX_SEGMENT_BYTES} bytes`, [
      { path: 'key', message: 'segment too long' },
    ]);
  }
}

/** Whether `path` itself (a link or not) still exists. */
async function stillThere(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (MISSING.has(errorCode(error) ?? '')) return false;
    throw error;
  }
}

/**
 * Throws `ValidationError` unless `path` is inside `root`, lexically and once the deepest part of
 * it that already exists is resolved through any symbolic links.
 */
export async function assertInsideRoot(root: string, path: string): Promise<void> {
  const inside = (p: string): boolean => p === root || p.startsWith(root + sep);
  const refuse = (): never => {
    throw new ValidationError('object key (or prefix) resolves outside the store', [{ path: 'key', message: 'outside the store' }]);
  };
  if (!inside(path)) refuse();
  let current = path;
  while (current !== root) {
    try {
      await lstat(current);
    } catch (error) {
      if (!MISSING.has(errorCode(error) ?? '')) throw error;
      current = dirname(current);
      continue;
    }
    let real: string;
    try {
      real = await realpath(current);
    } catch (error) {
      if (MISSING.has(errorCode(error) ?? '') && !(await stillThere(current))) {
        // Removed between the two looks (a concurrent delete emptied and removed the folder): go on up.
        current = dirname(current);
        continue;
      }
      // It exists but does not resolve: a dangling link, which a write would follow.
      if (MISSING.has(errorCode(error) ?? '') || errorCode(error) === 'ELOOP') refuse();
      throw error;
    }
    if (!inside(real)) refuse();
    return;
  }
}

/**
 * The keys under `dir` whose names (at the first level) start with `namePrefix`, in key order,
 * never following links. At the root the store's own directories are skipped.
 */
export async function* walkKeys(dir: string, keyPrefix: string, namePrefix: string, atRoot: boolean): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (MISSING.has(errorCode(error) ?? '')) return;
    throw error;
  }
  const children = entries
    .filter((e) => (e.isFile() || e.isDirectory()) && e.name.startsWith(namePrefix) && !(atRoot && RESERVED_NAMES.has(e.name)))
    .map((e) => ({ name: e.name, isDirectory: e.isDirectory(), order: e.isDirectory() ? `${e.name}/` : e.name }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  for (const child of children) {
    if (child.isDirectory) yield* walkKeys(join(dir, child.name), `${keyPrefix}${child.name}/`, '', false);
    else yield `${keyPrefix}${child.name}`;
  }
}
