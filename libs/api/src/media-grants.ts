import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { OwnerIdSchema, RENDITIONS_PREFIX, UlidSchema } from '@mediaflow/domain';
import { cloudFrontBase64, customPolicy, lazyPrivateKey, signPolicy } from './cloudfront-signing.js';
import { GRANT_QUERY_PARAM } from './route.js';

/**
 * Lets someone who is not the owner load one item's renditions for a while: a visitor of a share
 * link, a moderator reviewing another owner's item. The grant is a query string appended to each
 * of the item's rendition URLs, and opens those and nothing else (not the original, not another
 * item). It cannot be taken back: a revoked link's media stop loading when the grants handed out
 * with its pages expire, so they are short ({@link MEDIA_GRANT_SECONDS}). A player adds the same
 * query to what a file names by relative URL (an HLS playlist's segments).
 */
export interface MediaGrantSigner {
  /** The query string (no leading `?`) that opens `renditions/{ownerId}/{mediaId}/…` until `expiresAt`. */
  grant(ownerId: string, mediaId: string, expiresAt: Date): Promise<string>;
}

/**
 * How long a media grant works: 15 minutes, the longest a revoked link's (or a released item's)
 * media go on loading for whoever already opened the page.
 */
export const MEDIA_GRANT_SECONDS = 900;

/**
 * The expiry of grants made at `now`: `lifetimeSeconds` ahead, rounded down to a whole step of a
 * third of it (5 minutes by default). Rounded, the URLs of an item stay the same for a while, so a
 * visitor's browser and the CDN reuse what they cached instead of fetching it again under a new
 * query on every page; rounded down, a grant never outlives `lifetimeSeconds`.
 */
export function mediaGrantExpiry(now: Date, lifetimeSeconds = MEDIA_GRANT_SECONDS): Date {
  const step = Math.max(1, Math.floor(lifetimeSeconds / 3));
  const seconds = Math.floor((now.getTime() / 1000 + lifetimeSeconds) / step) * step;
  return new Date(seconds * 1000);
}

/** How many grants {@link CachedMediaGrants} keeps by default: a few pages of every link being visited. */
export const MEDIA_GRANT_CACHE_ENTRIES = 2048;

/**
 * Remembers the grants of another signer per (owner, item, expiry), the most recently used
 * `capacity` of them, so a page shown again (to a visitor, a moderator, anyone with the link) signs
 * nothing it signed before: the expiry of {@link mediaGrantExpiry} only moves every 5 minutes, and
 * in the cloud each grant is an RSA signature. A grant that failed is not kept. Entries whose
 * expiry has passed are never asked for again and leave as newer ones come in.
 *
 * @example
 * const grants = new CachedMediaGrants(new CloudFrontMediaGrants(options));
 * await grants.grant('alice', id, expiresAt); // signed
 * await grants.grant('alice', id, expiresAt); // the same string, from memory
 */
export class CachedMediaGrants implements MediaGrantSigner {
  private readonly grants = new Map<string, Promise<string>>();

  constructor(
    readonly signer: MediaGrantSigner,
    private readonly capacity = MEDIA_GRANT_CACHE_ENTRIES,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('a grant cache needs a capacity of at least 1');
  }

  grant(ownerId: string, mediaId: string, expiresAt: Date): Promise<string> {
    // Unambiguous whatever the ids hold: the signer checks them, and a bad pair is never kept.
    const key = JSON.stringify([ownerId, mediaId, expiresAt.getTime()]);
    const known = this.grants.get(key);
    if (known !== undefined) {
      // Used again: now the most recent.
      this.grants.delete(key);
      this.grants.set(key, known);
      return known;
    }
    const signed = this.signer.grant(ownerId, mediaId, expiresAt);
    this.grants.set(key, signed);
    signed.catch(() => {
      if (this.grants.get(key) === signed) this.grants.delete(key);
    });
    while (this.grants.size > this.capacity) {
      const oldest = this.grants.keys().next();
      if (oldest.done === true) break;
      this.grants.delete(oldest.value);
    }
    return signed;
  }

  /** How many grants are kept now. */
  get size(): number {
    return this.grants.size;
  }
}

/** Ids as a grant names them: a wildcard or separator in either would widen it past the item. */
function checkItem(ownerId: string, mediaId: string): { owner: string; id: string } {
  return { owner: OwnerIdSchema.parse(ownerId), id: UlidSchema.parse(mediaId) };
}

/** The query parameter of a local grant. */
export const LOCAL_GRANT_PARAM = GRANT_QUERY_PARAM;

