// End-to-end benchmark of the local stack (`mediaflow serve`), run as a user would run it:
//
// 1. Burst: N generated 12 MP JPEGs (default 200) uploaded through the API at once, timed until
//    every item is ready, against the bare image pipeline (tools/bench/image/pipeline-worker.mjs)
//    on the same files with the same number of jobs. Reports the stack's overhead and peak RSS.
// 2. Listing: `GET /api/v1/media?limit=50` with 100,000 items in the repository under autocannon,
//    side by side with a bare Hono "hello world" on the same machine.
//
//   npm run bench:e2e                        (= node tools/bench/e2e/run.mjs)
//   node tools/bench/e2e/run.mjs --images 20 --items 10000 --seconds 5
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

import { cli, freePort, option, startServe, workspace } from '../lib/serve.mjs';
const IMAGES = Number(option('images', '200'));
const ITEMS = Number(option('items', '100000'));
const SECONDS = Number(option('seconds', '10'));
const CONNECTIONS = Number(option('connections', '10'));
/** `burst`, `listing` or both (default). */
const ONLY = option('only', 'all');
/** What every current browser sends; the hello world ignores it, the listing may compress. */
const BROWSER_ENCODING = { 'accept-encoding': 'gzip, deflate, br, zstd' };
const JOBS = availableParallelism();

function must(result, what) {
  if (result.status !== 0) {
    console.error(`${what} failed`);
    process.exit(result.status ?? 1);
  }
}

// Compiled JavaScript, as deployed: the image pipeline and storage from `tsc --build`, the CLI as its bundle.
must(spawnSync(join(workspace, 'node_modules/.bin/tsc'), ['--build', 'libs/image-pipeline/tsconfig.lib.json', 'libs/storage/tsconfig.lib.json'], { cwd: workspace, stdio: 'inherit' }), 'tsc --build');
must(spawnSync('npx', ['nx', 'run', '@mediaflow/cli:build', '--output-style=static'], { cwd: workspace, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } }), 'CLI build');

const { photoJpeg } = await import('@mediaflow/image-pipeline/testing');
const { SqliteMediaRepository } = await import('@mediaflow/storage/sqlite');
const { ulidGenerator } = await import('@mediaflow/domain');


async function uploadAll(server, files, concurrency) {
  const auth = { authorization: `Bearer ${server.token}` };
  const ids = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const file = files[next++];
        const bytes = await readFile(file);
        const res = await fetch(`${server.url}/api/v1/uploads`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ filename: file.split('/').pop(), size: bytes.length }),
        });
        const started = await res.json();
        const put = await fetch(started.upload.url, { method: 'PUT', headers: started.upload.headers, body: bytes });
        if (!put.ok) throw new Error(`PUT failed: ${put.status}`);
        ids.push(started.id);
      }
    }),
  );
  return ids;
}

