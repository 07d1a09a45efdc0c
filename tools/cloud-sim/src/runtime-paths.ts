import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { resolutionBases } from '@mediaflow/domain/node';


/** The simulator package's directory, found from this module, the entry script or the working directory. */
export function packageDir(): string {
  for (const base of resolutionBases()) {
    try {
      const dir = dirname(createRequire(base).resolve('@mediaflow/cloud-sim/package.json'));
      if (existsSync(join(dir, 'runtime/bootstrap.mjs'))) return dir;
    } catch {
      // Not resolvable from this base; try the next.
    }
  }
  throw new Error('the @mediaflow/cloud-sim package (runtime/bootstrap.mjs) was not found');
}

/** The script each function instance runs (the simulated Lambda runtime). */
export function bootstrapPath(): string {
  return join(packageDir(), 'runtime/bootstrap.mjs');
}

/** The workspace root: two levels above the package. */
export function workspaceRoot(): string {
  return join(packageDir(), '../..');
}
