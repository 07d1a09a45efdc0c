import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ulidGenerator } from '@mediaflow/domain';
import { build } from 'esbuild';
import { unzipWithPython } from './downloads.spec-support.js';
import type { DownloadView } from './routes/downloads.js';

// A 2 GiB selection streamed by the server as `mediaflow serve` composes it (the API on the
// filesystem object store, Node's HTTP server through the node adapter), in a process of its
// own whose peak memory is measured: the zip must never be held, whole or in part, beyond a few
// chunks. The originals are written by another process first, so the peak is the serving alone.

const WORKSPACE = resolve(__dirname, '../../..');
const source = (path: string): string => JSON.stringify(join(WORKSPACE, path));
const MIB = 1024 * 1024;
/** Four originals of 512 MiB and two small ones: 2 GiB and a little. */
const SIZES = [512 * MIB, 512 * MIB, 512 * MIB, 512 * MIB, 1234, 0];
/** The most resident memory the serving process may reach. */
const PEAK_RSS_LIMIT = 200 * MIB;
/** The most the serving may add to the process's memory once started. */
const PEAK_GROWTH_LIMIT = 100 * MIB;

/**
 * The script of both processes: `seed` writes the originals (a 1 MiB random block, a counter in each
 * chunk so no two chunks are alike) and prints their SHA-256; `serve` lists the same items in an
 * in-memory repository and serves the API on a random port, sampling its resident memory, which it
 * prints on request (a line on stdin).
 */
const SCRIPT = `
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { bearerTokens, createApi, LocalTokens } from '@mediaflow/api';
import { originalKey, systemClock, ulidGenerator } from '@mediaflow/domain';
import { ServiceConfigSchema } from '@mediaflow/media-service';
import { FsObjectStore } from '@mediaflow/storage/fs';
// The in-memory doubles one by one: the testing entry also holds the jest contract suites.
import { makeMediaItem } from ${source('libs/domain/src/testing/fixtures.ts')};
import { MemoryAlbumRepository } from ${source('libs/domain/src/testing/memory-album-repository.ts')};
import { InMemoryEventBus } from ${source('libs/domain/src/testing/memory-event-bus.ts')};
import { InMemoryMediaRepository } from ${source('libs/domain/src/testing/memory-repository.ts')};
import { MemoryMediaSearch } from ${source('libs/domain/src/testing/memory-search.ts')};
import { MemoryShareLinkRepository } from ${source('libs/domain/src/testing/memory-share-repository.ts')};

const [mode, dataDir, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson);
const secret = Buffer.alloc(32, 9);
const store = new FsObjectStore({ root: dataDir, baseUrl: 'http://127.0.0.1', secret, durable: false });

if (mode === 'seed') {
  const block = randomBytes(1024 * 1024);
  const hashes = [];
  for (const { id, size } of plan.files) {
    async function* bytes() {
      for (let sent = 0, n = 0; sent < size; n += 1) {
        const chunk = Buffer.from(block.subarray(0, Math.min(block.length, size - sent)));
        if (chunk.length >= 8) chunk.writeDoubleLE(n, 0);
        sent += chunk.length;
        yield chunk;
      }
    }
    const head = await store.put(originalKey('alice', id), bytes(), { contentType: 'application/octet-stream' });
    hashes.push(head.sha256);
  }
  process.stdout.write(JSON.stringify(hashes));
} else {
  let peak = process.memoryUsage().rss;
  setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10).unref();
  const repo = new InMemoryMediaRepository();
  const albums = new MemoryAlbumRepository();
  const deps = {
    repo, store, albums, review: repo, search: new MemoryMediaSearch(repo, albums), shares: new MemoryShareLinkRepository(),
    bus: new InMemoryEventBus(), ids: ulidGenerator, clock: systemClock, config: ServiceConfigSchema.parse({}),
  };
  for (const { id, size } of plan.files) {
    const original = { key: originalKey('alice', id), size, mime: 'application/octet-stream', filename: 'clip.mov' };
    await repo.create(makeMediaItem({ id, ownerId: 'alice', kind: 'video', status: 'ready', original }));
  }
  const tokens = new LocalTokens({ secret });
  const app = createApi({ deps, verifier: bearerTokens(tokens), mediaFiles: {}, shares: { secret } });
  const hwm = () => Number(/VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
    process.stdout.write(JSON.stringify({ port: info.port, token: tokens.issue('alice') }) + '\\n');
  });
  process.stdin.on('data', () => {
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(JSON.stringify({ peakRss: peak, vmHwm: hwm() }) + '\\n');
  });
}
`;

