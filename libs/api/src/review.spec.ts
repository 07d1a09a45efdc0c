import type { MediaItem, Role } from '@mediaflow/domain';
import { InMemoryEdgeCache } from '@mediaflow/domain/testing';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { apiSpecHarness } from './api.spec-support.js';
import type { AlbumView, MediaView, Me, Problem, ReviewItemView, ReviewPage, SharedPage } from './client/mediaflow-client.js';

// Moderation over HTTP: the moderators' queue and decisions, the owner's request, visitors' reports.

function setup() {
  const edgeCache = new InMemoryEdgeCache();
  const logged: Record<string, unknown>[] = [];
  const deps = inMemoryDeps({ edgeCache, log: (entry: Record<string, unknown>) => logged.push(entry) });
  const h = apiSpecHarness(deps);
  const moderator = { owner: 'mo', roles: ['moderator'] as Role[] };
  const held = (owner = 'alice') => h.seed(owner, { status: 'flagged', moderation: { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.9 }] } });
  return { deps, edgeCache, logged, ...h, moderator, held };
}

describe('moderation', () => {
  it('lists held items of every owner to moderators only, with media grants on their renditions', async () => {
    const s = setup();
    const a = await s.held('alice');
    const b = await s.held('bob');
    await s.seed('alice');
    await s.seed('carol', { status: 'flagged', moderation: { verdict: 'rejected', labels: [], reason: 'no' } });

    expect((await s.call('/api/v1/review')).status).toBe(401);
    const refused = await s.call('/api/v1/review', { owner: 'alice' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as Problem).code).toBe('forbidden');

    const page = await s.json<ReviewPage>('/api/v1/review', s.moderator);
    expect(page.items.map((i) => [i.ownerId, i.id])).toEqual([
      ['alice', a.id],
      ['bob', b.id],
    ]);
    const url = page.items[1]?.renditions[0]?.url ?? '';
    expect(url).toMatch(new RegExp(`^/media/renditions/bob/${b.id}/thumb\\.webp\\?grant=`));
    // The grant lets the moderator's browser load another owner's rendition; the cookie alone does not.
    expect((await s.app.request(url)).status).toBe(200);
    expect((await s.call(`/media/renditions/bob/${b.id}/thumb.webp`, s.moderator)).status).toBe(404);

    const first = await s.json<ReviewPage>('/api/v1/review?limit=1', s.moderator);
    const next = await s.json<ReviewPage>(`/api/v1/review?limit=1&cursor=${first.nextCursor}`, s.moderator);
    expect([...first.items, ...next.items].map((i) => i.id)).toEqual([a.id, b.id]);
  });

  it('approves: the item is ready and released, and then shows through a link', async () => {
    const s = setup();
    const item = await s.held('alice');
    const album = await s.json<AlbumView>('/api/v1/albums', { owner: 'alice', method: 'POST', json: { name: 'Trip' } }, 201);
    await s.json(`/api/v1/albums/${album.id}/items`, { owner: 'alice', method: 'POST', json: { mediaIds: [item.id] } });
    const link = await s.json<{ token: string }>('/api/v1/shares', { owner: 'alice', method: 'POST', json: { target: { type: 'album', albumId: album.id } } }, 201);
    expect((await s.json<SharedPage>(`/api/v1/shared/${link.token}`)).items).toEqual([]);

    expect((await s.call(`/api/v1/review/alice/${item.id}/approve`, { owner: 'alice', method: 'POST' })).status).toBe(403);
    const approved = await s.json<ReviewItemView>(`/api/v1/review/alice/${item.id}/approve`, { ...s.moderator, method: 'POST' });
    expect(approved).toMatchObject({ ownerId: 'alice', status: 'ready', moderation: { verdict: 'released', reviewedBy: 'mo', reviewedAt: s.deps.clock.now().toISOString() } });
    expect((await s.json<SharedPage>(`/api/v1/shared/${link.token}`)).items.map((i) => i.id)).toEqual([item.id]);
    expect((await s.json<ReviewPage>('/api/v1/review', s.moderator)).items).toEqual([]);
    // Released: the owner may share it on its own now.
    expect((await s.call('/api/v1/shares', { owner: 'alice', method: 'POST', json: { target: { type: 'media', mediaId: item.id } } })).status).toBe(201);
    // Not held any more, not found, or a malformed owner.
    expect((await s.call(`/api/v1/review/alice/${item.id}/approve`, { ...s.moderator, method: 'POST' })).status).toBe(409);
    expect((await s.call(`/api/v1/review/bob/${item.id}/approve`, { ...s.moderator, method: 'POST' })).status).toBe(404);
    expect((await s.call(`/api/v1/review/..%2Fx/${item.id}/approve`, { ...s.moderator, method: 'POST' })).status).toBe(400);
  });

  it('refuses a moderator’s decision on their own held item (403), as the owner’s own release is refused', async () => {
    const s = setup();
    const own = await s.held('mo');
    for (const [decision, json] of [['approve', undefined], ['reject', { reason: 'looks fine to me' }]] as const) {
      const refused = await s.problem(`/api/v1/review/mo/${own.id}/${decision}`, { ...s.moderator, method: 'POST', ...(json === undefined ? {} : { json }) }, 403);
      expect(refused.code).toBe('forbidden');
    }
    expect((await s.json<MediaView>(`/api/v1/media/${own.id}`, { owner: 'mo' })).moderation).toMatchObject({ verdict: 'flagged' });
    // Still waiting, for another moderator.
    expect((await s.json<ReviewPage>('/api/v1/review', s.moderator)).items.map((i) => i.id)).toEqual([own.id]);
    const other = { owner: 'ann', roles: ['moderator'] as Role[] };
    expect(await s.json<ReviewItemView>(`/api/v1/review/mo/${own.id}/approve`, { ...other, method: 'POST' })).toMatchObject({ status: 'ready', moderation: { reviewedBy: 'ann' } });
  });

  it('rejects with a reason the owner reads; the owner can ask again, and only a moderator releases', async () => {
    const s = setup();
    const item = await s.held('alice');
    expect((await s.call(`/api/v1/review/alice/${item.id}/reject`, { owner: 'alice', method: 'POST', json: { reason: 'fine' } })).status).toBe(403);
    expect((await s.call(`/api/v1/review/alice/${item.id}/reject`, { ...s.moderator, method: 'POST', json: { reason: '  ' } })).status).toBe(400);
    const rejected = await s.json<ReviewItemView>(`/api/v1/review/alice/${item.id}/reject`, { ...s.moderator, method: 'POST', json: { reason: 'graphic violence' } });
    expect(rejected).toMatchObject({ status: 'flagged', moderation: { verdict: 'rejected', reason: 'graphic violence', reviewedBy: 'mo' } });
    expect((await s.json<ReviewPage>('/api/v1/review', s.moderator)).items).toEqual([]);
    expect((await s.json<MediaView>(`/api/v1/media/${item.id}`, { owner: 'alice' })).moderation).toMatchObject({ verdict: 'rejected', reason: 'graphic violence' });

    // The owner's own release is gone.
    expect((await s.call(`/api/v1/media/${item.id}/release`, { owner: 'alice', method: 'POST' })).status).toBe(404);
    expect((await s.call(`/api/v1/media/${item.id}/review-request`, { owner: 'bob', method: 'POST' })).status).toBe(404);
    const asked = await s.json<MediaView>(`/api/v1/media/${item.id}/review-request`, { owner: 'alice', method: 'POST' });
    expect(asked).toMatchObject({ status: 'flagged', moderation: { verdict: 'flagged', reviewRequestedAt: s.deps.clock.now().toISOString() } });
    expect((await s.json<ReviewPage>('/api/v1/review', s.moderator)).items.map((i) => i.id)).toEqual([item.id]);

    const ready = await s.seed('alice');
    const notHeld = await s.call(`/api/v1/media/${ready.id}/review-request`, { owner: 'alice', method: 'POST' });
    expect(notHeld.status).toBe(409);
    expect((await s.call(`/api/v1/review/alice/${ready.id}/reject`, { ...s.moderator, method: 'POST', json: { reason: 'x' } })).status).toBe(409);
  });

  it('holds an item a visitor reports: hidden from the link, in the queue, its edge copies dropped', async () => {
    const s = setup();
    const item = await s.seed('alice', { moderation: { verdict: 'released', labels: [], reviewedBy: 'mo' } });
    const keep = await s.seed('alice');
    const album = await s.json<AlbumView>('/api/v1/albums', { owner: 'alice', method: 'POST', json: { name: 'Trip' } }, 201);
    await s.json(`/api/v1/albums/${album.id}/items`, { owner: 'alice', method: 'POST', json: { mediaIds: [item.id, keep.id] } });
    const { token } = await s.json<{ token: string }>('/api/v1/shares', { owner: 'alice', method: 'POST', json: { target: { type: 'album', albumId: album.id } } }, 201);
    s.deps.bus.published.length = 0;

    const res = await s.call(`/api/v1/shared/${token}/media/${item.id}/report`, { method: 'POST', json: { reason: 'not mine to see' } });
    expect(res.status).toBe(202);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({});

    expect((await s.json<SharedPage>(`/api/v1/shared/${token}`)).items.map((i) => i.id)).toEqual([keep.id]);
    expect((await s.call(`/api/v1/shared/${token}/media/${item.id}/report`, { method: 'POST', json: {} })).status).toBe(404);
    const stored = (await s.deps.repo.get('alice', item.id)) as MediaItem;
    expect(stored.status).toBe('flagged');
    expect(stored.moderation).toMatchObject({ verdict: 'flagged', reports: 1, labels: [{ name: 'reported by a visitor', confidence: 1 }] });
    expect(s.edgeCache.invalidations).toEqual([{ ownerId: 'alice', itemId: item.id }]);
    expect(s.deps.bus.published.map((e) => e.type)).toEqual(['media.flagged']);
    expect(s.logged).toEqual([expect.objectContaining({ msg: 'a visitor reported an item', mediaId: item.id, reason: 'not mine to see' })]);
    expect((await s.json<ReviewPage>('/api/v1/review', s.moderator)).items.map((i) => i.id)).toEqual([item.id]);
    const refused = await s.call('/api/v1/shares', { owner: 'alice', method: 'POST', json: { target: { type: 'media', mediaId: item.id } } });
    expect([refused.status, ((await refused.json()) as Problem).code]).toEqual([409, 'held_for_review']);

    // Approved again, it comes back; a second report counts on.
    await s.json(`/api/v1/review/alice/${item.id}/approve`, { ...s.moderator, method: 'POST' });
    expect((await s.call(`/api/v1/shared/${token}/media/${item.id}/report`, { method: 'POST', json: {} })).status).toBe(202);
    expect(((await s.deps.repo.get('alice', item.id)) as MediaItem).moderation).toMatchObject({ reports: 2, labels: [{ name: 'reported by a visitor', confidence: 1 }] });
  });

  it('tells the caller who they are and what roles they hold', async () => {
    const s = setup();
    expect(await s.json<Me>('/api/v1/me', { owner: 'alice' })).toMatchObject({ ownerId: 'alice', roles: [] });
    expect(await s.json<Me>('/api/v1/me', s.moderator)).toMatchObject({ ownerId: 'mo', roles: ['moderator'] });
    expect((await s.call('/api/v1/me')).status).toBe(401);
  });
});
