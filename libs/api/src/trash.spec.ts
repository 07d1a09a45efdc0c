import { sweepOrphans } from '@mediaflow/media-service';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import type { InMemoryObjectStore } from '@mediaflow/domain/testing';
import { apiSpecHarness } from './api.spec-support.js';
import type { AlbumView, BulkResult, EmptyTrash, MediaPage, MediaView, SearchPage, TrashPage } from './client/mediaflow-client.js';

// The trash, favourites and bulk actions over HTTP, on in-memory deps (the stores' own behaviour is
// the contract suites' business).

function setup() {
  const deps = inMemoryDeps();
  return { deps, ...apiSpecHarness(deps) };
}

const DAY_MS = 24 * 3600 * 1000;

describe('the trash', () => {
  it('keeps a trashed item out of the library and search, lists it with when it goes, and restores it as it was', async () => {
    const s = setup();
    const held = await s.seed('alice', { status: 'flagged', title: 'harbour', moderation: { verdict: 'flagged', labels: [] } });
    const kept = await s.seed('alice', { title: 'harbour too' });
    await s.seed('bob', { title: 'harbour' });
    expect((await s.call(`/api/v1/media/${held.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    // Again: already there, nothing to do.
    expect((await s.call(`/api/v1/media/${held.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.json<MediaPage>('/api/v1/media', { owner: 'alice' })).items.map((i) => i.id)).toEqual([kept.id]);
    expect((await s.json<SearchPage>('/api/v1/search?q=harbour', { owner: 'alice' })).items.map((i) => i.id)).toEqual([kept.id]);
    const trash = await s.json<TrashPage>('/api/v1/trash', { owner: 'alice' });
    expect(trash.retentionDays).toBe(30);
    expect(trash.items.map((i) => [i.id, i.status])).toEqual([[held.id, 'trashed']]);
    const view = trash.items[0];
    expect(Date.parse(view?.purgeAt ?? '') - Date.parse(view?.trashedAt ?? '')).toBe(30 * DAY_MS);
    expect((await s.json<TrashPage>('/api/v1/trash', { owner: 'bob' })).items).toEqual([]);
    // Another owner cannot restore it, nor see it; edits wait for a restore.
    expect((await s.call(`/api/v1/media/${held.id}/restore`, { owner: 'bob', method: 'POST' })).status).toBe(404);
    await s.problem(`/api/v1/media/${held.id}`, { owner: 'alice', method: 'PATCH', json: { title: 'x' } }, 409);
    const restored = await s.json<MediaView>(`/api/v1/media/${held.id}/restore`, { owner: 'alice', method: 'POST' });
    // Still held for review: the trash is no way around moderation.
    expect([restored.status, restored.moderation.verdict, restored.trashedAt]).toEqual(['flagged', 'flagged', null]);
    await s.problem(`/api/v1/media/${held.id}/restore`, { owner: 'alice', method: 'POST' }, 409);
    expect((await s.json<TrashPage>('/api/v1/trash', { owner: 'alice' })).items).toEqual([]);
  });

  it('empties in batches until nothing is left, removing objects and records', async () => {
    const s = setup();
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push((await s.seed('alice')).id);
    const other = await s.seed('bob');
    const bulk = await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids, action: 'trash' } });
    expect([bulk.succeeded, bulk.failed]).toEqual([30, 0]);
    const first = await s.json<EmptyTrash>('/api/v1/trash', { owner: 'alice', method: 'DELETE' });
    expect(first).toEqual({ purged: 25, more: true });
    expect(await s.json<EmptyTrash>('/api/v1/trash', { owner: 'alice', method: 'DELETE' })).toEqual({ purged: 5, more: false });
    expect(await s.json<EmptyTrash>('/api/v1/trash', { owner: 'alice', method: 'DELETE' })).toEqual({ purged: 0, more: false });
    for (const id of ids) expect(await s.deps.repo.get('alice', id)).toBeUndefined();
    const store = s.deps.store as InMemoryObjectStore;
    // Only bob's original and thumbnail are left.
    expect(store.size).toBe(2);
    expect(await s.deps.repo.get('bob', other.id)).toBeDefined();
  });

  it('is emptied of what has been there longer than the retention by the sweeper, and nothing else', async () => {
    const s = setup();
    const old = await s.seed('alice');
    const recent = await s.seed('alice');
    await s.call(`/api/v1/media/${old.id}`, { owner: 'alice', method: 'DELETE' });
    s.deps.clock.advance(20 * DAY_MS);
    await s.call(`/api/v1/media/${recent.id}`, { owner: 'alice', method: 'DELETE' });
    s.deps.clock.advance(11 * DAY_MS);
    const report = await sweepOrphans(s.deps, { olderThanSeconds: 3600 });
    expect(report.purgedFromTrash).toBe(1);
    expect(await s.deps.repo.get('alice', old.id)).toBeUndefined();
    expect(await s.deps.store.head(old.original.key)).toBeUndefined();
    expect((await s.json<TrashPage>('/api/v1/trash', { owner: 'alice' })).items.map((i) => i.id)).toEqual([recent.id]);
  });
});

