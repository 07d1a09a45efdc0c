import { mkdir, open, rename, rmdir, unlink } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { ConflictError } from '@mediaflow/domain';

/** The `code` of a Node.js system error (`ENOENT`, ...), or `undefined` for anything else. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Codes that mean the path (or one of its parents) is not there. */
export const MISSING: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR']);

/** Unlinks a file, treating "already gone" as success. */
export async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!MISSING.has(errorCode(error) ?? '')) throw error;
  }
}

/**
 * Renames a file into the tree, creating parent directories. A concurrent delete may prune an
 * empty parent between the mkdir and the rename, hence the retries.
 */
export async function moveInto(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await mkdir(dirname(to), { recursive: true });
      await rename(from, to);
      return;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' && attempt < 5) continue;
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
        // A directory tree cannot hold both `a` and `a/b`; S3 can. The key layout never needs both.
        throw new ConflictError('the key collides with another key: one of them would be a directory of the other', {
          cause: error,
        });
      }
      throw error;
    }
  }
}

/** Flushes a directory, so that the renames into it survive a crash. */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes directories left empty by a delete, up to (not including) `stopAt`. */
export async function pruneEmptyParents(path: string, stopAt: string): Promise<void> {
  for (let dir = dirname(path); dir !== stopAt && dir.startsWith(stopAt + sep); dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (or already gone): nothing above it can be empty either
    }
  }
}
