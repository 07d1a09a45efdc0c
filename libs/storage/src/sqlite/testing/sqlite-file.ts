import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMediaRepository } from '../sqlite-media-repository.js';

/** A repository under test and what ends it. */
export interface SqliteOnFile {
  repo: SqliteMediaRepository;
  /** Closes the repository and removes its directory. */
  close: () => Promise<void>;
}

/**
 * A media repository on a fresh file (`media.db`) in a fresh temporary directory named from
 * `prefix`, for medium tests; `close` closes it and removes the directory again.
 *
 * @example
 * albumRepositoryContract('sqlite', async () => {
 *   const { repo, close } = await sqliteOnFile('mf-sqlite-albums-');
 *   return { albums: repo.albums(), close };
 * });
 */
export async function sqliteOnFile(prefix: string): Promise<SqliteOnFile> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const repo = new SqliteMediaRepository({ filename: join(dir, 'media.db') });
  return {
    repo,
    close: async () => {
      repo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
