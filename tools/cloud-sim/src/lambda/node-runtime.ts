import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node.js executable for a function's runtime (`nodejs24.x` → Node 24). The workspace keeps
 * other Node versions from the registry under node_modules/.cache/mediaflow (see
 * tools/scripts/with-node.sh); without one, the current Node runs the function and the stage says so.
 */
export function nodeForRuntime(runtime: string, root: string): { path: string; exact: boolean; version: string } {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (major && process.versions.node.split('.')[0] === major) return { path: process.execPath, exact: true, version: process.versions.node };
  const cache = join(root, 'node_modules/.cache/mediaflow');
  if (major && existsSync(cache)) {
    const candidates = readdirSync(cache)
      .filter((name) => name.startsWith(`node-${major}.`))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const newest = candidates.at(-1);
    if (newest) {
      const binary = join(cache, newest, 'bin/node');
      if (existsSync(binary)) return { path: binary, exact: true, version: newest.slice('node-'.length) };
    }
  }
  return { path: process.execPath, exact: false, version: process.versions.node };
}