describe('the trash and the pipeline', () => {
  const sha = 'ab'.repeat(32);

  it('brings a trashed item back when the same file is uploaded again', async () => {
    const s = setup();
    const photo = await s.seed('alice', { original: { key: 'k', size: 3, mime: 'image/jpeg', filename: 'a.jpg', sha256: sha } });
    await s.call(`/api/v1/media/${photo.id}`, { owner: 'alice', method: 'DELETE' });
    const again = await s.json<{ id: string; duplicate: boolean }>('/api/v1/uploads', { owner: 'alice', method: 'POST', json: { filename: 'a.jpg', size: 3, sha256: sha } });
    expect(again).toMatchObject({ id: photo.id, duplicate: true });
    expect((await s.json<MediaView>(`/api/v1/media/${photo.id}`, { owner: 'alice' })).status).toBe('ready');
  });

  it('refuses to trash an item still being processed, and asks for tagging that had not run when restoring', async () => {
    const s = setup();
    const processing = await s.seed('alice', { status: 'processing' });
    const untagged = await s.seed('alice', { moderation: { verdict: 'pending', labels: [] } });
    const checked = await s.seed('alice', { moderation: { verdict: 'safe', labels: [], checkedAt: '2026-01-01T00:00:00.000Z' } });
    await s.problem(`/api/v1/media/${processing.id}`, { owner: 'alice', method: 'DELETE' }, 409);
    for (const item of [untagged, checked]) await s.call(`/api/v1/media/${item.id}`, { owner: 'alice', method: 'DELETE' });
    const before = s.deps.bus.published.length;
    expect((await s.json<MediaView>(`/api/v1/media/${untagged.id}/restore`, { owner: 'alice', method: 'POST' })).status).toBe('ready');
    expect((await s.json<MediaView>(`/api/v1/media/${checked.id}/restore`, { owner: 'alice', method: 'POST' })).status).toBe('ready');
    expect(s.deps.bus.published.slice(before).map((e) => [e.type, 'mediaId' in e ? e.mediaId : undefined])).toEqual([['media.processed', untagged.id]]);
    // Two trash requests at once: both are answered as done.
    const both = await Promise.all([1, 2].map(() => s.call(`/api/v1/media/${checked.id}`, { owner: 'alice', method: 'DELETE' })));
    expect(both.map((r) => r.status)).toEqual([204, 204]);
  });

  it('deletes an upload still under way instead of keeping it in the trash', async () => {
    const s = setup();
    const started = await s.json<{ id: string }>('/api/v1/uploads', { owner: 'alice', method: 'POST', json: { filename: 'a.mov', size: 10 } }, 201);
    expect((await s.call(`/api/v1/media/${started.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.call(`/api/v1/media/${started.id}`, { owner: 'alice' })).status).toBe(404);
    expect((await s.json<TrashPage>('/api/v1/trash', { owner: 'alice' })).items).toEqual([]);
  });

  it('deletes for good in bulk only what is in the trash, 25 at a time', async () => {
    const s = setup();
    const live = await s.seed('alice');
    const trashed = await s.seed('alice');
    await s.call(`/api/v1/media/${trashed.id}`, { owner: 'alice', method: 'DELETE' });
    const answer = await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [live.id, trashed.id], action: 'delete' } });
    expect(answer.results).toEqual([
      { id: live.id, ok: false, status: 409, code: 'conflict', reason: expect.stringContaining('not in the trash') },
      { id: trashed.id, ok: true },
    ]);
    expect((await s.json<MediaView>(`/api/v1/media/${live.id}`, { owner: 'alice' })).status).toBe('ready');
    const many = Array.from({ length: 26 }, () => s.deps.ids.next());
    await s.problem('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: many, action: 'delete' } }, 400);
  });
});

describe('bulk actions', () => {
  it('tags, untags, favourites and trashes many items, with an outcome per item', async () => {
    const s = setup();
    const a = await s.seed('alice', { tags: [{ name: 'dog', confidence: 0.9, source: 'ai' }] });
    const b = await s.seed('alice');
    const bobs = await s.seed('bob');
    const missing = s.deps.ids.next();
    const tagged = await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [a.id, bobs.id, b.id, missing], action: 'addTags', tags: ['Summer ', 'beach'] } });
    expect(tagged.results).toEqual([
      { id: a.id, ok: true },
      { id: bobs.id, ok: false, status: 404, code: 'not_found', reason: expect.any(String) },
      { id: b.id, ok: true },
      { id: missing, ok: false, status: 404, code: 'not_found', reason: expect.any(String) },
    ]);
    expect([tagged.succeeded, tagged.failed]).toEqual([2, 2]);
    expect((await s.json<MediaView>(`/api/v1/media/${a.id}`, { owner: 'alice' })).tags.map((t) => t.name).sort()).toEqual(['beach', 'dog', 'summer']);
    expect((await s.json<MediaView>(`/api/v1/media/${bobs.id}`, { owner: 'bob' })).tags).toEqual([]);
    // A wrong AI label can be taken off as well as the owner's own tags.
    await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [a.id], action: 'removeTags', tags: ['dog', 'summer'] } });
    expect((await s.json<MediaView>(`/api/v1/media/${a.id}`, { owner: 'alice' })).tags.map((t) => t.name)).toEqual(['beach']);
    await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [a.id, b.id], action: 'favourite' } });
    expect((await s.json<SearchPage>('/api/v1/search?favourite=true', { owner: 'alice' })).items.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [b.id], action: 'unfavourite' } });
    expect((await s.json<MediaView>(`/api/v1/media/${b.id}`, { owner: 'alice' })).favourite).toBe(false);
    expect((await s.json<MediaView>(`/api/v1/media/${a.id}`, { owner: 'alice', method: 'PATCH', json: { favourite: false } })).favourite).toBe(false);
    // In the trash, an item is not edited: its outcome says so.
    await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [a.id], action: 'trash' } });
    const refused = await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [a.id, b.id], action: 'restore' } });
    expect(refused.results).toEqual([
      { id: a.id, ok: true },
      { id: b.id, ok: false, status: 409, code: 'invalid_transition', reason: expect.any(String) },
    ]);
  });

  it('adds many items to an album at once, and deletes for good from the trash', async () => {
    const s = setup();
    const a = await s.seed('alice');
    const b = await s.seed('alice');
    const album = await s.json<AlbumView>('/api/v1/albums', { owner: 'alice', method: 'POST', json: { name: 'Trip' } }, 201);
    const added = await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [a.id, b.id, s.deps.ids.next()], action: 'addToAlbum', albumId: album.id } });
    expect([added.succeeded, added.failed]).toEqual([2, 1]);
    expect((await s.json<MediaPage>(`/api/v1/albums/${album.id}/items`, { owner: 'alice' })).items).toHaveLength(2);
    await s.problem('/api/v1/media/bulk', { owner: 'bob', method: 'POST', json: { ids: [a.id], action: 'addToAlbum', albumId: album.id } }, 404);
    await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [a.id], action: 'trash' } });
    const deleted = await s.json<BulkResult>('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json: { ids: [a.id], action: 'delete' } });
    expect(deleted.succeeded).toBe(1);
    expect(await s.deps.repo.get('alice', a.id)).toBeUndefined();
    expect(await s.deps.store.head(a.original.key)).toBeUndefined();
  });

  it('refuses a request it cannot read as a whole', async () => {
    const s = setup();
    const a = await s.seed('alice');
    const bad = [
      { ids: [], action: 'trash' },
      { ids: [a.id, a.id], action: 'trash' },
      { ids: [a.id], action: 'explode' },
      { ids: [a.id], action: 'addTags' },
      { ids: [a.id], action: 'trash', tags: ['x'] },
      { ids: [a.id], action: 'addToAlbum' },
      { ids: ['../etc'], action: 'trash' },
      { ids: Array.from({ length: 501 }, () => s.deps.ids.next()), action: 'trash' },
    ];
    for (const json of bad) await s.problem('/api/v1/media/bulk', { owner: 'alice', method: 'POST', json }, 400);
    expect((await s.call('/api/v1/media/bulk', { method: 'POST', json: { ids: [a.id], action: 'trash' } })).status).toBe(401);
    expect((await s.json<MediaView>(`/api/v1/media/${a.id}`, { owner: 'alice' })).status).toBe('ready');
  });
});
