import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { resolutionBases } from '@mediaflow/domain/node';

/** The HEIC decoder's worker script: its name, and its place in the package (plain JavaScript, see its header). */
export const HEIC_WORKER_FILE = 'heic-decode-worker.mjs';
const IN_PACKAGE = `worker/${HEIC_WORKER_FILE}`;


/**
 * The absolute path of the HEIC decoder's worker script: a `heic-decode-worker.mjs` beside one of
 * the bases (a bundle that ships its worker next to itself), else the one in the
 * `@mediaflow/image-pipeline` package that a base resolves (sources, the built package, a bundle
 * that keeps the package in its `node_modules`).
 *
 * @throws MediaError (`internal`) when neither is found.
 */
export function heicWorkerPath(bases: readonly string[] = resolutionBases()): string {
  for (const base of bases) {
    const beside = join(dirname(base), HEIC_WORKER_FILE);
    if (existsSync(beside)) return beside;
  }
  for (const base of bases) {
    try {
      const file = join(dirname(createRequire(base).resolve('@mediaflow/image-pipeline/package.json')), IN_PACKAGE);
      if (existsSync(file)) return file;
    } catch {
      // Not resolvable from this base; try the next one.
    }
  }
  throw new MediaError('internal', `the HEIC decoder's worker (${HEIC_WORKER_FILE}) was not found`, { details: { bases } });
}
