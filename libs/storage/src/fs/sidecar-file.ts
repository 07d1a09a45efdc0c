import { constants } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { ValidationError } from '@mediaflow/domain';
import { errorCode, MISSING } from './file-ops.js';
import type { ObjectPaths } from './key-paths.js';
import { identityOf, parseSidecar, sameFile, type Sidecar } from './sidecar.js';

/** Reads and parses a sidecar; `undefined` when there is none. */
export async function readSidecarFile(path: string): Promise<Sidecar | undefined> {
  try {
    return parseSidecar(await readFile(path, 'utf8'));
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && (MISSING.has(code) || code === 'EISDIR')) return undefined;
    throw error;
  }
}

/** Opens the data file and reads its sidecar: the pair, nothing, or "out of step". */
export async function openWithSidecar(paths: ObjectPaths): Promise<{ handle: FileHandle; sidecar: Sidecar } | undefined | 'mismatch'> {
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: even a link swapped in after the path checks is not followed.
    handle = await open(paths.data, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && MISSING.has(code)) return undefined;
    if (code === 'ELOOP') throw new ValidationError('object key resolves to a link', [], { cause: error });
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      return undefined;
    }
    const sidecar = await readSidecarFile(paths.meta);
    if (sidecar !== undefined && sameFile(sidecar.file, identityOf(stats))) return { handle, sidecar };
  } catch (error) {
    await handle.close();
    throw error;
  }
  await handle.close();
  return 'mismatch';
}
