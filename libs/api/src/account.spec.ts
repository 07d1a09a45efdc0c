import { renditionKey, type AccountDirectory } from '@mediaflow/domain';
import { makeMediaItem } from '@mediaflow/domain/testing';
import { inMemoryDeps, type InMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from './app.js';
import { bearerTokens, DELETED_OWNER_RECHECK_MS, DeletedOwners } from './auth.js';
import { LocalTokens, type TokenGenerations } from './local-tokens.js';
import type { OpenApiDocument } from './openapi.js';

// `DELETE /api/v1/me` over HTTP on in-memory deps: the phrase, the passes answered 202 until done,
// then the directory told to end the user's sign-in (locally: a new token generation).

/** Token generations in memory, moved on by the directory as the local server's file store is. */
class MemoryGenerations implements TokenGenerations {
  private readonly generations = new Map<string, number>();
  current(ownerId: string): number {
    return this.generations.get(ownerId) ?? 0;
  }
  revoke(ownerId: string): void {
    this.generations.set(ownerId, this.current(ownerId) + 1);
  }
}

function setup(budgetMs = 10_000, timeLeftMs?: () => number) {
  const deps = inMemoryDeps();
  const generations = new MemoryGenerations();
  const deleted: string[] = [];
  const directory: AccountDirectory = {
    deleteUser: async (ownerId) => {
      deleted.push(ownerId);
      generations.revoke(ownerId);
    },
  };
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), generations, now: () => deps.clock.now() });
  const app = (budget: number) =>
    createApi({ deps, verifier: bearerTokens(tokens), account: { records: deps.repo, directory, budgetMs: budget, ...(timeLeftMs === undefined ? {} : { timeLeftMs }) } });
  const api = app(budgetMs);
  const send = (token: string, body?: unknown, on = api) =>
    on.request('/api/v1/me', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { deps, tokens, deleted, api, app, send };
}

async function seed(deps: InMemoryDeps, ownerId: string): Promise<void> {
  const id = deps.ids.next();
  const thumb = { name: 'thumb', format: 'webp' as const, key: renditionKey(ownerId, id, 'thumb', 'webp'), contentType: 'image/webp', bytes: 4, width: 8, height: 8 };
  await deps.repo.create(makeMediaItem({ id, ownerId, status: 'ready', renditions: [thumb] }));
  await deps.store.put(thumb.key, new Uint8Array([1]));
}

