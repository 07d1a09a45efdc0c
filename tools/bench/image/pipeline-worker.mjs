// Runs Mediaflow's image pipeline (compiled: run.mjs builds it first) over a directory of JPEGs in
// a process of its own, so that its peak RSS is its own. Started by run.mjs; prints one JSON line.
//
//   node tools/bench/image/pipeline-worker.mjs <mode> <inputDir> <outputDir> [jobs] [avifLarge yes|no]
//
// Modes: `throughput` (all images, `jobs` at a time), `latency` (one at a time), `tradeoff`
// (AVIF effort against time, bytes and PSNR).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultPolicy, SharpImageProcessor } from '@mediaflow/image-pipeline';
import sharp from 'sharp';

const [mode = 'throughput', inputDir = '.', outputDir = '.', jobsArg = '2', avifLarge = 'no'] = process.argv.slice(2);
const jobs = Number(jobsArg);

const policy =
  avifLarge === 'yes' ? { ...defaultPolicy, formats: { ...defaultPolicy.formats, large: [...defaultPolicy.formats.large, 'avif'] } } : defaultPolicy;
const images = new SharpImageProcessor({ policy });

const files = (await readdir(inputDir)).filter((f) => f.endsWith('.jpg')).sort();
// Read when processed, as a worker would: holding all inputs at once would inflate the peak RSS.
const inputs = files.map((f) => ({ name: f.replace(/\.jpg$/, ''), path: join(inputDir, f) }));
await mkdir(outputDir, { recursive: true });

async function renderOne(input) {
  const bytes = await readFile(input.path);
  const started = performance.now();
  const { files: outputs } = await images.render(bytes);
  const ms = performance.now() - started;
  await Promise.all(outputs.map((o) => writeFile(join(outputDir, `${input.name}-${o.name}.${o.format === 'jpeg' ? 'jpg' : o.format}`), o.body)));
  return { ms, outputs: outputs.map((o) => ({ format: o.format, bytes: o.body.length })) };
}

async function throughput() {
  // Warm-up: loads libvips' encoders and JIT-compiles our code, as a long-lived worker would have.
  const first = inputs[0];
  if (first !== undefined) await images.render(await readFile(first.path));
  const latencies = [];
  const outputs = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < inputs.length) {
        const input = inputs[next++];
        const result = await renderOne(input);
        latencies.push(result.ms);
        outputs.push(...result.outputs);
      }
    }),
  );
  return { wallMs: performance.now() - started, latencies, outputs };
}

function psnr(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

async function tradeoff() {
  const rows = [];
  const sample = inputs.slice(0, 2);
  for (const [longEdge, efforts] of [
    [1280, [0, 2, 3, 4]],
    [2048, [2, 3, 4]],
  ]) {
    for (const effort of efforts) {
      let ms = 0;
      let bytes = 0;
      let quality = 0;
      for (const input of sample) {
        const { data, info } = await sharp(await readFile(input.path)).resize(longEdge, longEdge, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
        const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
        const started = performance.now();
        const avif = await sharp(data, raw).avif({ quality: defaultPolicy.encoders.avif.quality, effort }).toBuffer();
        ms += performance.now() - started;
        bytes += avif.length;
        quality += psnr(data, await sharp(avif).raw().toBuffer());
      }
      rows.push({ longEdge, effort, ms: ms / sample.length, bytes: bytes / sample.length, psnr: quality / sample.length });
    }
  }
  return { rows };
}

const result = mode === 'tradeoff' ? await tradeoff() : await throughput();
process.stdout.write(`${JSON.stringify({ ...result, maxRssKb: process.resourceUsage().maxRSS })}\n`);
