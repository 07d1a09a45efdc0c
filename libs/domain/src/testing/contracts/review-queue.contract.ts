import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../errors.js';
import type { MediaItem, Moderation, ModerationVerdict } from '../../media.js';
import type { MediaRepository, ReviewQueue } from '../../ports.js';
import { ListQuerySchema, MAX_PAGE_SIZE } from '../../query.js';
import { makeMediaItem } from '../fixtures.js';

/** A media repository and the review queue over the same items. */
export interface ReviewQueueHarness {
  repo: MediaRepository;
  queue: ReviewQueue;
  close?: () => Promise<void>;
}

const moderation = (verdict: ModerationVerdict): Moderation => ({
  verdict,
  labels: verdict === 'pending' || verdict === 'safe' ? [] : [{ name: 'violence', confidence: 0.93 }],
  checkedAt: '2026-01-01T00:00:00.000Z',
});

/** An item held for review and not yet decided: what the queue holds. */
const held = (ownerId: string): MediaItem => makeMediaItem({ ownerId, status: 'flagged', moderation: moderation('flagged') });

/**
 * The behaviour every ReviewQueue adapter must have: exactly the items whose status and verdict
 * are both `flagged`, of every owner, oldest first by id, paged by cursors only the queue accepts.
 */
export function reviewQueueContract(name: string, create: () => Promise<ReviewQueueHarness>): void {
  describe(`ReviewQueue contract: ${name}`, () => {
    let harness: ReviewQueueHarness;
    let repo: MediaRepository;
    let queue: ReviewQueue;

    beforeEach(async () => {
      harness = await create();
      repo = harness.repo;
      queue = harness.queue;
    });

    afterEach(async () => {
      await harness.close?.();
    });

    async function wholeQueue(limit: number): Promise<MediaItem[]> {
      const out: MediaItem[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const result = await queue.listForReview({ limit, ...(cursor === undefined ? {} : { cursor }) });
        expect(result.items.length).toBeLessThanOrEqual(limit);
        out.push(...result.items);
        if (result.nextCursor === undefined) return out;
        cursor = result.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    it('is empty when nothing is held', async () => {
      await repo.create(makeMediaItem({ status: 'ready', moderation: moderation('safe') }));
      expect(await queue.listForReview({ limit: 10 })).toEqual({ items: [] });
    });

    it('holds exactly the undecided flagged items of every owner, oldest first', async () => {
      const first = await repo.create(held('alice'));
      await repo.create(makeMediaItem({ ownerId: 'alice', status: 'flagged', moderation: moderation('rejected') }));
      const second = await repo.create(held('bob'));
      await repo.create(makeMediaItem({ ownerId: 'bob', status: 'ready', moderation: moderation('released') }));
      await repo.create(makeMediaItem({ ownerId: 'bob', status: 'ready', moderation: moderation('safe') }));
      // Inconsistent on purpose: the queue needs both the hold and the undecided verdict.
      await repo.create(makeMediaItem({ ownerId: 'carol', status: 'ready', moderation: moderation('flagged') }));
      await repo.create(makeMediaItem({ ownerId: 'carol', status: 'deleted', moderation: moderation('flagged') }));
      await repo.create(makeMediaItem({ ownerId: 'carol', status: 'processing', moderation: moderation('pending') }));
      const third = await repo.create(held('carol'));

      expect(await queue.listForReview({ limit: 50 })).toEqual({ items: [first, second, third] });
    });

    it('pages through a long queue exactly once, oldest first', async () => {
      const queued: MediaItem[] = [];
      const owners = ['alice', 'bob', 'carol'];
      for (let i = 0; i < 25; i += 1) {
        const ownerId = owners[i % owners.length] ?? 'alice';
        queued.push(await repo.create(held(ownerId)));
        if (i % 4 === 0) await repo.create(makeMediaItem({ ownerId, status: 'ready', moderation: moderation('released') }));
      }
      const first = await queue.listForReview({ limit: 7 });
      expect(first.items.map((i) => i.id)).toEqual(queued.slice(0, 7).map((i) => i.id));
      expect(first.nextCursor).toBeDefined();
      expect((await wholeQueue(7)).map((i) => i.id)).toEqual(queued.map((i) => i.id));
      expect((await wholeQueue(25)).map((i) => i.id)).toEqual(queued.map((i) => i.id));
      expect((await queue.listForReview({ limit: 25 })).nextCursor).toBeUndefined();
    });

    it('follows the items: a decision takes one out, a new hold puts one in', async () => {
      const decided = await repo.create(held('alice'));
      const rejected = await repo.create(held('bob'));
      const later = await repo.create(makeMediaItem({ ownerId: 'alice', status: 'ready', moderation: moderation('safe') }));
      const deleted = await repo.create(held('carol'));
      expect((await wholeQueue(10)).map((i) => i.id)).toEqual([decided.id, rejected.id, deleted.id]);

      const release = { ...decided.moderation, verdict: 'released' as const, reviewedBy: 'mod' };
      await repo.update({ ...decided, status: 'ready', moderation: release, version: 2 }, 1);
      await repo.update({ ...rejected, moderation: { ...rejected.moderation, verdict: 'rejected', reason: 'violence' }, version: 2 }, 1);
      await repo.update({ ...later, status: 'flagged', moderation: moderation('flagged'), version: 2 }, 1);
      await repo.delete('carol', deleted.id);
      const now = await wholeQueue(10);
      expect(now.map((i) => i.id)).toEqual([later.id]);
      expect(now[0]).toEqual(await repo.get('alice', later.id));
    });

    it('refuses a cursor that is not its own, and a limit that is not an integer from 1 to MAX_PAGE_SIZE', async () => {
      for (let i = 0; i < 3; i += 1) await repo.create(held('alice'));
      const listCursor = (await repo.list('alice', ListQuerySchema.parse({ limit: 1 }))).nextCursor as string;
      expect(listCursor).toBeDefined();
      await expect(queue.listForReview({ limit: 1, cursor: listCursor })).rejects.toBeInstanceOf(ValidationError);
      await expect(queue.listForReview({ limit: 1, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(ValidationError);
      await expect(queue.listForReview({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(queue.listForReview({ limit: MAX_PAGE_SIZE + 1 })).rejects.toBeInstanceOf(ValidationError);
      expect((await queue.listForReview({ limit: MAX_PAGE_SIZE })).items).toHaveLength(3);
    });
  });
}
