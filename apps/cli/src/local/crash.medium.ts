import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import sharp from 'sharp';
import { ListQuerySchema, parseKey, type Clock, type MediaItem } from '@mediaflow/domain';
import { isReferenced, sweepOrphans, type SweepReport } from '@mediaflow/media-service';
import { openQueues } from '@mediaflow/messaging/sqlite';
import { FsObjectStore } from '@mediaflow/storage/fs';
import { SqliteMediaRepository } from '@mediaflow/storage/sqlite';
import { LocalConfigSchema } from './config.js';
import { brokerDefinitions, localQueues, openLocalSweeper } from './stack.js';

/**
 * `mediaflow serve` as people run it, in its own process, killed with SIGKILL in the middle of a
 * burst of uploads and started again on the same data directory: nothing acknowledged may be
 * lost, nothing may be stored twice, and after the sweeper no byte may be left without its item.
 */

jest.setTimeout(180_000);

const WORKSPACE = resolve(__dirname, '../../../..');
const FILES = 300;
const KILL_AFTER_PUTS = 150;
const CONCURRENCY = 16;
const OWNER = 'crash-test';

/**
 * The CLI bundled from source the way `apps/cli/build.mjs` does (workspace libraries inlined,
 * packages loaded from node_modules), into a private directory: the test needs no build step and
 * never writes into the workspace. A link to the workspace's node_modules lets it find packages.
 */
async function bundleCli(dir: string): Promise<string> {
  const outfile = join(dir, 'mediaflow.mjs');
  await build({
    entryPoints: [join(WORKSPACE, 'apps/cli/src/main.ts')],
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
    define: { __MEDIAFLOW_BIN__: 'true' },
    logLevel: 'warning',
  });
  await symlink(join(WORKSPACE, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return outfile;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

interface Server {
  child: ChildProcess;
  url: string;
  token: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startServer(cli: string, dataDir: string, port: number): Promise<Server> {
  const child = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', String(port), '--user', OWNER], {
    cwd: dirname(cli),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      MEDIAFLOW_TAGGER: 'off',
      MEDIAFLOW_IMAGE_CONCURRENCY: '2',
      // Jobs the killed process held come back after this, not after the default two minutes.
      MEDIAFLOW_VISIBILITY_TIMEOUT_SECONDS: '5',
      MALLOC_ARENA_MAX: '2',
    },
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    child.once('error', fail);
    void exited.then((code) => fail(new Error(`the server exited (${code}) before it was ready\n${err}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
      const token = /Bearer token:\s+(\S+)/.exec(out)?.[1];
      if (url && token) done({ child, url, token, stderr: () => err, exited });
    });
  });
}

/** A distinct 32x24 JPEG per seed. */
async function jpeg(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(32 * 24 * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 31 + seed * 7919 + ((seed * i) % 97)) % 256;
  return sharp(pixels, { raw: { width: 32, height: 24, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** One file's upload, as a client that retries would track it. */
interface Upload {
  bytes: Buffer;
  sha256: string;
  /** The id the API answered with: the item is acknowledged. */
  id?: string;
  target?: { url: string; headers: Record<string, string> };
  put: boolean;
}

/** Runs `work` over `items`, `concurrency` at a time, until `stop()` says so. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>, stop: () => boolean = () => false): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (!stop() && next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

async function send(server: Server, upload: Upload): Promise<void> {
  if (upload.id === undefined) {
    const res = await fetch(`${server.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'burst.jpg', size: upload.bytes.length }),
    });
    if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };
    upload.id = body.id;
    upload.target = body.upload;
  }
  const target = upload.target as { url: string; headers: Record<string, string> };
  const put = await fetch(target.url, { method: 'PUT', headers: target.headers, body: upload.bytes });
  // 409: the URL writes once, and the bytes of a PUT whose answer the kill swallowed are stored already.
  if (put.status !== 200 && put.status !== 409) throw new Error(`PUT answered ${put.status}: ${await put.text()}`);
  upload.put = true;
}

async function allItems(repo: SqliteMediaRepository): Promise<MediaItem[]> {
  const items: MediaItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.list(OWNER, ListQuerySchema.parse({ limit: 100, ...(cursor ? { cursor } : {}) }));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(dir.length + 1));
  }
  return out.sort();
}

