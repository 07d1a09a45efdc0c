// Bundles the CLI into one ESM file: workspace libraries are taken from source through the
// @mediaflow/source export condition, so no library has to be built first.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

await build({
  entryPoints: [join(root, 'src/main.ts')],
  outfile: join(root, 'dist/mediaflow.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@mediaflow/source'],
  // Workspace libraries are bundled from source; third-party packages are loaded from node_modules
  // at run time: sharp and better-sqlite3 carry native binaries, music-metadata is ESM that reads
  // its own package files, and the video pipeline finds the ffmpeg/ffprobe executables inside the
  // @ffmpeg-installer/@ffprobe-installer packages (resolved at run time, never bundled).
  plugins: [
    {
      name: 'external-node-modules',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@mediaflow/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
  banner: { js: '#!/usr/bin/env node' },
  // main.ts runs the dispatcher only when this is defined: tests import it without side effects.
  define: { __MEDIAFLOW_BIN__: 'true' },
  sourcemap: true,
  logLevel: 'warning',
});
