// Builds the `tagger-models` Lambda layer (see tagger-models.sh): what the on-device tagger's worker
// loads at run time, copied from the workspace's node_modules (no network), under
// nodejs/node_modules, which Lambda mounts at /opt/nodejs/node_modules (on NODE_PATH).
//
//   node apps/lambdas/layers/tagger-models.mjs <out-dir>
//
// - The packages are the worker's imports (libs/tagging/worker/on-device-worker.mjs) and their
//   dependencies, resolved the way Node resolves them from libs/tagging, at the versions the
//   workspace has installed; each is checked against libs/tagging/package.json.
// - The large packages keep only their Node entry and the files the worker reads (the models it
//   loads, the WASM binaries); the others are copied whole, without source maps and type files.
// - Everything is JavaScript, JSON, model weights and WebAssembly: the build fails on a native addon
//   (`.node`) or any ELF file, so the one layer serves arm64 and x86_64 alike. sharp, which the
//   worker uses to decode, is the `sharp` layer's.
// - The worker script itself is shipped as `@mediaflow/tagging/worker/...`, where the tagger looks for
//   it (`onDeviceWorkerPath`), so the function's bundle and the worker come from one build.
// - Before it is moved to <out-dir>, the layer is proved on its own: in a directory outside the
//   workspace (no node_modules above it) and without NODE_PATH, the worker loads every model from
//   the layer and tags a picture.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '../../..');
const taggingDir = join(workspace, 'libs/tagging');
const WORKER = 'worker/on-device-worker.mjs';
/** Lambda takes 250 MB unzipped for a function and all its layers; the bundle and the sharp layer need their share. */
const MAX_MIB = 150;

/** What the worker requires (its `require(...)` calls); sharp comes from the sharp layer. */
const ROOTS = ['@vladmandic/human', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-converter', 'nsfwjs'];
/** Declared for their types only: no JavaScript of theirs runs. */
const TYPES_ONLY = [/^@types\//, /^@webgpu\/types$/];

/**
 * Packages that ship many builds (browser bundles, ES modules, source maps, every model of the
 * family) of which Node loads one: only these files are kept, besides package.json and licences.
 * `main` is the package's Node entry (one self-contained file for each of these).
 */
const KEEP = {
  '@tensorflow/tfjs': ['main'],
  '@tensorflow/tfjs-core': ['main'],
  '@tensorflow/tfjs-converter': ['main'],
  '@tensorflow/tfjs-layers': ['main'],
  '@tensorflow/tfjs-data': ['main'],
  '@tensorflow/tfjs-backend-cpu': ['main'],
  '@tensorflow/tfjs-backend-webgl': ['main'],
  // The SIMD binary is the one Lambda's Node runs; the plain one is the fallback without SIMD.
  '@tensorflow/tfjs-backend-wasm': ['main', /^dist\/tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm$/],
  // `main` is what require.resolve finds (the worker takes the directory from it); the WASM build
  // beside it is the one loaded; BlazeFace and CenterNet are the two models the worker enables.
  '@vladmandic/human': ['main', /^dist\/human\.node-wasm\.js$/, /^models\/(blazeface|centernet)\.(json|bin)$/],
  // The CommonJS build and the MobileNet v2 model the worker loads (of three).
  nsfwjs: [/^dist\/cjs\/.*\.js(on)?$/, /^dist\/models\/package\.json$/, /^dist\/models\/mobilenet_v2\//],
};
const ALWAYS = /^(package\.json|LICEN[CS]E[^/]*|NOTICE[^/]*|COPYING[^/]*)$/i;
const NEVER = /(\.map|\.d\.[cm]?ts|\.tsbuildinfo)$/;

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The directory of package `name` as Node resolves it from `fromDir`: the nearest node_modules up
 * the tree holding it. (Not `require.resolve.paths`, which has no paths for a package named like a
 * built-in module, as nsfwjs's `buffer` is.)
 */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (basename(dir) !== 'node_modules' && existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) break;
  }
  throw new Error(`${name} is not installed where ${fromDir} would find it: run npm ci first`);
}

function files(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(join(dir, entry.name), path);
    return entry.isFile() ? [path] : [];
  });
}

function kept(name, manifest, path) {
  if (ALWAYS.test(path)) return true;
  if (NEVER.test(path)) return false;
  const rules = KEEP[name];
  if (rules === undefined) return true;
  return rules.some((rule) => (rule === 'main' ? path === (manifest.main ?? 'index.js').replace(/^\.\//, '') : rule.test(path)));
}

/** Walks the dependencies from the roots; a second version of a name goes under the package needing it, as npm nests it. */
function collect() {
  const tagging = readJson(join(taggingDir, 'package.json'));
  const placed = new Map(); // real directory -> target path under node_modules
  const flat = new Map(); // name -> real directory at the top level
  const packages = [];
  const queue = ROOTS.map((name) => ({ name, fromDir: taggingDir, parentTarget: '' }));
  while (queue.length > 0) {
    const { name, fromDir, parentTarget } = queue.shift();
    if (TYPES_ONLY.some((pattern) => pattern.test(name))) continue;
    const dir = packageDir(name, fromDir);
    if (placed.has(dir)) continue;
    const manifest = readJson(join(dir, 'package.json'));
    if (fromDir === taggingDir && tagging.dependencies?.[name] !== manifest.version) {
      throw new Error(`${name} ${manifest.version} is installed, libs/tagging/package.json asks for ${tagging.dependencies?.[name]}: run npm ci`);
    }
    let target = name;
    if (flat.has(name)) target = `${parentTarget}/node_modules/${name}`;
    else flat.set(name, dir);
    placed.set(dir, target);
    packages.push({ name, version: manifest.version, dir, target, manifest });
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => manifest.peerDependenciesMeta?.[peer]?.optional !== true);
    for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...peers]) queue.push({ name: dep, fromDir: dir, parentTarget: target });
  }
  return packages;
}