describe('mediaflow serve killed during a burst of uploads', () => {
  let work: string;
  let cli: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mf-crash-'));
    cli = await bundleCli(work);
  });

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await rm(work, { recursive: true, force: true });
  });

  it('ends every acknowledged upload ready exactly once, and leaves no byte without its item after the sweep', async () => {
    const dataDir = join(work, 'data');
    const port = await freePort();
    const uploads: Upload[] = await Promise.all(
      Array.from({ length: FILES }, async (_, i) => {
        const bytes = await jpeg(i);
        return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), put: false };
      }),
    );
    expect(new Set(uploads.map((u) => u.sha256)).size).toBe(FILES);

    // The burst, cut off by SIGKILL once half the PUTs are through.
    const first = await startServer(cli, dataDir, port);
    servers.push(first);
    let puts = 0;
    let killed = false;
    const refused: string[] = [];
    await pool(
      uploads,
      CONCURRENCY,
      async (upload) => {
        try {
          await send(first, upload);
          puts += 1;
          if (puts >= KILL_AFTER_PUTS && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        } catch (error) {
          // Expected only for requests cut off by the kill.
          if (!killed) refused.push(String(error));
        }
      },
      () => killed,
    );
    expect(refused).toEqual([]);
    expect(await first.exited).toBeNull();
    expect(first.child.signalCode).toBe('SIGKILL');
    const acknowledgedAtKill = uploads.filter((u) => u.id !== undefined).length;
    const putAtKill = uploads.filter((u) => u.put).length;

    // Back on the same address and data: the client retries what it has no answer for, with the
    // same presigned URL when it has one, from the start when it has none.
    const second = await startServer(cli, dataDir, port);
    servers.push(second);
    const retried = uploads.filter((u) => !u.put);
    await pool(retried, CONCURRENCY, (upload) => send(second, upload));
    expect(uploads.every((u) => u.put && u.id !== undefined)).toBe(true);

    // Settled: every acknowledged item ready or failed, and every queue drained.
    const ids = new Set(uploads.map((u) => u.id as string));
    const repo = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
    const broker = openQueues(join(dataDir, 'queues.db'), brokerDefinitions(localQueues(LocalConfigSchema.parse({ tagger: 'off' }))));
    try {
      // A guard that says what is stuck, rather than a bare test timeout.
      const giveUpAt = Date.now() + 120_000;
      for (;;) {
        const items = (await allItems(repo)).filter((i) => ids.has(i.id));
        const pending = items.filter((i) => i.status !== 'ready' && i.status !== 'failed');
        const queued: Record<string, unknown> = {};
        for (const name of broker.names) {
          const depth = await broker.queue(name).depth();
          if (depth.visible + depth.inFlight + depth.delayed > 0) queued[name] = depth;
        }
        if (items.length === ids.size && pending.length === 0 && Object.keys(queued).length === 0) break;
        if (Date.now() > giveUpAt) {
          throw new Error(`not settled: ${ids.size - items.length} missing, ${JSON.stringify(pending.map((i) => [i.id, i.status]))}, queues ${JSON.stringify(queued)}\n${second.stderr()}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await broker.close();
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const logged = second
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; message: string; error?: string } & Partial<SweepReport>);
    const errors = logged.filter((e) => e.level === 'ERROR');
    // At start-up: uploads whose bytes arrived just before the kill go back to ingest, and items
    // recorded as uploaded whose event the kill swallowed are announced again.
    const atStart = logged.find((e) => e.message === 'swept the data directory');
    const stranded = logged.find((e) => e.message === 'announced stranded uploads again') as { count?: number } | undefined;
    // Deliveries repeated after the crash may race for an item's version; the queue retries the
    // loser, which then finds the work done. Nothing else may go wrong.
    const races = errors.filter((e) => e.message === 'handler failed' && /changed \(version \d+, expected \d+\)/.test(e.error ?? ''));
    expect(errors.filter((e) => !races.includes(e))).toEqual([]);

    const before = await allItems(repo);
    const acknowledged = before.filter((i) => ids.has(i.id));
    // POSTs whose answer the kill swallowed: recorded, never told to the client, never sent bytes.
    const unacknowledged = before.filter((i) => !ids.has(i.id));
    expect(unacknowledged.every((i) => i.status === 'uploading')).toBe(true);

    // Each file exactly once: one acknowledged item with its bytes, ready, renditions stored.
    const store = new FsObjectStore({ root: join(dataDir, 'objects'), baseUrl: 'http://localhost', secret: 'x'.repeat(32) });
    expect(acknowledged.map((i) => i.status).filter((s) => s !== 'ready')).toEqual([]);
    for (const upload of uploads) {
      const item = acknowledged.find((i) => i.id === upload.id);
      expect(item?.original.sha256).toBe(upload.sha256);
      expect((await store.head(item?.original.key ?? ''))?.sha256).toBe(upload.sha256);
      expect(item?.renditions.length).toBeGreaterThan(0);
      for (const rendition of item?.renditions ?? []) expect(await store.head(rendition.key)).toBeDefined();
    }
    expect(new Set(acknowledged.map((i) => i.original.sha256)).size).toBe(FILES);

    // The sweep as it runs a day later: abandoned uploads, orphans and temp files go.
    const later: Clock = { now: () => new Date(Date.now() + 25 * 3600 * 1000) };
    const sweeper = openLocalSweeper(LocalConfigSchema.parse({ dataDir, tagger: 'off' }), later);
    let report: SweepReport;
    try {
      report = await sweepOrphans(sweeper.deps);
    } finally {
      sweeper.close();
    }
    expect(report.abandonedUploads).toBe(unacknowledged.length);
    expect(report.resumedUploads).toBe(0);

    const after = await allItems(repo);
    expect(after.map((i) => i.id).sort()).toEqual([...ids].sort());
    const byId = new Map(after.map((i) => [i.id, i]));
    const objects = await filesUnder(join(dataDir, 'objects'));
    const data = objects.filter((f) => !f.startsWith('.meta/') && !f.startsWith('.tmp/'));
    for (const key of data) {
      const parsed = parseKey(key);
      const item = parsed && byId.get(parsed.mediaId);
      expect([key, item === undefined ? 'no item' : parsed?.type === 'original' ? item.original.key === key : isReferenced(item, key)]).toEqual([key, true]);
    }
    // Sidecars exactly mirror the objects; no temp file of a write the kill cut short is left.
    expect(objects.filter((f) => f.startsWith('.meta/')).map((f) => f.slice('.meta/'.length))).toEqual(data);
    expect(objects.filter((f) => f.startsWith('.tmp/'))).toEqual([]);
    repo.close();

    process.stdout.write(
      `crash test: ${FILES} files, ${acknowledgedAtKill} acknowledged and ${putAtKill} stored before the kill, ${retried.length} retried after it; ` +
        `${acknowledged.length} acknowledged items ended ready; ${unacknowledged.length} unacknowledged uploads swept; ${races.length} version races retried; ` +
        `at start-up ${atStart?.resumedUploads ?? 0} uploads sent to ingest again and ${stranded?.count ?? 0} stranded uploads announced again; ` +
        `sweep ${JSON.stringify(report)}\n`,
    );
  });
});
