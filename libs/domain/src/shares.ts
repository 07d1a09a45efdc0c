import { z } from 'zod';
import { OwnerIdSchema, Sha256Schema, UlidSchema } from './ids.js';

const IsoDateTime = z.iso.datetime({ offset: true });

/** What a link shows: one item, or one album (and whatever it holds when the link is opened). */
export const ShareTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('media'), mediaId: UlidSchema }),
  z.strictObject({ type: z.literal('album'), albumId: UlidSchema }),
]);
export type ShareTarget = z.infer<typeof ShareTargetSchema>;

/** A slow password hash (scrypt) with its parameters, so they can be raised for new links later. */
export const PasswordHashSchema = z.strictObject({
  algorithm: z.literal('scrypt'),
  /** base64 */
  salt: z.string().min(16).max(64),
  /** base64 */
  hash: z.string().min(32).max(128),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
});
export type PasswordHash = z.infer<typeof PasswordHashSchema>;

/**
 * A share link. The token a visitor holds is never stored: only its SHA-256 (`tokenHash`), which is
 * also the one key a visitor's request is looked up by. `id` names the link to its owner (list,
 * revoke) and never opens anything.
 */
export const ShareLinkSchema = z.object({
  id: UlidSchema,
  ownerId: OwnerIdSchema,
  tokenHash: Sha256Schema,
  target: ShareTargetSchema,
  /** Visitors may download originals (otherwise they see the web-ready versions only). */
  allowDownload: z.boolean(),
  expiresAt: IsoDateTime.optional(),
  password: PasswordHashSchema.optional(),
  revokedAt: IsoDateTime.optional(),
  /** When a visitor last opened the link (written at most once a minute). */
  lastOpenedAt: IsoDateTime.optional(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number().int().positive(),
});
export type ShareLink = z.infer<typeof ShareLinkSchema>;

/** The longest a link may be set to live: a year. */
export const MAX_SHARE_LIFETIME_SECONDS = 365 * 24 * 3600;

/** `POST /api/v1/shares` */
export const ShareCreateSchema = z.strictObject({
  target: ShareTargetSchema,
  allowDownload: z.boolean().default(false),
  /** Seconds from now until the link stops working; none: until revoked. */
  expiresInSeconds: z.number().int().min(60).max(MAX_SHARE_LIFETIME_SECONDS).optional(),
  password: z.string().min(4, 'a link password has at least 4 characters').max(200).optional(),
});
export type ShareCreate = z.infer<typeof ShareCreateSchema>;

export const ShareIdParamSchema = z.object({ shareId: UlidSchema });

/**
 * A visitor's token as it travels in a URL: 32 random bytes in base64url (43 characters). Anything
 * else is looked up all the same (as a hash nobody holds), so a malformed token costs what a
 * wrong one does and tells nothing more.
 */
export const ShareTokenSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'malformed link');

/**
 * Port: share links. Owner-scoped in every method but one: `getByTokenHash`, where the token is the
 * credential (a visitor has no owner). A revoked link is kept (so a visitor gets "revoked", not
 * "not found"); `deleteShare` removes one for good.
 */
export interface ShareLinkRepository {
  /** Stores a new link (version 1). An existing id or token hash throws `ConflictError`. */
  createShare(link: ShareLink): Promise<ShareLink>;
  /** The link a visitor's token opens, by the token's SHA-256: one key read, whether or not it exists. */
  getShareByTokenHash(tokenHash: string): Promise<ShareLink | undefined>;
  getShare(ownerId: string, shareId: string): Promise<ShareLink | undefined>;
  /** The owner's links, newest first (at most `limit`), optionally only those of one target. */
  listShares(ownerId: string, options: { target?: ShareTarget; limit: number }): Promise<ShareLink[]>;
  /** Conditional on the version, as the other repositories' updates are. */
  updateShare(next: ShareLink, expectedVersion: number): Promise<ShareLink>;
  /** Records a visit (`lastOpenedAt`) without a version check or bump: a counter, not an edit. */
  touchShare(ownerId: string, shareId: string, at: Date): Promise<void>;
  /** Removes the link for good (with its token lookup). Idempotent. */
  deleteShare(ownerId: string, shareId: string): Promise<void>;
}
