import { TimeoutError, type MediaRepository } from '@mediaflow/domain';

export interface LockWaitOptions {
  /** How long one call may wait for the lock in all, across its attempts. */
  budgetMs: number;
  /** The pause between two attempts. */
  pauseMs: number;
  /** Told once per call that had to wait (the server logs it). */
  onWait?: (what: string) => void;
  /** For tests; the clock and timers otherwise. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The repository's way of saying "another connection held the lock past my busy timeout". */
function isLocked(error: unknown): boolean {
  if (!(error instanceof TimeoutError)) return false;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * A repository that waits for a locked database between attempts, on timers, instead of inside
 * SQLite: better-sqlite3 calls are synchronous, so a busy timeout spent inside a call stops the
 * whole server (every request and every worker) until the lock frees or the timeout ends. Under
 * this wrapper the SQLite repository keeps a busy timeout of a few milliseconds (enough for
 * another process's short writes), and a call that still finds the database locked tries again
 * after a pause, until `budgetMs` has passed; then its `TimeoutError` goes through (the API answers
 * 503 with Retry-After). An attempt that found the lock changed nothing (every write takes the
 * lock before its first statement), so trying again is safe for writes too.
 *
 * @example
 * const repo = waitingForLocks(new SqliteMediaRepository({ filename, busyTimeoutMs: 20 }), { budgetMs: 5000, pauseMs: 100 });
 */
export function waitingForLocks(repo: MediaRepository, options: LockWaitOptions): MediaRepository {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const patiently = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    const giveUpAt = now() + options.budgetMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const left = giveUpAt - now();
        if (!isLocked(error) || left <= 0) throw error;
        if (attempt === 0) options.onWait?.(what);
        await sleep(Math.min(options.pauseMs, left));
      }
    }
  };
  const waiting: MediaRepository = {
    create: (item) => patiently('create', () => repo.create(item)),
    get: (ownerId, id) => patiently('get', () => repo.get(ownerId, id)),
    update: (next, expectedVersion) => patiently('update', () => repo.update(next, expectedVersion)),
    list: (ownerId, query) => patiently('list', () => repo.list(ownerId, query)),
    findByHash: (ownerId, sha256) => patiently('findByHash', () => repo.findByHash(ownerId, sha256)),
    tagCounts: (ownerId) => patiently('tagCounts', () => repo.tagCounts(ownerId)),
    delete: (ownerId, id) => patiently('delete', () => repo.delete(ownerId, id)),
    listTrash: (ownerId, query) => patiently('listTrash', () => repo.listTrash(ownerId, query)),
    listTrashedBefore: (before, limit) => patiently('listTrashedBefore', () => repo.listTrashedBefore(before, limit)),
  };
  // Optional methods stay optional: callers look for them.
  const { revision, listStale, usage } = repo;
  if (revision) waiting.revision = (ownerId) => patiently('revision', () => revision.call(repo, ownerId));
  if (listStale) waiting.listStale = (status, before, limit) => patiently('listStale', () => listStale.call(repo, status, before, limit));
  if (usage) waiting.usage = (ownerId) => patiently('usage', () => usage.call(repo, ownerId));
  return waiting;
}