async function settledCount(server) {
  const auth = { authorization: `Bearer ${server.token}` };
  let count = 0;
  for (const status of ['ready', 'failed']) {
    let cursor = '';
    for (;;) {
      const res = await fetch(`${server.url}/api/v1/media?status=${status}&limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
      const page = await res.json();
      count += page.items.length;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }
  return count;
}

async function burst(work) {
  const input = join(work, 'in');
  await mkdir(input, { recursive: true });
  process.stderr.write(`generating ${IMAGES} 12 MP JPEGs...\n`);
  for (let i = 0; i < IMAGES; i += 1) await writeFile(join(input, `img-${String(i).padStart(4, '0')}.jpg`), await photoJpeg(4000, 3000, i + 1));
  const files = (await readdir(input)).sort().map((f) => join(input, f));
  const megabytes = (await Promise.all(files.map((f) => stat(f)))).reduce((s, x) => s + x.size, 0) / 1048576;

  process.stderr.write(`bare pipeline, ${JOBS} jobs...\n`);
  const bare = spawnSync(process.execPath, [join(workspace, 'tools/bench/image/pipeline-worker.mjs'), 'throughput', input, join(work, 'out-bare'), String(JOBS)], {
    cwd: workspace,
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (bare.status !== 0) throw new Error(bare.stderr);
  const bareResult = JSON.parse(bare.stdout.trim().split('\n').pop());

  process.stderr.write('mediaflow serve, burst upload...\n');
  const server = await startServe(join(work, 'data'), await freePort());
  const started = performance.now();
  await uploadAll(server, files, 32);
  const uploadedMs = performance.now() - started;
  let settled = 0;
  while (settled < files.length) {
    await new Promise((r) => setTimeout(r, 250));
    settled = await settledCount(server);
  }
  const stackMs = performance.now() - started;
  const ready = await (async () => {
    const res = await fetch(`${server.url}/api/v1/media?status=ready&limit=1`, { headers: { authorization: `Bearer ${server.token}` } });
    return res.ok;
  })();
  await server.stop();
  return { files: files.length, megabytes, bareMs: bareResult.wallMs, bareRssMb: bareResult.maxRssKb / 1024, stackMs, uploadedMs, stackRssMb: server.peakMb(), ok: ready };
}

async function cannon(url, headers) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx, bytes: result.throughput.average };
}

async function listing(work) {
  const dataDir = join(work, 'list-data');
  // A token first: it creates the data directory's secret.
  const token = spawnSync(process.execPath, [cli, 'token', '--user', 'bench', '--data-dir', dataDir], { encoding: 'utf8' }).stdout.trim();
  process.stderr.write(`seeding ${ITEMS} items...\n`);
  const repo = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
  const now = new Date().toISOString();
  for (let i = 0; i < ITEMS; i += 1) {
    const id = ulidGenerator.next();
    const renditions = ['thumb', 'small', 'medium', 'large'].flatMap((name, n) =>
      ['webp', 'avif'].map((format) => ({ name, format, key: `renditions/bench/${id}/${name}.${format}`, contentType: `image/${format}`, bytes: 5000 * (n + 1), width: 256 * 2 ** n, height: 192 * 2 ** n })),
    );
    await repo.create({
      id,
      ownerId: 'bench',
      kind: 'image',
      status: 'ready',
      title: `Photo ${i}`,
      original: { key: `originals/bench/${id}`, size: 3_500_000, mime: 'image/jpeg', filename: `IMG_${i}.jpg`, sha256: i.toString(16).padStart(64, '0') },
      facts: { format: 'jpeg', width: 4000, height: 3000, capturedAt: now, camera: { make: 'Canon', model: 'EOS R6' } },
      renditions,
      tags: [{ name: ['dog', 'cat', 'beach', 'car'][i % 4], confidence: 0.9, source: 'ai' }],
      moderation: { verdict: 'safe', labels: [] },
      placeholder: { thumbhash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#336699' },
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
  }
  repo.close();

  const server = await startServe(dataDir, await freePort());
  const auth = { authorization: `Bearer ${token}` };
  await cannon(`${server.url}/api/v1/media?limit=50`, { ...auth, ...BROWSER_ENCODING }); // warm-up
  const list = await cannon(`${server.url}/api/v1/media?limit=50`, { ...auth, ...BROWSER_ENCODING });
  const listPlain = await cannon(`${server.url}/api/v1/media?limit=50`, auth);
  await server.stop();
  // Every request a different page: what the response cache cannot help with.
  const uncachedServer = await startServe(dataDir, await freePort(), ['--no-response-cache']);
  await cannon(`${uncachedServer.url}/api/v1/media?limit=50`, { ...auth, ...BROWSER_ENCODING });
  const listUncached = await cannon(`${uncachedServer.url}/api/v1/media?limit=50`, { ...auth, ...BROWSER_ENCODING });
  await uncachedServer.stop();

  const helloPort = await freePort();
  const hello = spawn(
    process.execPath,
    ['--input-type=module', '-e', `import { Hono } from 'hono'; import { serve } from '@hono/node-server'; const app = new Hono(); app.get('/', (c) => c.text('Hello Hono!')); serve({ fetch: app.fetch, port: ${helloPort}, hostname: '127.0.0.1' }, () => console.log('up'));`],
    { cwd: workspace, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((done) => hello.stdout.once('data', done));
  await cannon(`http://127.0.0.1:${helloPort}/`, BROWSER_ENCODING);
  const bare = await cannon(`http://127.0.0.1:${helloPort}/`, BROWSER_ENCODING);
  hello.kill('SIGTERM');
  return { list, listPlain, listUncached, bare };
}

const work = await mkdtemp(join(tmpdir(), 'mf-bench-e2e-'));
try {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nMachine: ${JOBS} cores (${cpu}), Node ${process.version}\n`);
  if (ONLY !== 'listing') {
    const b = await burst(work);
    console.log(`Burst: ${b.files} generated 12 MP JPEGs (${b.megabytes.toFixed(0)} MB), ${JOBS} image jobs at a time`);
    console.log('| run | wall s | images/s | peak RSS MB |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(`| bare pipeline (renditions only, files on disk) | ${(b.bareMs / 1000).toFixed(1)} | ${(b.files / (b.bareMs / 1000)).toFixed(2)} | ${b.bareRssMb.toFixed(0)} |`);
    console.log(`| mediaflow serve: upload burst -> all ready | ${(b.stackMs / 1000).toFixed(1)} | ${(b.files / (b.stackMs / 1000)).toFixed(2)} | ${b.stackRssMb.toFixed(0)} |`);
    console.log(`Overhead of the stack over the bare pipeline: ${(((b.stackMs / b.bareMs) - 1) * 100).toFixed(1)}% (uploads accepted in ${(b.uploadedMs / 1000).toFixed(1)} s)\n`);
  }
  if (ONLY !== 'burst') {
    const l = await listing(work);
    const row = (name, r) => console.log(`| ${name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${(r.bytes / 1048576).toFixed(1)} | ${((r.rps / l.bare.rps) * 100).toFixed(0)}% |`);
    console.log(`Listing: ${ITEMS} items, ${CONNECTIONS} connections, ${SECONDS} s`);
    console.log('| endpoint | req/s | p50 ms | p99 ms | errors | MB/s | of hello world |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    row('GET /api/v1/media?limit=50, browser Accept-Encoding (cached page, brotli)', l.list);
    row('GET /api/v1/media?limit=50, no Accept-Encoding (cached page, 90 KB JSON)', l.listPlain);
    row('GET /api/v1/media?limit=50, response cache off (every request reads SQLite)', l.listUncached);
    row('GET / (bare Hono hello world)', l.bare);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
