import { inMemoryDeps } from '@mediaflow/media-service/testing';
import { apiSpecHarness } from './api.spec-support.js';
import type { Me } from './client/mediaflow-client.js';

// Storage quotas over HTTP: the usage the repository keeps, shown at /me and checked at POST /uploads.

function setup(quota?: number) {
  const deps = inMemoryDeps({}, { config: quota === undefined ? {} : { storageQuotaBytes: quota } });
  return { deps, ...apiSpecHarness(deps) };
}

describe('storage quota', () => {
  it('shows what the library takes up, the trash and uploads under way included, and no quota by default', async () => {
    const s = setup();
    const item = await s.seed('alice');
    await s.seed('bob');
    // The seeded item: a 4-byte thumbnail and the original's recorded size.
    const used = item.original.size + 4;
    expect(await s.json<Me>('/api/v1/me', { owner: 'alice' })).toMatchObject({ ownerId: 'alice', storage: { usedBytes: used, items: 1, quotaBytes: null } });
    await s.call(`/api/v1/media/${item.id}`, { owner: 'alice', method: 'DELETE' });
    expect((await s.json<Me>('/api/v1/me', { owner: 'alice' })).storage).toEqual({ usedBytes: used, items: 1, quotaBytes: null });
    await s.json('/api/v1/uploads', { owner: 'alice', method: 'POST', json: { filename: 'big.mov', size: 5_000_000 } }, 201);
    expect((await s.json<Me>('/api/v1/me', { owner: 'alice' })).storage).toEqual({ usedBytes: used + 5_000_000, items: 2, quotaBytes: null });
    await s.call(`/api/v1/media/${item.id}?permanent=true`, { owner: 'alice', method: 'DELETE' });
    expect((await s.json<Me>('/api/v1/me', { owner: 'alice' })).storage).toEqual({ usedBytes: 5_000_000, items: 1, quotaBytes: null });
  });

  it('refuses an upload that would go past the quota with a 413 that says so, and takes one that fits', async () => {
    const s = setup(10_000);
    await s.json('/api/v1/uploads', { owner: 'alice', method: 'POST', json: { filename: 'a.jpg', size: 6_000 } }, 201);
    const refused = await s.problem('/api/v1/uploads', { owner: 'alice', method: 'POST', json: { filename: 'b.jpg', size: 4_001 } }, 413);
    expect(refused.code).toBe('limit_exceeded');
    expect(refused.detail).toMatch(/storage quota: 6000 of 10000 bytes are used/);
    await s.json('/api/v1/uploads', { owner: 'alice', method: 'POST', json: { filename: 'c.jpg', size: 4_000 } }, 201);
    // Another owner has a quota of their own.
    await s.json('/api/v1/uploads', { owner: 'bob', method: 'POST', json: { filename: 'd.jpg', size: 9_000 } }, 201);
    expect((await s.json<Me>('/api/v1/me', { owner: 'alice' })).storage).toEqual({ usedBytes: 10_000, items: 2, quotaBytes: 10_000 });
  });
});
