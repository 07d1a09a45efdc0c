// The on-device tagger's worker thread. Plain JavaScript on purpose: it must start the same way
// under jest (which cannot hand TypeScript to a worker), from the built package and from the CLI
// bundle. It only runs the models; turning their raw output into labels and verdicts is done by
// the TypeScript that started it, where it is typed and tested.
//
// Protocol (worker_threads messages):
//   in:  { type: 'detect', id, pixels?: { data: Uint8Array, width, height }, bytes?: Uint8Array }
//   out: { type: 'ready', loadMs, backend, simd } | { type: 'failed', message }
//        { type: 'result', id, objects: [{ label, score }], faces: [score], nsfw: [{ className, probability }] }
//        { type: 'error', id, code, message }
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const options = workerData ?? {};

// Human's package `exports` offers only its default entry; the WASM build sits beside it.
const humanDist = dirname(require.resolve('@vladmandic/human'));
const humanModels = join(dirname(humanDist), 'models');
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
// nsfwjs is in package.json; npm installs it under this package, where Nx's graph does not look.
// eslint-disable-next-line @nx/enforce-module-boundaries
const nsfwModels = join(dirname(require.resolve('nsfwjs')), '..', 'models');

const tf = require('@tensorflow/tfjs-core');
const wasm = require('@tensorflow/tfjs-backend-wasm');

// tfjs in Node without tfjs-node has no file:// loader, and Human would fetch() model URLs (which
// Node's fetch refuses for files). Models are read from disk here, never from a network.
tf.io.registerLoadRouter((url) => {
  if (typeof url !== 'string' || !url.startsWith('file://')) return null;
  const file = fileURLToPath(url);
  return {
    load: async () => {
      const json = JSON.parse(await readFile(file, 'utf8'));
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = [];
        const parts = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) parts.push(await readFile(join(dirname(file), path)));
        }
        const all = Buffer.concat(parts);
        return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
      });
    },
  };
});

/**
 * nsfwjs ships its models as browserify bundles: the topology as a small module, the weights as
 * one base64 string per shard. Requiring the shard modules takes tens of seconds; reading the
 * string out of the file takes milliseconds.
 */
async function nsfwArtifacts(name, shards) {
  const dir = join(nsfwModels, name);
  const model = require(join(dir, 'model.min.js'));
  const buffers = [];
  for (let i = 1; i <= shards; i++) {
    const text = await readFile(join(dir, `group1-shard${i}of${shards}.min.js`), 'latin1');
    const start = text.indexOf('exports="');
    const end = text.indexOf('"', start + 9);
    if (start < 0 || end < 0) throw new Error(`no weights found in ${name} shard ${i}`);
    buffers.push(Buffer.from(text.slice(start + 9, end), 'base64'));
  }
  const weights = Buffer.concat(buffers);
  return {
    modelTopology: model.modelTopology,
    weightSpecs: model.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    format: model.format,
  };
}

let human;
let nsfw;
let sharp;

async function load() {
  const started = performance.now();
  wasm.setWasmPaths(`${wasmDir}/`);
  if (options.simd === false) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  if (options.objects !== false || options.faces !== false) {
    const { Human } = require(join(humanDist, 'human.node-wasm.js'));
    const off = { enabled: false };
    human = new Human({
      backend: 'wasm',
      wasmPath: `${wasmDir}/`,
      modelBasePath: `file://${humanModels}/`,
      debug: false,
      warmup: 'none',
      // Every image is a new picture: never reuse the previous result.
      cacheSensitivity: 0,
      filter: off,
      gesture: off,
      body: off,
      hand: off,
      segmentation: off,
      face: {
        enabled: options.faces !== false,
        detector: { enabled: true, rotation: false, maxDetected: 20, minConfidence: options.faceFloor ?? 0.2, return: false },
        mesh: off,
        iris: off,
        description: off,
        emotion: off,
        antispoof: off,
        liveness: off,
        attention: off,
      },
      object: { enabled: options.objects !== false, minConfidence: options.objectFloor ?? 0.2, maxDetected: options.maxObjects ?? 20 },
    });
    await human.load();
  }
  if (options.nsfw !== false) {
    // eslint-disable-next-line @nx/enforce-module-boundaries -- see nsfwModels above
    const { NSFWJS } = require('nsfwjs');
    const artifacts = await nsfwArtifacts('mobilenet_v2', 1);
    nsfw = new NSFWJS({ load: async () => artifacts }, { size: 224 });
    await nsfw.load();
  }
  // The first inference compiles kernels and takes seconds: do it here, not in an image's budget.
  await run({ data: new Uint8Array(64 * 64 * 3), width: 64, height: 64 });
  return { loadMs: Math.round(performance.now() - started), backend: tf.getBackend(), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') };
}

async function decode(bytes) {
  sharp ??= require('sharp');
  const edge = options.maxEdge ?? 512;
  const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: options.maxInputPixels ?? 100_000_000 })
    .rotate()
    .resize(edge, edge, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

async function run(pixels) {
  const input = tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32');
  try {
    const found = human ? await human.detect(input) : { object: [], face: [] };
    const classes = nsfw ? await nsfw.classify(input, 5) : [];
    return {
      objects: (found.object ?? []).map((o) => ({ label: o.label, score: o.score })),
      faces: (found.face ?? []).map((f) => f.score),
      nsfw: classes.map((c) => ({ className: c.className, probability: c.probability })),
    };
  } finally {
    input.dispose();
  }
}

async function handle(message) {
  let pixels = message.pixels;
  if (pixels === undefined) {
    try {
      pixels = await decode(message.bytes);
    } catch (error) {
      const reason = String(error?.message ?? error);
      // The same classes as the main thread's decodeForDetector.
      const code = /pixel limit/i.test(reason) ? 'limit_exceeded' : /unsupported image format/i.test(reason) ? 'unsupported' : 'corrupt';
      return { type: 'error', id: message.id, code, message: `decoding the image for tagging failed: ${reason}` };
    }
  }
  if (pixels.data.length !== pixels.width * pixels.height * 3) {
    return { type: 'error', id: message.id, code: 'validation', message: 'pixels must be packed RGB, width x height x 3 bytes' };
  }
  try {
    return { type: 'result', id: message.id, ...(await run(pixels)) };
  } catch (error) {
    return { type: 'error', id: message.id, code: 'internal', message: `running the models failed: ${error?.message ?? error}` };
  }
}

try {
  parentPort.postMessage({ type: 'ready', ...(await load()) });
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: String(error?.stack ?? error) });
}

// One image at a time: the models share one WASM heap, and the caller queues anyway.
let chain = Promise.resolve();
parentPort.on('message', (message) => {
  if (message?.type !== 'detect') return;
  chain = chain.then(async () => parentPort.postMessage(await handle(message)));
});
