import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { LocalConfigSchema } from './config.js';
import { startLocalStack, type LocalStack } from './stack.js';

/**
 * The local server when the machine, not the request, is at fault: a full disk under the object
 * store, and the media database locked by another process. Each gives a clear answer instead of a
 * 500 or a hang, keeps the server running, and passes once the cause is gone.
 */

jest.setTimeout(60_000);

const WORKSPACE = resolve(__dirname, '../../../..');

async function jpeg(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(32 * 24 * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 13 + seed * 101) % 256;
  return sharp(pixels, { raw: { width: 32, height: 24, channels: 3 } }).jpeg().toBuffer();
}

describe('local server outages', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  let logs: Record<string, unknown>[];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mf-outage-'));
    logs = [];
    stack = await startLocalStack(
      LocalConfigSchema.parse({ port: 0, dataDir, retryBaseSeconds: 0.2, pollSeconds: 0.1, imageConcurrency: 2, tagger: 'off' }),
      (entry) => logs.push(entry),
    );
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await stack?.stop();
    stack = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  const auth = (s: LocalStack) => ({ authorization: `Bearer ${s.tokens.issue('alice')}` });
  const startUpload = (s: LocalStack, bytes: Buffer) =>
    fetch(`${s.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { ...auth(s), 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'p.jpg', size: bytes.length }),
    });

  async function settled(s: LocalStack, id: string): Promise<string> {
    for (;;) {
      const item = (await (await fetch(`${s.url}/api/v1/media/${id}`, { headers: auth(s) })).json()) as { status: string };
      if (item.status === 'ready' || item.status === 'failed') return item.status;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  describe('a full disk under the object store', () => {
    /**
     * The filesystem as a full disk shows it: files still open, every write into the store's temp
     * directory fails with ENOSPC, as Node's fs reports it. (Filling a real filesystem needs a
     * small mount, which needs root.)
     */
    function fillTheDisk(): { free: () => void } {
      const fs = createRequire(__filename)('node:fs/promises') as typeof FsPromises;
      const open = fs.open;
      let full = true;
      const noSpace = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      jest.spyOn(fs, 'open').mockImplementation(async (...args: Parameters<typeof fs.open>) => {
        const handle = await open(...args);
        if (full && String(args[0]).includes(`${sep}objects${sep}.tmp${sep}`)) {
          handle.write = (async () => {
            throw noSpace();
          }) as typeof handle.write;
          handle.writeFile = async () => {
            throw noSpace();
          };
        }
        return handle;
      });
      return {
        free: () => {
          full = false;
        },
      };
    }

    it('answers an upload 507 with a reason, keeps no partial file, and takes the same upload once space is back', async () => {
      const s = stack as LocalStack;
      const bytes = await jpeg(1);
      const disk = fillTheDisk();
      const res = await startUpload(s, bytes);
      expect(res.status).toBe(201);
      const { id, upload } = (await res.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };

      const refused = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
      expect(refused.status).toBe(507);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(await refused.json()).toMatchObject({ code: 'insufficient_storage', detail: 'the server has run out of disk space; nothing was stored' });
      expect(await readdir(join(dataDir, 'objects', '.tmp'))).toEqual(['multipart']);
      expect(await s.deps.store.head(`originals/alice/${id}`)).toBeUndefined();
      // The operator is told, with the cause.
      expect(logs.some((e) => e['level'] === 'error' && String(e['error']).includes('ENOSPC'))).toBe(true);
      // Still serving: the item waits for its bytes.
      const waiting = (await (await fetch(`${s.url}/api/v1/media/${id}`, { headers: auth(s) })).json()) as { status: string };
      expect(waiting.status).toBe('uploading');

      disk.free();
      const again = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
      expect(again.status).toBe(200);
      expect(await settled(s, id)).toBe('ready');
      const next = await startUpload(s, await jpeg(2));
      expect(next.status).toBe(201);
    });
  });

  describe('the media database locked by another process', () => {
    let holder: ChildProcess | undefined;

    /** Another process holds the database's write lock (an open write transaction) until released. */
    async function lockTheDatabase(): Promise<{ release: () => Promise<void> }> {
      const script = `
        const Database = require('better-sqlite3');
        const db = new Database(process.env.MF_DB);
        db.exec('BEGIN IMMEDIATE');
        process.stdout.write('locked\\n');
        process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
      `;
      const child = spawn(process.execPath, ['-e', script], { cwd: WORKSPACE, env: { ...process.env, MF_DB: join(dataDir, 'media.db') }, stdio: ['pipe', 'pipe', 'inherit'] });
      holder = child;
      await new Promise<void>((done, fail) => {
        child.once('error', fail);
        child.once('exit', (code) => fail(new Error(`the lock holder exited (${code})`)));
        child.stdout?.once('data', () => done());
      });
      return {
        release: async () => {
          const exited = new Promise((done) => child.once('exit', done));
          child.stdin?.write('commit\n');
          await exited;
          holder = undefined;
        },
      };
    }

    afterEach(() => {
      holder?.kill('SIGKILL');
      holder = undefined;
    });

    it('keeps serving while a request waits for the lock, and lets it through when the lock is released', async () => {
      const s = stack as LocalStack;
      const bytes = await jpeg(3);
      const lock = await lockTheDatabase();
      const pending = startUpload(s, bytes);
      while (!logs.some((e) => e['msg'] === 'waiting for the media database lock')) await new Promise((r) => setTimeout(r, 10));
      // The server is not frozen by the wait: reads go on (the lock only stops writers).
      const list = await fetch(`${s.url}/api/v1/media`, { headers: auth(s) });
      expect(list.status).toBe(200);

      await lock.release();
      const res = await pending;
      expect(res.status).toBe(201);
      const { id, upload } = (await res.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };
      expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(200);
      expect(await settled(s, id)).toBe('ready');
    });

    it('answers 503 with Retry-After when the lock outlasts the wait, and takes the request again afterwards', async () => {
      const s = stack as LocalStack;
      const bytes = await jpeg(4);
      const lock = await lockTheDatabase();
      const refused = await startUpload(s, bytes);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(await refused.json()).toMatchObject({ code: 'unavailable', detail: 'the database is locked by another process; try again in 2 s' });
      expect((await fetch(`${s.url}/api/health`)).status).toBe(200);

      await lock.release();
      const res = await startUpload(s, bytes);
      expect(res.status).toBe(201);
      const { id, upload } = (await res.json()) as { id: string; upload: { url: string; headers: Record<string, string> } };
      expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(200);
      expect(await settled(s, id)).toBe('ready');
    });
  });
});
