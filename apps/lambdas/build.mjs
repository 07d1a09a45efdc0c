// Bundles each Lambda function into dist/<name>/index.mjs (ESM, for the arm64 nodejs24.x runtime)
// and writes dist/sizes.json. Workspace libraries come from source through the @mediaflow/source condition.
//
// How the parts that are not bundled reach Lambda (layers/README.md has the recipes):
// - sharp carries libvips for one platform: the `sharp` layer installs it for linux-arm64 under
//   /opt/nodejs/node_modules, which Lambda puts on NODE_PATH.
// - The on-device tagger's models and the libraries that run them (TensorFlow.js on WebAssembly,
//   Human, nsfwjs), and the text reader's OCR engine (tesseract.js, its WebAssembly core and English
//   model), are the `tagger-models` layer's, also under /opt/nodejs/node_modules: the worker threads
//   load them from the layer, never the bundle (the reader's own code starts tesseract's worker).
// - ffmpeg/ffprobe are executables, never imported: the `media-tools` layer puts the linux-arm64
//   builds at /opt/bin, and the functions get FFMPEG_PATH/FFPROBE_PATH.
// - The AWS SDK v3 is the one the nodejs24.x runtime provides (/var/runtime/node_modules, also on
//   NODE_PATH): bundled, it is about 650 KB of every bundle and takes the API bundle over 1 MB.
//   MEDIAFLOW_SDK=bundled bundles the lock file's versions instead, to compare.
// ESM imports ignore NODE_PATH, so these modules are loaded with `require` (the banner's
// createRequire), which honours it.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = resolve(root, process.env.MEDIAFLOW_LAMBDA_OUT ?? 'dist');
const sdkExternal = process.env.MEDIAFLOW_SDK !== 'bundled';

export const FUNCTIONS = ['api', 'ingest', 'image', 'document', 'audio', 'tagging', 'video', 'video-complete', 'trash-purge', 'archive'];
/**
 * Handlers CloudFormation calls at deploy time (custom resources), from `src/deploy/<name>.ts`,
 * bundled the same way into dist/<name>/index.mjs.
 */
export const DEPLOY_HANDLERS = ['media-signing-key'];

/**
 * Provided by a layer or the runtime, loaded by `require` so that NODE_PATH applies. The runtime
 * is sure to carry the SDK's clients; the helper libraries (multipart uploads, presigning, item
 * marshalling) are bundled, so no function depends on which of those the runtime happens to ship.
 */
const SDK_BUNDLED_HELPERS = ['lib-storage', 's3-request-presigner', 'util-dynamodb', 'lib-dynamodb'];
const TAGGER_MODELS = ['@tensorflow/tfjs[a-z-]*(/.*)?', '@vladmandic/human(/.*)?', 'nsfwjs(/.*)?', 'tesseract\\.js(/.*)?', 'tesseract\\.js-core(/.*)?', '@tesseract\\.js-data/[^/]+(/.*)?'];
const PROVIDED = ['sharp', ...TAGGER_MODELS, ...(sdkExternal ? ['@aws-sdk/[^/]+(/.*)?'] : [])];
const bundledHelper = new RegExp(`^@aws-sdk/(${SDK_BUNDLED_HELPERS.join('|')})(/|$)`);
/** Provided modules the code may never use in a function, required when first used rather than when the bundle loads. */
const lazy = /^tesseract\.js$/;

/** Never imported, resolved by path at run time (their executables come from the media-tools layer). */
const RUNTIME_ONLY = ['@ffmpeg-installer/*', '@ffprobe-installer/*'];

const providedModules = {
  name: 'provided-modules',
  setup(b) {
    const filter = new RegExp(`^(${PROVIDED.join('|')})$`);
    b.onResolve({ filter }, (args) => {
      if (bundledHelper.test(args.path)) return undefined;
      return args.namespace === 'provided' ? { path: args.path, external: true } : { path: args.path, namespace: 'provided' };
    });
    b.onLoad({ filter: /.*/, namespace: 'provided' }, (args) => {
      const path = JSON.stringify(args.path);
      if (!lazy.test(args.path)) return { contents: `module.exports = require(${path});`, loader: 'js' };
      // Required on first use: a bundle is loaded whole at the cold start, and the tagging function
      // with Rekognition mounts no OCR layer, though its code can start the on-device reader.
      return {
        contents: `let loaded; const load = () => (loaded ??= require(${path})); module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });`,
        loader: 'js',
      };
    });
  },
};

const banner = [
  "import { createRequire as __mfCreateRequire } from 'node:module';",
  "import { fileURLToPath as __mfFileURLToPath } from 'node:url';",
  "import { dirname as __mfDirname } from 'node:path';",
  // CommonJS dependencies bundled into ESM still call require and read __filename/__dirname.
  'const require = __mfCreateRequire(import.meta.url);',
  'const __filename = __mfFileURLToPath(import.meta.url);',
  'const __dirname = __mfDirname(__filename);',
].join('\n');

/**
 * The functions that decode HEIC originals (the image step). The decoder runs in a worker thread
 * (`@mediaflow/image-pipeline/heic-decode-worker`), a script of its own: it is bundled beside the
 * function's `index.mjs`, where the pipeline looks for it first, with its WebAssembly decoder inlined.
 */
const HEIC_FUNCTIONS = ['image'];
const HEIC_WORKER = createRequire(import.meta.url).resolve('@mediaflow/image-pipeline/heic-decode-worker');

/** What every bundle is built with. */
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  conditions: ['@mediaflow/source'],
  mainFields: ['module', 'main'],
  minify: true,
  treeShaking: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  banner: { js: banner },
  logLevel: 'warning',
};

await rm(dist, { recursive: true, force: true });
const sizes = {};
const workers = {};
for (const name of [...FUNCTIONS, ...DEPLOY_HANDLERS]) {
  const outfile = join(dist, name, 'index.mjs');
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    ...common,
    entryPoints: [join(root, FUNCTIONS.includes(name) ? 'src/functions' : 'src/deploy', `${name}.ts`)],
    outfile,
    external: RUNTIME_ONLY,
    plugins: [providedModules],
  });
  sizes[name] = { bytes: (await stat(outfile)).size };
  if (HEIC_FUNCTIONS.includes(name)) {
    const worker = join(dist, name, 'heic-decode-worker.mjs');
    await build({ ...common, entryPoints: [HEIC_WORKER], outfile: worker });
    workers[name] = { 'heic-decode-worker.mjs': (await stat(worker)).size };
  }
}
await writeFile(join(dist, 'sizes.json'), `${JSON.stringify({ sdk: sdkExternal ? 'external' : 'bundled', functions: sizes, workers }, null, 2)}\n`);
for (const [name, { bytes }] of Object.entries(sizes)) console.log(`${name.padEnd(16)} ${(bytes / 1024).toFixed(1).padStart(8)} KB`);
