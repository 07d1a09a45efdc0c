import { randomBytes, scryptSync } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError, type MediaItem, type ShareLink } from '@mediaflow/domain';
import { makeMediaItem, rejection } from '@mediaflow/domain/testing';
import { addAlbumItems, createAlbum } from './albums.js';
import { deleteMedia } from './commands.js';
import { LinkGoneError, PasswordRequiredError, WrongPasswordError } from './errors.js';
import {
  createShare,
  hashPassword,
  newShareToken,
  openShare,
  openSharedMedia,
  PASSWORD_SCRYPT,
  revokeShare,
  revokeSharesOf,
  SHARED_PAGE_MAX,
  shareTokenHash,
  ShareUnlocks,
  unlockShare,
  verifyPassword,
  visibleThroughLinks,
  type VisitorDeps,
} from './shares.js';
import { inMemoryDeps } from './testing/index.js';

const SECRET = Buffer.alloc(32, 1);

function setup() {
  const logged: Record<string, unknown>[] = [];
  const deps: VisitorDeps & ReturnType<typeof inMemoryDeps> = {
    ...inMemoryDeps({ log: (entry: Record<string, unknown>) => logged.push(entry) }),
    unlocks: new ShareUnlocks(SECRET),
  };
  const seed = async (overrides: Partial<MediaItem> = {}) => {
    const item = makeMediaItem({ id: deps.ids.next(), ownerId: 'alice', status: 'ready', moderation: { verdict: 'safe', labels: [] }, ...overrides });
    return deps.repo.create(item);
  };
  return { deps, logged, seed };
}

