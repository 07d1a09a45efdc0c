import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../errors.js';
import type { MediaChangeFeed, MediaRepository } from '../../ports.js';
import { makeMediaItem } from '../fixtures.js';

/** A media repository and the change feed of the same store, both empty. */
export interface MediaChangeFeedHarness {
  repo: MediaRepository;
  feed: MediaChangeFeed;
  close?: () => Promise<void>;
}

/**
 * The behaviour every MediaChangeFeed adapter must have: each create, update and delete of an item
 * is one change, in the order the store made them, read per owner after a sequence, with the next
 * sequence to ask after; a sequence the log cannot resume from is `expired`.
 *
 * @example
 * mediaChangeFeedContract('in memory', async () => {
 *   const feed = new InMemoryMediaChangeFeed();
 *   return { repo: feed.track(new InMemoryMediaRepository()), feed };
 * });
 */
export function mediaChangeFeedContract(name: string, create: () => Promise<MediaChangeFeedHarness>): void {
  describe(`MediaChangeFeed contract: ${name}`, () => {
    let harness: MediaChangeFeedHarness;
    let repo: MediaRepository;
    let feed: MediaChangeFeed;

    beforeEach(async () => {
      harness = await create();
      repo = harness.repo;
      feed = harness.feed;
    });

    afterEach(async () => {
      await harness.close?.();
    });

    it('starts empty at sequence 0', async () => {
      expect(await feed.head()).toBe(0);
      expect(await feed.changesAfter('alice', 0, 10)).toEqual({ changes: [], next: 0, expired: false });
    });

    it('records creates, updates and deletes in order, each with a greater sequence', async () => {
      const item = await repo.create(makeMediaItem({ ownerId: 'alice' }));
      await repo.update({ ...item, status: 'uploaded', version: 2 }, 1);
      await repo.update({ ...item, status: 'processing', version: 3 }, 2);
      await repo.delete('alice', item.id);
      const page = await feed.changesAfter('alice', 0, 10);
      expect(page.changes.map((c) => [c.mediaId, c.type, c.ownerId])).toEqual([
        [item.id, 'created', 'alice'],
        [item.id, 'updated', 'alice'],
        [item.id, 'updated', 'alice'],
        [item.id, 'deleted', 'alice'],
      ]);
      const sequences = page.changes.map((c) => c.sequence);
      expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
      expect(new Set(sequences).size).toBe(4);
      expect(page.next).toBe(await feed.head());
      expect(page.next).toBe(sequences[3]);
      expect(page.expired).toBe(false);
    });

    it('records nothing for a write that fails or a delete of nothing', async () => {
      const item = await repo.create(makeMediaItem({ ownerId: 'alice' }));
      const head = await feed.head();
      await expect(repo.update({ ...item, version: 3 }, 2)).rejects.toThrow();
      await expect(repo.create(item)).rejects.toThrow();
      await repo.delete('alice', 'no-such-item');
      expect(await feed.head()).toBe(head);
    });

    it('resumes after a sequence with only the later changes', async () => {
      const first = await repo.create(makeMediaItem({ ownerId: 'alice' }));
      const { next } = await feed.changesAfter('alice', 0, 10);
      const second = await repo.create(makeMediaItem({ ownerId: 'alice' }));
      await repo.update({ ...first, status: 'uploaded', version: 2 }, 1);
      const later = await feed.changesAfter('alice', next, 10);
      expect(later.changes.map((c) => [c.mediaId, c.type])).toEqual([
        [second.id, 'created'],
        [first.id, 'updated'],
      ]);
      expect(await feed.changesAfter('alice', later.next, 10)).toEqual({ changes: [], next: later.next, expired: false });
    });

    it('pages by limit: a full page continues from its last change', async () => {
      const items = [];
      for (let i = 0; i < 5; i += 1) items.push(await repo.create(makeMediaItem({ ownerId: 'alice' })));
      const first = await feed.changesAfter('alice', 0, 2);
      expect(first.changes.map((c) => c.mediaId)).toEqual([items[0]?.id, items[1]?.id]);
      expect(first.next).toBe(first.changes[1]?.sequence);
      const second = await feed.changesAfter('alice', first.next, 2);
      expect(second.changes.map((c) => c.mediaId)).toEqual([items[2]?.id, items[3]?.id]);
      const third = await feed.changesAfter('alice', second.next, 2);
      expect(third.changes.map((c) => c.mediaId)).toEqual([items[4]?.id]);
      expect(third.next).toBe(await feed.head());
    });

    it('shows an owner only their own changes, and moves past the others’', async () => {
      const mine = await repo.create(makeMediaItem({ ownerId: 'alice' }));
      const theirs = await repo.create(makeMediaItem({ ownerId: 'bob' }));
      await repo.update({ ...theirs, status: 'uploaded', version: 2 }, 1);
      await repo.delete('bob', theirs.id);
      const alice = await feed.changesAfter('alice', 0, 10);
      expect(alice.changes.map((c) => c.mediaId)).toEqual([mine.id]);
      expect(alice.changes.every((c) => c.ownerId === 'alice')).toBe(true);
      // Caught up: the next read starts after bob's changes too.
      expect(alice.next).toBe(await feed.head());
      const bob = await feed.changesAfter('bob', 0, 10);
      expect(bob.changes.map((c) => c.type)).toEqual(['created', 'updated', 'deleted']);
      expect(bob.changes.every((c) => c.ownerId === 'bob' && c.mediaId === theirs.id)).toBe(true);
      expect((await feed.changesAfter('carol', 0, 10)).changes).toEqual([]);
    });

    it('calls a sequence newer than the log expired, and answers from the head', async () => {
      await repo.create(makeMediaItem({ ownerId: 'alice' }));
      const head = await feed.head();
      expect(await feed.changesAfter('alice', head + 100, 10)).toEqual({ changes: [], next: head, expired: true });
    });

    it('refuses a sequence or a limit out of range', async () => {
      await expect(feed.changesAfter('alice', -1, 10)).rejects.toBeInstanceOf(ValidationError);
      await expect(feed.changesAfter('alice', 1.5, 10)).rejects.toBeInstanceOf(ValidationError);
      await expect(feed.changesAfter('alice', 0, 0)).rejects.toBeInstanceOf(ValidationError);
      await expect(feed.changesAfter('alice', 0, 1001)).rejects.toBeInstanceOf(ValidationError);
      expect((await feed.changesAfter('alice', 0, 1000)).changes).toEqual([]);
    });
  });
}
