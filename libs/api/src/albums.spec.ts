import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { apiSpecHarness } from './api.spec-support.js';
import type { AlbumItemsAdded, AlbumItemsRemoved, AlbumList, AlbumPage, AlbumView, MediaPage, Problem } from './client/mediaflow-client.js';

// Albums over HTTP: the app on in-memory deps, items seeded ready in the repository and the store.

function setup() {
  const deps = inMemoryDeps();
  const h = apiSpecHarness(deps);
  const album = (owner: string, name: string, description?: string) =>
    h.json<AlbumView>('/api/v1/albums', { owner, method: 'POST', json: description === undefined ? { name } : { name, description } }, 201);
  const add = (owner: string, albumId: string, mediaIds: string[], status = 200) =>
    h.json<AlbumItemsAdded>(`/api/v1/albums/${albumId}/items`, { owner, method: 'POST', json: { mediaIds } }, status);
  return { deps, ...h, album, add };
}

const UNKNOWN = '01J00000000000000000000000';

describe('albums', () => {
  it('creates (201 with Location), reads, lists newest first with cursors, edits and deletes', async () => {
    const s = setup();
    const res = await s.call('/api/v1/albums', { owner: 'alice', method: 'POST', json: { name: '  Summer  ', description: 'Sea and sun' } });
    expect(res.status).toBe(201);
    const summer = (await res.json()) as AlbumView;
    expect(res.headers.get('location')).toBe(`/api/v1/albums/${summer.id}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(summer).toEqual({
      id: summer.id,
      name: 'Summer',
      description: 'Sea and sun',
      coverMediaId: null,
      cover: null,
      itemCount: 0,
      newestTakenAt: null,
      createdAt: s.deps.clock.now().toISOString(),
      updatedAt: s.deps.clock.now().toISOString(),
    });
    s.deps.clock.advance(1000);
    const winter = await s.album('alice', 'Winter');
    s.deps.clock.advance(1000);
    const spring = await s.album('alice', 'Spring');

    expect(await s.json<AlbumView>(`/api/v1/albums/${summer.id}`, { owner: 'alice' })).toEqual(summer);
    const first = await s.json<AlbumPage>('/api/v1/albums?limit=2', { owner: 'alice' });
    expect(first.items.map((a) => a.name)).toEqual(['Spring', 'Winter']);
    const second = await s.json<AlbumPage>(`/api/v1/albums?limit=2&cursor=${first.nextCursor}`, { owner: 'alice' });
    expect([second.items.map((a) => a.name), second.nextCursor]).toEqual([['Summer'], null]);

    const renamed = await s.json<AlbumView>(`/api/v1/albums/${winter.id}`, { owner: 'alice', method: 'PATCH', json: { name: 'Snow', description: 'cold' } });
    expect([renamed.name, renamed.description]).toEqual(['Snow', 'cold']);
    const cleared = await s.json<AlbumView>(`/api/v1/albums/${winter.id}`, { owner: 'alice', method: 'PATCH', json: { description: null } });
    expect([cleared.name, cleared.description]).toEqual(['Snow', null]);
    expect((await s.call(`/api/v1/albums/${winter.id}`, { owner: 'alice', method: 'PATCH', json: {} })).status).toBe(400);
    expect((await s.call('/api/v1/albums', { owner: 'alice', method: 'POST', json: { name: '   ' } })).status).toBe(400);

    expect((await s.call(`/api/v1/albums/${spring.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.call(`/api/v1/albums/${spring.id}`, { owner: 'alice' })).status).toBe(404);
    expect((await s.call(`/api/v1/albums/${spring.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(404);
    expect(s.deps.bus.published.map((e) => e.type)).toEqual(['album.created', 'album.created', 'album.created', 'album.updated', 'album.updated', 'album.deleted']);
  });

  it('adds items in bulk with an outcome per id, counts them and keeps the newest date', async () => {
    const s = setup();
    const old = await s.seed('alice', { facts: { capturedAt: '2020-05-01T10:00:00+02:00' } });
    const recent = await s.seed('alice');
    const gone = await s.seed('alice', { status: 'deleted' });
    const uploading = await s.seed('alice', { status: 'uploading' });
    const bobs = await s.seed('bob');
    const trip = await s.album('alice', 'Trip');

    const added = await s.add('alice', trip.id, [old.id, recent.id, old.id, gone.id, uploading.id, bobs.id, UNKNOWN]);
    expect(added.results).toEqual([
      { id: old.id, outcome: 'added' },
      { id: recent.id, outcome: 'added' },
      { id: gone.id, outcome: 'not_found' },
      { id: uploading.id, outcome: 'not_found' },
      { id: bobs.id, outcome: 'not_found' },
      { id: UNKNOWN, outcome: 'not_found' },
    ]);
    expect(added.album).toMatchObject({ itemCount: 2, newestTakenAt: recent.createdAt });
    const again = await s.add('alice', trip.id, [recent.id]);
    expect([again.results, again.album.itemCount]).toEqual([[{ id: recent.id, outcome: 'present' }], 2]);
    expect(s.deps.bus.published.filter((e) => e.type === 'album.items_added')).toEqual([
      expect.objectContaining({ albumId: trip.id, data: { mediaIds: [old.id, recent.id], itemCount: 2 } }),
    ]);

    expect((await s.call(`/api/v1/albums/${trip.id}/items`, { owner: 'alice', method: 'POST', json: { mediaIds: [] } })).status).toBe(400);
    const tooMany = Array.from({ length: 501 }, () => UNKNOWN);
    expect((await s.call(`/api/v1/albums/${trip.id}/items`, { owner: 'alice', method: 'POST', json: { mediaIds: tooMany } })).status).toBe(400);
    expect((await s.call(`/api/v1/albums/${UNKNOWN}/items`, { owner: 'alice', method: 'POST', json: { mediaIds: [old.id] } })).status).toBe(404);
  });

  it('lists items by date taken (upload time where unknown), ascending or descending, with cursors', async () => {
    const s = setup();
    // Uploaded in this order; taken in another.
    const a = await s.seed('alice', { facts: { capturedAt: '2021-01-01T00:00:00Z' } });
    const b = await s.seed('alice');
    const c = await s.seed('alice', { facts: { capturedAt: '2019-01-01T00:00:00Z' } });
    const d = await s.seed('alice', { status: 'flagged', moderation: { verdict: 'flagged', labels: [] } });
    const trip = await s.album('alice', 'Trip');
    await s.add('alice', trip.id, [a.id, b.id, c.id, d.id]);

    const ids = (page: MediaPage) => page.items.map((i) => i.id);
    expect(ids(await s.json<MediaPage>(`/api/v1/albums/${trip.id}/items`, { owner: 'alice' }))).toEqual([c.id, a.id, b.id, d.id]);
    expect(ids(await s.json<MediaPage>(`/api/v1/albums/${trip.id}/items?order=desc`, { owner: 'alice' }))).toEqual([d.id, b.id, a.id, c.id]);
    const first = await s.json<MediaPage>(`/api/v1/albums/${trip.id}/items?order=desc&limit=3`, { owner: 'alice' });
    expect(ids(first)).toEqual([d.id, b.id, a.id]);
    const rest = await s.json<MediaPage>(`/api/v1/albums/${trip.id}/items?order=desc&limit=3&cursor=${first.nextCursor}`, { owner: 'alice' });
    expect([ids(rest), rest.nextCursor]).toEqual([[c.id], null]);
    // A cursor of one order is refused in the other.
    expect((await s.call(`/api/v1/albums/${trip.id}/items?order=asc&cursor=${first.nextCursor}`, { owner: 'alice' })).status).toBe(400);
    expect((await s.call(`/api/v1/albums/${trip.id}/items?order=sideways`, { owner: 'alice' })).status).toBe(400);
  });

  it('shows the chosen cover, else the newest member, and clears a cover that leaves the album', async () => {
    const s = setup();
    const older = await s.seed('alice', { facts: { capturedAt: '2019-01-01T00:00:00Z' } });
    const newer = await s.seed('alice');
    const outsider = await s.seed('alice');
    const trip = await s.album('alice', 'Trip');
    await s.add('alice', trip.id, [older.id, newer.id]);

    const auto = await s.json<AlbumView>(`/api/v1/albums/${trip.id}`, { owner: 'alice' });
    expect([auto.coverMediaId, auto.cover?.id]).toEqual([null, newer.id]);
    expect(auto.cover?.renditions[0]?.url).toBe(`/media/renditions/alice/${newer.id}/thumb.webp`);

    const chosen = await s.json<AlbumView>(`/api/v1/albums/${trip.id}`, { owner: 'alice', method: 'PATCH', json: { coverMediaId: older.id } });
    expect([chosen.coverMediaId, chosen.cover?.id]).toEqual([older.id, older.id]);
    const refused = await s.call(`/api/v1/albums/${trip.id}`, { owner: 'alice', method: 'PATCH', json: { coverMediaId: outsider.id } });
    expect(refused.status).toBe(400);

    const removed = await s.json<AlbumItemsRemoved>(`/api/v1/albums/${trip.id}/items/remove`, { owner: 'alice', method: 'POST', json: { mediaIds: [older.id, outsider.id] } });
    expect(removed.results).toEqual([
      { id: older.id, outcome: 'removed' },
      { id: outsider.id, outcome: 'absent' },
    ]);
    expect(removed.album).toMatchObject({ itemCount: 1, coverMediaId: null, cover: { id: newer.id } });
    const emptied = await s.json<AlbumItemsRemoved>(`/api/v1/albums/${trip.id}/items/remove`, { owner: 'alice', method: 'POST', json: { mediaIds: [newer.id] } });
    expect(emptied.album).toMatchObject({ itemCount: 0, cover: null, newestTakenAt: null });
    expect(s.deps.bus.published.filter((e) => e.type === 'album.items_removed').map((e) => ('data' in e ? e.data : undefined))).toEqual([
      { mediaIds: [older.id], itemCount: 1 },
      { mediaIds: [newer.id], itemCount: 0 },
    ]);
  });

  it('lists the albums that hold an item', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const a = await s.album('alice', 'A');
    const b = await s.album('alice', 'B');
    await s.album('alice', 'C');
    await s.add('alice', a.id, [item.id]);
    await s.add('alice', b.id, [item.id]);
    const held = await s.json<AlbumList>(`/api/v1/media/${item.id}/albums`, { owner: 'alice' });
    expect(held.items.map((x) => x.name)).toEqual(['B', 'A']);
    expect((await s.call(`/api/v1/media/${item.id}/albums`, { owner: 'bob' })).status).toBe(404);
  });

  it('keeps the media when an album is deleted', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const trip = await s.album('alice', 'Trip');
    await s.add('alice', trip.id, [item.id]);
    expect((await s.call(`/api/v1/albums/${trip.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.call(`/api/v1/media/${item.id}`, { owner: 'alice' })).status).toBe(200);
    expect((await s.call(`/media/renditions/alice/${item.id}/thumb.webp`, { owner: 'alice' })).status).toBe(200);
    expect((await s.json<AlbumList>(`/api/v1/media/${item.id}/albums`, { owner: 'alice' })).items).toEqual([]);
  });

  it('leaves an item in the trash out of its albums\u2019 pages, and shows it again once restored', async () => {
    const s = setup();
    const keep = await s.seed('alice');
    const trashed = await s.seed('alice');
    const trip = await s.album('alice', 'Trip');
    await s.add('alice', trip.id, [keep.id, trashed.id]);
    expect((await s.call(`/api/v1/media/${trashed.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.json<MediaPage>(`/api/v1/albums/${trip.id}/items`, { owner: 'alice' })).items.map((i) => i.id)).toEqual([keep.id]);
    expect((await s.call(`/api/v1/media/${trashed.id}/restore`, { owner: 'alice', method: 'POST' })).status).toBe(200);
    expect((await s.json<MediaPage>(`/api/v1/albums/${trip.id}/items`, { owner: 'alice' })).items.map((i) => i.id).sort()).toEqual([keep.id, trashed.id].sort());
  });

  it('takes an item deleted for good out of its albums', async () => {
    const s = setup();
    const keep = await s.seed('alice');
    const doomed = await s.seed('alice');
    const trip = await s.album('alice', 'Trip');
    await s.add('alice', trip.id, [keep.id, doomed.id]);
    await s.json<AlbumView>(`/api/v1/albums/${trip.id}`, { owner: 'alice', method: 'PATCH', json: { coverMediaId: doomed.id } });
    expect((await s.call(`/api/v1/media/${doomed.id}?permanent=true`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect(await s.json<AlbumView>(`/api/v1/albums/${trip.id}`, { owner: 'alice' })).toMatchObject({ itemCount: 1, coverMediaId: null, cover: { id: keep.id } });
    expect((await s.json<MediaPage>(`/api/v1/albums/${trip.id}/items`, { owner: 'alice' })).items.map((i) => i.id)).toEqual([keep.id]);
    expect(await s.deps.albums.albumsOf('alice', doomed.id)).toEqual([]);
  });

  it('gives another owner 404 for every album route and refuses to file their items', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const trip = await s.album('alice', 'Trip');
    await s.add('alice', trip.id, [item.id]);
    const attempts: [string, { method?: string; json?: unknown }][] = [
      [`/api/v1/albums/${trip.id}`, {}],
      [`/api/v1/albums/${trip.id}`, { method: 'PATCH', json: { name: 'mine' } }],
      [`/api/v1/albums/${trip.id}`, { method: 'DELETE' }],
      [`/api/v1/albums/${trip.id}/items`, {}],
      [`/api/v1/albums/${trip.id}/items`, { method: 'POST', json: { mediaIds: [item.id] } }],
      [`/api/v1/albums/${trip.id}/items/remove`, { method: 'POST', json: { mediaIds: [item.id] } }],
      ['/api/v1/shares', { method: 'POST', json: { target: { type: 'album', albumId: trip.id } } }],
      ['/api/v1/shares', { method: 'POST', json: { target: { type: 'media', mediaId: item.id } } }],
    ];
    for (const [path, init] of attempts) {
      const res = await s.call(path, { ...init, owner: 'bob' });
      expect([path, init.method ?? 'GET', res.status]).toEqual([path, init.method ?? 'GET', 404]);
      expect(((await res.json()) as Problem).code).toBe('not_found');
    }
    expect((await s.json<AlbumPage>('/api/v1/albums', { owner: 'bob' })).items).toEqual([]);
    // Bob's own album does not take Alice's item either.
    const bobs = await s.album('bob', 'Mine');
    expect((await s.add('bob', bobs.id, [item.id])).results).toEqual([{ id: item.id, outcome: 'not_found' }]);
    // Nothing changed for Alice.
    expect(await s.json<AlbumView>(`/api/v1/albums/${trip.id}`, { owner: 'alice' })).toMatchObject({ name: 'Trip', itemCount: 1 });
    expect((await s.call('/api/v1/albums')).status).toBe(401);
  });
});
