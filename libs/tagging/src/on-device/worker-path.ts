import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MediaError } from '@mediaflow/domain';

/** The worker script, relative to the package root (shipped as plain JavaScript, see its header). */
export const WORKER_FILE = 'worker/on-device-worker.mjs';

/**
 * Files to resolve `@mediaflow/tagging` from. Jest runs these sources as CommonJS while the build
 * ships ES modules and the CLI bundles them into one file, so `import.meta` cannot be used: the
 * module itself (when CommonJS provides `__filename`), the entry script (a bundle or an installed
 * app finds the package in its node_modules) and the working directory cover all three.
 */
function resolutionBases(): string[] {
  const bases: string[] = [];
  if (typeof __filename === 'string') bases.push(__filename);
  const entry = process.argv[1];
  if (entry) bases.push(entry);
  bases.push(join(process.cwd(), 'package.json'));
  return bases;
}

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
