// Proves the published packages work for someone else: builds and packs @mediaflow/domain and
// @mediaflow/image-pipeline (`npm pack`, as `npm publish` would), installs the tarballs into a copy
// of examples/consumer in a temp directory outside the workspace, type-checks it against the
// packed `.d.ts` files, and runs it. Prints "consumer: 1 passed" or exits non-zero.
//
//   node tools/scripts/consumer-check.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stagePackage } from './stage-package.mjs';

const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = { '@mediaflow/domain': 'libs/domain', '@mediaflow/image-pipeline': 'libs/image-pipeline' };
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const work = mkdtempSync(join(tmpdir(), 'mf-consumer-'));
try {
  run(join(workspace, 'node_modules/.bin/tsc'), ['--build', 'libs/domain/tsconfig.lib.json', 'libs/image-pipeline/tsconfig.lib.json'], workspace);
  const packs = join(work, 'packs');
  mkdirSync(packs);
  const dependencies = {};
  for (const [name, dir] of Object.entries(PACKAGES)) {
    const staged = stagePackage(workspace, dir, join(work, 'stage'));
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', packs, staged], workspace).trim().split('\n').pop();
    dependencies[name] = `file:../packs/${tarball}`;
  }

  const project = join(work, 'project');
  cpSync(join(workspace, 'examples/consumer'), project, { recursive: true, filter: (src) => !/node_modules|dist/.test(src) });
  // The toolchain the workspace itself uses, at the same versions.
  const root = JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  pkg.dependencies = dependencies;
  pkg.devDependencies = { typescript: root.devDependencies.typescript, '@types/node': root.devDependencies['@types/node'] };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

  run('npm', ['install', '--no-audit', '--no-fund', '--silent'], project);
  // Nothing of the workspace may leak into what was published.
  for (const name of Object.keys(PACKAGES)) {
    const manifest = readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8');
    if (manifest.includes('"@mediaflow/source"')) throw new Error(`${name} was published with the workspace's source condition`);
    const files = run('find', ['.', '-type', 'f'], join(project, 'node_modules', name)).split('\n').filter(Boolean);
    const leaked = files.filter((f) => /\.(spec|medium)\.|tsbuildinfo|\/src\//.test(f));
    if (leaked.length > 0) throw new Error(`${name} ships files it should not: ${leaked.slice(0, 5).join(', ')}`);
  }
  run(join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], project);
  process.stdout.write(run(process.execPath, ['dist/main.js'], project));
  // CommonJS consumers: the packages are ESM only, which Node 20.19+ and 22 load through require().
  run(process.execPath, ['-e', "const d = require('@mediaflow/domain'); if (typeof d.parseEvent !== 'function') process.exit(1);"], project);
  console.log('consumer: 1 passed');
} finally {
  rmSync(work, { recursive: true, force: true });
}
