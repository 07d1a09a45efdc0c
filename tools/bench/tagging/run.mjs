// On-device tagger benchmark, in two parts.
//
// 1. Quality, on the labelled set (labelled-set/: 34 real photographs read from npm packages, each
//    with what is and is not in it, and 19 generated non-photographs): precision and recall per
//    label and overall (rules in score.mjs and labelled-set/README.md), the false labels on the
//    generated images (target: none), faces found against the manifest's count, and the speed of
//    the default set-up on them: model load, cold start, images/s with every photograph in flight,
//    the time of one image at a time, peak RSS.
// 2. Set-ups: model load time, images per second and peak RSS of the process (main thread +
//    tagging worker) for the default set-up and for references in the same run: decoding in the
//    main thread instead of the worker, WASM SIMD off, each model family alone.
// 3. Text (skip with `--no-text`): the OCR step on the same images, timed apart from tagging as the step runs
//    apart: the print gate on every image (decode + textLikely), the share it lets through, then the
//    engine's start and its read of each image let through (one at a time, as the step reads), the
//    manifest's legible words found, words returned for photographs with none, and peak RSS.
// Every run of the tagger is a fresh child process so that its memory is its own. Prints markdown.
// Only the public API is used (`OnDeviceTagger`, `normaliseLabels`, `ON_DEVICE_NORMALISE_OPTIONS`,
// `COCO_PARENTS`), so the bench measures whichever tagger the library has.
//
//   node tools/bench/tagging/run.mjs                     (or `npm run bench:tagging`)
//   node tools/bench/tagging/run.mjs --setups default --images 12          (quality + one set-up)
//   node tools/bench/tagging/run.mjs --setups none                         (quality only)
//   node tools/bench/tagging/run.mjs --no-quality --setups default,decode-in-main --rounds 2
//   node tools/bench/tagging/run.mjs --scores            (raw detector scores per image)
//   node tools/bench/tagging/run.mjs --setups default --rounds 3 --one-core
//   node tools/bench/tagging/run.mjs --no-quality --setups none --one-core          (OCR only)
//   node tools/bench/tagging/run.mjs --no-build ...      (run libs/tagging/dist as it is)
//
// `--one-core` pins every child to one CPU (`taskset -c 0`, Linux): what a Lambda function of
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
import { loadLabelledSet } from './labelled-set/load.mjs';
import { syntheticImages } from './labelled-set/synthetic.mjs';
import { scoreFaces, scoreImage, summarise } from './score.mjs';

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

/** The photographs of the labelled set, then the generated images, as `[{ id, bytes, synthetic }]`. */
async function benchImages() {
  const photos = (await loadLabelledSet()).map((photo) => ({ id: photo.id, bytes: photo.bytes, synthetic: false }));
  const generated = (await syntheticImages(tagging('sharp'))).map((image) => ({ ...image, synthetic: true }));
  return [...photos, ...generated];
}

function peakRssMb() {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function child(name) {
  const { OnDeviceTagger } = await import('@mediaflow/tagging/on-device');
  const images = (await loadLabelledSet()).map((photo) => photo.bytes);
  const count = Number(option('images', String(images.length)));
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

/**
 * The quality run, in its own process: every labelled photograph and generated image once, one
 * at a time (each timed), then every photograph again all at once for the throughput. Writes the
 * tags, faces and timings as one JSON line; the parent scores them.
 */
async function qualityChild() {
  const { OnDeviceTagger } = await import('@mediaflow/tagging/on-device');
  const { normaliseLabels, ON_DEVICE_NORMALISE_OPTIONS } = await import('@mediaflow/tagging');
  const images = await benchImages();
  const tagger = new OnDeviceTagger();
  const info = await tagger.ready();
  const coldStartMs = performance.now();
  const results = [];
  for (const image of images) {
    const started = performance.now();
    const result = await tagger.detect({ kind: 'image', bytes: image.bytes });
    const ms = performance.now() - started;
    const tags = normaliseLabels(result.labels, ON_DEVICE_NORMALISE_OPTIONS).map((t) => ({ name: t.name, confidence: t.confidence, parent: t.parent }));
    results.push({ id: image.id, synthetic: image.synthetic, ms, tags, faces: result.faces });
  }
  const photos = images.filter((image) => !image.synthetic);
  const started = performance.now();
  await Promise.all(photos.map((image) => tagger.detect({ kind: 'image', bytes: image.bytes })));
  const seconds = (performance.now() - started) / 1000;
  await tagger.close();
  const photoMs = results.filter((r) => !r.synthetic).map((r) => r.ms).sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      loadMs: info.loadMs,
      coldStartMs,
      perSecond: photos.length / seconds,
      sequentialMedianMs: photoMs[Math.floor(photoMs.length / 2)],
      sequentialMaxMs: photoMs.at(-1),
      peakRssMb: peakRssMb(),
      results,
    }),
  );
}

