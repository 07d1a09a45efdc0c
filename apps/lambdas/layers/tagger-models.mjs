// Builds the `tagger-models` Lambda layer (see tagger-models.sh): what the on-device tagger's worker
// and the on-device text reader's (OCR) worker load at run time, copied from the workspace's
// node_modules (no network), under nodejs/node_modules, which Lambda mounts at
// /opt/nodejs/node_modules (on NODE_PATH).
//
//   node apps/lambdas/layers/tagger-models.mjs <out-dir>
//
// - The packages are the workers' imports (libs/tagging/worker/on-device-worker.mjs, and
//   tesseract.js with its English model for libs/tagging/worker/ocr-worker.mjs) and their
//   dependencies, resolved the way Node resolves them from libs/tagging, at the versions the
//   workspace has installed; each is checked against libs/tagging/package.json.
// - The large packages keep only their Node entry and the files the worker reads (the models it
//   loads, the WASM binaries); the others are copied whole, without source maps and type files.
// - Everything is JavaScript, JSON, model weights and WebAssembly: the build fails on a native addon
//   (`.node`) or any ELF file, so the one layer serves arm64 and x86_64 alike. sharp, which the
//   worker uses to decode, is the `sharp` layer's.
// - The worker scripts themselves are shipped as `@mediaflow/tagging/worker/...`, where the tagger
//   and the text reader look for them (`onDeviceWorkerPath`, `ocrFiles`), so the function's bundle
//   and the workers come from one build.
// - Before it is moved to <out-dir>, the layer is proved on its own: in a directory outside the
//   workspace (no node_modules above it) and without NODE_PATH, the tagger's worker loads every
//   model from the layer and tags a picture, and the OCR worker loads its engine and English model
//   and reads a picture.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '../../..');
const taggingDir = join(workspace, 'libs/tagging');
const WORKER = 'worker/on-device-worker.mjs';
const OCR_WORKER = 'worker/ocr-worker.mjs';
/** The English model the text reader loads (`ENGLISH_MODEL_DIR` of libs/tagging/src/ocr/paths.ts). */
const ENGLISH_MODEL_DIR = '4.0.0_best_int';
/** Lambda takes 250 MB unzipped for a function and all its layers; the bundle and the sharp layer need their share. */
const MAX_MIB = 150;

/**
 * What the workers require (their `require(...)` calls), and the OCR engine's model; sharp, which
 * both use to decode, comes from the sharp layer.
 */
const ROOTS = ['@vladmandic/human', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-converter', 'nsfwjs', 'tesseract.js', '@tesseract.js-data/eng'];
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
  // Node's build is `src/` (the browser bundles in dist/ are never loaded); its worker script is in it.
  'tesseract.js': [/^src\/.*\.js$/],
  // The engines Node picks from (relaxed SIMD, SIMD, neither), as .js loader and .wasm; the base64
  // `.wasm.js` copies stay out. The reader asks for the LSTM engine, but tesseract.js 7's Node
  // loader hands `getCore` a boolean where it compares an OEM, so it always loads the full builds:
  // those are kept, the LSTM-only ones (8.6 MB never read) are not, and the proof below fails the
  // build should a later version load the others.
  'tesseract.js-core': ['main', /^tesseract-core(-relaxedsimd|-simd)?\.(js|wasm)$/],
  // The English model the reader loads (of two: `4.0.0` adds the legacy engine's data).
  '@tesseract.js-data/eng': ['main', (path) => path === `${ENGLISH_MODEL_DIR}/eng.traineddata.gz`],
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
  return rules.some((rule) => {
    if (rule === 'main') return path === (manifest.main ?? 'index.js').replace(/^\.\//, '');
    return typeof rule === 'function' ? rule(path) : rule.test(path);
  });
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

/**
 * A 24-bit BMP (which tesseract decodes itself, without sharp) of black bars on white: a picture
 * the OCR engine has to look at, whatever it makes of it.
 */
function barsBmp(width = 96, height = 32) {
  const row = Math.ceil((width * 3) / 4) * 4;
  const bmp = Buffer.alloc(54 + row * height, 0xff);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(row * height, 34);
  for (let y = 8; y < 24; y++) for (let x = 0; x < width; x++) if (x % 12 < 3) bmp.fill(0, 54 + y * row + x * 3, 54 + y * row + x * 3 + 3);
  return bmp;
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
    await worker.terminate();
    // The OCR engine as the text reader starts it (ocrFiles): everything from the layer, LSTM only.
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const fromTagging = createRequire(${JSON.stringify(join(layer, 'nodejs/node_modules/@mediaflow/tagging/package.json'))});
    const { createWorker, OEM } = fromTagging('tesseract.js');
    const ocrStart = performance.now();
    const ocr = await createWorker('eng', OEM.LSTM_ONLY, {
      workerPath: ${JSON.stringify(join(layer, 'nodejs/node_modules/@mediaflow/tagging', OCR_WORKER))},
      langPath: join(dirname(fromTagging.resolve('@tesseract.js-data/eng/package.json')), ${JSON.stringify(ENGLISH_MODEL_DIR)}),
      corePath: dirname(createRequire(fromTagging.resolve('tesseract.js')).resolve('tesseract.js-core/package.json')),
      gzip: true,
      cacheMethod: 'none',
    });
    const ocrLoadMs = Math.round(performance.now() - ocrStart);
    const read = await ocr.recognize(Buffer.from(${JSON.stringify(barsBmp().toString('base64'))}, 'base64'));
    if (typeof read.data.text !== 'string') throw new Error('the OCR engine read nothing: ' + JSON.stringify(read.data).slice(0, 500));
    await ocr.terminate();
    console.log(JSON.stringify({ loadMs: ready.loadMs, backend: ready.backend, simd: ready.simd, nsfwClasses: result.nsfw.length, ocrLoadMs }));`;
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
  // The workers, as the package the tagger and the text reader resolve them from (their code runs from the function's bundle).
  const tagging = readJson(join(taggingDir, 'package.json'));
  const ownDir = join(modules, '@mediaflow/tagging');
  mkdirSync(join(ownDir, dirname(WORKER)), { recursive: true });
  // Every worker script, and what they load beside them (the scene model's script): all of `worker/`, as the package ships it.
  for (const script of readdirSync(join(taggingDir, 'worker')).filter((name) => name.endsWith('.mjs'))) cpSync(join(taggingDir, 'worker', script), join(ownDir, 'worker', script));
  for (const worker of [WORKER, OCR_WORKER]) if (!existsSync(join(ownDir, worker))) throw new Error(`libs/tagging/${worker} is missing`);
  writeFileSync(
    join(ownDir, 'package.json'),
    `${JSON.stringify({ name: tagging.name, version: tagging.version, description: "The on-device tagger's and text reader's worker threads; their code is in the function's bundle", license: tagging.license, type: 'module', exports: { './package.json': './package.json', './worker/*': './worker/*' } }, null, 2)}\n`,
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
    ocrWorker: `nodejs/node_modules/@mediaflow/tagging/${OCR_WORKER}`,
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
  console.log(
    `tagger-models: ${packages.length} packages, ${mib.toFixed(1)} MiB unzipped; the worker loaded the models from the layer alone in ${proof.loadMs} ms (${proof.backend}, SIMD ${proof.simd}), the OCR engine and its English model in ${proof.ocrLoadMs} ms`,
  );
  console.log(`tagger-models layer in ${out} (zip its contents: nodejs/node_modules/..., share/tagger-models/...)`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
