// Load benchmark of the local stack (`mediaflow serve`), run as a user would run it:
//
// 1. Reference: R readers (autocannon) on an idle stack holding a few ready photos: the gallery's
//    list page and one rendition, side by side with
// 2. Load: the same readers while U uploads (default 500) are started and sent at once, until every
//    item is ready or failed.
//
// Reports errors (must be none), reader p50/p99 with and without the burst, the uploads' own
// latency, how long until everything settled, and the server's peak RSS.
//
//   npm run bench:load                          (= node tools/bench/load/run.mjs)
//   node tools/bench/load/run.mjs --uploads 100 --readers 50 --seconds 5
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { freePort, option, startServe, workspace } from '../lib/serve.mjs';

const UPLOADS = Number(option('uploads', '500'));
const READERS = Number(option('readers', '200'));
const SECONDS = Number(option('seconds', '10'));
/** Edge of the generated photos: 1024 px gives ~0.2 MB JPEGs, a phone photo as a chat app sends it. */
const EDGE = Number(option('edge', '1024'));
/** Readers split between the list page and one rendition, as a gallery's requests are. */
const LIST_SHARE = 0.75;

const built = spawnSync('npx', ['nx', 'run', '@mediaflow/cli:build', '--output-style=static'], { cwd: workspace, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
if (built.status !== 0) process.exit(built.status ?? 1);

/** A photo-like JPEG: smooth gradients and noise, different for every seed, so no two are duplicates. */
async function photo(seed) {
  const w = 64;
  const h = 48;
  const raw = Buffer.alloc(w * h * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = (((i / 3) % w) * 3 + (x >>> 24) / 4 + seed) & 0xff;
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).resize(EDGE, Math.round((EDGE * 3) / 4)).jpeg({ quality: 85 }).toBuffer();
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Readers until `stop()`: autocannon instances on the list page and a rendition. */
function readers(server, renditionUrl, seconds) {
  const auth = { authorization: `Bearer ${server.token}`, 'accept-encoding': 'gzip, deflate, br, zstd' };
  const listConnections = Math.max(1, Math.round(READERS * LIST_SHARE));
  const runs = [
    { name: 'list', url: `${server.url}/api/v1/media?limit=50`, connections: listConnections },
    { name: 'rendition', url: `${server.url}${renditionUrl}`, connections: Math.max(1, READERS - listConnections) },
  ];
  const instances = [];
  const results = runs.map(
    (run) =>
      new Promise((done, fail) => {
        instances.push(
          autocannon({ url: run.url, connections: run.connections, duration: seconds, headers: auth }, (error, result) => (error ? fail(error) : done({ name: run.name, result }))),
        );
      }),
  );
  return {
    stop: () => instances.forEach((instance) => instance.stop()),
    results: Promise.all(results).then((all) =>
      Object.fromEntries(
        all.map(({ name, result }) => [
          name,
          { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx, requests: result.requests.total },
        ]),
      ),
    ),
  };
}

async function upload(server, bytes, name) {
  const auth = { authorization: `Bearer ${server.token}` };
  const t0 = performance.now();
  const started = await fetch(`${server.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: name, size: bytes.length }),
  });
  if (started.status !== 201) return { ok: false, why: `start ${started.status}: ${await started.text()}` };
  const body = await started.json();
  const t1 = performance.now();
  const put = await fetch(body.upload.url, { method: 'PUT', headers: body.upload.headers, body: bytes });
  const t2 = performance.now();
  if (!put.ok) return { ok: false, why: `PUT ${put.status}: ${await put.text()}` };
  return { ok: true, id: body.id, startMs: t1 - t0, putMs: t2 - t1 };
}

async function counts(server) {
  const auth = { authorization: `Bearer ${server.token}` };
  const out = {};
  for (const status of ['ready', 'failed']) {
    let n = 0;
    let cursor = '';
    for (;;) {
      const page = await (await fetch(`${server.url}/api/v1/media?status=${status}&limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth })).json();
      n += page.items.length;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    out[status] = n;
  }
  return out;
}