/**
 * Grants the local `/media/*` route checks itself: `grant={expiry}.{HMAC-SHA256(owner, item, expiry)}`.
 * Valid for exactly the item's renditions; refused (403) when tampered with, expired, or used on
 * another path. The secret is the local server's (the share secret), so grants survive a restart.
 *
 * @example
 * const grants = new LocalMediaGrants(secret);
 * const query = await grants.grant('alice', id, mediaGrantExpiry(now)); // 'grant=1767229200.Xy…'
 * grants.verify('alice', id, query.slice('grant='.length), now);       // the expiry, or undefined
 */
export class LocalMediaGrants implements MediaGrantSigner {
  private readonly key: Buffer;

  /** `secret`: at least 32 bytes. */
  constructor(secret: Uint8Array) {
    if (secret.length < 32) throw new RangeError('the media grant secret needs at least 32 bytes');
    // A key of its own, so one root secret can also sign share unlocks.
    this.key = createHmac('sha256', secret).update('mediaflow/media-grant/v1').digest();
  }

  async grant(ownerId: string, mediaId: string, expiresAt: Date): Promise<string> {
    const { owner, id } = checkItem(ownerId, mediaId);
    const expiry = Math.floor(expiresAt.getTime() / 1000);
    return `${LOCAL_GRANT_PARAM}=${expiry}.${this.mac(owner, id, expiry).toString('base64url')}`;
  }

  /** When the grant stops working, if it opens the item's renditions at `now`; `undefined` otherwise. */
  verify(ownerId: string, mediaId: string, grant: string, now: Date): Date | undefined {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(grant);
    if (match === null) return undefined;
    const expiry = Number(match[1]);
    if (!(expiry * 1000 > now.getTime())) return undefined;
    // Compared as text: base64 decoding ignores the last character's spare bits, so bytes would
    // let a grant with another spelling through.
    const given = Buffer.from(match[2] ?? '', 'ascii');
    const expected = Buffer.from(this.mac(ownerId, mediaId, expiry).toString('base64url'), 'ascii');
    return given.length === expected.length && timingSafeEqual(given, expected) ? new Date(expiry * 1000) : undefined;
  }

  private mac(ownerId: string, mediaId: string, expiry: number): Buffer {
    return createHmac('sha256', this.key).update(`${RENDITIONS_PREFIX}${ownerId}/${mediaId}/\n${expiry}`).digest();
  }
}

export interface CloudFrontMediaGrantsOptions {
  /** The CloudFront public key's id (`K...`) of the key group the `/media/*` behaviour trusts. */
  readonly keyPairId: string;
  /** The matching RSA private key, PEM; asked for on the first grant and kept afterwards. */
  readonly loadPrivateKey: () => Promise<string>;
  /** Base of rendition URLs, `https://<distribution>/media`: the policy's resource starts here. */
  readonly mediaBaseUrl: string;
}

/**
 * CloudFront signed-URL parameters for one item's renditions: `Policy=…&Signature=…&Key-Pair-Id=…`
 * with a custom policy whose resource is `${mediaBaseUrl}/renditions/{ownerId}/{mediaId}/*`, the
 * same key pair as the owners' signed cookies ({@link CloudFrontMediaAccess}), so the `/media/*`
 * behaviour accepts either. The key is loaded once, on the first grant.
 *
 * Whatever a file names by a relative URL (the variants and segments of an HLS playlist) resolves
 * without the query, so a player must add it again (the gallery's hls.js setup does); the policy's
 * wildcard covers every file of the item.
 */
export class CloudFrontMediaGrants implements MediaGrantSigner {
  private readonly base: string;
  private readonly privateKey: () => Promise<KeyObject>;

  constructor(private readonly options: CloudFrontMediaGrantsOptions) {
    if (options.keyPairId === '') throw new TypeError('a key pair id is required');
    if (new URL(options.mediaBaseUrl).protocol !== 'https:') throw new TypeError('the media base URL must be https');
    this.base = options.mediaBaseUrl.replace(/\/+$/, '');
    this.privateKey = lazyPrivateKey(options.loadPrivateKey);
  }

  async grant(ownerId: string, mediaId: string, expiresAt: Date): Promise<string> {
    const { owner, id } = checkItem(ownerId, mediaId);
    const policy = customPolicy({ resource: `${this.base}/${RENDITIONS_PREFIX}${owner}/${id}/*`, expiresAt });
    const signature = signPolicy(policy, await this.privateKey());
    return `Policy=${cloudFrontBase64(Buffer.from(policy, 'utf8'))}&Signature=${signature}&Key-Pair-Id=${encodeURIComponent(this.options.keyPairId)}`;
  }
}
