import { randomBytes } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';

/** How long a lock may be held before another process takes it over (a holder needs milliseconds). */
export const STALE_LOCK_MS = 30_000;

/** How old a takeover lock may grow before another waiter removes it (a takeover needs milliseconds). */
export const STALE_TAKEOVER_MS = 5_000;

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
 * than `staleMs`, or whose process on this machine is gone (killed mid-change), is stale. A stale
 * lock is removed only by the one waiter that holds `<lockPath>.takeover` (itself a `wx` lock),
 * and only while it still holds exactly what was judged stale: a lock is never moved aside and
 * put back, so a lock taken in between is never disturbed. The holder removes its lock only while
 * the file still holds its own record (not taken over as stale meanwhile).
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const now = options.now ?? Date.now;
  const waitMs = options.waitMs ?? 5_000;
  const judge: Judge = { now, staleMs: options.staleMs ?? STALE_LOCK_MS, isAlive: options.isAlive ?? processAlive };
  const record = newRecord(now());
  const deadline = now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    if (await createLock(lockPath, record)) break;
    if (await takeOverIfStale(lockPath, judge)) continue;
    if (now() >= deadline) throw new LockTimeoutError(`${lockPath} stayed locked for ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, delay + Math.floor(Math.random() * delay)));
  }
  try {
    return await work();
  } finally {
    await removeIfUnchanged(lockPath, record);
  }
}

interface Judge {
  now: () => number;
  staleMs: number;
  isAlive: (pid: number) => boolean;
}

function newRecord(at: number): string {
  return JSON.stringify({ pid: process.pid, host: hostname(), at, token: randomBytes(8).toString('hex') } satisfies LockRecord);
}

/** Creates `path` holding `record`; false when it exists already. */
async function createLock(path: string, record: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(record);
  } catch (error) {
    // An empty lock would keep every other process waiting until it is stale.
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  return true;
}

interface Seen {
  text: string;
  mtimeMs: number;
}

/** The content and age of a lock file; undefined when there is none. */
async function look(path: string): Promise<Seen | undefined> {
  try {
    const [text, mtimeMs] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtimeMs)]);
    return { text, mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(seen: Seen, maxAgeMs: number, judge: Judge): boolean {
  const held = parseRecord(seen.text);
  if (held !== undefined && held.host === hostname() && !judge.isAlive(held.pid)) return true;
  return judge.now() - (held?.at ?? seen.mtimeMs) >= maxAgeMs;
}

/** Removes `path` only while it still holds `text` (a lock with a new record is left alone). */
async function removeIfUnchanged(path: string, text: string): Promise<void> {
  const held = await readFile(path, 'utf8').catch(() => undefined);
  if (held === text) await rm(path, { force: true });
}

/** Removes a stale lock; true when the caller should try to take the lock again at once. */
async function takeOverIfStale(lockPath: string, judge: Judge): Promise<boolean> {
  const seen = await look(lockPath);
  if (seen === undefined) return true;
  if (!isStale(seen, judge.staleMs, judge)) return false;
  const takeoverPath = `${lockPath}.takeover`;
  const mine = newRecord(judge.now());
  if (!(await createLock(takeoverPath, mine))) {
    // Another waiter is taking over (it needs milliseconds). One that died doing so left its
    // takeover lock behind: that is removed, and the lock tried again after the usual pause.
    const other = await look(takeoverPath);
    if (other !== undefined && isStale(other, STALE_TAKEOVER_MS, judge)) await removeIfUnchanged(takeoverPath, other.text);
    return false;
  }
  try {
    // Judged again under the takeover lock: another waiter may have taken the stale lock over
    // already, and a new lock taken since then is left alone.
    const current = await look(lockPath);
    if (current !== undefined && current.text === seen.text && isStale(current, judge.staleMs, judge)) await rm(lockPath, { force: true });
    return true;
  } finally {
    await removeIfUnchanged(takeoverPath, mine);
  }
}
