import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ulid } from 'ulid';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { ShareLink, ShareLinkRepository } from '../../shares.js';
import { rejection } from '../fixtures.js';

export interface ShareLinkRepositoryHarness {
  shares: ShareLinkRepository;
  close?: () => Promise<void>;
}

let linkCounter = 0;

/** A lower-case hex SHA-256-shaped string, different for each `n`. */
const hashOf = (n: number): string => n.toString(16).padStart(64, '0');

/**
 * A valid link with sensible defaults (to a media item, no password, no expiry), for tests. Ids
 * and token hashes differ with each call; ids increase, so "newest first" is predictable.
 */
export function makeShareLink(overrides: Partial<ShareLink> = {}): ShareLink {
  linkCounter += 1;
  const ms = Date.UTC(2026, 2, 1) + linkCounter;
  const at = new Date(ms).toISOString();
  return {
    id: ulid(ms),
    ownerId: 'alice',
    tokenHash: hashOf(0x5eed0000 + linkCounter),
    target: { type: 'media', mediaId: ulid(Date.UTC(2026, 0, 1)) },
    allowDownload: false,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

const T1 = new Date('2026-04-01T10:00:00.000Z');
const T2 = new Date('2026-04-01T10:05:00.000Z');

/**
 * The behaviour every ShareLinkRepository adapter must have (in memory, SQLite, DynamoDB): owner
 * scoping everywhere but the token lookup, one link per token hash, conditional edits, and visits
 * recorded apart from edits.
 */
export function shareLinkRepositoryContract(name: string, create: () => Promise<ShareLinkRepositoryHarness>): void {
  describe(`ShareLinkRepository contract: ${name}`, () => {
    let harness: ShareLinkRepositoryHarness;
    let shares: ShareLinkRepository;

    beforeEach(async () => {
      harness = await create();
      shares = harness.shares;
    });

    afterEach(async () => {
      await harness.close?.();
    });

    it('creates a link and finds it by its owner and id, and by its token hash alone', async () => {
      const link = makeShareLink({
        target: { type: 'album', albumId: ulid() },
        allowDownload: true,
        expiresAt: '2026-05-01T00:00:00.000Z',
        password: {
          algorithm: 'scrypt',
          salt: 'c2FsdHNhbHRzYWx0c2FsdA==',
          hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=',
          N: 16384,
          r: 8,
          p: 1,
        },
      });
      expect(await shares.createShare(link)).toEqual(link);
      expect(await shares.getShare('alice', link.id)).toEqual(link);
      expect(await shares.getShareByTokenHash(link.tokenHash)).toEqual(link);
      expect(await shares.getShareByTokenHash(hashOf(1))).toBeUndefined();
      expect(await shares.getShare('bob', link.id)).toBeUndefined();
      expect(await shares.getShare('alice', makeShareLink().id)).toBeUndefined();
    });

    it('refuses a second link with the same id or the same token hash, and one not at version 1', async () => {
      const link = await shares.createShare(makeShareLink());
      await expect(shares.createShare({ ...link, tokenHash: hashOf(2) })).rejects.toBeInstanceOf(ConflictError);
      // A token hash is one key for every owner: it is all a visitor presents.
      await expect(shares.createShare(makeShareLink({ ownerId: 'bob', tokenHash: link.tokenHash }))).rejects.toBeInstanceOf(ConflictError);
      expect(await shares.getShareByTokenHash(link.tokenHash)).toEqual(link);
      expect(await shares.getShareByTokenHash(hashOf(2))).toBeUndefined();
      await expect(shares.createShare(makeShareLink({ version: 2 }))).rejects.toBeInstanceOf(ValidationError);
    });

    it('lists an owner\u2019s links newest first, up to the limit, optionally those of one target', async () => {
      const photo = ulid();
      const album = ulid();
      const made: ShareLink[] = [];
      for (const target of [
        { type: 'media', mediaId: photo },
        { type: 'album', albumId: album },
        { type: 'media', mediaId: photo },
        { type: 'media', mediaId: ulid() },
        { type: 'media', mediaId: photo },
      ] as const) {
        made.push(await shares.createShare(makeShareLink({ target })));
      }
      const bobs = await shares.createShare(makeShareLink({ ownerId: 'bob', target: { type: 'media', mediaId: photo } }));
      const ids = (links: ShareLink[]): string[] => links.map((l) => l.id);
      const newestFirst = [...made].reverse();

      expect(await shares.listShares('alice', { limit: 50 })).toEqual(newestFirst);
      expect(ids(await shares.listShares('alice', { limit: 2 }))).toEqual(ids(newestFirst.slice(0, 2)));
      expect(ids(await shares.listShares('alice', { limit: 50, target: { type: 'media', mediaId: photo } }))).toEqual(
        ids(newestFirst.filter((l) => l.target.type === 'media' && l.target.mediaId === photo)),
      );
      expect(ids(await shares.listShares('alice', { limit: 1, target: { type: 'media', mediaId: photo } }))).toEqual([made[4]?.id]);
      expect(ids(await shares.listShares('alice', { limit: 50, target: { type: 'album', albumId: album } }))).toEqual([made[1]?.id]);
      // The same id as an album is another target.
      expect(await shares.listShares('alice', { limit: 50, target: { type: 'album', albumId: photo } })).toEqual([]);
      expect(await shares.listShares('bob', { limit: 50 })).toEqual([bobs]);
      expect(await shares.listShares('carol', { limit: 50 })).toEqual([]);
    });

    it('updates conditionally on the version', async () => {
      const link = await shares.createShare(makeShareLink());
      const revoked: ShareLink = { ...link, revokedAt: T1.toISOString(), updatedAt: T1.toISOString(), version: 2 };
      expect(await shares.updateShare(revoked, 1)).toEqual(revoked);
      expect(await shares.getShare('alice', link.id)).toEqual(revoked);
      expect(await shares.getShareByTokenHash(link.tokenHash)).toEqual(revoked);

      const stale = await rejection(shares.updateShare({ ...link, allowDownload: true, version: 2 }, 1));
      expect(stale).toBeInstanceOf(ConflictError);
      expect((stale as ConflictError).details).toEqual({ currentVersion: 2 });
      expect(await shares.getShare('alice', link.id)).toEqual(revoked);

      await expect(shares.updateShare({ ...revoked, version: 4 }, 2)).rejects.toBeInstanceOf(ValidationError);
      await expect(shares.updateShare({ ...revoked, ownerId: 'bob', version: 3 }, 2)).rejects.toBeInstanceOf(NotFoundError);
      await expect(shares.updateShare({ ...makeShareLink(), version: 2 }, 1)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('moves the token lookup with a new token hash, refusing one another link holds', async () => {
      const link = await shares.createShare(makeShareLink());
      const other = await shares.createShare(makeShareLink({ ownerId: 'bob' }));
      await expect(shares.updateShare({ ...link, tokenHash: other.tokenHash, version: 2 }, 1)).rejects.toBeInstanceOf(ConflictError);
      expect(await shares.getShareByTokenHash(other.tokenHash)).toEqual(other);

      const rekeyed = await shares.updateShare({ ...link, tokenHash: hashOf(3), version: 2 }, 1);
      expect(await shares.getShareByTokenHash(hashOf(3))).toEqual(rekeyed);
      expect(await shares.getShareByTokenHash(link.tokenHash)).toBeUndefined();
      // The old token hash is free again.
      await shares.createShare(makeShareLink({ tokenHash: link.tokenHash }));
    });

    it('records a visit without an edit: no version bump, only forward, kept by a later update', async () => {
      const link = await shares.createShare(makeShareLink());
      await shares.touchShare('alice', link.id, T2);
      const visited = { ...link, lastOpenedAt: T2.toISOString() };
      expect(await shares.getShare('alice', link.id)).toEqual(visited);
      expect(await shares.getShareByTokenHash(link.tokenHash)).toEqual(visited);

      // A late, older visit does not move it back; another owner and a missing link are no-ops.
      await shares.touchShare('alice', link.id, T1);
      await shares.touchShare('bob', link.id, new Date('2027-01-01T00:00:00.000Z'));
      await shares.touchShare('alice', makeShareLink().id, T2);
      expect(await shares.getShare('alice', link.id)).toEqual(visited);

      // The owner edits from a read made before the visit: the visit stays recorded.
      const edited = await shares.updateShare({ ...link, allowDownload: true, updatedAt: T2.toISOString(), version: 2 }, 1);
      const expected = { ...link, allowDownload: true, updatedAt: T2.toISOString(), version: 2, lastOpenedAt: T2.toISOString() };
      expect(edited).toEqual(expected);
      expect(await shares.getShare('alice', link.id)).toEqual(expected);
    });

    it('deletes a link with its token lookup, idempotently, and only for its owner', async () => {
      const link = await shares.createShare(makeShareLink());
      await shares.deleteShare('bob', link.id);
      expect(await shares.getShare('alice', link.id)).toEqual(link);

      await shares.deleteShare('alice', link.id);
      await shares.deleteShare('alice', link.id);
      expect(await shares.getShare('alice', link.id)).toBeUndefined();
      expect(await shares.getShareByTokenHash(link.tokenHash)).toBeUndefined();
      expect(await shares.listShares('alice', { limit: 50 })).toEqual([]);
      await expect(shares.updateShare({ ...link, version: 2 }, 1)).rejects.toBeInstanceOf(NotFoundError);

      // Neither the id nor the token hash is held any more.
      expect(await shares.createShare(link)).toEqual(link);
      expect(await shares.getShareByTokenHash(link.tokenHash)).toEqual(link);
    });

    it('refuses a limit that is not a positive integer', async () => {
      await expect(shares.listShares('alice', { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(shares.listShares('alice', { limit: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    });
  });
}
