import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import {
  isListed,
  type Album,
  ConflictError,
  CursorSchema,
  DEFAULT_PAGE_SIZE,
  mapLimit,
  MAX_PAGE_SIZE,
  type MediaItem,
  NotFoundError,
  parseOrThrow,
  type PasswordHash,
  ShareCreateSchema,
  type ShareLink,
  type ShareTarget,
  UlidSchema,
} from '@mediaflow/domain';
import { z } from 'zod';
import type { ServiceDeps } from './context.js';
import { DownloadNotAllowedError, HeldForReviewError, LinkGoneError, PasswordRequiredError, WrongPasswordError } from './errors.js';
import { errorText, logEntry } from './log.js';
import { READ_CONCURRENCY } from './reads.js';
import { getMedia, type OriginalDownload } from './queries.js';
import { shareState } from './view.js';

// ---------------------------------------------------------------------------------------------
// Tokens and passwords
// ---------------------------------------------------------------------------------------------

/** A new link token: 32 random bytes, base64url (43 characters). Shown to the owner once. */
export function newShareToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What a link is stored and looked up by: the SHA-256 (hex) of its token. The token itself is
 * never stored, so a copy of the table opens nothing. Any string hashes, well-formed or not.
 */
export function shareTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * scrypt's cost for new link passwords (about 32 MiB and some tens of milliseconds per check);
 * stored with each hash, so raising it later leaves existing links working.
 */
export const PASSWORD_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const PASSWORD_KEY_BYTES = 32;
const PASSWORD_SALT_BYTES = 16;