/**
 * The script bundled from source as the CLI's build does it (workspace libraries inlined, packages
 * from node_modules), so the server runs as plain JavaScript, as it does in production: compiling
 * TypeScript on the fly would weigh more than everything measured.
 */
async function bundle(dir: string): Promise<string> {
  const outfile = join(dir, 'server.mjs');
  await build({
    stdin: { contents: SCRIPT, resolveDir: WORKSPACE, loader: 'ts', sourcefile: 'server.ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@mediaflow/source'],
    plugins: [
      {
        name: 'packages-stay-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@mediaflow/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
    logLevel: 'warning',
  });
  await symlink(join(WORKSPACE, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return outfile;
}

function start(script: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [script, ...args], { cwd: WORKSPACE, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The next line the process prints, parsed. */
function nextLine<T>(child: ChildProcessWithoutNullStreams, errors: () => string): Promise<T> {
  return new Promise((resolveLine, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end < 0) return;
      child.stdout.off('data', onData);
      resolveLine(JSON.parse(out.slice(0, end)) as T);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${errors()}`)));
  });
}

describe('a 2 GiB selection streamed by the local server', () => {
  let dir: string;
  let server: ChildProcessWithoutNullStreams | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-download-2g-'));
  });
  afterAll(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`streams the zip with peak RSS under ${PEAK_RSS_LIMIT / MIB} MB, byte for byte`, async () => {
    const script = await bundle(dir);
    const dataDir = join(dir, 'objects');
    const files = SIZES.map((size) => ({ id: ulidGenerator.next(), size }));
    const plan = JSON.stringify({ files });

    const seeder = start(script, ['seed', dataDir, plan]);
    let seeded = '';
    let seedErrors = '';
    seeder.stdout.on('data', (chunk: Buffer) => (seeded += chunk.toString()));
    seeder.stderr.on('data', (chunk: Buffer) => (seedErrors += chunk.toString()));
    const seedCode = await new Promise<number | null>((done) => seeder.on('exit', done));
    expect([seedCode, seedErrors]).toEqual([0, '']);
    const hashes = JSON.parse(seeded) as string[];

    server = start(script, ['serve', dataDir, plan]);
    let serverErrors = '';
    server.stderr.on('data', (chunk: Buffer) => (serverErrors += chunk.toString()));
    const { port, token } = await nextLine<{ port: number; token: string }>(server, () => serverErrors);
    const base = `http://127.0.0.1:${port}`;
    server.stdin.write('report\n');
    const started = await nextLine<{ peakRss: number; vmHwm: number }>(server, () => serverErrors);

    const asked = await fetch(`${base}/api/v1/downloads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: files.map((f) => f.id) }),
    });
    expect(asked.status).toBe(200);
    const view = (await asked.json()) as DownloadView;
    expect(view.url).toMatch(new RegExp(`^${base}/_local/archives/alice/`));

    const response = await fetch(view.url ?? '');
    expect(response.status).toBe(200);
    const zipPath = join(dir, 'download.zip');
    await pipeline(Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]), createWriteStream(zipPath));
    const size = statSync(zipPath).size;
    expect(size).toBe(Number(response.headers.get('content-length')));
    expect(size).toBeGreaterThan(2 * 1024 * MIB);

    server.stdin.write('report\n');
    const { peakRss, vmHwm } = await nextLine<{ peakRss: number; vmHwm: number }>(server, () => serverErrors);
    const peak = Math.max(peakRss, vmHwm);
    expect(peak).toBeLessThan(PEAK_RSS_LIMIT);
    // What streaming 2 GiB added to the process as it started (about 75 MB, 40 MB more at the peak).
    expect(peak - Math.max(started.peakRss, started.vmHwm)).toBeLessThan(PEAK_GROWTH_LIMIT);

    const entries = unzipWithPython(zipPath, 64 * 1024);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['clip.mov', SIZES[0]],
      ['clip (2).mov', SIZES[1]],
      ['clip (3).mov', SIZES[2]],
      ['clip (4).mov', SIZES[3]],
      ['clip (5).mov', SIZES[4]],
      ['clip (6).mov', SIZES[5]],
      ['manifest.json', expect.any(Number)],
    ]);
    expect(entries.slice(0, SIZES.length).map((e) => e.sha256)).toEqual(hashes);
  }, 180_000);
});
