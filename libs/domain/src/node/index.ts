import { join } from 'node:path';

/**
 * What Node.js code of Mediaflow shares beyond the domain's pure core (`@mediaflow/domain/node`):
 * kept out of the main entry so that the gallery, which bundles the domain for browsers, never
 * reaches `node:` modules.
 */

/**
 * Files to resolve packages and scripts from. Jest runs the sources as CommonJS while the builds
 * ship ES modules and the apps bundle them, so `import.meta` cannot be used: this module's own file
 * (when CommonJS or a bundle's banner provides `__filename`; in a bundle it is the bundle itself),
 * the entry script (an installed app finds its packages in its own node_modules) and the working
 * directory (the workspace root in development).
 *
 * @example
 * createRequire(resolutionBases()[0] ?? '').resolve('@mediaflow/tagging/package.json');
 */
export function resolutionBases(): string[] {
  const bases: string[] = [];
  if (typeof __filename === 'string') bases.push(__filename);
  const entry = process.argv[1];
  if (entry) bases.push(entry);
  bases.push(join(process.cwd(), 'package.json'));
  return bases;
}
