import { z } from 'zod';
import { ValidationError } from './errors.js';
import { OwnerIdSchema, UlidSchema } from './ids.js';
import { CursorSchema, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type CursorBinding, type Page } from './query.js';

const IsoDateTime = z.iso.datetime({ offset: true });

/** The most items one request may add to or remove from an album. */
export const MAX_ALBUM_ITEMS_PER_CHANGE = 500;

export const AlbumNameSchema = z.string().trim().min(1, 'an album needs a name').max(120);
export const AlbumDescriptionSchema = z.string().trim().max(2000);

/**
 * An album: a named, ordered selection of one owner's items. The items stay where they are; an
 * item may be in many albums. `itemCount` and `newestTakenAt` are kept by the repository in the
 * same write as the membership change, so a listing of albums never counts members.
 */
export const AlbumSchema = z.object({
  id: UlidSchema,
  ownerId: OwnerIdSchema,
  name: AlbumNameSchema,
  description: AlbumDescriptionSchema.optional(),
  /** The item shown for the album; when absent (or removed) the newest member stands in. */
  coverMediaId: UlidSchema.optional(),
  itemCount: z.number().int().nonnegative(),
  /** The latest date taken among the members (upload time where unknown). */
  newestTakenAt: IsoDateTime.optional(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  /** Incremented by every write of the album's own fields; conditional writes compare it. */
  version: z.number().int().positive(),
});
export type Album = z.infer<typeof AlbumSchema>;

/** `POST /api/v1/albums` */
export const AlbumCreateSchema = z.strictObject({
  name: AlbumNameSchema,
  description: AlbumDescriptionSchema.optional(),
});
export type AlbumCreate = z.infer<typeof AlbumCreateSchema>;

/** `PATCH /api/v1/albums/{albumId}`: `null` clears the description or the chosen cover. */
export const AlbumUpdateSchema = z
  .strictObject({
    name: AlbumNameSchema.optional(),
    description: AlbumDescriptionSchema.nullable().optional(),
    coverMediaId: UlidSchema.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one of name, description, coverMediaId');
export type AlbumUpdate = z.infer<typeof AlbumUpdateSchema>;

/** `POST /api/v1/albums/{albumId}/items` and `.../items/remove`: a set of media ids. */
export const AlbumItemsChangeSchema = z.strictObject({
  mediaIds: z
    .array(UlidSchema)
    .min(1)
    .max(MAX_ALBUM_ITEMS_PER_CHANGE)
    .transform((ids) => [...new Set(ids)]),
});
export type AlbumItemsChange = z.infer<typeof AlbumItemsChangeSchema>;

export const AlbumIdParamSchema = z.object({ albumId: UlidSchema });

export const AlbumOrderSchema = z.enum(['asc', 'desc']);
export type AlbumOrder = z.infer<typeof AlbumOrderSchema>;

/** `GET /api/v1/albums?cursor=&limit=` (newest album first). */
export const AlbumListQuerySchema = z.object({
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
export type AlbumListQuery = z.infer<typeof AlbumListQuerySchema>;

/** `GET /api/v1/albums/{albumId}/items?order=&cursor=&limit=`: by date taken, oldest first by default. */
export const AlbumItemsQuerySchema = z.object({
  order: AlbumOrderSchema.default('asc'),
  cursor: CursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
export type AlbumItemsQuery = z.infer<typeof AlbumItemsQuerySchema>;

/** One item's place in one album. */
export interface AlbumMember {
  mediaId: string;
  /**
   * What the album sorts by: the item's date taken, or its upload time when unknown, as it was
   * when the item was added (an ISO date-time).
   */
  takenAt: string;
}

/**
 * A member's date as every album repository stores and sorts it: the UTC `toISOString()` form,
 * whose text order is the order of the instants (an offset such as `+02:00` would sort as text,
 * not as time). Only an ISO date-time with an offset (`Z` or `±hh:mm`) is accepted; anything else
 * (a date alone, a local time without an offset, any other text `Date.parse` might read) throws
 * `ValidationError` with `path` as the path. Every adapter calls it on each member before
 * it writes anything, so a bad date leaves the album as it was.
 *
 * @example
 * albumMemberTakenAt('2026-03-01T12:00:00+02:00'); // '2026-03-01T10:00:00.000Z'
 * albumMemberTakenAt('2026-03-01'); // throws ValidationError
 */
export function albumMemberTakenAt(takenAt: string, path = 'takenAt'): string {
  const ms = IsoDateTime.safeParse(takenAt).success ? Date.parse(takenAt) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ValidationError(`"${takenAt}" is not an ISO date-time`, [{ path, message: 'must be an ISO date-time' }]);
  }
  return new Date(ms).toISOString();
}

/**
 * What a cursor of `AlbumRepository.listAlbums` is bound to: the owner and the album listing, so
 * it is refused for another owner or another listing. The shape (and so the cursor's fingerprint)
 * must not change, or cursors already handed out stop working.
 */
export function albumListCursorBinding(ownerId: string): CursorBinding {
  return { ownerId, scope: 'albums' };
}

/**
 * What a cursor of `AlbumRepository.listItems` is bound to: the owner, the album and the order, so
 * a cursor of another album or of the other direction is refused. The shape (and so the cursor's
 * fingerprint) must not change, or cursors already handed out stop working.
 */
export function albumItemsCursorBinding(ownerId: string, albumId: string, order: AlbumOrder): CursorBinding {
  return { ownerId, scope: `album-items:${albumId}:${order}` };
}

/** The outcome of adding or removing items: which ids changed, and the album afterwards. */
export interface AlbumChange {
  album: Album;
  /** Ids whose membership changed (an id already in, or not in, the album is not repeated here). */
  changed: string[];
}

/**
 * Port: albums and their members, owner-scoped in every method (another owner's album is a
 * missing one). Counts, the newest date and a removed cover are kept in step by the adapter in the
 * same write as the membership change. Listing an album's members is one index range read in
 * date-taken order, whatever the size of the library.
 */
export interface AlbumRepository {
  /** Stores a new album (version 1, `itemCount` 0). An existing id throws `ConflictError`. */
  createAlbum(album: Album): Promise<Album>;
  getAlbum(ownerId: string, albumId: string): Promise<Album | undefined>;
  /** Newest album first (ids are ULIDs); cursors bound to the owner. */
  listAlbums(ownerId: string, query: AlbumListQuery): Promise<Page<Album>>;
  /**
   * Replaces the album's own fields (name, description, cover, `updatedAt`) when its stored version
   * equals `expectedVersion`; `next.version` must be `expectedVersion + 1`. Counts are the
   * adapter's and are not taken from `next`. `ConflictError` on a version mismatch, `NotFoundError`
   * when missing.
   */
  updateAlbum(next: Album, expectedVersion: number): Promise<Album>;
  /** Removes the album and every membership (the media stay). Idempotent. */
  deleteAlbum(ownerId: string, albumId: string): Promise<void>;
  /** Adds members (already present ones are left as they are). `NotFoundError` when the album is missing. */
  addItems(ownerId: string, albumId: string, members: readonly AlbumMember[], at: Date): Promise<AlbumChange>;
  /** Removes members (absent ones are ignored); clears the cover when it was one of them. */
  removeItems(ownerId: string, albumId: string, mediaIds: readonly string[], at: Date): Promise<AlbumChange>;
  /** The album's members in date-taken order, cursor-paginated. `NotFoundError` when the album is missing. */
  listItems(ownerId: string, albumId: string, query: AlbumItemsQuery): Promise<Page<AlbumMember>>;
  /** The ids of the owner's albums that hold `mediaId`. */
  albumsOf(ownerId: string, mediaId: string): Promise<string[]>;
  /** Takes an item out of every album (it was deleted for good). Idempotent. */
  forgetMedia(ownerId: string, mediaId: string, at: Date): Promise<void>;
}
