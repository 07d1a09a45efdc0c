// Bundles the CLI into one ESM file: workspace libraries are taken from source through the
// @mediaflow/source export condition, so no library has to be built first. Beside it go the HEIC
// decoder's worker (a script of its own, found next to the bundle) and each build's esbuild
// metafile, from which tools/scripts/cli-pack-check.mjs lists the packages the bundle imports.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  // The metafiles name inputs relative to the workspace root, wherever the build is started from.
  absWorkingDir: join(root, '../..'),
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
  metafile: true,
  logLevel: 'warning',
};

// The bundled libraries find their worker scripts and packages from `__filename` when it is defined
// (resolutionBases in @mediaflow/domain/node): in an ES module only this banner defines it, as the
// bundle's own path, so an installed CLI looks in its own package and node_modules, wherever the
// command is run from and however its `bin` link is named.
const banner = [
  '#!/usr/bin/env node',
  "import { fileURLToPath as __mfFileURLToPath } from 'node:url';",
  'const __filename = __mfFileURLToPath(import.meta.url);',
].join('\n');

const cli = await build({
  ...common,
  entryPoints: [join(root, 'src/main.ts')],
  outfile: join(dist, 'mediaflow.js'),
  banner: { js: banner },
  // main.ts runs the dispatcher only when __MEDIAFLOW_BIN__ is defined: tests import it without
  // side effects. The version is the package's, as `mediaflow --version` prints it.
  define: { __MEDIAFLOW_BIN__: 'true', __MEDIAFLOW_VERSION__: JSON.stringify(version) },
  sourcemap: true,
});

// heicWorkerPath() takes a heic-decode-worker.mjs beside the bundle before the package's own.
const heic = await build({
  ...common,
  entryPoints: [createRequire(import.meta.url).resolve('@mediaflow/image-pipeline/heic-decode-worker')],
  outfile: join(dist, 'heic-decode-worker.mjs'),
});

writeFileSync(join(dist, 'mediaflow.meta.json'), `${JSON.stringify(cli.metafile)}\n`);
writeFileSync(join(dist, 'heic-decode-worker.meta.json'), `${JSON.stringify(heic.metafile)}\n`);
