import { spawn } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LockTimeoutError, withFileLock } from './ingest-lock.js';

/** A pid no process has (above the largest pid Linux hands out). */
const GONE_PID = 2 ** 22 + 7;

describe('the lock beside the ingest state file', () => {
  let dir: string;
  let lock: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mf-ingest-lock-'));
    lock = join(dir, 'state.json.lock');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `work` under the lock, failing when another user holds it at the same time. */
  const holdAlone = async (holder: string, work: () => Promise<void>) => {
    const handle = await open(holder, 'wx');
    await handle.close();
    await work();
    await rm(holder);
  };
  /** What a holder killed mid-change leaves behind, stale by age or by its process being gone. */
  const leftBehind = (round: number, by = '') =>
    JSON.stringify(round % 2 === 0 ? { pid: process.pid, host: hostname(), at: 0, token: `old-${by}${round}` } : { pid: GONE_PID, host: hostname(), at: Date.now(), token: `gone-${by}${round}` });

  it('lets one user at a time in when many take over stale locks at once', async () => {
    const holder = join(dir, 'holder');
    let held = 0;
    const user = async (id: number) => {
      for (let round = 0; round < 5; round++) {
        await withFileLock(
          lock,
          () =>
            holdAlone(holder, async () => {
              held += 1;
              await new Promise((r) => setTimeout(r, 1));
              await writeFile(lock, leftBehind(id + round, `${id}-`));
            }),
          { waitMs: 10_000 },
        );
      }
    };
    await writeFile(lock, leftBehind(0));
    await Promise.all(Array.from({ length: 8 }, (_, id) => user(id)));
    expect(held).toBe(40);
    expect(await readdir(dir)).toEqual(['state.json.lock']);
  });

  it('removes a takeover lock left by a process that died taking over, then takes the stale lock', async () => {
    await writeFile(lock, leftBehind(1));
    await writeFile(`${lock}.takeover`, JSON.stringify({ pid: GONE_PID, host: hostname(), at: Date.now(), token: 'dead' }));
    expect(await withFileLock(lock, () => Promise.resolve('done'), { waitMs: 2_000 })).toBe('done');
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves a stale lock to the waiter holding the takeover lock, and removes that one once it is old', async () => {
    await writeFile(lock, leftBehind(0));
    const live = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token: 'busy' });
    await writeFile(`${lock}.takeover`, live);
    await expect(withFileLock(lock, () => Promise.resolve(), { waitMs: 100 })).rejects.toThrow(LockTimeoutError);
    expect(await readFile(lock, 'utf8')).toBe(leftBehind(0));
    expect(await readFile(`${lock}.takeover`, 'utf8')).toBe(live);
    await writeFile(`${lock}.takeover`, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() - 6_000, token: 'stuck' }));
    expect(await withFileLock(lock, () => Promise.resolve('done'), { waitMs: 2_000 })).toBe('done');
    expect(await readdir(dir)).toEqual([]);
  });

  it('is removed by its holder only while it still holds the holder\u2019s record', async () => {
    const other = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token: 'other' });
    await withFileLock(lock, () => writeFile(lock, other));
    expect(await readFile(lock, 'utf8')).toBe(other);
    await rm(lock);
    await withFileLock(lock, () => Promise.resolve());
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([['two', ['a', 'b']] as const, ['three', ['a', 'b', 'c']] as const])(
    'lets one user at a time in when users in %s processes take over stale locks at once',
    async (_count, tags) => {
      const barrier = join(dir, 'ready');
      const holder = join(dir, 'holder');
      const script = join(dir, 'user.mts');
      const locks = join(dir, 'locks');
      lock = join(locks, 'state.json.lock');
      await writeFile(
        script,
        `
import { withFileLock } from ${JSON.stringify(resolve(__dirname, 'ingest-lock.ts'))};
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
const [lock, holder, barrier, tag, ...tags] = process.argv.slice(2);
mkdirSync(${JSON.stringify(locks)}, { recursive: true });
writeFileSync(barrier + '-' + tag, '');
while (!tags.every((t) => existsSync(barrier + '-' + t))) await new Promise((r) => setTimeout(r, 5));
// Four users in each process, as many waiters race for every stale lock.
await Promise.all([0, 1, 2, 3].map(async (user) => {
  for (let round = 0; round < 6; round++) {
    await withFileLock(lock, async () => {
      // Fails while another user holds the lock too.
      const handle = await open(holder, 'wx');
      await handle.close();
      await new Promise((r) => setTimeout(r, 2));
      await rm(holder);
      // Killed mid-change: the lock stays behind, stale by age or by its process being gone.
      const gone = round % 2 === 1;
      await writeFile(lock, JSON.stringify({ pid: gone ? ${GONE_PID} : process.pid, host: hostname(), at: gone ? Date.now() : 0, token: tag + user + '-' + round }));
    }, { waitMs: 15_000 });
  }
}));
`,
      );
      const run = (tag: string) =>
        new Promise<void>((done, reject) => {
          const child = spawn(process.execPath, ['--conditions=@mediaflow/source', '--import', '@swc-node/register/esm-register', script, lock, holder, barrier, tag, ...tags], {
            cwd: resolve(__dirname, '../..'),
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let err = '';
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.on('error', reject);
          child.on('close', (code) => (code === 0 ? done() : reject(new Error(`user ${tag} exited with ${code}: ${err}`))));
        });
      await Promise.all(tags.map(run));
      // The last round's stale lock, and no takeover lock or other file left behind.
      expect(await readdir(locks)).toEqual(['state.json.lock']);
      expect(await readdir(dir)).not.toContain('holder');
    },
    60_000,
  );
});
