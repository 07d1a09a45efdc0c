// Proves the `mediaflow` CLI works as a package outside the workspace: builds the CLI bundle and the
// web gallery, stages a publishable @mediaflow/cli (the bundle, the HEIC worker beside it, the
// gallery's build in gallery/; as dependencies the third-party packages the bundle imports at run
// time, read from esbuild's metafiles, plus @mediaflow/tagging, whose worker scripts are loaded from
// its package directory), packs it with @mediaflow/tagging and @mediaflow/domain (`npm pack`),
// installs the tarballs into a temp directory outside the workspace, and runs from there
// `mediaflow --version`, `mediaflow --help` and `mediaflow serve`: /api/health answers and `GET /`
// is the gallery's index.html (found beside the package, not from the working directory); a JPEG
// sent with `mediaflow ingest --json` comes back ready. Prints "cli-pack: 1 passed" or exits non-zero.
//
//   node tools/scripts/cli-pack-check.mjs            (CLI_PACK_KEEP=1 keeps the temp directory)
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { stagePackage } from './stage-package.mjs';

const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cliDir = join(workspace, 'apps/cli');
const galleryDir = join(workspace, 'apps/web-gallery/dist');
/** Libraries packed beside the CLI: tagging for its worker scripts, domain because tagging needs it. */
const LIBRARIES = { '@mediaflow/domain': 'libs/domain', '@mediaflow/tagging': 'libs/tagging' };
/**
 * Packages the bundle finds at run time by resolving them (never imported, so not in a metafile):
 * the ffmpeg/ffprobe builds of @mediaflow/video-pipeline, the fallback when the machine has no
 * ffmpeg. They exist for some platforms only, hence optional.
 */
const RESOLVED_AT_RUN_TIME = { from: 'libs/video-pipeline', match: /^@(ffmpeg|ffprobe)-installer\// };
const INSTALL_BUDGET_S = 240;

const timings = [];
const started = Date.now();
async function timed(name, work) {
  const t = Date.now();
  const value = await work();
  timings.push(`${((Date.now() - t) / 1000).toFixed(1)} s  ${name}`);
  return value;
}
const run = (cmd, args, cwd, env = process.env) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The npm package an import names (`hono/cookie` -> `hono`), or undefined for Node's own modules. */
function packageOf(specifier) {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The version of `name` that code in `fromDir` gets: the nearest node_modules/<name> up the tree. */
function installedVersion(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return readJson(manifest).version;
    if (dir === dirname(dir)) throw new Error(`${name} (imported from ${fromDir}) is not installed`);
  }
}

/**
 * The third-party packages every bundle in apps/cli/dist imports (its `*.meta.json`), each at the
 * version installed where its importer is, so that the package gets what the tests ran against.
 */
function bundleDependencies() {
  const dependencies = {};
  for (const file of readdirSync(join(cliDir, 'dist')).filter((f) => f.endsWith('.meta.json'))) {
    const { inputs } = readJson(join(cliDir, 'dist', file));
    for (const [input, { imports }] of Object.entries(inputs)) {
      for (const { path, external } of imports) {
        const name = external ? packageOf(path) : undefined;
        if (name === undefined) continue;
        const version = installedVersion(name, dirname(join(workspace, input)));
        if (dependencies[name] !== undefined && dependencies[name] !== version) throw new Error(`the bundle imports ${name} at two versions (${dependencies[name]}, ${version})`);
        dependencies[name] = version;
      }
    }
  }
  if (Object.keys(dependencies).length === 0) throw new Error('no metafile in apps/cli/dist: is build.mjs writing them?');
  return Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)));
}

