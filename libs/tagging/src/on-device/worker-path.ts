import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { resolutionBases } from '@mediaflow/domain/node';

/** The worker script, relative to the package root (shipped as plain JavaScript, see its header). */
export const WORKER_FILE = 'worker/on-device-worker.mjs';


/**
 * The absolute path of the on-device tagger's worker script.
 *
 * @throws MediaError (`internal`) when `@mediaflow/tagging` cannot be resolved from any base.
 */
export function onDeviceWorkerPath(bases: readonly string[] = resolutionBases()): string {
  for (const base of bases) {
    try {
      const file = join(dirname(createRequire(base).resolve('@mediaflow/tagging/package.json')), WORKER_FILE);
      if (existsSync(file)) return file;
    } catch {
      // Not resolvable from this base; try the next one.
    }
  }
  throw new MediaError('internal', `the on-device tagger worker (${WORKER_FILE} in @mediaflow/tagging) was not found`, { details: { bases } });
}
