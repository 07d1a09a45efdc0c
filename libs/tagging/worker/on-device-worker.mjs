// The on-device tagger's worker thread. Plain JavaScript on purpose: it must start the same way
// under jest (which cannot hand TypeScript to a worker), from the built package and from the CLI
// bundle. It only runs the models; turning their raw output into labels and verdicts (thresholds,
// box sizes, overlaps, whether the picture is a photograph) is done by the TypeScript that started
// it, where it is typed and tested (`src/on-device/map.ts`).
//
// Protocol (worker_threads messages):
//   in:  { type: 'detect', id, pixels?: { data: Uint8Array, width, height }, bytes?: Uint8Array }
//   out: { type: 'ready', loadMs, backend, simd } | { type: 'failed', message }
//        { type: 'result', id, objects: [{ classIndex, score, box: [x, y, w, h] }], faces: [{ score, box }],
//          nsfw: [{ className, probability }], scene: SceneMeasures (scene-model.mjs), pixels: { data, width, height } }
//        { type: 'error', id, code, message }
//   Boxes are shares of the image (0..1). `pixels` are the RGB pixels the models saw (transferred
//   back, no copy, for the image statistics computed by the caller).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { measureScene } from './scene-model.mjs';

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
const converter = require('@tensorflow/tfjs-converter');

/** The input CenterNet's graph was frozen for, and the one it runs at (a multiple of 32). */
const CENTERNET_INPUT = 512;
const detectorInput = options.detectorInput ?? CENTERNET_INPUT;

// tfjs in Node without tfjs-node has no file:// loader, and Human would fetch() model URLs (which
// Node's fetch refuses for files). Models are read from disk here, never from a network.
tf.io.registerLoadRouter((url) => {
  if (typeof url !== 'string' || !url.startsWith('file://')) return null;
  const file = fileURLToPath(url);
  return {
    load: async () => {
      const json = JSON.parse(await readFile(file, 'utf8'));
      const resized = file.endsWith('centernet.json') && detectorInput !== CENTERNET_INPUT;
      if (resized) resizeCenternetInput(json);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = [];
        const parts = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) parts.push(await readFile(join(dirname(file), path)));
        }
        const all = Buffer.concat(parts);
        if (resized) resizeCenternetConstants(specs, all);
        return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
      });
    },
  };
});

// CenterNet (MobileNetV3) is fully convolutional, but its graph was frozen for a 512 x 512 input:
// the input's shape, the sizes of its three upsampling steps and the 128 x 128 grid its output is
// decoded from are constants. Rewritten for a smaller input (a multiple of 32), it runs the same
// weights on fewer pixels: 384 costs about two thirds of 512 and scored the labelled photographs'
// objects no lower (see the README).
function resizeCenternetInput(json) {
  const dims = [{ size: '1' }, { size: String(detectorInput) }, { size: String(detectorInput) }, { size: '3' }];
  for (const node of json.modelTopology.node) if (node.op === 'Placeholder') node.attr.shape.shape.dim = dims;
  for (const input of Object.values(json.signature?.inputs ?? {})) input.tensorShape.dim = dims;
}

function resizeCenternetConstants(specs, weights) {
  const grid = detectorInput / 4;
  const values = {
    'tower_0/BatchGather/concat': [grid * grid, 4],
    'tower_0/strided_slice_6': [grid],
    'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul': [detectorInput / 16, detectorInput / 16],
    'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul': [detectorInput / 8, detectorInput / 8],
    'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul': [detectorInput / 4, detectorInput / 4],
  };
  let offset = 0;
  let found = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = spec.quantization ? { uint8: 1, uint16: 2, float16: 2 }[spec.quantization.dtype] : 4;
    const value = values[spec.name];
    if (value !== undefined) {
      if (spec.dtype !== 'int32' || spec.quantization || count !== value.length) throw new Error(`unexpected CenterNet constant ${spec.name}`);
      value.forEach((v, i) => weights.writeInt32LE(v, offset + 4 * i));
      found++;
    }
    offset += count * bytes;
  }
  if (found !== Object.keys(values).length) throw new Error('this CenterNet graph cannot be resized: constants not found');
}

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
let detector;
let nsfw;
let sharp;

async function load() {
  const started = performance.now();
  wasm.setWasmPaths(`${wasmDir}/`);
  if (options.simd === false) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  if (options.objects !== false) {
    // Run directly rather than through Human: Human's own step keeps only what its class-blind
    // suppression leaves and drops the rest; the caller decides with every candidate box in hand.
    detector = await converter.loadGraphModel(`file://${humanModels}/centernet.json`);
  }
  if (options.faces !== false) {
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
      object: off,
      face: {
        enabled: true,
        detector: { enabled: true, rotation: false, maxDetected: 20, minConfidence: options.faceFloor ?? 0.2, return: false },
        mesh: off,
        iris: off,
        description: off,
        emotion: off,
        antispoof: off,
        liveness: off,
        attention: off,
      },
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
  // A copy this thread owns, so that it can be handed back to the caller without another copy.
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

async function objectsIn(input) {
  const floor = options.objectFloor ?? 0.15;
  const detections = tf.tidy(() => {
    const batch = tf.expandDims(tf.cast(input, 'float32'), 0);
    return detector.execute(tf.image.resizeBilinear(batch, [detectorInput, detectorInput]), ['tower_0/detections']);
  });
  try {
    // [1, 100, 6]: x1, y1, x2, y2 (input pixels), score, class index; the most confident first.
    const [rows] = await detections.array();
    return rows
      .filter((row) => row[4] >= floor)
      .slice(0, options.maxObjects ?? 50)
      .map(([x1, y1, x2, y2, score, classIndex]) => ({
        classIndex: Math.round(classIndex),
        score,
        box: [x1 / detectorInput, y1 / detectorInput, (x2 - x1) / detectorInput, (y2 - y1) / detectorInput],
      }));
  } finally {
    detections.dispose();
  }
}

/** The scene measures, or none: a measure that fails must not cost the image its labels. */
function sceneOf(pixels) {
  try {
    return measureScene(pixels);
  } catch {
    return undefined;
  }
}

async function run(pixels) {
  const input = tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32');
  try {
    const objects = detector ? await objectsIn(input) : [];
    const found = human ? await human.detect(input) : { face: [] };
    const classes = nsfw ? await nsfw.classify(input, 5) : [];
    return {
      objects,
      faces: (found.face ?? []).map((f) => ({ score: f.score, box: f.boxRaw })),
      scene: sceneOf(pixels),
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
    return { type: 'result', id: message.id, ...(await run(pixels)), pixels };
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
  chain = chain.then(async () => {
    const reply = await handle(message);
    parentPort.postMessage(reply, reply.pixels ? [reply.pixels.data.buffer] : []);
  });
});
