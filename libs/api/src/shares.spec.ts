import { randomBytes } from 'node:crypto';
import type { MediaItem, RateLimiter, ShareLinkRepository } from '@mediaflow/domain';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { apiSpecHarness } from './api.spec-support.js';
import { createApi, type ShareOptions } from './app.js';
import { bearerTokens } from './auth.js';
import type { AlbumView, OriginalDownload, Problem, ShareCreated, SharedMediaView, SharedPage, ShareList, ShareUnlocked, ShareView } from './client/mediaflow-client.js';
import { LocalTokens } from './local-tokens.js';
import { LocalMediaGrants, type MediaGrantSigner } from './media-grants.js';

// Share links over HTTP: the owner's routes and what a visitor (no token at all) sees.

function setup(shares: Partial<ShareOptions> = {}) {
  const deps = inMemoryDeps();
  const h = apiSpecHarness(deps, shares);
  const share = (owner: string, body: Record<string, unknown>) => h.json<ShareCreated>('/api/v1/shares', { owner, method: 'POST', json: body }, 201);
  const shareItem = (item: MediaItem, extra: Record<string, unknown> = {}) => share(item.ownerId, { target: { type: 'media', mediaId: item.id }, ...extra });
  const album = async (owner: string, items: readonly MediaItem[]): Promise<AlbumView> => {
    const created = await h.json<AlbumView>('/api/v1/albums', { owner, method: 'POST', json: { name: 'Trip', description: 'Two weeks' } }, 201);
    if (items.length > 0) await h.json(`/api/v1/albums/${created.id}/items`, { owner, method: 'POST', json: { mediaIds: items.map((i) => i.id) } });
    return created;
  };
  return { deps, ...h, share, shareItem, album };
}

const UNKNOWN = '01J00000000000000000000000';

