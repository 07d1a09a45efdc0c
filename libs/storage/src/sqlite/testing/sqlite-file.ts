import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMediaRepository, type SqliteMediaRepositoryOptions } from '../sqlite-media-repository.js';

/** A repository under test and what ends it. */
export interface SqliteOnFile {
  repo: SqliteMediaRepository;
  /** The database file, for a second connection. */
  filename: string;
  /** Closes the repository and removes its directory. */
  close: () => Promise<void>;
}

/**
 * A media repository on a fresh file (`media.db`) in a fresh temporary directory named from
 * `prefix`, with any other `options`, for medium tests; `close` closes it and removes the
 * directory again.
 *
 * @example
 * albumRepositoryContract('sqlite', async () => {
 *   const { repo, close } = await sqliteOnFile('mf-sqlite-albums-');
 *   return { albums: repo.albums(), close };
 * });
 */
export async function sqliteOnFile(prefix: string, options: Omit<SqliteMediaRepositoryOptions, 'filename'> = {}): Promise<SqliteOnFile> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const filename = join(dir, 'media.db');
  const repo = new SqliteMediaRepository({ ...options, filename });
  return {
    repo,
    filename,
    close: async () => {
      repo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
