import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The web gallery's build inside the workspace, from its root (what `npm start` builds). */
export const WORKSPACE_GALLERY_DIR = 'apps/web-gallery/dist';

/**
 * Where `mediaflow serve` looks for the gallery when neither `--gallery` nor
 * `MEDIAFLOW_GALLERY_DIR` says: found from the running bundle's own file, so that an installed CLI
 * serves the gallery it ships whatever directory it is started from. In order:
 * `gallery/` beside the bundle's `dist/` (the published package), the workspace's
 * `apps/web-gallery/dist` seen from `apps/cli/dist/`, then `apps/web-gallery/dist` under the
 * working directory (the workspace root, where the sources run from). The first holding an
 * `index.html` wins; when none does, the last, so that serve says the gallery is not built yet.
 *
 * @example
 * defaultGalleryDir('/usr/lib/node_modules/@mediaflow/cli/dist/mediaflow.js', '/home/me'); // '/usr/lib/node_modules/@mediaflow/cli/gallery' once installed
 */
export function defaultGalleryDir(moduleFile: string | undefined, cwd: string, exists: (path: string) => boolean = existsSync): string {
  const fromCwd = resolve(cwd, WORKSPACE_GALLERY_DIR);
  const candidates = moduleFile === undefined ? [] : [join(dirname(moduleFile), '..', 'gallery'), join(dirname(moduleFile), '..', '..', 'web-gallery', 'dist')];
  return [...candidates, fromCwd].find((dir) => exists(join(dir, 'index.html'))) ?? fromCwd;
}

/** The file of the running code: the bundle (its banner defines `__filename`), or this module under jest. */
export function runningFile(): string | undefined {
  return typeof __filename === 'string' ? __filename : undefined;
}
