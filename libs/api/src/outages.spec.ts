import { TimeoutError } from '@mediaflow/domain';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens } from './auth.js';
import { LocalTokens } from './local-tokens.js';

/** Shaped like what Node's fs throws when the disk is full. */
function diskFull(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/** Shaped like better-sqlite3's errors (a `SqliteError` with SQLite's extended code). */
function sqliteError(code: string, message: string): Error {
  const error = Object.assign(new Error(message), { code });
  error.name = 'SqliteError';
  return error;
}

function setup(localUploads?: (request: Request) => Promise<Response>) {
  const deps = inMemoryDeps();
  const { clock } = deps;
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => clock.now() });
  const logged: unknown[] = [];
  const app = createApi({ deps, verifier: bearerTokens(tokens), onError: (e) => logged.push(e), ...(localUploads ? { localUploads } : {}) });
  const startUpload = () =>
    app.request('/api/v1/uploads', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.issue('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'a.jpg', size: 10 }),
    });
  return { deps, app, logged, startUpload };
}

describe('answers when the machine, not the request, is at fault', () => {
  it('a full disk under a local upload is 507 problem+json, logged, with no Retry-After', async () => {
    const s = setup(async () => {
      throw diskFull();
    });
    const res = await s.app.request('/_local/objects/originals/alice/x', { method: 'PUT', body: 'bytes' });
    expect(res.status).toBe(507);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toMatchObject({ status: 507, code: 'insufficient_storage', title: 'Insufficient storage', detail: 'the server has run out of disk space; nothing was stored' });
    expect(s.logged).toHaveLength(1);
  });

  it("SQLite's full database is 507 too, wherever it is thrown", async () => {
    const s = setup();
    s.deps.repo.create = async () => {
      throw sqliteError('SQLITE_FULL', 'database or disk is full');
    };
    const res = await s.startUpload();
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([507, 'insufficient_storage']);
  });

  it('a database locked past the busy timeout is 503 with Retry-After, whether wrapped in a TimeoutError or not', async () => {
    const s = setup();
    s.deps.repo.create = async () => {
      throw new TimeoutError('the media database stayed locked during create', { cause: sqliteError('SQLITE_BUSY', 'database is locked') });
    };
    const wrapped = await s.startUpload();
    expect(wrapped.status).toBe(503);
    expect(wrapped.headers.get('retry-after')).toBe('2');
    expect(await wrapped.json()).toMatchObject({ code: 'unavailable', title: 'Service unavailable', detail: 'the database is locked by another process; try again in 2 s' });

    // The queues' database answers with SQLite's own error.
    const t = setup();
    t.deps.bus.publish = async () => {
      throw sqliteError('SQLITE_BUSY_SNAPSHOT', 'database is locked');
    };
    const raw = await t.startUpload();
    expect([raw.status, raw.headers.get('retry-after')]).toEqual([503, '2']);
  });

  it('leaves other failures as they were: a timeout of our own is 504, an unknown error 500 without details', async () => {
    const s = setup();
    s.deps.repo.create = async () => {
      throw new TimeoutError('took too long');
    };
    const timeout = await s.startUpload();
    expect([timeout.status, timeout.headers.get('retry-after')]).toEqual([504, null]);

    const t = setup();
    t.deps.repo.create = async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    const denied = await t.startUpload();
    expect(denied.status).toBe(500);
    expect(((await denied.json()) as { detail: string }).detail).not.toContain('EACCES');
  });
});