function isElf(file) {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    closeSync(fd);
  }
}

function directoryBytes(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/** The worker started from the layer alone: models loaded, then one picture of packed RGB through all of them. */
function prove(layer) {
  for (let dir = dirname(layer); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) throw new Error(`${dir} has a node_modules: the proof would not be of the layer alone`);
    if (dirname(dir) === dir) break;
  }
  const worker = join(layer, 'nodejs/node_modules/@mediaflow/tagging', WORKER);
  const script = `
    import { Worker } from 'node:worker_threads';
    const worker = new Worker(${JSON.stringify(worker)}, { workerData: {} });
    const reply = (type) => new Promise((done, fail) => {
      worker.once('message', (m) => (m.type === type ? done(m) : fail(new Error(JSON.stringify(m).slice(0, 2000)))));
      worker.once('error', fail);
    });
    const ready = await reply('ready');
    const size = 96, data = new Uint8Array(size * size * 3).map((_, i) => (i * 31) % 251);
    worker.postMessage({ type: 'detect', id: 1, pixels: { data, width: size, height: size } });
    const result = await reply('result');
    if (!Array.isArray(result.objects) || result.nsfw.length === 0) throw new Error('no detections: ' + JSON.stringify(result));
    console.log(JSON.stringify({ loadMs: ready.loadMs, backend: ready.backend, simd: ready.simd, nsfwClasses: result.nsfw.length }));
    await worker.terminate();`;
  const env = { ...process.env };
  delete env.NODE_PATH;
  const scratch = mkdtempSync(join(tmpdir(), 'mediaflow-tagger-proof-'));
  try {
    writeFileSync(join(scratch, 'prove.mjs'), script);
    const run = spawnSync(process.execPath, [join(scratch, 'prove.mjs')], { cwd: layer, env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the worker did not run from the layer alone:\n${run.stderr}${run.stdout}`);
    return JSON.parse(run.stdout.trim().split('\n').at(-1));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const out = resolve(process.argv[2] ?? join(here, '../dist-layers/tagger-models'));
const stage = mkdtempSync(join(tmpdir(), 'mediaflow-tagger-models-'));
try {
  const modules = join(stage, 'nodejs/node_modules');
  const packages = collect();
  for (const pkg of packages) {
    for (const path of files(pkg.dir).filter((p) => kept(pkg.name, pkg.manifest, p))) {
      const to = join(modules, pkg.target, path);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(pkg.dir, path), to);
    }
  }
  // The worker, as the package the tagger resolves it from (its code runs from the function's bundle).
  const tagging = readJson(join(taggingDir, 'package.json'));
  const ownDir = join(modules, '@mediaflow/tagging');
  mkdirSync(join(ownDir, dirname(WORKER)), { recursive: true });
  cpSync(join(taggingDir, WORKER), join(ownDir, WORKER));
  writeFileSync(
    join(ownDir, 'package.json'),
    `${JSON.stringify({ name: tagging.name, version: tagging.version, description: "The on-device tagger's worker thread; the tagger itself is in the function's bundle", license: tagging.license, type: 'module', exports: { './package.json': './package.json', './worker/*': './worker/*' } }, null, 2)}\n`,
  );

  const native = readdirSync(stage, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => file.endsWith('.node') || isElf(file));
  if (native.length > 0) throw new Error(`native code in the layer, which must run on any architecture: ${native.map((f) => relative(stage, f)).join(', ')}`);

  const proof = prove(stage);
  const bytes = directoryBytes(stage);
  const manifest = {
    packages: packages.map((p) => ({ name: p.name, version: p.version, path: `nodejs/node_modules/${p.target}` })),
    worker: `nodejs/node_modules/@mediaflow/tagging/${WORKER}`,
    bytes,
    proof,
  };
  mkdirSync(join(stage, 'share/tagger-models'), { recursive: true });
  writeFileSync(join(stage, 'share/tagger-models/manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const mib = bytes / 2 ** 20;
  if (mib > MAX_MIB) throw new Error(`the layer is ${mib.toFixed(1)} MiB unzipped, over the ${MAX_MIB} MiB it may take of Lambda's 250 MB`);

  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  try {
    renameSync(stage, out);
  } catch {
    // Another file system: copy instead.
    cpSync(stage, out, { recursive: true });
  }
  console.log(`tagger-models: ${packages.length} packages, ${mib.toFixed(1)} MiB unzipped; the worker loaded the models from the layer alone in ${proof.loadMs} ms (${proof.backend}, SIMD ${proof.simd})`);
  console.log(`tagger-models layer in ${out} (zip its contents: nodejs/node_modules/..., share/tagger-models/...)`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