const work = await mkdtemp(join(tmpdir(), 'mf-bench-load-'));
try {
  process.stderr.write(`generating ${UPLOADS + 10} photos of ${EDGE} px...\n`);
  const photos = [];
  for (let i = 0; i < UPLOADS + 10; i += 1) photos.push(await photo(i + 1));
  const megabytes = photos.slice(10).reduce((sum, bytes) => sum + bytes.length, 0) / 1048576;

  const server = await startServe(join(work, 'data'), await freePort());
  // A few ready items for the readers to read.
  const seeded = await Promise.all(photos.slice(0, 10).map((bytes, i) => upload(server, bytes, `seed-${i}.jpg`)));
  if (seeded.some((result) => !result.ok)) throw new Error(`seeding failed: ${seeded.find((result) => !result.ok)?.why}`);
  while ((await counts(server)).ready < 10) await new Promise((r) => setTimeout(r, 200));
  const first = await (await fetch(`${server.url}/api/v1/media/${seeded[0].id}`, { headers: { authorization: `Bearer ${server.token}` } })).json();
  const renditionUrl = first.renditions.find((r) => r.format === 'webp')?.url ?? first.renditions[0].url;
  const idleRssMb = server.peakMb();

  process.stderr.write(`reference: ${READERS} readers on the idle stack for ${SECONDS} s...\n`);
  const reference = await readers(server, renditionUrl, SECONDS).results;

  process.stderr.write(`load: ${UPLOADS} uploads at once with ${READERS} readers...\n`);
  const load = readers(server, renditionUrl, 3600);
  const t0 = performance.now();
  let sent = 0;
  const uploads = await Promise.all(
    photos.slice(10).map((bytes, i) =>
      upload(server, bytes, `load-${i}.jpg`)
        .catch((error) => ({ ok: false, why: String(error) }))
        .finally(() => {
          sent += 1;
          if (sent % 50 === 0) process.stderr.write(`  ${sent} uploads answered after ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
        }),
    ),
  );
  const acceptedMs = performance.now() - t0;
  let settled = { ready: 0, failed: 0 };
  let polls = 0;
  while (settled.ready + settled.failed < UPLOADS + 10) {
    await new Promise((r) => setTimeout(r, 500));
    settled = await counts(server);
    polls += 1;
    if (polls % 20 === 0) process.stderr.write(`  ${settled.ready} ready, ${settled.failed} failed after ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const settledMs = performance.now() - t0;
  load.stop();
  const underLoad = await load.results;
  const peakRssMb = server.peakMb();
  await server.stop();

  const failedUploads = uploads.filter((result) => !result.ok);
  const startMs = uploads.filter((r) => r.ok).map((r) => r.startMs).sort((a, b) => a - b);
  const putMs = uploads.filter((r) => r.ok).map((r) => r.putMs).sort((a, b) => a - b);

  console.log(`\nMachine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n`);
  console.log(`Readers: ${READERS} connections (${Math.round(LIST_SHARE * 100)}% GET /api/v1/media?limit=50, the rest GET one rendition)`);
  console.log('| readers | endpoint | req/s | p50 ms | p99 ms | errors | non-2xx |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, set] of [['idle stack (reference)', reference], [`during ${UPLOADS} uploads`, underLoad]]) {
    for (const name of ['list', 'rendition']) {
      const r = set[name];
      console.log(`| ${label} | ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`);
    }
  }
  console.log(`\nUploads: ${UPLOADS} photos (${megabytes.toFixed(0)} MB) started at once`);
  console.log('| step | p50 ms | p99 ms | failed |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| POST /api/v1/uploads | ${percentile(startMs, 50).toFixed(0)} | ${percentile(startMs, 99).toFixed(0)} | ${failedUploads.filter((r) => r.why?.startsWith('start')).length} |`);
  console.log(`| PUT the bytes | ${percentile(putMs, 50).toFixed(0)} | ${percentile(putMs, 99).toFixed(0)} | ${failedUploads.filter((r) => !r.why?.startsWith('start')).length} |`);
  console.log(`\nAll uploads accepted in ${(acceptedMs / 1000).toFixed(1)} s; all ${UPLOADS + 10} items settled in ${(settledMs / 1000).toFixed(1)} s: ${settled.ready} ready, ${settled.failed} failed.`);
  console.log(`Server RSS: ${idleRssMb.toFixed(0)} MB after seeding, ${peakRssMb.toFixed(0)} MB peak under load.`);
  for (const failure of failedUploads.slice(0, 5)) console.log(`  upload failed: ${failure.why}`);
  const errors = failedUploads.length + settled.failed + Object.values(underLoad).reduce((sum, r) => sum + r.errors + r.non2xx, 0);
  if (errors > 0) {
    console.log(`\n${errors} errors`);
    process.exitCode = 1;
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