/**
 * The text step's work on every labelled photograph and generated image, in its own process: the
 * gate on each (timed), then the engine's start and a read of each image the gate lets through, one
 * at a time (timed). Writes one JSON line; the parent prints it.
 */
async function textChild() {
  const { OnDeviceTextReader, decodeForGate, textLikely } = await import('@mediaflow/tagging/ocr');
  const images = await benchImages();
  const gated = [];
  for (const image of images) {
    const started = performance.now();
    const verdict = textLikely(await decodeForGate(image.bytes));
    gated.push({ id: image.id, synthetic: image.synthetic, likely: verdict.likely, gateMs: performance.now() - started });
  }
  // The gate is run above; the reader reads what it is given, as the step's reader does after it.
  const reader = new OnDeviceTextReader({ gate: false });
  const startedAt = performance.now();
  await reader.ready();
  const engineStartMs = performance.now() - startedAt;
  const results = [];
  for (const [i, image] of images.entries()) {
    const gate = gated[i];
    if (!gate.likely) {
      results.push({ ...gate, text: '' });
      continue;
    }
    const started = performance.now();
    const reading = await reader.read({ kind: 'image', bytes: image.bytes });
    results.push({ ...gate, readMs: performance.now() - started, text: reading.text });
  }
  await reader.close();
  process.stdout.write(JSON.stringify({ engineStartMs, peakRssMb: peakRssMb(), results }));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function printText(text) {
  const photos = await loadLabelledSet();
  const byId = new Map(text.results.map((r) => [r.id, r]));
  const photoResults = text.results.filter((r) => !r.synthetic);
  const synthetic = text.results.filter((r) => r.synthetic);
  const reads = text.results.filter((r) => r.readMs !== undefined);
  const gateMs = text.results.map((r) => r.gateMs);
  const readMs = reads.map((r) => r.readMs);
  const words = (value) => new Set(value.toLowerCase().split(/\s+/u).filter(Boolean));
  const withText = photos.filter((photo) => (photo.text ?? []).length > 0);
  const foundWords = withText.map((photo) => {
    const read = words(byId.get(photo.id)?.text ?? '');
    return { photo, found: photo.text.filter((word) => read.has(word.toLowerCase())) };
  });
  const expected = foundWords.reduce((n, r) => n + r.photo.text.length, 0);
  const found = foundWords.reduce((n, r) => n + r.found.length, 0);
  const wordsOnNone = photos.filter((photo) => (photo.text ?? []).length === 0).map((photo) => ({ id: photo.id, words: [...words(byId.get(photo.id)?.text ?? '')] })).filter((r) => r.words.length > 0);

  console.log(`\n## Text (OCR step): ${photos.length} photographs, ${synthetic.length} generated images\n`);
  console.log('| measure | value |');
  console.log('| --- | ---: |');
  console.log(`| photographs the gate lets through (share) | ${photoResults.filter((r) => r.likely).length} / ${photoResults.length} (${pct(photoResults.filter((r) => r.likely).length / photoResults.length)}) |`);
  console.log(`| of them, with legible words in the manifest | ${photoResults.filter((r) => r.likely && withText.some((p) => p.id === r.id)).length} / ${withText.length} |`);
  console.log(`| generated images the gate lets through | ${synthetic.filter((r) => r.likely).length} / ${synthetic.length} |`);
  const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const photoReads = reads.filter((r) => !r.synthetic).map((r) => r.readMs);
  console.log(`| gate, median ms (max), every image | ${median(gateMs).toFixed(0)} (${Math.max(...gateMs).toFixed(0)}) |`);
  console.log(`| gate, mean ms, photographs | ${mean(photoResults.map((r) => r.gateMs)).toFixed(0)} |`);
  console.log(`| engine start (ms) | ${text.engineStartMs.toFixed(0)} |`);
  console.log(`| read, median ms (max), images let through | ${readMs.length ? `${median(readMs).toFixed(0)} (${Math.max(...readMs).toFixed(0)})` : '-'} |`);
  console.log(`| read, mean ms, photographs let through (what a month of reads bills) | ${photoReads.length ? mean(photoReads).toFixed(0) : '-'} |`);
  console.log(`| manifest words found | ${found} / ${expected} |`);
  console.log(`| photographs with no legible words given words | ${wordsOnNone.length}${wordsOnNone.length ? ` (${wordsOnNone.map((r) => `${r.id}: ${r.words.slice(0, 6).join(' ')}`).join('; ')})` : ''} |`);
  console.log(`| peak RSS, process + engine (MB) | ${text.peakRssMb.toFixed(0)} |`);
  console.log('\n| image | gate ms | read ms | words read (first 12) | manifest words found |');
  console.log('| --- | ---: | ---: | --- | --- |');
  for (const r of reads) {
    const photo = photos.find((p) => p.id === r.id);
    const hit = foundWords.find((f) => f.photo.id === r.id);
    console.log(`| ${r.id} | ${r.gateMs.toFixed(0)} | ${r.readMs.toFixed(0)} | ${r.text.split(/\s+/u).filter(Boolean).slice(0, 12).join(' ') || '-'} | ${photo?.text ? `${hit?.found.length ?? 0} / ${photo.text.length}` : '-'} |`);
  }
}

async function scores() {
  const { OnDeviceTagger } = await import('@mediaflow/tagging/on-device');
  const { normaliseLabels, moderate, ON_DEVICE_NORMALISE_OPTIONS, ON_DEVICE_MODERATION_POLICY } = await import('@mediaflow/tagging');
  const tagger = new OnDeviceTagger();
  await tagger.ready();
  console.log('| image | labels (score) | faces | Explicit Nudity | Illustrated | Suggestive | tags | verdict |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | --- | --- |');
  for (const { id, bytes } of await benchImages()) {
    const result = await tagger.detect({ kind: 'image', bytes });
    const mod = Object.fromEntries(result.moderation.map((l) => [l.name, l.confidence.toFixed(3)]));
    const objects = result.labels.map((l) => `${l.name} ${l.confidence.toFixed(2)}`).join(', ');
    const tags = normaliseLabels(result.labels, ON_DEVICE_NORMALISE_OPTIONS).map((t) => t.name).join(', ');
    const verdict = moderate(result.moderation, ON_DEVICE_MODERATION_POLICY).verdict;
    console.log(
      `| ${id} | ${objects || '-'} | ${result.faces ?? '-'} | ${mod['Explicit Nudity'] ?? '-'} | ${mod['Illustrated Explicit Nudity'] ?? '-'} | ${mod.Suggestive ?? '-'} | ${tags || '-'} | ${verdict} |`,
    );
  }
  await tagger.close();
}

/** Runs this script as a child with `args`, optionally pinned to one CPU; its last stdout line is JSON. */
function runChild(args, oneCore) {
  const childArgs = [fileURLToPath(import.meta.url), ...args];
  const [command, argv] = oneCore ? ['taskset', ['-c', '0', process.execPath, ...childArgs]] : [process.execPath, childArgs];
  const run = spawnSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${run.status})`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

const pct = (value) => (value === undefined ? '-' : `${(value * 100).toFixed(0)}%`);
const list = (values) => (values.length ? values.join(', ') : '-');

async function printQuality(quality) {
  const { COCO_PARENTS } = await import('@mediaflow/tagging');
  const photos = await loadLabelledSet();
  const byId = new Map(quality.results.map((r) => [r.id, r]));
  const verdicts = photos.map((photo) => scoreImage(photo, byId.get(photo.id)?.tags ?? [], COCO_PARENTS));
  const { rows, overall } = summarise(verdicts);
  const faces = scoreFaces(photos.map((photo) => ({ id: photo.id, expected: photo.faces, found: byId.get(photo.id)?.faces })));
  const synthetic = quality.results.filter((r) => r.synthetic);
  const syntheticFalse = synthetic.reduce((n, r) => n + r.tags.length, 0);
  const facesReported = photos.some((photo) => byId.get(photo.id)?.faces !== undefined);

  console.log(`\n## Labelled set: ${photos.length} photographs, ${synthetic.length} generated non-photographs (default set-up)\n`);
  console.log('| measure | value |');
  console.log('| --- | ---: |');
  console.log(`| precision (right tags / tags returned, incidental left out) | ${pct(overall.precision)} (${overall.right} / ${overall.right + overall.wrong}) |`);
  console.log(`| recall (present labels found / present labels) | ${pct(overall.recall)} (${overall.found} / ${overall.expected}) |`);
  console.log(`| false labels on photographs (of them, checked absent) | ${overall.wrong} (${overall.confusions}) on ${overall.imagesWithFalseLabels} photographs |`);
  console.log(`| photographs with every present label found | ${overall.imagesAllFound} / ${photos.length} |`);
  console.log(`| false labels on generated images (target 0) | ${syntheticFalse} on ${synthetic.filter((r) => r.tags.length > 0).length} / ${synthetic.length} images |`);
  if (facesReported) console.log(`| faces found on generated images (target 0) | ${synthetic.reduce((n, r) => n + (r.faces ?? 0), 0)} on ${synthetic.filter((r) => (r.faces ?? 0) > 0).length} images |`);
  if (facesReported) {
    console.log(`| faces: exact count / within one (photographs with a count) | ${faces.exact} / ${faces.withinOne} of ${faces.photos} |`);
    console.log(`| faces: mean absolute error; photographs with no face given one | ${faces.meanAbsError?.toFixed(2) ?? '-'}; ${faces.facesInPhotosWithNone} |`);
  } else {
    console.log('| faces | not reported by this tagger |');
  }
  console.log(`| model load (ms; cold start, process start to warm) | ${quality.loadMs} (${quality.coldStartMs.toFixed(0)}) |`);
  console.log(`| images/s, every photograph in flight | ${quality.perSecond.toFixed(2)} |`);
  console.log(`| one at a time, median ms (max) | ${quality.sequentialMedianMs.toFixed(0)} (${quality.sequentialMaxMs.toFixed(0)}) |`);
  console.log(`| peak RSS, process + worker (MB) | ${quality.peakRssMb.toFixed(0)} |`);

  console.log('\n### Per label\n');
  console.log('| label | photographs with it | found | recall | returned right | returned false | precision | false on |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.expected} | ${r.found} | ${pct(r.recall)} | ${r.right} | ${r.wrong} | ${pct(r.precision)} | ${list(r.wrongOn.slice(0, 4))}${r.wrongOn.length > 4 ? ', ...' : ''} |`,
    );
  }

  console.log('\n### Per photograph\n');
  console.log('| photograph | present | tags returned | false | missed | faces (manifest / found) |');
  console.log('| --- | --- | --- | --- | --- | ---: |');
  for (const [i, photo] of photos.entries()) {
    const v = verdicts[i];
    const found = byId.get(photo.id)?.faces;
    console.log(`| ${photo.id} | ${list(photo.present)} | ${list(v.returned)} | ${list(v.wrong)} | ${list(v.missed)} | ${photo.faces ?? '-'} / ${found ?? '-'} |`);
  }

  console.log('\n### Generated non-photographs (every tag is a false label)\n');
  console.log('| image | tags returned | faces |');
  console.log('| --- | --- | ---: |');
  for (const r of synthetic) console.log(`| ${r.id} | ${list(r.tags.map((t) => `${t.name} ${t.confidence.toFixed(2)}`))} | ${r.faces ?? '-'} |`);
}

