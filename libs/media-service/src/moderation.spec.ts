import { ConflictError, ForbiddenError, NotFoundError, type MediaItem } from '@mediaflow/domain';
import { InMemoryEdgeCache, makeMediaItem, rejection } from '@mediaflow/domain/testing';
import { approveMedia, listReview, rejectMedia, reportSharedMedia, requestReview, VISITOR_REPORT_LABEL } from './moderation.js';
import { createShare, ShareUnlocks, type VisitorDeps } from './shares.js';
import { inMemoryDeps } from './testing/index.js';

function setup() {
  const edgeCache = new InMemoryEdgeCache();
  const base = inMemoryDeps({ edgeCache, log: () => undefined });
  const deps: VisitorDeps & typeof base = { ...base, unlocks: new ShareUnlocks(Buffer.alloc(32, 1)) };
  const seed = (overrides: Partial<MediaItem> = {}) =>
    deps.repo.create(makeMediaItem({ id: deps.ids.next(), ownerId: 'alice', status: 'ready', moderation: { verdict: 'safe', labels: [] }, ...overrides }));
  const held = () => seed({ status: 'flagged', moderation: { verdict: 'flagged', labels: [{ name: 'violence', confidence: 0.9 }], checkedAt: '2026-05-01T00:00:00.000Z' } });
  return { deps, edgeCache, seed, held };
}

describe('moderation use cases', () => {
  it('approve: ready and released, by whom and when, the old rejection reason cleared', async () => {
    const { deps, seed } = setup();
    const item = await seed({ status: 'flagged', moderation: { verdict: 'rejected', labels: [], reason: 'too dark' } });
    const approved = await approveMedia(deps, 'mo', 'alice', item.id);
    expect(approved.status).toBe('ready');
    expect(approved.moderation).toEqual({ verdict: 'released', labels: [], reviewedBy: 'mo', reviewedAt: deps.clock.now().toISOString() });
    expect(await rejection(approveMedia(deps, 'mo', 'alice', item.id))).toBeInstanceOf(ConflictError);
    expect(await rejection(approveMedia(deps, 'mo', 'bob', item.id))).toBeInstanceOf(NotFoundError);
  });

  it('reject: still held, with the reason; out of the queue until the owner asks again', async () => {
    const { deps, held } = setup();
    const item = await held();
    expect((await listReview(deps, {})).items.map((i) => i.id)).toEqual([item.id]);
    const rejected = await rejectMedia(deps, 'mo', 'alice', item.id, { reason: ' blurry ' });
    expect(rejected).toMatchObject({ status: 'flagged', moderation: { verdict: 'rejected', reason: 'blurry', reviewedBy: 'mo', labels: item.moderation.labels } });
    expect((await listReview(deps, {})).items).toEqual([]);
    const asked = await requestReview(deps, 'alice', item.id);
    expect(asked.moderation).toMatchObject({ verdict: 'flagged', reviewRequestedAt: deps.clock.now().toISOString() });
    expect((await listReview(deps, {})).items.map((i) => i.id)).toEqual([item.id]);
    // Asking again while waiting only notes the time.
    deps.clock.advance(1000);
    expect((await requestReview(deps, 'alice', item.id)).moderation.reviewRequestedAt).toBe(deps.clock.now().toISOString());
  });

  it('refuse a moderator deciding on their own held item (forbidden), before anything is read', async () => {
    const { deps, held } = setup();
    const item = await held();
    const reads: string[] = [];
    const get = deps.repo.get.bind(deps.repo);
    deps.repo.get = async (ownerId, id) => {
      reads.push(id);
      return get(ownerId, id);
    };
    expect(await rejection(approveMedia(deps, 'alice', 'alice', item.id))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(rejectMedia(deps, 'alice', 'alice', item.id, { reason: 'fine by me' }))).toBeInstanceOf(ForbiddenError);
    expect(reads).toEqual([]);
    expect(await get('alice', item.id)).toEqual(item);
    // Another moderator decides.
    expect((await approveMedia(deps, 'mo', 'alice', item.id)).moderation).toMatchObject({ verdict: 'released', reviewedBy: 'mo' });
  });

  it('refuse a review request for an item that is not held', async () => {
    const { deps, seed } = setup();
    const item = await seed();
    expect(await rejection(requestReview(deps, 'alice', item.id))).toBeInstanceOf(ConflictError);
    expect(await rejection(rejectMedia(deps, 'mo', 'alice', item.id, { reason: 'x' }))).toBeInstanceOf(ConflictError);
  });

  it('report: held with a visitor label and a count, edge dropped, media.flagged published', async () => {
    const { deps, edgeCache, seed } = setup();
    const item = await seed({ moderation: { verdict: 'safe', labels: [{ name: 'weapon', confidence: 0.4 }] } });
    const { token } = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id } });
    await reportSharedMedia(deps, { token }, item.id, { reason: 'rude' });
    const stored = (await deps.repo.get('alice', item.id)) as MediaItem;
    expect(stored.status).toBe('flagged');
    expect(stored.moderation).toMatchObject({ verdict: 'flagged', reports: 1, labels: [{ name: 'weapon', confidence: 0.4 }, VISITOR_REPORT_LABEL] });
    expect(edgeCache.invalidations).toEqual([{ ownerId: 'alice', itemId: item.id }]);
    expect(deps.bus.published).toEqual([expect.objectContaining({ type: 'media.flagged', mediaId: item.id, data: { kind: 'image', labels: [VISITOR_REPORT_LABEL] } })]);
    expect(await rejection(reportSharedMedia(deps, { token }, item.id, {}))).toBeInstanceOf(NotFoundError);
  });

  it('report: nothing to hold when the item was held between the read and the write', async () => {
    const { deps, seed } = setup();
    const item = await seed();
    const { token } = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id } });
    const get = deps.repo.get.bind(deps.repo);
    let reads = 0;
    deps.repo.get = async (ownerId, id) => {
      reads += 1;
      const current = await get(ownerId, id);
      // The use case's second read (the one its write is based on) sees the item held meanwhile.
      return reads === 2 && current !== undefined ? { ...current, status: 'flagged', moderation: { verdict: 'flagged', labels: [] } } : current;
    };
    expect(await rejection(reportSharedMedia(deps, { token }, item.id, {}))).toBeInstanceOf(NotFoundError);
    expect(deps.bus.published).toEqual([]);
  });
});
