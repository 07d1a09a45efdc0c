import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';

/** How long a lock may be held before another process takes it over (a holder needs milliseconds). */
export const STALE_LOCK_MS = 30_000;

export interface FileLockOptions {
  /** How long to wait for a lock another process holds (default 5 s). */
  waitMs?: number;
  staleMs?: number;
  now?: () => number;
  /** Whether a process of this machine still runs (default: signal 0). */
  isAlive?: (pid: number) => boolean;
}

/** Thrown when the lock stayed taken (and fresh) for the whole wait. */
export class LockTimeoutError extends Error {}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockRecord {
  pid: number;
  host: string;
  at: number;
  token: string;
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    if (typeof r.pid === 'number' && typeof r.host === 'string' && typeof r.at === 'number' && typeof r.token === 'string') return r as LockRecord;
  } catch {
    // A lock cut short while being written: judged by its age alone.
  }
  return undefined;
}

/**
 * Runs `work` while holding `lockPath`, a file created with `wx` (exclusive create works across
 * processes on every local filesystem, where `flock` is not reachable from Node). A lock older
 * than `staleMs`, or whose process on this machine is gone (killed mid-change), is stale: it is
 * renamed aside (only one of several waiters wins the rename) and, should it turn out to be a
 * fresh lock taken in between, linked back.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const now = options.now ?? Date.now;
  const waitMs = options.waitMs ?? 5_000;
  const staleMs = options.staleMs ?? STALE_LOCK_MS;
  const isAlive = options.isAlive ?? processAlive;
  const token = randomBytes(8).toString('hex');
  const record = JSON.stringify({ pid: process.pid, host: hostname(), at: now(), token } satisfies LockRecord);
  const deadline = now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(record);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await takeOverIfStale(lockPath, now(), staleMs, isAlive)) continue;
    if (now() >= deadline) throw new LockTimeoutError(`${lockPath} stayed locked for ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, delay + Math.floor(Math.random() * delay)));
  }
  try {
    return await work();
  } finally {
    // Removed only while it is still ours (not taken over as stale meanwhile).
    const held = await readFile(lockPath, 'utf8').catch(() => '');
    if (parseRecord(held)?.token === token) await rm(lockPath, { force: true });
  }
}

/** Removes a stale lock; true when the caller should try to take the lock again at once. */
async function takeOverIfStale(lockPath: string, now: number, staleMs: number, isAlive: (pid: number) => boolean): Promise<boolean> {
  let seen: string;
  let mtimeMs: number;
  try {
    [seen, mtimeMs] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath).then((s) => s.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const held = parseRecord(seen);
  const gone = held !== undefined && held.host === hostname() && !isAlive(held.pid);
  if (!gone && now - (held?.at ?? mtimeMs) < staleMs) return false;
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => seen);
  if (moved !== seen) await link(aside, lockPath).catch(() => undefined);
  await rm(aside, { force: true });
  return true;
}
