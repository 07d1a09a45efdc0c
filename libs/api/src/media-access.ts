import type { KeyObject } from 'node:crypto';
import { OwnerIdSchema, RENDITIONS_PREFIX } from '@mediaflow/domain';
import { lazyPrivateKey, signedCookies } from './cloudfront-signing.js';

/** What one `POST /api/v1/media-access` hands the owner's browser. */
export interface MediaAccessGrant {
  /** When the edge stops accepting the cookies. */
  readonly expiresAt: Date;
  /** Complete `Set-Cookie` values, attributes included. */
  readonly cookies: readonly string[];
}

/** Lets an owner's browser fetch the owner's renditions from the CDN for a while. */
export interface MediaAccessSigner {
  grant(ownerId: string, now: Date): Promise<MediaAccessGrant>;
}

/** How long signed cookies live by default, and the range a deployment may choose from. */
export const MEDIA_ACCESS_SECONDS = { default: 3600, min: 60, max: 86_400 } as const;

export interface CloudFrontMediaAccessOptions {
  /** The CloudFront public key's id (`K...`) of the key group the `/media/*` behaviour trusts. */
  readonly keyPairId: string;
  /** The matching RSA private key, PEM; asked for on the first grant and kept afterwards. */
  readonly loadPrivateKey: () => Promise<string>;
  /** Base of rendition URLs, `https://<distribution>/media`: the policy's resource starts here, the cookies' path is its path. */
  readonly mediaBaseUrl: string;
  /** Seconds the cookies are good for; {@link MEDIA_ACCESS_SECONDS}. */
  readonly lifetimeSeconds?: number;
}

/**
 * CloudFront signed cookies scoped to one owner's renditions: a custom policy whose resource is
 * `${mediaBaseUrl}/renditions/${ownerId}/*`, valid for `lifetimeSeconds`. The cookies are sent only
 * to the media path (`Path=/media/`), only over HTTPS, never to scripts (`HttpOnly`), and on
 * cross-site top-level navigations at most (`SameSite=Lax`). The private key is loaded once, on
 * the first grant; a failed load is tried again on the next one.
 *
 * @example
 * const signer = new CloudFrontMediaAccess({ keyPairId, loadPrivateKey: () => secrets.load(arn), mediaBaseUrl });
 * const { expiresAt, cookies } = await signer.grant('alice', new Date());
 */
export class CloudFrontMediaAccess implements MediaAccessSigner {
  private readonly lifetimeSeconds: number;
  private readonly base: string;
  private readonly cookiePath: string;
  private readonly privateKey: () => Promise<KeyObject>;

  constructor(private readonly options: CloudFrontMediaAccessOptions) {
    const lifetime = options.lifetimeSeconds ?? MEDIA_ACCESS_SECONDS.default;
    if (!Number.isInteger(lifetime) || lifetime < MEDIA_ACCESS_SECONDS.min || lifetime > MEDIA_ACCESS_SECONDS.max) {
      throw new RangeError(`media access lasts ${MEDIA_ACCESS_SECONDS.min} to ${MEDIA_ACCESS_SECONDS.max} seconds, not ${lifetime}`);
    }
    if (options.keyPairId === '') throw new TypeError('a key pair id is required');
    const url = new URL(options.mediaBaseUrl);
    if (url.protocol !== 'https:') throw new TypeError('signed cookies are sent over HTTPS only: the media base URL must be https');
    this.lifetimeSeconds = lifetime;
    this.base = options.mediaBaseUrl.replace(/\/+$/, '');
    this.cookiePath = `${url.pathname.replace(/\/+$/, '')}/`;
    this.privateKey = lazyPrivateKey(options.loadPrivateKey);
  }

  async grant(ownerId: string, now: Date): Promise<MediaAccessGrant> {
    // A wildcard or a separator in the owner id would widen the policy beyond the owner's prefix.
    const owner = OwnerIdSchema.parse(ownerId);
    const privateKey = await this.privateKey();
    // Whole seconds, as the policy carries them, so the answer and the cookies agree.
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + this.lifetimeSeconds) * 1000);
    const values = signedCookies({ resource: `${this.base}/${RENDITIONS_PREFIX}${owner}/*`, expiresAt }, { keyPairId: this.options.keyPairId, privateKey });
    const attributes = `Path=${this.cookiePath}; Max-Age=${this.lifetimeSeconds}; Secure; HttpOnly; SameSite=Lax`;
    return { expiresAt, cookies: Object.entries(values).map(([name, value]) => `${name}=${value}; ${attributes}`) };
  }
}
