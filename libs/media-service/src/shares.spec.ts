import { randomBytes, scryptSync } from 'node:crypto';
import { ConflictError, NotFoundError, type MediaItem, type ShareLink } from '@mediaflow/domain';
import { makeMediaItem, rejection } from '@mediaflow/domain/testing';
import { deleteMedia } from './commands.js';
import { LinkGoneError, PasswordRequiredError, WrongPasswordError } from './errors.js';
import {
  createShare,
  hashPassword,
  newShareToken,
  openShare,
  PASSWORD_SCRYPT,
  revokeShare,
  revokeSharesOf,
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