function link(overrides: Partial<ShareLink> = {}): ShareLink {
  return {
    id: '01JQ0000000000000000000009',
    ownerId: 'alice',
    tokenHash: 'a'.repeat(64),
    target: { type: 'media', mediaId: '01JQ0000000000000000000001' },
    allowDownload: false,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

describe('link tokens', () => {
  it('are 32 random bytes in base64url, stored as their SHA-256 only', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newShareToken()));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(shareTokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // Anything hashes: a malformed token is looked up like any other.
    expect(shareTokenHash('../\u0000x')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('link passwords', () => {
  it('are hashed with scrypt, salted, with their cost stored, and checked in constant time', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatchObject({ algorithm: 'scrypt', ...PASSWORD_SCRYPT });
    expect(Buffer.from(stored.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(stored.hash, 'base64')).toHaveLength(32);
    expect((await hashPassword('correct horse')).hash).not.toBe(stored.hash);
    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct hors', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
    // The cost stored with a hash is the one it is checked with (an older, cheaper one still works).
    const salt = randomBytes(16);
    const cheap = { algorithm: 'scrypt' as const, salt: salt.toString('base64'), hash: scryptSync('correct horse', salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64'), N: 1024, r: 8, p: 1 };
    await expect(verifyPassword('correct horse', cheap)).resolves.toBe(true);
    await expect(verifyPassword('correct horse', { ...cheap, N: 2048 })).resolves.toBe(false);
  });
});

describe('ShareUnlocks', () => {
  const now = new Date('2026-06-01T00:00:00.000Z');
  const protectedLink = link({ password: { algorithm: 'scrypt', salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'x'.repeat(44), N: 1024, r: 8, p: 1 } });

  it('opens the link it was issued for, for an hour', () => {
    const unlocks = new ShareUnlocks(SECRET);
    const { unlock, expiresAt } = unlocks.issue(protectedLink, now);
    expect(expiresAt.toISOString()).toBe('2026-06-01T01:00:00.000Z');
    expect(unlocks.verify(protectedLink, unlock, now)).toBe(true);
    expect(unlocks.verify(protectedLink, unlock, new Date('2026-06-01T00:59:59Z'))).toBe(true);
    expect(unlocks.verify(protectedLink, unlock, expiresAt)).toBe(false);
    expect(unlocks.verify({ ...protectedLink, id: '01JQ0000000000000000000008' }, unlock, now)).toBe(false);
    // A new password (a new salt) invalidates grants of the old one.
    expect(unlocks.verify({ ...protectedLink, password: { ...protectedLink.password, salt: 'bmV3c2FsdG5ld3NhbHQ=' } as ShareLink['password'] }, unlock, now)).toBe(false);
    expect(new ShareUnlocks(Buffer.alloc(32, 2)).verify(protectedLink, unlock, now)).toBe(false);
  });

  it('refuses a tampered, far-future or malformed grant', () => {
    const unlocks = new ShareUnlocks(SECRET);
    const { unlock } = unlocks.issue(protectedLink, now);
    const [expiry = '', mac = ''] = unlock.split('.');
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [`${Number(expiry) + 1}.${mac}`, `${expiry}.${flipped}`, `${expiry}.${mac}x`, '', 'garbage', `${expiry}`]) {
      expect([bad, unlocks.verify(protectedLink, bad, now)]).toEqual([bad, false]);
    }
    // Issued with a longer lifetime elsewhere: not accepted beyond this server's hour.
    const long = new ShareUnlocks(SECRET, 86_400).issue(protectedLink, now).unlock;
    expect(unlocks.verify(protectedLink, long, now)).toBe(false);
    expect(() => new ShareUnlocks(Buffer.alloc(31))).toThrow('32 bytes');
  });
});

describe('share use cases', () => {
  it('create a link with an expiry and a password, neither stored in the clear', async () => {
    const { deps, seed } = setup();
    const item = await seed();
    const { link: created, token } = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id }, expiresInSeconds: 600, password: 'swordfish' });
    expect(created).toMatchObject({ ownerId: 'alice', allowDownload: false, expiresAt: '2026-06-01T00:10:00.000Z', tokenHash: shareTokenHash(token), version: 1 });
    expect(JSON.stringify(created)).not.toContain('swordfish');
    expect(await rejection(openShare(deps, { token }, {}))).toBeInstanceOf(PasswordRequiredError);
    expect(await rejection(unlockShare(deps, token, 'sword'))).toBeInstanceOf(WrongPasswordError);
    const { unlock } = await unlockShare(deps, token, 'swordfish');
    expect((await openShare(deps, { token, unlock }, {})).items.map((i) => i.id)).toEqual([item.id]);
    deps.clock.advance(600_000);
    expect(await rejection(openShare(deps, { token, unlock }, {}))).toMatchObject({ reason: 'link_expired' });
  });

  it('revoke idempotently, retrying when another edit of the link got there first', async () => {
    const { deps, seed } = setup();
    const item = await seed();
    const { link: created, token } = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id } });
    const update = deps.shares.updateShare.bind(deps.shares);
    let raced = false;
    deps.shares.updateShare = async (next, expected) => {
      if (!raced) {
        raced = true;
        const current = (await deps.shares.getShare('alice', created.id)) as ShareLink;
        await update({ ...current, allowDownload: true, version: current.version + 1 }, current.version);
      }
      return update(next, expected);
    };
    const revoked = await revokeShare(deps, 'alice', created.id);
    expect(revoked).toMatchObject({ revokedAt: deps.clock.now().toISOString(), allowDownload: true, version: 3 });
    expect(await revokeShare(deps, 'alice', created.id)).toEqual(revoked);
    expect(await rejection(openShare(deps, { token }, {}))).toEqual(new LinkGoneError('link_revoked'));
    expect(await rejection(revokeShare(deps, 'bob', created.id))).toBeInstanceOf(NotFoundError);
  });

  it('revoke every link of a target, leaving other targets’ links and revoked ones alone', async () => {
    const { deps, seed } = setup();
    const [a, b] = [await seed(), await seed()];
    const first = await createShare(deps, 'alice', { target: { type: 'media', mediaId: a.id } });
    await createShare(deps, 'alice', { target: { type: 'media', mediaId: a.id } });
    const other = await createShare(deps, 'alice', { target: { type: 'media', mediaId: b.id } });
    await revokeShare(deps, 'alice', first.link.id);
    expect(await revokeSharesOf(deps, 'alice', { type: 'media', mediaId: a.id })).toBe(1);
    expect((await deps.shares.getShare('alice', other.link.id))?.revokedAt).toBeUndefined();
  });

  it('revoke a target’s links made while it was being revoked, and beyond a full listing', async () => {
    const { deps, seed } = setup();
    const item = await seed();
    const target = { type: 'media' as const, mediaId: item.id };
    await createShare(deps, 'alice', { target });
    // A link made in a race with the revocation: after the first listing was read.
    const list = deps.shares.listShares.bind(deps.shares);
    let raced: string | undefined;
    deps.shares.listShares = async (ownerId, options) => {
      const links = await list(ownerId, options);
      if (raced === undefined) raced = (await createShare(deps, 'alice', { target })).link.id;
      return links;
    };
    expect(await revokeSharesOf(deps, 'alice', target)).toBe(2);
    expect((await deps.shares.getShare('alice', raced ?? ''))?.revokedAt).toBeDefined();
    deps.shares.listShares = list;

    // More links than one listing holds, the newest already revoked: the older ones go too.
    const album = { type: 'album' as const, albumId: '01JQ0000000000000000000099' };
    const many = 1003;
    for (let i = 0; i < many; i += 1) {
      await deps.shares.createShare({ ...link({ id: deps.ids.next(), tokenHash: shareTokenHash(`t${i}`), target: album }) });
    }
    const newest = await list('alice', { target: album, limit: 1 });
    await revokeShare(deps, 'alice', newest[0]?.id ?? '');
    expect(await revokeSharesOf(deps, 'alice', album)).toBe(many - 1);
    expect((await list('alice', { target: album, limit: 2000 })).filter((l) => l.revokedAt === undefined)).toEqual([]);
  });

  it('answer link_revoked (410) for a link whose album or item is gone, though the link was never revoked', async () => {
    const { deps, seed } = setup();
    const [deleted, vanished] = [await seed(), await seed()];
    const gone = async (share: Promise<unknown>) => expect(await rejection(share)).toEqual(new LinkGoneError('link_revoked'));
    const itemLink = async (item: MediaItem) => (await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id } })).token;
    const [deletedToken, vanishedToken] = [await itemLink(deleted), await itemLink(vanished)];
    // Made in a race with deleteMedia, or missed by its revocation: marked deleted, or the record gone.
    const stored = (await deps.repo.get('alice', deleted.id)) as MediaItem;
    await deps.repo.update({ ...stored, status: 'deleted', version: stored.version + 1 }, stored.version);
    await deps.repo.delete('alice', vanished.id);
    for (const token of [deletedToken, vanishedToken]) {
      await gone(openShare(deps, { token }, {}));
      await gone(openSharedMedia(deps, { token }, deleted.id));
      await gone(openSharedMedia(deps, { token }, vanished.id));
    }

    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const kept = await seed();
    await addAlbumItems(deps, 'alice', album.id, { mediaIds: [kept.id] });
    const { token } = await createShare(deps, 'alice', { target: { type: 'album', albumId: album.id } });
    // A member deleted for good leaves the album: the link works on, without it.
    expect(await rejection(openSharedMedia(deps, { token }, deleted.id))).toBeInstanceOf(NotFoundError);
    expect((await openSharedMedia(deps, { token }, kept.id)).item.id).toBe(kept.id);
    // The album removed behind the link's back (a delete racing the link's creation).
    await deps.albums.deleteAlbum('alice', album.id);
    await gone(openShare(deps, { token }, {}));
    await gone(openSharedMedia(deps, { token }, kept.id));
  });

  it('show an item link’s item that is held or unfinished as nothing, not as gone', async () => {
    const { deps, seed } = setup();
    const item = await seed();
    const { token } = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id } });
    const changes: Partial<MediaItem>[] = [{ status: 'processing' }, { status: 'flagged', moderation: { verdict: 'flagged', labels: [] } }];
    for (const change of changes) {
      const stored = (await deps.repo.get('alice', item.id)) as MediaItem;
      await deps.repo.update({ ...stored, ...change, version: stored.version + 1 }, stored.version);
      expect((await openShare(deps, { token }, {})).items).toEqual([]);
      expect(await rejection(openSharedMedia(deps, { token }, item.id))).toBeInstanceOf(NotFoundError);
    }
  });

  it('count unlock attempts only on a working link that has a password, after its one lookup', async () => {
    const { deps, seed } = setup();
    const item = await seed();
    const counted: string[] = [];
    const admit = async (l: ShareLink): Promise<void> => {
      counted.push(l.id);
      if (counted.length > 2) throw new ConflictError('limited');
    };
    const lookups: string[] = [];
    const byHash = deps.shares.getShareByTokenHash.bind(deps.shares);
    deps.shares.getShareByTokenHash = async (hash) => {
      lookups.push(hash);
      return byHash(hash);
    };
    expect(await rejection(unlockShare(deps, newShareToken(), 'x', { admit }))).toBeInstanceOf(NotFoundError);
    expect(await rejection(unlockShare(deps, 'not a token at all', 'x', { admit }))).toBeInstanceOf(NotFoundError);
    expect(lookups).toHaveLength(2);
    const open = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id } });
    expect(await rejection(unlockShare(deps, open.token, 'x', { admit }))).toBeInstanceOf(ConflictError);
    expect(counted).toEqual([]);

    const locked = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id }, password: 'swordfish' });
    expect(await rejection(unlockShare(deps, locked.token, 'wrong', { admit }))).toBeInstanceOf(WrongPasswordError);
    expect((await unlockShare(deps, locked.token, 'swordfish', { admit })).unlock).toMatch(/^\d+\./);
    // Refused by the count: the password is not even checked.
    expect(await rejection(unlockShare(deps, locked.token, 'swordfish', { admit }))).toEqual(new ConflictError('limited'));
    expect(counted).toEqual([locked.link.id, locked.link.id, locked.link.id]);
    await revokeShare(deps, 'alice', locked.link.id);
    expect(await rejection(unlockShare(deps, locked.token, 'swordfish', { admit }))).toMatchObject({ reason: 'link_revoked' });
    expect(counted).toHaveLength(3);
  });

  it('cap a visitor’s album page at SHARED_PAGE_MAX items', async () => {
    const { deps } = setup();
    const album = await createAlbum(deps, 'alice', { name: 'Trip' });
    const { token } = await createShare(deps, 'alice', { target: { type: 'album', albumId: album.id } });
    expect(SHARED_PAGE_MAX).toBe(50);
    expect((await openShare(deps, { token }, { limit: String(SHARED_PAGE_MAX) })).items).toEqual([]);
    expect(await rejection(openShare(deps, { token }, { limit: String(SHARED_PAGE_MAX + 1) }))).toBeInstanceOf(ValidationError);
    expect(await rejection(openShare(deps, { token }, { limit: '200' }))).toBeInstanceOf(ValidationError);
  });

  it('refuse to share a held item, and another owner’s', async () => {
    const { deps, seed } = setup();
    const held = await seed({ status: 'flagged', moderation: { verdict: 'flagged', labels: [] } });
    expect(await rejection(createShare(deps, 'alice', { target: { type: 'media', mediaId: held.id } }))).toMatchObject({ reason: 'held_for_review', code: 'conflict' });
    expect(await rejection(createShare(deps, 'alice', { target: { type: 'media', mediaId: held.id } }))).toBeInstanceOf(ConflictError);
    expect(await rejection(createShare(deps, 'bob', { target: { type: 'media', mediaId: held.id } }))).toBeInstanceOf(NotFoundError);
  });

  it('still answer a visitor when recording the visit fails, and warn', async () => {
    const { deps, seed, logged } = setup();
    const item = await seed();
    const { token } = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id } });
    deps.shares.touchShare = async () => {
      throw new Error('throttled');
    };
    expect((await openShare(deps, { token }, {})).items).toHaveLength(1);
    expect(logged).toEqual([expect.objectContaining({ level: 'warn', msg: 'a link visit was not recorded', error: 'Error: throttled' })]);
  });

  it('revoke an item’s links when it is deleted for good', async () => {
    const { deps, seed } = setup();
    const item = await seed();
    const { token } = await createShare(deps, 'alice', { target: { type: 'media', mediaId: item.id } });
    await deleteMedia(deps, 'alice', item.id);
    expect(await rejection(openShare(deps, { token }, {}))).toMatchObject({ reason: 'link_revoked' });
  });
});

describe('visibleThroughLinks', () => {
  it.each([
    ['ready', 'safe', true],
    ['ready', 'pending', true],
    ['ready', 'released', true],
    ['ready', 'flagged', false],
    ['flagged', 'flagged', false],
    ['flagged', 'rejected', false],
    ['processing', 'pending', false],
    ['failed', 'pending', false],
    ['deleted', 'safe', false],
  ] as const)('an item %s with verdict %s: %s', (status, verdict, visible) => {
    expect(visibleThroughLinks(makeMediaItem({ status, moderation: { verdict, labels: [] } }))).toBe(visible);
  });

  it('not a missing one', () => {
    expect(visibleThroughLinks(undefined)).toBe(false);
  });
});