/** apps/cli staged for publishing: the bundle, its worker, the gallery, and a manifest for the registry. */
function stageCli(out) {
  const manifest = readJson(join(cliDir, 'package.json'));
  const stage = join(out, 'cli');
  mkdirSync(join(stage, 'dist'), { recursive: true });
  for (const file of ['mediaflow.js', 'heic-decode-worker.mjs']) cpSync(join(cliDir, 'dist', file), join(stage, 'dist', file));
  // Source maps stay behind: the package serves the gallery, it does not debug it.
  cpSync(galleryDir, join(stage, 'gallery'), { recursive: true, filter: (path) => !path.endsWith('.map') });
  for (const [from, to] of [
    [join(cliDir, 'README.md'), 'README.md'],
    [join(workspace, 'LICENSE'), 'LICENSE'],
  ]) {
    if (existsSync(from)) cpSync(from, join(stage, to));
  }
  const libraries = Object.fromEntries(Object.keys(LIBRARIES).map((name) => [name, `^${readJson(join(workspace, LIBRARIES[name], 'package.json')).version}`]));
  const video = readJson(join(workspace, RESOLVED_AT_RUN_TIME.from, 'package.json')).dependencies;
  const published = {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    type: 'module',
    engines: manifest.engines,
    bin: manifest.bin,
    files: manifest.files,
    dependencies: { ...bundleDependencies(), '@mediaflow/tagging': libraries['@mediaflow/tagging'] },
    optionalDependencies: Object.fromEntries(Object.entries(video).filter(([name]) => RESOLVED_AT_RUN_TIME.match.test(name))),
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  return stage;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function until(what, limitMs, probe) {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function check(ok, what) {
  if (!ok) throw new Error(what);
  console.log(`ok   ${what}`);
}

const work = mkdtempSync(join(tmpdir(), 'mf-cli-pack-'));
let server;
try {
  const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' };
  // What `npm start` builds: the CLI bundle (apps/cli/build.mjs) and the gallery.
  await timed('build the CLI bundle and the gallery', () => run('npx', ['nx', 'run-many', '-t', 'build', '-p', '@mediaflow/cli', '@mediaflow/web-gallery', '--output-style=static'], workspace, nxEnv));
  await timed('build the packed libraries', () => run(join(workspace, 'node_modules/.bin/tsc'), ['--build', ...Object.values(LIBRARIES).map((dir) => `${dir}/tsconfig.lib.json`)], workspace));

  const packs = join(work, 'packs');
  mkdirSync(packs);
  const tarballs = {};
  await timed('stage and pack', () => {
    const staged = { ...Object.fromEntries(Object.entries(LIBRARIES).map(([name, dir]) => [name, stagePackage(workspace, dir, join(work, 'stage'))])), '@mediaflow/cli': stageCli(join(work, 'stage')) };
    for (const [name, dir] of Object.entries(staged)) tarballs[name] = run('npm', ['pack', '--silent', '--pack-destination', packs, dir], workspace).trim().split('\n').pop();
  });
  const cliManifest = readJson(join(work, 'stage/cli/package.json'));
  console.log(`@mediaflow/cli depends on ${Object.entries(cliManifest.dependencies).map(([n, v]) => `${n}@${v}`).join(', ')}`);

  const project = join(work, 'project');
  mkdirSync(project);
  const dependencies = Object.fromEntries(Object.entries(tarballs).map(([name, tarball]) => [name, `file:../packs/${tarball}`]));
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'mediaflow-cli-pack-check', private: true, type: 'module', dependencies }, null, 2)}\n`);
  const installStarted = Date.now();
  // Install scripts off: the one that matters is better-sqlite3's, which downloads a prebuilt binary
  // from GitHub (out of this machine's reach) or else compiles the addon from source, 7 to 13
  // minutes on 2 cores. The workspace's build of the same version (the pack pins it) is put in
  // place instead, which is what the download would have given; everything else runs as installed.
  await timed('npm install of the packed CLI', () => run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], project));
  const addon = 'build/Release/better_sqlite3.node';
  const ours = join(workspace, 'node_modules/better-sqlite3');
  const theirs = join(project, 'node_modules/better-sqlite3');
  check(readJson(join(ours, 'package.json')).version === readJson(join(theirs, 'package.json')).version, 'the installed better-sqlite3 is the workspace\u2019s version');
  mkdirSync(dirname(join(theirs, addon)), { recursive: true });
  copyFileSync(join(ours, addon), join(theirs, addon));
  const installSeconds = (Date.now() - installStarted) / 1000;
  if (installSeconds > INSTALL_BUDGET_S) console.log(`warning: the install took ${installSeconds.toFixed(0)} s, more than the ${INSTALL_BUDGET_S} s CI budget`);

  // Nothing of the workspace in what was installed.
  const installed = join(project, 'node_modules/@mediaflow/cli');
  const files = run('find', ['.', '-type', 'f'], installed).split('\n').filter(Boolean);
  const leaked = files.filter((f) => /\.(spec|medium)\.|\.map$|\.meta\.json$|\/src\//.test(f));
  check(leaked.length === 0, `the package ships only its bundle, worker and gallery (${files.length} files${leaked.length === 0 ? '' : `; not ${leaked.join(', ')}`})`);

  // Run as someone would: from the install, with no MEDIAFLOW_* settings of this machine.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MEDIAFLOW_') && !name.startsWith('NX_')));
  // `--no`: never fetch it from the registry; `--`: what follows is mediaflow's, not npx's (`--version`).
  const mediaflow = (...args) => run('npx', ['--no', '--', 'mediaflow', ...args], project, env);
  const version = mediaflow('--version').trim();
  check(version === readJson(join(cliDir, 'package.json')).version, `npx mediaflow --version prints ${version}`);
  const help = mediaflow('--help');
  check(/Exit codes:/.test(help) && /serve/.test(help) && /ingest/.test(help), 'npx mediaflow --help lists the commands and the exit codes');

  const port = await freePort();
  const dataDir = join(work, 'data');
  server = spawn('npx', ['--no', '--', 'mediaflow', 'serve', '--port', String(port), '--data-dir', dataDir, '--quiet'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolveExit) => server.once('exit', (code, signal) => resolveExit(code ?? signal)));
  const base = `http://127.0.0.1:${port}`;
  const health = await timed('serve answering /api/health', () =>
    Promise.race([
      until('/api/health', 60_000, async () => {
        const response = await fetch(`${base}/api/health`);
        return response.ok ? response.status : undefined;
      }),
      exited.then((code) => {
        throw new Error(`mediaflow serve exited (${code}):\n${output}`);
      }),
    ]),
  );
  check(health === 200, `mediaflow serve --port ${port} answers /api/health with 200`);
  const page = await fetch(`${base}/`);
  const html = await page.text();
  check(page.ok && html === readFileSync(join(installed, 'gallery/index.html'), 'utf8'), 'GET / is the index.html of the gallery in the installed package');

  // The whole pipeline from the install: the upload is processed (sharp, SQLite, the on-device
  // tagger's worker from @mediaflow/tagging) and ingest reports it as JSON.
  const photo = join(work, 'photo.jpg');
  await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .jpeg()
    .toFile(photo);
  const report = await timed('ingest --json of a JPEG', () => JSON.parse(mediaflow('ingest', photo, '--port', String(port), '--data-dir', dataDir, '--json', '--timeout', '120')));
  check(report.files?.[0]?.status === 'ready' && report.summary?.failed === 0, `mediaflow ingest --json: ${JSON.stringify(report.files?.[0])}`);
  const errors = output.split('\n').filter((line) => /"level":"(ERROR|FATAL)"/.test(line));
  check(errors.length === 0, `the server logged no error while serving and processing${errors.length === 0 ? '' : `:\n${errors.join('\n')}`}`);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s:\n  ${timings.join('\n  ')}`);
  console.log('cli-pack: 1 passed');
} catch (error) {
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s:\n  ${timings.join('\n  ')}`);
  console.error(error instanceof Error ? error.message : error);
  console.log('cli-pack: 0 passed, 1 failed');
  process.exitCode = 1;
} finally {
  if (server?.pid !== undefined && server.exitCode === null) {
    // Its own process group: npx, node and the server stop together, gracefully.
    process.kill(-server.pid, 'SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  if (process.env.CLI_PACK_KEEP === '1') console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