function scryptKey(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node refuses anything over `maxmem` (32 MiB by default, which
  // the default cost just exceeds), so the limit is set from the cost with room to spare.
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, PASSWORD_KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A slow, salted hash of a link password. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(PASSWORD_SALT_BYTES);
  const hash = await scryptKey(password, salt, PASSWORD_SCRYPT);
  return { algorithm: 'scrypt', salt: salt.toString('base64'), hash: hash.toString('base64'), ...PASSWORD_SCRYPT };
}

/** Whether `password` is the one `stored` was made from, compared in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scryptKey(password, Buffer.from(stored.salt, 'base64'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// ---------------------------------------------------------------------------------------------
// Unlock grants
// ---------------------------------------------------------------------------------------------

/** How long a password, once given, keeps a link open for the visitor: an hour. */
export const SHARE_UNLOCK_SECONDS = 3600;

/** What unlocking a link hands the visitor: sent back as `x-share-unlock` until `expiresAt`. */
export interface ShareUnlock {
  unlock: string;
  expiresAt: Date;
}

/**
 * Unlock grants of password-protected links: `{expiry}.{HMAC-SHA256(link id, password salt,
 * expiry)}`, so a visitor gives the password once an hour rather than with every request, and the
 * server keeps no session. A grant opens only the link it was made for; bound to the password's
 * salt, it would stop working if the password changed.
 *
 * @example
 * const unlocks = new ShareUnlocks(secret);
 * const { unlock } = unlocks.issue(link, now);
 * unlocks.verify(link, unlock, now); // true, for an hour
 */
export class ShareUnlocks {
  private readonly key: Buffer;

  /** `secret`: at least 32 bytes, the same for every instance that serves visitors. */
  constructor(
    secret: Uint8Array,
    private readonly lifetimeSeconds = SHARE_UNLOCK_SECONDS,
  ) {
    if (secret.length < 32) throw new RangeError('the share secret needs at least 32 bytes');
    // A key of its own, so that one root secret can serve other purposes (media grants) too.
    this.key = createHmac('sha256', secret).update('mediaflow/share-unlock/v1').digest();
  }

  issue(link: ShareLink, now: Date): ShareUnlock {
    const expiry = Math.floor(now.getTime() / 1000) + this.lifetimeSeconds;
    return { unlock: `${expiry}.${this.mac(link, expiry).toString('base64url')}`, expiresAt: new Date(expiry * 1000) };
  }

  verify(link: ShareLink, unlock: string, now: Date): boolean {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(unlock);
    if (match === null) return false;
    const expiry = Number(match[1]);
    const nowSeconds = now.getTime() / 1000;
    if (!(expiry > nowSeconds) || expiry > nowSeconds + this.lifetimeSeconds) return false;
    // Compared as text: base64 decoding ignores the last character's spare bits, so bytes would
    // let a grant with another spelling through.
    const given = Buffer.from(match[2] ?? '', 'ascii');
    const expected = Buffer.from(this.mac(link, expiry).toString('base64url'), 'ascii');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(link: ShareLink, expiry: number): Buffer {
    return createHmac('sha256', this.key)
      .update(`${link.id}\n${link.password?.salt ?? ''}\n${expiry}`)
      .digest();
  }
}

/** The visitors' use cases: the service's stores, and the unlock grants of the deployment's secret. */
export interface VisitorDeps extends ServiceDeps {
  unlocks: ShareUnlocks;
}

/** What a visitor's request carries: the link's token, and the unlock grant of a protected link. */
export interface VisitorPass {
  token: string;
  unlock?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// The owner's links
// ---------------------------------------------------------------------------------------------

/** Whether a visitor may see an item: ready, not held or rejected by moderation, not deleted. */
export function visibleThroughLinks(item: MediaItem | undefined): item is MediaItem {
  if (item === undefined || item.status !== 'ready') return false;
  return item.moderation.verdict !== 'flagged' && item.moderation.verdict !== 'rejected';
}

/** Refuses a target the owner cannot share: not theirs (404) or held for review (409). */
async function checkShareable(deps: ServiceDeps, ownerId: string, target: ShareTarget): Promise<void> {
  if (target.type === 'album') {
    if ((await deps.albums.getAlbum(ownerId, target.albumId)) === undefined) throw new NotFoundError('no such album');
    return;
  }
  const item = await getMedia(deps, ownerId, target.mediaId);
  const verdict = item.moderation.verdict;
  if (item.status === 'flagged' || verdict === 'flagged' || verdict === 'rejected') {
    throw new HeldForReviewError('the item is held for review: it can be shared once a moderator releases it');
  }
}

/** A new link and its token, which is shown to the owner this once (only its hash is kept). */
export interface CreatedShare {
  link: ShareLink;
  token: string;
}

/**
 * `POST /api/v1/shares`: a link to one of the owner's items or albums, optionally expiring, with a
 * password, and allowing downloads of originals. An item that is not ready yet may be shared; it
 * shows once it is.
 *
 * @throws NotFoundError when the target is not the owner's; HeldForReviewError for a held item.
 */
export async function createShare(deps: ServiceDeps, ownerId: string, body: unknown): Promise<CreatedShare> {
  const request = parseOrThrow(ShareCreateSchema, body, 'share');
  await checkShareable(deps, ownerId, request.target);
  const now = deps.clock.now();
  const token = newShareToken();
  const link: ShareLink = {
    id: deps.ids.next(),
    ownerId,
    tokenHash: shareTokenHash(token),
    target: request.target,
    allowDownload: request.allowDownload,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  if (request.expiresInSeconds !== undefined) link.expiresAt = new Date(now.getTime() + request.expiresInSeconds * 1000).toISOString();
  if (request.password !== undefined) link.password = await hashPassword(request.password);
  return { link: await deps.shares.createShare(link), token };
}

/** `GET /api/v1/shares?mediaId=|albumId=`: at most one of the two. */
export const ShareListQuerySchema = z
  .object({ mediaId: UlidSchema.optional(), albumId: UlidSchema.optional() })
  .refine((q) => q.mediaId === undefined || q.albumId === undefined, 'ask for the links of an item or of an album, not both');

/** How many links a listing returns (newest first): more than anyone keeps for one item or album. */
export const SHARE_LIST_LIMIT = MAX_PAGE_SIZE;

/** `GET /api/v1/shares`: the owner's links, newest first, optionally those of one item or album. */
export async function listShares(deps: ServiceDeps, ownerId: string, query: unknown): Promise<ShareLink[]> {
  const { mediaId, albumId } = parseOrThrow(ShareListQuerySchema, query, 'query');
  const target: ShareTarget | undefined = mediaId !== undefined ? { type: 'media', mediaId } : albumId !== undefined ? { type: 'album', albumId } : undefined;
  return deps.shares.listShares(ownerId, target === undefined ? { limit: SHARE_LIST_LIMIT } : { target, limit: SHARE_LIST_LIMIT });
}

/** One of the owner's links. */
export async function getShare(deps: Pick<ServiceDeps, 'shares'>, ownerId: string, shareId: string): Promise<ShareLink> {
  const link = await deps.shares.getShare(ownerId, shareId);
  if (link === undefined) throw new NotFoundError('no such link');
  return link;
}

const MAX_ATTEMPTS = 3;

/**
 * `DELETE /api/v1/shares/{shareId}`: turns the link off for good (visitors get 410 from then on);
 * the link stays listed, revoked. Revoking a revoked link changes nothing.
 */
export async function revokeShare(deps: Pick<ServiceDeps, 'shares' | 'clock'>, ownerId: string, shareId: string): Promise<ShareLink> {
  for (let attempt = 1; ; attempt += 1) {
    const link = await getShare(deps, ownerId, shareId);
    if (link.revokedAt !== undefined) return link;
    const now = deps.clock.now().toISOString();
    try {
      return await deps.shares.updateShare({ ...link, revokedAt: now, updatedAt: now, version: link.version + 1 }, link.version);
    } catch (error) {
      if (!(error instanceof ConflictError) || error.code !== 'conflict' || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** More links than one item or album ever has; each revocation is one write. */
const REVOKE_BATCH = 1000;

/** The most links of one target a revocation reads in one listing (newest first, revoked ones included). */
const REVOKE_MAX_LISTED = 10 * REVOKE_BATCH;

/** The most listings a revocation makes before it leaves the rest to the visitors' 410 for a gone target. */
const REVOKE_MAX_ROUNDS = 16;

/**
 * Revokes every link to `target` (an item deleted for good, an album deleted); returns how many.
 * The target's links are listed again until a listing finds none active: a link made while the
 * first listing was read is caught by the next, and one older than a full listing (newest first,
 * revoked links included) by a longer one, up to {@link REVOKE_MAX_LISTED} links in
 * {@link REVOKE_MAX_ROUNDS} listings. A link still left active answers visitors 410 all the same
 * once its target is gone (see {@link openShare}).
 */
export async function revokeSharesOf(deps: Pick<ServiceDeps, 'shares' | 'clock'>, ownerId: string, target: ShareTarget): Promise<number> {
  let revoked = 0;
  let limit = REVOKE_BATCH;
  for (let round = 1; round <= REVOKE_MAX_ROUNDS; round += 1) {
    const links = await deps.shares.listShares(ownerId, { target, limit });
    const active = links.filter((link) => link.revokedAt === undefined);
    for (const link of active) {
      try {
        await revokeShare(deps, ownerId, link.id);
        revoked += 1;
      } catch (error) {
        // Deleted for good meanwhile: nothing left to open.
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    // A full listing may hide older links behind the ones it showed: the next one reads further.
    const full = links.length >= limit;
    if (active.length === 0 && (!full || limit >= REVOKE_MAX_LISTED)) return revoked;
    if (full) limit = Math.min(limit + REVOKE_BATCH, REVOKE_MAX_LISTED);
  }
  return revoked;
}

// ---------------------------------------------------------------------------------------------
// Visitors
// ---------------------------------------------------------------------------------------------

/** A visit is recorded on the link at most this often. */
const VISIT_RESOLUTION_MS = 60_000;

/** Records the visit (`lastOpenedAt`), at most once a minute; a failure to do so only warns. */
async function noteVisit(deps: ServiceDeps, link: ShareLink, now: Date): Promise<void> {
  if (link.lastOpenedAt !== undefined && now.getTime() - Date.parse(link.lastOpenedAt) < VISIT_RESOLUTION_MS) return;
  try {
    await deps.shares.touchShare(link.ownerId, link.id, now);
  } catch (error) {
    logEntry(deps, { level: 'warn', msg: 'a link visit was not recorded', ownerId: link.ownerId, shareId: link.id, error: errorText(error) });
  }
}

/**
 * The link a visitor's token opens, if it works now. The token is hashed and looked up once,
 * whatever it looks like: a malformed or made-up token costs exactly what a mistyped real one
 * does, and answers the same 404, so probing tells nothing.
 */
async function findLink(deps: ServiceDeps, token: string, now: Date): Promise<ShareLink> {
  const link = await deps.shares.getShareByTokenHash(shareTokenHash(token));
  if (link === undefined) throw new NotFoundError('no such link');
  const state = shareState(link, now);
  if (state === 'revoked') throw new LinkGoneError('link_revoked');
  if (state === 'expired') throw new LinkGoneError('link_expired');
  return link;
}

/**
 * What the page of a link (`/s/{token}`) answers before the gallery renders it: 200 while the link
 * works, 410 once it expired or was revoked, 404 for no link, with the same single lookup as a
 * visit (and without recording one). The page itself says which, from the API's answer.
 */
export async function linkPageStatus(deps: Pick<ServiceDeps, 'shares' | 'clock'>, token: string): Promise<200 | 404 | 410> {
  const link = await deps.shares.getShareByTokenHash(shareTokenHash(token));
  if (link === undefined) return 404;
  return shareState(link, deps.clock.now()) === 'active' ? 200 : 410;
}

/** {@link findLink}, then the password (by its unlock grant), then the visit recorded. */
async function openLink(deps: VisitorDeps, pass: VisitorPass, now: Date): Promise<ShareLink> {
  const link = await findLink(deps, pass.token, now);
  if (link.password !== undefined && (pass.unlock === undefined || !deps.unlocks.verify(link, pass.unlock, now))) {
    throw new PasswordRequiredError();
  }
  await noteVisit(deps, link, now);
  return link;
}

/** How {@link unlockShare} counts attempts. */
export interface UnlockOptions {
  /**
   * Counts an attempt on `link` (by its id, e.g. `share-unlock:{link.id}`) and throws to refuse it
   * (the API's 429). Called once the link is found, works and has a password, before the password
   * is checked, right or wrong; never for an unknown token, so a made-up token costs one lookup
   * and leaves nothing behind. Absent: attempts are not limited.
   */
  admit?: (link: ShareLink) => Promise<void>;
}

/**
 * `POST /api/v1/shared/{token}/unlock`: the password of a protected link for an unlock grant.
 * The link is looked up once, as for a visit; attempts on it are then counted by `options.admit`.
 *
 * @throws NotFoundError (unknown token), LinkGoneError, ConflictError for a link without a
 * password, whatever `admit` throws, WrongPasswordError.
 */
export async function unlockShare(deps: VisitorDeps, token: string, password: string, options: UnlockOptions = {}): Promise<ShareUnlock> {
  const now = deps.clock.now();
  const link = await findLink(deps, token, now);
  if (link.password === undefined) throw new ConflictError('this link has no password');
  if (options.admit !== undefined) await options.admit(link);
  if (!(await verifyPassword(password, link.password))) throw new WrongPasswordError();
  return deps.unlocks.issue(link, now);
}

/**
 * The most items a visitor's album page holds: each costs a record read and a media grant (an RSA
 * signature in the cloud), and nobody asks for an owner's account.
 */
export const SHARED_PAGE_MAX = 50;

/** `GET /api/v1/shared/{token}?cursor=&limit=` */
export const SharedPageQuerySchema = z.object({
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(SHARED_PAGE_MAX).default(Math.min(DEFAULT_PAGE_SIZE, SHARED_PAGE_MAX)),
});

/** What a link shows: the link, its album (for an album link) and a page of visible items. */
export interface SharedPage {
  link: ShareLink;
  album: Album | undefined;
  items: MediaItem[];
  nextCursor?: string;
}

/**
 * A link whose target is gone (the album deleted, the item deleted for good or its record gone)
 * is over, as if revoked: made in a race with the delete, or missed by its revocation.
 */
function targetGone(): LinkGoneError {
  return new LinkGoneError('link_revoked');
}

/**
 * Whether an item link's item is gone: no record, one marked deleted, or one in the trash (its
 * links answer as revoked while it is there, and work again if it is restored).
 */
function itemGone(item: MediaItem | undefined): boolean {
  return item === undefined || !isListed(item.status);
}

/**
 * `GET /api/v1/shared/{token}`: an item link's item, or a page of an album link's members in the
 * album's order (date taken, oldest first). Items a visitor may not see (not ready, held, rejected,
 * deleted) are left out, so an album page may hold fewer than `limit`.
 *
 * @throws NotFoundError (unknown token), LinkGoneError (revoked, expired, or its album or item
 * gone), PasswordRequiredError.
 */
export async function openShare(deps: VisitorDeps, pass: VisitorPass, query: unknown): Promise<SharedPage> {
  const { cursor, limit } = parseOrThrow(SharedPageQuerySchema, query, 'query');
  const link = await openLink(deps, pass, deps.clock.now());
  const { ownerId, target } = link;
  if (target.type === 'media') {
    const item = await deps.repo.get(ownerId, target.mediaId);
    if (itemGone(item)) throw targetGone();
    return { link, album: undefined, items: visibleThroughLinks(item) ? [item] : [] };
  }
  const album = await deps.albums.getAlbum(ownerId, target.albumId);
  if (album === undefined) throw targetGone();
  const page = await deps.albums.listItems(ownerId, album.id, cursor === undefined ? { order: 'asc', limit } : { order: 'asc', cursor, limit });
  const items = (await mapLimit(page.items, READ_CONCURRENCY, (m) => deps.repo.get(ownerId, m.mediaId))).filter(visibleThroughLinks);
  return page.nextCursor === undefined ? { link, album, items } : { link, album, items, nextCursor: page.nextCursor };
}

/**
 * An item the link shows: its own item, or a member of its album; visible to visitors. Where the
 * item is not found, the link's target is checked (only then, so a hit costs no more): a link
 * whose album or item is gone answers `link_revoked`, as {@link openShare} does.
 */
async function sharedItem(deps: ServiceDeps, link: ShareLink, mediaId: string): Promise<MediaItem> {
  const { ownerId, target } = link;
  const inLink = target.type === 'media' ? target.mediaId === mediaId : (await deps.albums.albumsOf(ownerId, mediaId)).includes(target.albumId);
  const item = inLink ? await deps.repo.get(ownerId, mediaId) : undefined;
  if (visibleThroughLinks(item)) return item;
  if (target.type === 'media') {
    if (itemGone(target.mediaId === mediaId ? item : await deps.repo.get(ownerId, target.mediaId))) throw targetGone();
  } else if ((await deps.albums.getAlbum(ownerId, target.albumId)) === undefined) {
    throw targetGone();
  }
  throw new NotFoundError('no such item in this link');
}

/** An item a visitor reached through a link, with the link. */
export interface SharedItem {
  link: ShareLink;
  item: MediaItem;
}

/** `GET /api/v1/shared/{token}/media/{id}`: one item the link shows. */
export async function openSharedMedia(deps: VisitorDeps, pass: VisitorPass, mediaId: string): Promise<SharedItem> {
  const link = await openLink(deps, pass, deps.clock.now());
  return { link, item: await sharedItem(deps, link, mediaId) };
}

/**
 * `GET /api/v1/shared/{token}/media/{id}/original`: a short-lived link that downloads the original
 * of an item the link shows, as an attachment, when the link allows downloads.
 *
 * @throws DownloadNotAllowedError when it does not.
 */
export async function downloadSharedOriginal(deps: VisitorDeps, pass: VisitorPass, mediaId: string): Promise<OriginalDownload> {
  const link = await openLink(deps, pass, deps.clock.now());
  if (!link.allowDownload) throw new DownloadNotAllowedError();
  const item = await sharedItem(deps, link, mediaId);
  const grant = await deps.store.presignGet(item.original.key, {
    expiresInSeconds: deps.config.downloadUrlTtlSeconds,
    downloadFilename: item.original.filename,
  });
  return { url: grant.url, expiresAt: grant.expiresAt };
}
