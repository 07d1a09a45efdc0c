import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AlbumRepository } from '../../albums.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { MediaItem, MediaStatus } from '../../media.js';
import type { MediaRepository, OwnerRecords } from '../../ports.js';
import type { ShareLinkRepository } from '../../shares.js';
import { makeMediaItem, rejection } from '../fixtures.js';
import { makeShareLink } from './share-repository.contract.js';

/** The stores of one adapter, on one fresh store, and its view of an owner's records. */
export interface OwnerRecordsHarness {
  repo: MediaRepository;
  albums: AlbumRepository;
  shares: ShareLinkRepository;
  records: OwnerRecords;
  close?: () => Promise<void>;
}

const STATUSES: readonly MediaStatus[] = ['uploading', 'uploaded', 'processing', 'ready', 'failed', 'flagged', 'trashed', 'deleted'];

/** An item in `status` (a ready one tagged, so the tag index has entries). */
function itemIn(ownerId: string, status: MediaStatus): MediaItem {
  return makeMediaItem({
    ownerId,
    status,
    tags: status === 'ready' ? [{ name: 'beach', confidence: 1, source: 'user' }] : [],
    ...(status === 'trashed' ? { trash: { at: '2026-05-01T00:00:00.000Z', from: 'ready' as const } } : {}),
  });
}

/**
 * The behaviour every `OwnerRecords` adapter must have: the owner's items in every status, by id,
 * in pages whose cursors belong to the owner; `forgetOwner` refused while an item is left, then
 * idempotent, leaving a tombstone (`isDeleted`), and never touching another owner. What else an adapter keeps per owner (and must be
 * gone after `forgetOwner`) is each adapter's own test, which looks at its tables.
 */
export function ownerRecordsContract(name: string, create: () => Promise<OwnerRecordsHarness>): void {
  describe(`OwnerRecords contract: ${name}`, () => {
    let h: OwnerRecordsHarness;

    beforeEach(async () => {
      h = await create();
    });

    afterEach(async () => {
      await h.close?.();
    });

    async function allOf(ownerId: string, limit: number): Promise<MediaItem[]> {
      const out: MediaItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await h.records.listOwnerMedia(ownerId, cursor, limit);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return out;
    }

    it('lists the owner\u2019s items in every status, in id order, page by page, and no one else\u2019s', async () => {
      const mine: MediaItem[] = [];
      for (const status of STATUSES) mine.push(await h.repo.create(itemIn('alice', status)));
      await h.repo.create(itemIn('bob', 'ready'));
      const listed = await allOf('alice', 3);
      expect(listed.map((i) => i.id)).toEqual(mine.map((i) => i.id).sort());
      expect(new Set(listed.map((i) => i.status))).toEqual(new Set(STATUSES));
      expect((await h.records.listOwnerMedia('carol', undefined, 10)).items).toEqual([]);
    });

    it('refuses a cursor of another owner and a limit out of range', async () => {
      for (let i = 0; i < 3; i += 1) await h.repo.create(itemIn('alice', 'ready'));
      const page = await h.records.listOwnerMedia('alice', undefined, 1);
      expect(page.nextCursor).toBeDefined();
      expect(await rejection(h.records.listOwnerMedia('bob', page.nextCursor, 1))).toBeInstanceOf(ValidationError);
      expect(await rejection(h.records.listOwnerMedia('alice', undefined, 0))).toBeInstanceOf(ValidationError);
      expect(await rejection(h.records.listOwnerMedia('alice', undefined, 1001))).toBeInstanceOf(ValidationError);
    });

    it('refuses to forget an owner who still has items, and leaves no tombstone then', async () => {
      await h.repo.create(itemIn('alice', 'trashed'));
      expect(await rejection(h.records.forgetOwner('alice'))).toBeInstanceOf(ConflictError);
      expect(await h.records.isDeleted('alice')).toBe(false);
    });

    it('keeps a tombstone of a forgotten owner, for that owner alone, however often it is forgotten', async () => {
      expect(await h.records.isDeleted('alice')).toBe(false);
      await h.records.forgetOwner('alice');
      await h.records.forgetOwner('alice');
      expect(await h.records.isDeleted('alice')).toBe(true);
      expect(await h.records.isDeleted('bob')).toBe(false);
      expect(await h.records.isDeleted('alic')).toBe(false);
    });

    it('forgets an owner whose items, albums and links went, again and again, leaving another owner whole', async () => {
      for (const ownerId of ['alice', 'bob']) {
        const item = await h.repo.create(itemIn(ownerId, 'ready'));
        const album = await h.albums.createAlbum({ id: makeMediaItem().id, ownerId, name: 'Trip', itemCount: 0, createdAt: item.createdAt, updatedAt: item.createdAt, version: 1 });
        await h.albums.addItems(ownerId, album.id, [{ mediaId: item.id, takenAt: item.createdAt }], new Date(item.createdAt));
        await h.shares.createShare(makeShareLink({ ownerId, target: { type: 'album', albumId: album.id } }));
      }
      for (const item of await allOf('alice', 10)) await h.repo.delete('alice', item.id);
      for (const album of (await h.albums.listAlbums('alice', { limit: 10 })).items) await h.albums.deleteAlbum('alice', album.id);
      for (const link of await h.shares.listShares('alice', { limit: 10 })) await h.shares.deleteShare('alice', link.id);

      await h.records.forgetOwner('alice');
      await h.records.forgetOwner('alice');
      expect(await allOf('alice', 10)).toEqual([]);
      expect([await h.records.isDeleted('alice'), await h.records.isDeleted('bob')]).toEqual([true, false]);
      expect(await h.repo.tagCounts('alice')).toEqual([]);

      expect(await allOf('bob', 10)).toHaveLength(1);
      expect(await h.repo.tagCounts('bob')).toEqual([{ name: 'beach', count: 1 }]);
      expect((await h.albums.listAlbums('bob', { limit: 10 })).items).toEqual([expect.objectContaining({ itemCount: 1 })]);
      expect(await h.shares.listShares('bob', { limit: 10 })).toHaveLength(1);
    });
  });
}
