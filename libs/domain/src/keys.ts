import { ValidationError } from './errors.js';
import { OwnerIdSchema, UlidSchema } from './ids.js';
import { RenditionNameSchema } from './media.js';

/**
 * Object-key layout (DESIGN.md "Keys and data"). Keys are built only from validated ids and
 * rendition names, never from file names, so nothing a user sends can steer where bytes land.
 *
 *   originals/{ownerId}/{mediaId}
 *   renditions/{ownerId}/{mediaId}/{name}.{ext}          revision 1
 *   renditions/{ownerId}/{mediaId}/{name}.r{n}.{ext}     revision n > 1 (a re-render: new URL)
 */
export const ORIGINALS_PREFIX = 'originals/';
export const RENDITIONS_PREFIX = 'renditions/';

const ExtSchema = /^[a-z0-9]{1,8}$/;

function checkOwner(ownerId: string): void {
  if (!OwnerIdSchema.safeParse(ownerId).success) throw new ValidationError(`invalid owner id for a key`);
}

function checkId(mediaId: string): void {
  if (!UlidSchema.safeParse(mediaId).success) throw new ValidationError(`invalid media id for a key`);
}

/** `originals/{ownerId}/{mediaId}` */
export function originalKey(ownerId: string, mediaId: string): string {
  checkOwner(ownerId);
  checkId(mediaId);
  return `${ORIGINALS_PREFIX}${ownerId}/${mediaId}`;
}

/**
 * @example
 * renditionKey('alice', '01J...', 'medium', 'webp');     // renditions/alice/01J.../medium.webp
 * renditionKey('alice', '01J...', 'hls/720p', 'm3u8');   // renditions/alice/01J.../hls/720p.m3u8
 */
export function renditionKey(ownerId: string, mediaId: string, name: string, ext: string, revision = 1): string {
  checkOwner(ownerId);
  checkId(mediaId);
  if (!RenditionNameSchema.safeParse(name).success) throw new ValidationError(`invalid rendition name "${name}"`);
  if (!ExtSchema.test(ext)) throw new ValidationError(`invalid extension "${ext}"`);
  if (!Number.isInteger(revision) || revision < 1) throw new ValidationError('revision must be a positive integer');
  const rev = revision === 1 ? '' : `.r${revision}`;
  return `${RENDITIONS_PREFIX}${ownerId}/${mediaId}/${name}${rev}.${ext}`;
}

/** Every rendition of one item lives under this prefix (delete by prefix removes them all). */
export function renditionPrefix(ownerId: string, mediaId: string): string {
  checkOwner(ownerId);
  checkId(mediaId);
  return `${RENDITIONS_PREFIX}${ownerId}/${mediaId}/`;
}

/** Every object of one owner lives under these prefixes. */
export function ownerPrefixes(ownerId: string): [string, string] {
  checkOwner(ownerId);
  return [`${ORIGINALS_PREFIX}${ownerId}/`, `${RENDITIONS_PREFIX}${ownerId}/`];
}

export type ParsedKey =
  | { type: 'original'; ownerId: string; mediaId: string }
  | { type: 'rendition'; ownerId: string; mediaId: string; path: string };

/**
 * Reads a key back into its parts (for S3 events and the media route). Anything that does not
 * follow the layout exactly, including dot segments, gives `undefined`.
 */
export function parseKey(key: string): ParsedKey | undefined {
  const parts = key.split('/');
  const [root, ownerId, mediaId, ...rest] = parts;
  if (ownerId === undefined || mediaId === undefined) return undefined;
  if (!OwnerIdSchema.safeParse(ownerId).success || !UlidSchema.safeParse(mediaId).success) return undefined;
  if (root === 'originals' && rest.length === 0) return { type: 'original', ownerId, mediaId };
  if (root === 'renditions' && rest.length > 0) {
    if (rest.some((s) => s === '' || s === '.' || s === '..' || !/^[a-z0-9][a-z0-9_.-]*$/.test(s))) return undefined;
    return { type: 'rendition', ownerId, mediaId, path: rest.join('/') };
  }
  return undefined;
}