async function main() {
  if (!process.argv.includes('--no-build')) {
    const build = spawnSync(join(workspace, 'node_modules/.bin/tsc'), ['--build', join(workspace, 'libs/tagging/tsconfig.lib.json')], { stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  if (process.argv.includes('--scores')) return scores();

  const oneCore = process.argv.includes('--one-core');
  const usable = oneCore ? 1 : availableParallelism();
  console.log(`\nOn-device tagger, ${usable} of ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  if (!process.argv.includes('--no-quality')) await printQuality(runChild(['--child', 'quality'], oneCore));
  if (!process.argv.includes('--no-text')) await printText(runChild(['--child', 'text'], oneCore));

  const setups = option('setups', Object.keys(SETUPS).join(','));
  if (setups === 'none') return;
  // Other work on a shared machine moves the figures between runs: `--rounds` repeats the list.
  const names = Array.from({ length: Number(option('rounds', '1')) }, () => setups.split(',')).flat();
  const rows = [];
  for (const name of names) {
    if (!(name in SETUPS)) throw new Error(`unknown set-up ${name}; known: ${Object.keys(SETUPS).join(', ')}, none`);
    const images = option('images', undefined);
    rows.push(runChild(['--child', name, ...(images === undefined ? [] : ['--images', images])], oneCore));
  }
  console.log(`\n## Set-ups (labelled photographs, cycled)\n`);
  console.log('| set-up | cold start (ms) | model load (ms) | images | one at a time, median ms (max) | images/s, all in flight | ms/image | peak RSS (MB) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${SETUPS[row.name].label} | ${row.coldStartMs.toFixed(0)} | ${row.loadMs} | ${row.images} | ${row.sequentialMedianMs.toFixed(0)} (${row.sequentialMaxMs.toFixed(0)}) | ${row.perSecond.toFixed(2)} | ${row.msPerImage.toFixed(0)} | ${row.peakRssMb.toFixed(0)} |`,
    );
  }
}

if (process.argv.includes('--child')) {
  const name = option('child', 'default');
  await (name === 'quality' ? qualityChild() : name === 'text' ? textChild() : child(name));
} else await main();
