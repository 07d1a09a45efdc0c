import { InMemoryObjectStore, makeMediaItem } from '@mediaflow/domain/testing';
import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { createApi } from '../app.js';
import { bearerTokens } from '../auth.js';
import { LocalTokens } from '../local-tokens.js';

const BYTES = Buffer.from('rendition bytes');

function setup() {
  const deps = inMemoryDeps();
  const tokens = new LocalTokens({ secret: Buffer.alloc(32, 7), now: () => deps.clock.now() });
  const app = createApi({ deps, verifier: bearerTokens(tokens), mediaFiles: {} });
  const get = (path: string, owner = 'alice', init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${tokens.issue(owner)}` } });
  return { deps, store: deps.store as InMemoryObjectStore, get };
}

describe('/media/* serves only the files of an item the caller has', () => {
  it('serves a rendition and the original of an existing item', async () => {
    const s = setup();
    const item = await s.deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'ready' }));
    await s.store.put(`renditions/alice/${item.id}/thumb.webp`, BYTES, { contentType: 'image/webp' });
    await s.store.put(item.original.key, BYTES);
    expect((await s.get(`/media/renditions/alice/${item.id}/thumb.webp`)).status).toBe(200);
    expect((await s.get(`/media/${item.original.key}`)).status).toBe(200);
  });

  it('answers 404 for a file under the caller\'s prefix that belongs to no item of theirs, whatever the method or range', async () => {
    const s = setup();
    const gone = makeMediaItem({ ownerId: 'alice', status: 'ready' });
    // Bytes with no item (a delete the sweeper has yet to finish, a file put there by hand).
    await s.store.put(`renditions/alice/${gone.id}/thumb.webp`, BYTES, { contentType: 'image/webp' });
    await s.store.put(`renditions/alice/${gone.id}/hls/720p.m3u8`, BYTES, { contentType: 'application/vnd.apple.mpegurl' });
    for (const [path, init] of [
      [`/media/renditions/alice/${gone.id}/thumb.webp`, {}],
      [`/media/renditions/alice/${gone.id}/hls/720p.m3u8`, {}],
      [`/media/renditions/alice/${gone.id}/thumb.webp`, { headers: { range: 'bytes=0-3' } }],
      [`/media/renditions/alice/${gone.id}/thumb.webp`, { method: 'HEAD' }],
    ] as const) {
      expect([path, init, (await s.get(path, 'alice', init)).status]).toEqual([path, init, 404]);
    }
  });

  it('answers 404 for the files of an item marked deleted', async () => {
    const s = setup();
    const item = await s.deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'deleted' }));
    await s.store.put(`renditions/alice/${item.id}/thumb.webp`, BYTES, { contentType: 'image/webp' });
    expect((await s.get(`/media/renditions/alice/${item.id}/thumb.webp`)).status).toBe(404);
  });
});
