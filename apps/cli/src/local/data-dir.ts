import { chmodSync, mkdirSync, statSync } from 'node:fs';

/** Owner only: everything under the data directory (the secret, tokens' generations, media) is private. */
export const DATA_DIR_MODE = 0o700;

/**
 * Creates the data directory if needed and makes it private to its owner (0700), at every start:
 * a directory copied, unpacked or made by hand may have been left readable by others. Returns the
 * mode it had when that let anyone else in, for the caller to tell; `undefined` when it was
 * private already. On Windows, where access is decided by ACLs rather than these bits, it only
 * creates the directory.
 */
export function secureDataDir(dataDir: string, platform: NodeJS.Platform = process.platform): number | undefined {
  mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  if (platform === 'win32') return undefined;
  const before = statSync(dataDir).mode & 0o777;
  chmodSync(dataDir, DATA_DIR_MODE);
  return (before & 0o077) === 0 ? undefined : before;
}

/** A mode as `chmod` spells it (`0755`). */
export function octalMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
