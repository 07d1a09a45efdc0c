import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { apiSpecHarness } from './api.spec-support.js';
import type { AlbumView, SearchPage, Timeline } from './client/mediaflow-client.js';

// Search and the timeline over HTTP: the app on in-memory deps (the search reference), items seeded
// ready in the repository; the adapters' own behaviour is the contract suite's business.

function setup() {
  const deps = inMemoryDeps();
  return { deps, ...apiSpecHarness(deps) };
}

describe('search', () => {
  it('finds items by words, says where they matched, and shows them as the list does', async () => {
    const s = setup();
    const puppy = await s.seed('alice', { title: 'Puppies on the beach', tags: [{ name: 'dog', confidence: 0.9, source: 'ai', parent: 'animal' }] });
    await s.seed('alice', { title: 'Harbour at night' });
    await s.seed('bob', { title: 'Puppies too' });
    const page = await s.json<SearchPage>('/api/v1/search?q=pupp', { owner: 'alice' });
    expect(page.items.map((i) => [i.id, i.matched])).toEqual([[puppy.id, ['title']]]);
    expect(page.nextCursor).toBeNull();
    const view = page.items[0];
    expect(view?.takenAt).toBe(puppy.createdAt);
    expect(view?.renditions[0]?.url).toMatch(/^\/media\/renditions\//);
    const bySynonym = await s.json<SearchPage>('/api/v1/search?q=doggy%20', { owner: 'alice' });
    expect(bySynonym.items.map((i) => [i.id, i.matched])).toEqual([[puppy.id, ['title', 'label']]]);
  });

  it('finds an item by a word read from its picture, and shows the words and the face count with it', async () => {
    const s = setup();
    const readAt = '2026-05-01T00:00:00.000Z';
    const notice = await s.seed('alice', { faces: 2, text: { content: 'Tickets at the blue kiosk', readAt } });
    await s.seed('bob', { text: { content: 'Tickets at the blue kiosk', readAt } });
    const page = await s.json<SearchPage>('/api/v1/search?q=kiosk', { owner: 'alice' });
    expect(page.items.map((i) => [i.id, i.matched])).toEqual([[notice.id, ['text']]]);
    expect([page.items[0]?.faces, page.items[0]?.text]).toEqual([2, { content: 'Tickets at the blue kiosk', readAt }]);
  });

  it('combines filters and pages by date taken either way', async () => {
    const s = setup();
    const old = await s.seed('alice', { facts: { capturedAt: '2019-03-01T10:00:00.000Z' }, tags: [{ name: 'family', confidence: 1, source: 'user' }] });
    const mid = await s.seed('alice', { facts: { capturedAt: '2021-06-01T10:00:00.000Z' }, tags: [{ name: 'family', confidence: 1, source: 'user' }] });
    const recent = await s.seed('alice', { kind: 'video', facts: { capturedAt: '2024-01-01T10:00:00.000Z' } });
    const first = await s.json<SearchPage>('/api/v1/search?limit=2', { owner: 'alice' });
    expect(first.items.map((i) => i.id)).toEqual([recent.id, mid.id]);
    const rest = await s.json<SearchPage>(`/api/v1/search?limit=2&cursor=${first.nextCursor}`, { owner: 'alice' });
    expect([rest.items.map((i) => i.id), rest.nextCursor]).toEqual([[old.id], null]);
    const oldest = await s.json<SearchPage>('/api/v1/search?order=taken-asc', { owner: 'alice' });
    expect(oldest.items.map((i) => i.id)).toEqual([old.id, mid.id, recent.id]);
    const filtered = await s.json<SearchPage>('/api/v1/search?tags=family&from=2020-01-01&to=2021-12-31&kind=image', { owner: 'alice' });
    expect(filtered.items.map((i) => i.id)).toEqual([mid.id]);
    const album = await s.json<AlbumView>('/api/v1/albums', { owner: 'alice', method: 'POST', json: { name: 'Old' } }, 201);
    await s.json(`/api/v1/albums/${album.id}/items`, { owner: 'alice', method: 'POST', json: { mediaIds: [old.id] } });
    const inAlbum = await s.json<SearchPage>(`/api/v1/search?album=${album.id}`, { owner: 'alice' });
    expect(inAlbum.items.map((i) => i.id)).toEqual([old.id]);
    expect((await s.json<SearchPage>(`/api/v1/search?album=${album.id}`, { owner: 'bob' })).items).toEqual([]);
  });

  it('reflects an edit made through the API in the next search', async () => {
    const s = setup();
    const item = await s.seed('alice', { title: 'Untitled' });
    expect((await s.json<SearchPage>('/api/v1/search?q=lighthouse', { owner: 'alice' })).items).toEqual([]);
    await s.json(`/api/v1/media/${item.id}`, { owner: 'alice', method: 'PATCH', json: { description: 'The old lighthouse' } });
    const found = await s.json<SearchPage>('/api/v1/search?q=lighthouse', { owner: 'alice' });
    expect(found.items.map((i) => [i.id, i.matched])).toEqual([[item.id, ['description']]]);
    await s.call(`/api/v1/media/${item.id}`, { owner: 'alice', method: 'DELETE' });
    expect((await s.json<SearchPage>('/api/v1/search?q=lighthouse', { owner: 'alice' })).items).toEqual([]);
  });

  it('answers 400 for a bad query or a cursor of another search, 401 without a token', async () => {
    const s = setup();
    for (let i = 0; i < 3; i += 1) await s.seed('alice', { title: 'kite' });
    const first = await s.json<SearchPage>('/api/v1/search?q=kite&limit=1', { owner: 'alice' });
    for (const query of [
      'order=relevance',
      'from=2021-13-01',
      'from=2022-01-01&to=2021-01-01',
      `tags=${encodeURIComponent('Not A Tag!')}`,
      'kind=hologram',
      'status=deleted',
      'limit=0',
      `q=${'x'.repeat(201)}`,
      `q=kites&cursor=${first.nextCursor}`,
    ]) {
      const problem = await s.problem(`/api/v1/search?${query}`, { owner: 'alice' }, 400);
      expect(problem.code).toBe('validation');
    }
    expect((await s.call('/api/v1/search?q=kite')).status).toBe(401);
  });
});

describe('timeline', () => {
  it('counts the owner’s items per month taken, newest first', async () => {
    const s = setup();
    await s.seed('alice', { facts: { capturedAt: '2019-03-01T10:00:00.000Z' } });
    await s.seed('alice', { facts: { capturedAt: '2019-03-20T10:00:00.000Z' } });
    const recent = await s.seed('alice', {});
    await s.seed('bob', { facts: { capturedAt: '2001-01-01T10:00:00.000Z' } });
    const timeline = await s.json<Timeline>('/api/v1/timeline', { owner: 'alice' });
    expect(timeline.months).toEqual([
      { month: recent.createdAt.slice(0, 7), count: 1 },
      { month: '2019-03', count: 2 },
    ]);
    expect((await s.call('/api/v1/timeline')).status).toBe(401);
  });
});