describe('share links', () => {
  it('links one item: the token once, a Location, a path for the gallery, and what a visitor sees', async () => {
    const s = setup();
    const item = await s.seed('alice', { title: 'Beach', description: 'Low tide', original: { key: `originals/alice/x`, size: 3, mime: 'image/jpeg', filename: 'beach.jpg', sha256: 'a'.repeat(64) } });
    const res = await s.call('/api/v1/shares', { owner: 'alice', method: 'POST', json: { target: { type: 'media', mediaId: item.id } } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as ShareCreated;
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.path).toBe(`/s/${created.token}`);
    expect(res.headers.get('location')).toBe(`/api/v1/shares/${created.share.id}`);
    expect(created.share).toEqual({
      id: created.share.id,
      target: { type: 'media', mediaId: item.id },
      allowDownload: false,
      expiresAt: null,
      hasPassword: false,
      revokedAt: null,
      lastOpenedAt: null,
      createdAt: s.deps.clock.now().toISOString(),
      state: 'active',
    });
    // Only the hash is kept.
    expect(JSON.stringify(await s.deps.shares.getShare('alice', created.share.id))).not.toContain(created.token);
    expect(await s.json<ShareView>(`/api/v1/shares/${created.share.id}`, { owner: 'alice' })).toEqual(created.share);

    const visit = await s.call(`/api/v1/shared/${created.token}`);
    expect(visit.status).toBe(200);
    expect(visit.headers.get('cache-control')).toBe('no-store');
    const page = (await visit.json()) as SharedPage;
    expect(page.share).toEqual({ type: 'media', allowDownload: false, expiresAt: null });
    expect([page.album, page.nextCursor]).toEqual([null, null]);
    expect(page.items.map((i) => i.id)).toEqual([item.id]);
    const seen = page.items[0] as SharedMediaView;
    expect(Object.keys(seen).sort()).toEqual(['createdAt', 'description', 'facts', 'filename', 'id', 'kind', 'original', 'placeholder', 'renditions', 'status', 'tags', 'takenAt', 'title', 'updatedAt']);
    expect([seen.title, seen.description]).toEqual(['Beach', 'Low tide']);
    expect(seen.original).toEqual({ size: 3, mime: 'image/jpeg' });
    expect(seen.renditions[0]?.url).toMatch(new RegExp(`^/media/renditions/alice/${item.id}/thumb\\.webp\\?grant=\\d+\\.[A-Za-z0-9_-]{43}$`));
    expect(await s.json<SharedMediaView>(`/api/v1/shared/${created.token}/media/${item.id}`)).toEqual(seen);
    const other = await s.seed('alice');
    expect((await s.problem(`/api/v1/shared/${created.token}/media/${other.id}`, {}, 404)).code).toBe('not_found');
  });

  it('links an album: its visible members in album order, a page at a time, and only those', async () => {
    const s = setup();
    const early = await s.seed('alice', { facts: { capturedAt: '2019-06-01T00:00:00Z' } });
    const late = await s.seed('alice');
    const flagged = await s.seed('alice', { status: 'flagged', moderation: { verdict: 'flagged', labels: [] } });
    const rejected = await s.seed('alice', { status: 'flagged', moderation: { verdict: 'rejected', labels: [], reason: 'no' } });
    const processing = await s.seed('alice', { status: 'processing' });
    const released = await s.seed('alice', { moderation: { verdict: 'released', labels: [] } });
    const outsider = await s.seed('alice');
    const trip = await s.album('alice', [late, early, flagged, rejected, processing, released]);
    const { token } = await s.share('alice', { target: { type: 'album', albumId: trip.id } });

    const all = await s.json<SharedPage>(`/api/v1/shared/${token}`);
    expect(all.share.type).toBe('album');
    expect(all.album).toEqual({ name: 'Trip', description: 'Two weeks', itemCount: 6 });
    expect(all.items.map((i) => i.id)).toEqual([early.id, late.id, released.id]);
    for (const item of all.items) expect(item.renditions[0]?.url).toContain(`/renditions/alice/${item.id}/thumb.webp?grant=`);

    const first = await s.json<SharedPage>(`/api/v1/shared/${token}?limit=2`);
    expect(first.items.map((i) => i.id)).toEqual([early.id, late.id]);
    const pages = [first];
    for (let cursor = first.nextCursor; cursor !== null; ) {
      const next = await s.json<SharedPage>(`/api/v1/shared/${token}?limit=2&cursor=${cursor}`);
      pages.push(next);
      cursor = next.nextCursor;
    }
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual([early.id, late.id, released.id]);

    expect((await s.json<SharedMediaView>(`/api/v1/shared/${token}/media/${late.id}`)).id).toBe(late.id);
    for (const hidden of [flagged, rejected, processing, outsider]) {
      expect((await s.call(`/api/v1/shared/${token}/media/${hidden.id}`)).status).toBe(404);
    }
    // Deleted for good: gone from the album and the link.
    expect((await s.call(`/api/v1/media/${late.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.json<SharedPage>(`/api/v1/shared/${token}`)).items.map((i) => i.id)).toEqual([early.id, released.id]);
  });

  it('stops at its expiry (410 link_expired), shown as expired to the owner', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const created = await s.shareItem(item, { expiresInSeconds: 3600 });
    expect(created.share.expiresAt).toBe(new Date(s.deps.clock.now().getTime() + 3_600_000).toISOString());
    expect((await s.call(`/api/v1/shared/${created.token}`)).status).toBe(200);
    s.deps.clock.advance(3_600_000);
    expect((await s.problem(`/api/v1/shared/${created.token}`, {}, 410)).code).toBe('link_expired');
    expect((await s.problem(`/api/v1/shared/${created.token}/media/${item.id}`, {}, 410)).code).toBe('link_expired');
    expect((await s.json<ShareList>('/api/v1/shares', { owner: 'alice' })).items.map((l) => l.state)).toEqual(['expired']);
    expect((await s.call('/api/v1/shares', { owner: 'alice', method: 'POST', json: { target: { type: 'media', mediaId: item.id }, expiresInSeconds: 10 } })).status).toBe(400);
  });

  it('asks for the password (401), unlocks for an hour with the right one, refuses a wrong one (403)', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const { token, share } = await s.shareItem(item, { password: 'open sesame' });
    expect(share.hasPassword).toBe(true);
    expect(JSON.stringify(await s.deps.shares.getShare('alice', share.id))).not.toContain('open sesame');

    expect((await s.problem(`/api/v1/shared/${token}`, {}, 401)).code).toBe('password_required');
    expect((await s.problem(`/api/v1/shared/${token}/media/${item.id}`, {}, 401)).code).toBe('password_required');
    expect((await s.problem(`/api/v1/shared/${token}/unlock`, { method: 'POST', json: { password: 'open sesam' } }, 403)).code).toBe('wrong_password');
    const unlocked = await s.json<ShareUnlocked>(`/api/v1/shared/${token}/unlock`, { method: 'POST', json: { password: 'open sesame' } });
    expect(Date.parse(unlocked.expiresAt) - s.deps.clock.now().getTime()).toBe(3_600_000);
    const withUnlock = { headers: { 'x-share-unlock': unlocked.unlock } };
    expect((await s.json<SharedPage>(`/api/v1/shared/${token}`, withUnlock)).items.map((i) => i.id)).toEqual([item.id]);
    expect((await s.json<SharedMediaView>(`/api/v1/shared/${token}/media/${item.id}`, withUnlock)).id).toBe(item.id);

    // A tampered grant, another link's grant, and an expired one open nothing.
    const [expiry = '', mac = ''] = unlocked.unlock.split('.');
    const forged = `${Number(expiry) + 60}.${mac}`;
    const refused = await s.call(`/api/v1/shared/${token}`, { headers: { 'x-share-unlock': forged } });
    expect(refused.status).toBe(401);
    // The challenge names the link's password (sent to the unlock route), not a bearer token.
    expect(refused.headers.get('www-authenticate')).toBe('SharePassword realm="mediaflow"');
    const other = await s.shareItem(await s.seed('alice'), { password: 'open sesame' });
    expect((await s.call(`/api/v1/shared/${other.token}`, withUnlock)).status).toBe(401);
    s.deps.clock.advance(3_600_000);
    expect((await s.call(`/api/v1/shared/${token}`, withUnlock)).status).toBe(401);
    // A link without a password has nothing to unlock.
    const open = await s.shareItem(await s.seed('alice'));
    expect((await s.call(`/api/v1/shared/${open.token}/unlock`, { method: 'POST', json: { password: 'x' } })).status).toBe(409);
  });

  it('limits unlock attempts per link (429 with Retry-After), right or wrong, without touching other links', async () => {
    const s = setup({ attempts: { perSecond: 1 / 60, burst: 3 } });
    const item = await s.seed('alice');
    const a = await s.shareItem(item, { password: 'right password' });
    const b = await s.shareItem(item, { password: 'right password' });
    for (let i = 0; i < 3; i += 1) expect((await s.call(`/api/v1/shared/${a.token}/unlock`, { method: 'POST', json: { password: 'guess' } })).status).toBe(403);
    const limited = await s.call(`/api/v1/shared/${a.token}/unlock`, { method: 'POST', json: { password: 'right password' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit')).toMatch(/^"unlock";r=0;t=\d+$/);
    expect(((await limited.json()) as Problem).code).toBe('rate_limited');
    expect((await s.call(`/api/v1/shared/${b.token}/unlock`, { method: 'POST', json: { password: 'right password' } })).status).toBe(200);
  });

  it('counts unlock attempts by link id, only for a found link with a password: made-up tokens create no count', async () => {
    const taken: string[] = [];
    const attempts: RateLimiter = {
      limit: { perSecond: 1, burst: 10 },
      async take(caller) {
        taken.push(caller);
        return { wait: 0, remaining: 9, resetSeconds: 1 };
      },
    };
    const s = setup({ attempts });
    const item = await s.seed('alice');
    const unlock = (token: string, password = 'guess') => s.call(`/api/v1/shared/${token}/unlock`, { method: 'POST', json: { password } });
    for (let i = 0; i < 20; i += 1) expect((await unlock(randomBytes(32).toString('base64url'))).status).toBe(404);
    for (const probe of ['x', 'a'.repeat(300), '%E2%9C%93']) expect((await unlock(probe)).status).toBe(404);
    const open = await s.shareItem(item);
    expect((await unlock(open.token)).status).toBe(409);
    expect(taken).toEqual([]);

    const locked = await s.shareItem(item, { password: 'right password' });
    expect((await unlock(locked.token)).status).toBe(403);
    expect((await unlock(locked.token, 'right password')).status).toBe(200);
    expect(taken).toEqual([`share-unlock:${locked.share.id}`, `share-unlock:${locked.share.id}`]);
    // Revoked: 410 without a count.
    expect((await s.call(`/api/v1/shares/${locked.share.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await unlock(locked.token)).status).toBe(410);
    expect(taken).toHaveLength(2);
  });

  it('caps a visitor’s album page at 50 items', async () => {
    const s = setup();
    const trip = await s.album('alice', [await s.seed('alice')]);
    const { token } = await s.share('alice', { target: { type: 'album', albumId: trip.id } });
    expect((await s.json<SharedPage>(`/api/v1/shared/${token}?limit=50`)).items).toHaveLength(1);
    for (const limit of [51, 200]) expect((await s.problem(`/api/v1/shared/${token}?limit=${limit}`, {}, 400)).code).toBe('validation');
  });

  it('signs each item’s grant once while its expiry stands, for visitors and moderators alike', async () => {
    const signed: string[] = [];
    const inner = new LocalMediaGrants(Buffer.alloc(32, 5));
    const grants: MediaGrantSigner = {
      grant(ownerId, mediaId, expiresAt) {
        signed.push(mediaId);
        return inner.grant(ownerId, mediaId, expiresAt);
      },
    };
    const s = setup({ grants });
    const items = [await s.seed('alice'), await s.seed('alice'), await s.seed('alice')];
    const trip = await s.album('alice', items);
    const { token } = await s.share('alice', { target: { type: 'album', albumId: trip.id } });
    const first = await s.json<SharedPage>(`/api/v1/shared/${token}`);
    const again = await s.json<SharedPage>(`/api/v1/shared/${token}`);
    expect(again).toEqual(first);
    expect((await s.json<SharedMediaView>(`/api/v1/shared/${token}/media/${items[0]?.id ?? ''}`)).renditions).toEqual(first.items[0]?.renditions);
    expect([...signed].sort()).toEqual(items.map((i) => i.id).sort());
    // The moderators' queue, shown twice: one signature.
    const held = await s.seed('bob', { status: 'flagged', moderation: { verdict: 'flagged', labels: [] } });
    const moderator = { owner: 'mo', roles: ['moderator' as const] };
    expect(await s.json(`/api/v1/review`, moderator)).toEqual(await s.json(`/api/v1/review`, moderator));
    expect(signed.filter((id) => id === held.id)).toHaveLength(1);
    // Once the expiry moves on (5-minute steps), new grants are signed.
    signed.length = 0;
    s.deps.clock.advance(300_000);
    await s.json<SharedPage>(`/api/v1/shared/${token}`);
    expect(signed).toHaveLength(3);
  });

  it('answers 410 link_revoked for a link whose item or album is gone without the link being revoked', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const kept = await s.seed('alice');
    const trip = await s.album('alice', [kept]);
    const itemLink = await s.shareItem(item);
    const albumLink = await s.share('alice', { target: { type: 'album', albumId: trip.id } });
    // Removed behind the links' backs (a delete that raced the link's creation).
    await s.deps.repo.delete('alice', item.id);
    await s.deps.albums.deleteAlbum('alice', trip.id);
    for (const path of [`/api/v1/shared/${itemLink.token}`, `/api/v1/shared/${itemLink.token}/media/${item.id}`, `/api/v1/shared/${albumLink.token}`, `/api/v1/shared/${albumLink.token}/media/${kept.id}`]) {
      expect((await s.problem(path, {}, 410)).code).toBe('link_revoked');
    }
    expect((await s.json<ShareView>(`/api/v1/shares/${itemLink.share.id}`, { owner: 'alice' })).state).toBe('active');
  });

  it('answers 410 link_revoked once revoked (the owner sees it revoked), and 404 to another owner', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const { token, share } = await s.shareItem(item);
    expect((await s.call(`/api/v1/shares/${share.id}`, { owner: 'bob', method: 'DELETE' })).status).toBe(404);
    expect((await s.call(`/api/v1/shares/${share.id}`, { owner: 'bob' })).status).toBe(404);
    expect((await s.call(`/api/v1/shared/${token}`)).status).toBe(200);
    expect((await s.call(`/api/v1/shares/${share.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.call(`/api/v1/shares/${share.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.problem(`/api/v1/shared/${token}`, {}, 410)).code).toBe('link_revoked');
    expect((await s.problem(`/api/v1/shared/${token}/unlock`, { method: 'POST', json: { password: 'x' } }, 410)).code).toBe('link_revoked');
    const listed = await s.json<ShareView>(`/api/v1/shares/${share.id}`, { owner: 'alice' });
    expect([listed.state, listed.revokedAt]).toEqual(['revoked', s.deps.clock.now().toISOString()]);
  });

  it('revokes the links of a deleted album and of an item deleted for good', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const trip = await s.album('alice', [item]);
    const albumLink = await s.share('alice', { target: { type: 'album', albumId: trip.id } });
    const itemLink = await s.shareItem(item);
    expect((await s.call(`/api/v1/albums/${trip.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.problem(`/api/v1/shared/${albumLink.token}`, {}, 410)).code).toBe('link_revoked');
    expect((await s.call(`/api/v1/shared/${itemLink.token}`)).status).toBe(200);
    expect((await s.call(`/api/v1/media/${item.id}`, { owner: 'alice', method: 'DELETE' })).status).toBe(204);
    expect((await s.problem(`/api/v1/shared/${itemLink.token}`, {}, 410)).code).toBe('link_revoked');
  });

  it('hands out originals only where the link allows downloads (403 download_not_allowed)', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const closed = await s.shareItem(item);
    const open = await s.shareItem(item, { allowDownload: true });
    expect((await s.problem(`/api/v1/shared/${closed.token}/media/${item.id}/original`, {}, 403)).code).toBe('download_not_allowed');
    const download = await s.json<OriginalDownload>(`/api/v1/shared/${open.token}/media/${item.id}/original`);
    expect(download.url).toBe(`memory://objects/originals/alice/${item.id}?op=get&download=photo.jpg`);
    expect(Date.parse(download.expiresAt) - s.deps.clock.now().getTime()).toBe(900_000);
    expect((await s.json<SharedPage>(`/api/v1/shared/${open.token}`)).share.allowDownload).toBe(true);
    const other = await s.seed('alice');
    expect((await s.call(`/api/v1/shared/${open.token}/media/${other.id}/original`)).status).toBe(404);
  });

  it('never shares or shows a held, rejected or deleted item', async () => {
    const s = setup();
    const flagged = await s.seed('alice', { status: 'flagged', moderation: { verdict: 'flagged', labels: [] } });
    const rejected = await s.seed('alice', { status: 'flagged', moderation: { verdict: 'rejected', labels: [], reason: 'no' } });
    for (const item of [flagged, rejected]) {
      const refused = await s.problem('/api/v1/shares', { owner: 'alice', method: 'POST', json: { target: { type: 'media', mediaId: item.id } } }, 409);
      expect(refused.code).toBe('held_for_review');
    }
    const later = await s.seed('alice');
    const { token } = await s.shareItem(later);
    // Held after the link was made: the link shows nothing.
    const stored = (await s.deps.repo.get('alice', later.id)) as MediaItem;
    await s.deps.repo.update({ ...stored, status: 'flagged', moderation: { verdict: 'flagged', labels: [] }, version: stored.version + 1 }, stored.version);
    expect((await s.json<SharedPage>(`/api/v1/shared/${token}`)).items).toEqual([]);
    expect((await s.call(`/api/v1/shared/${token}/media/${later.id}`)).status).toBe(404);
    expect((await s.call('/api/v1/shares', { owner: 'alice', method: 'POST', json: { target: { type: 'media', mediaId: UNKNOWN } } })).status).toBe(404);
  });

  it('lists the owner’s links newest first, by item or album', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const trip = await s.album('alice', [item]);
    const first = await s.shareItem(item);
    const second = await s.share('alice', { target: { type: 'album', albumId: trip.id } });
    await s.shareItem(await s.seed('bob'));
    const ids = async (query: string) => (await s.json<ShareList>(`/api/v1/shares${query}`, { owner: 'alice' })).items.map((l) => l.id);
    expect(await ids('')).toEqual([second.share.id, first.share.id]);
    expect(await ids(`?mediaId=${item.id}`)).toEqual([first.share.id]);
    expect(await ids(`?albumId=${trip.id}`)).toEqual([second.share.id]);
    expect((await s.call(`/api/v1/shares?mediaId=${item.id}&albumId=${trip.id}`, { owner: 'alice' })).status).toBe(400);
  });

  it('records visits at most once a minute', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const { token, share } = await s.shareItem(item);
    const touches: string[] = [];
    const touch = s.deps.shares.touchShare.bind(s.deps.shares);
    s.deps.shares.touchShare = async (ownerId, shareId, at) => {
      touches.push(at.toISOString());
      await touch(ownerId, shareId, at);
    };
    const opened = s.deps.clock.now().toISOString();
    await s.json(`/api/v1/shared/${token}`);
    s.deps.clock.advance(30_000);
    await s.json(`/api/v1/shared/${token}`);
    await s.json(`/api/v1/shared/${token}/media/${item.id}`);
    s.deps.clock.advance(30_000);
    await s.json(`/api/v1/shared/${token}`);
    expect(touches).toEqual([opened, s.deps.clock.now().toISOString()]);
    expect((await s.json<ShareView>(`/api/v1/shares/${share.id}`, { owner: 'alice' })).lastOpenedAt).toBe(s.deps.clock.now().toISOString());
  });

  it('answers a made-up or malformed token exactly as a mistyped real one: one lookup by hash, then 404', async () => {
    const s = setup();
    const item = await s.seed('alice');
    const real = await s.shareItem(item, { password: 'secret password' });
    const calls: string[] = [];
    const counting = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get(object, property, receiver) {
          const value: unknown = Reflect.get(object, property, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(`${name}.${String(property)}`);
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        },
      });
    const deps = s.deps;
    const wrapped = { ...deps, shares: counting<ShareLinkRepository>('shares', deps.shares), repo: counting('repo', deps.repo), albums: counting('albums', deps.albums), store: counting('store', deps.store) };
    const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7) });
    const app = createApi({ deps: wrapped, verifier: bearerTokens(tokens), shares: { secret: Buffer.alloc(32, 5) } });

    const answer = async (token: string, path = '') => {
      calls.length = 0;
      const res = await app.request(`/api/v1/shared/${token}${path}`);
      return { status: res.status, body: (await res.json()) as Problem, calls: [...calls] };
    };
    const mistyped = `${real.token.slice(0, -1)}${real.token.endsWith('A') ? 'B' : 'A'}`;
    const reference = await answer(mistyped);
    expect(reference.status).toBe(404);
    expect(reference.calls).toEqual(['shares.getShareByTokenHash']);
    const probes = [
      randomBytes(32).toString('base64url'),
      'x',
      '.x.',
      '%E2%9C%93',
      'a'.repeat(300),
      'not!a(token)',
      `${real.token}=`,
      real.token.toLowerCase(),
    ];
    for (const probe of probes) {
      const got = await answer(probe);
      expect([probe, got.status, got.calls, got.body.code, got.body.detail]).toEqual([probe, 404, reference.calls, reference.body.code, reference.body.detail]);
      expect((await answer(probe, `/media/${item.id}`)).calls).toEqual(reference.calls);
    }
    // The real token is looked up the same way, and then asks for its password.
    expect((await answer(real.token)).calls).toEqual(reference.calls);

    // Unlocking: a made-up token is the same one lookup and the same 404.
    const unlock = async (token: string) => {
      calls.length = 0;
      const res = await app.request(`/api/v1/shared/${token}/unlock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'guess' }) });
      return { status: res.status, body: (await res.json()) as Problem, calls: [...calls] };
    };
    const missed = await unlock(mistyped);
    expect([missed.status, missed.calls]).toEqual([404, reference.calls]);
    for (const probe of probes) {
      const got = await unlock(probe);
      expect([probe, got.status, got.calls, got.body.code, got.body.detail]).toEqual([probe, 404, missed.calls, missed.body.code, missed.body.detail]);
    }
  });
});