describe('DELETE /api/v1/me', () => {
  it('asks for the exact phrase, and deletes nothing without it', async () => {
    const s = setup();
    await seed(s.deps, 'alice');
    const token = s.tokens.issue('alice');
    for (const body of [{}, { confirm: 'Delete my account' }, { confirm: 'delete my account ' }, { confirm: 'delete my account', force: true }]) {
      const res = await s.send(token, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    // No body (so no Content-Type), or the phrase sent as another type: not JSON, a 415.
    expect((await s.send(token)).status).toBe(415);
    const asText = await s.api.request('/api/v1/me', { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: JSON.stringify({ confirm: 'delete my account' }) });
    expect(asText.status).toBe(415);
    expect(s.deps.repo.itemsOf('alice')).toHaveLength(1);
    expect(s.deleted).toEqual([]);
  });

  it('answers 202 while work is left, then 200 once nothing is, and only then ends the user\u2019s sign-in', async () => {
    const s = setup();
    for (let i = 0; i < 3; i += 1) await seed(s.deps, 'alice');
    await seed(s.deps, 'bob');
    const token = s.tokens.issue('alice');
    // No time at all: nothing is done, and the client is told to call again.
    const pending = await s.send(token, { confirm: 'delete my account' }, s.app(0));
    expect(pending.status).toBe(202);
    expect(await pending.json()).toEqual({ done: false, removed: { items: 0, albums: 0, shares: 0, objects: 0 } });
    expect(s.deleted).toEqual([]);
    expect((await s.api.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const done = await s.send(token, { confirm: 'delete my account' });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ done: true, removed: { items: 3, albums: 0, shares: 0, objects: 0 } });
    expect(s.deleted).toEqual(['alice']);
    expect(s.deps.repo.itemsOf('alice')).toEqual([]);
    expect(s.deps.repo.itemsOf('bob')).toHaveLength(1);
    // Every earlier token of hers is refused from now on; a new sign-in finds an empty library.
    expect((await s.api.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await s.send(token, { confirm: 'delete my account' })).status).toBe(401);
    const again = await s.send(s.tokens.issue('alice'), { confirm: 'delete my account' });
    expect([again.status, s.deleted]).toEqual([200, ['alice', 'alice']]);
  });

  it('is in the OpenAPI document with its body and both answers, where the API deletes accounts', async () => {
    const s = setup();
    const doc = (await (await s.api.request('/api/openapi.json')).json()) as OpenApiDocument;
    const operation = (doc.paths['/api/v1/me'] as Record<string, { operationId: string; responses: Record<string, unknown>; requestBody?: unknown }>)['delete'];
    expect(operation?.operationId).toBe('deleteMe');
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '202', '400']));
    expect(JSON.stringify(operation?.requestBody)).toContain('AccountDeletionRequest');
    // Without account deletion wired, there is no such route.
    const without = createApi({ deps: s.deps, verifier: bearerTokens(s.tokens) });
    const res = await without.request('/api/v1/me', { method: 'DELETE', headers: { authorization: `Bearer ${s.tokens.issue('bob')}`, 'content-type': 'application/json' }, body: JSON.stringify({ confirm: 'delete my account' }) });
    expect([404, 405]).toContain(res.status);
  });

  it('refuses every token of a deleted account, whoever still accepts it, but answers its deletion again with done', async () => {
    // As in AWS: the directory deletes the user, but a token issued before still passes its checks.
    const deps = inMemoryDeps();
    const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => deps.clock.now() });
    const directory: AccountDirectory = { deleteUser: async () => undefined };
    const make = () => createApi({ deps, verifier: bearerTokens(tokens), account: { records: deps.repo, directory } });
    const api = make();
    await seed(deps, 'alice');
    const auth = { authorization: `Bearer ${tokens.issue('alice')}` };
    const remove = (on = api) => on.request('/api/v1/me', { method: 'DELETE', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ confirm: 'delete my account' }) });
    expect((await remove()).status).toBe(200);
    // A retried last round reads whether anything came since, and goes through no pass again.
    const forgets = jest.spyOn(deps.repo, 'forgetOwner');

    for (const on of [api, make()]) {
      const me = await on.request('/api/v1/me', { headers: auth });
      expect(me.status).toBe(401);
      expect(((await me.json()) as { detail: string }).detail).toBe('this account was deleted');
      const upload = await on.request('/api/v1/uploads', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'a.jpg', size: 10 }) });
      expect(upload.status).toBe(401);
      const album = await on.request('/api/v1/albums', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Again' }) });
      expect(album.status).toBe(401);
      // A last round made again (its 200 was lost): done, nothing more removed.
      const again = await remove(on);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ done: true, removed: { items: 0, albums: 0, shares: 0, objects: 0 } });
    }
    expect(deps.repo.itemsOf('alice')).toEqual([]);
    expect(forgets).not.toHaveBeenCalled();
    // Another owner is let in as before.
    expect((await api.request('/api/v1/me', { headers: { authorization: `Bearer ${tokens.issue('bob')}` } })).status).toBe(200);
  });

  it('works no longer than the function has left, and tells the directory only with time to spare', async () => {
    let left = 4_000;
    const s = setup(10_000, () => left);
    await seed(s.deps, 'alice');
    const token = s.tokens.issue('alice');
    // Less than the margin left: no time to work at all.
    const none = await s.send(token, { confirm: 'delete my account' });
    expect([none.status, await none.json()]).toEqual([202, { done: false, removed: { items: 0, albums: 0, shares: 0, objects: 0 } }]);
    // Time to delete everything, not to hear from the directory: the next call tells it.
    left = 5_000;
    const deleted = await s.send(token, { confirm: 'delete my account' });
    expect([deleted.status, await deleted.json()]).toEqual([202, { done: false, removed: { items: 1, albums: 0, shares: 0, objects: 0 } }]);
    expect(s.deleted).toEqual([]);
    left = 14_000;
    const done = await s.send(token, { confirm: 'delete my account' });
    expect([done.status, s.deleted]).toEqual([200, ['alice']]);
  });
});

describe('DeletedOwners', () => {
  it('asks the store at most once every DELETED_OWNER_RECHECK_MS per owner while the answer is no, and never again once it is yes', async () => {
    let now = 0;
    const deleted = new Set<string>();
    const asked: string[] = [];
    const owners = new DeletedOwners(
      {
        isDeleted: async (ownerId) => {
          asked.push(ownerId);
          return deleted.has(ownerId);
        },
      },
      () => now,
    );
    expect(await Promise.all([owners.isDeleted('alice'), owners.isDeleted('alice')])).toEqual([false, false]);
    deleted.add('alice');
    now = DELETED_OWNER_RECHECK_MS - 1;
    expect(await owners.isDeleted('alice')).toBe(false);
    expect(asked).toEqual(['alice']);
    now = DELETED_OWNER_RECHECK_MS;
    expect(await owners.isDeleted('alice')).toBe(true);
    now = 100 * DELETED_OWNER_RECHECK_MS;
    expect(await owners.isDeleted('alice')).toBe(true);
    expect(asked).toEqual(['alice', 'alice']);
    // A failed read is not remembered.
    const failing = new DeletedOwners({ isDeleted: async () => Promise.reject(new Error('throttled')) }, () => now);
    await expect(failing.isDeleted('bob')).rejects.toThrow('throttled');
    await expect(failing.isDeleted('bob')).rejects.toThrow('throttled');
  });
});
