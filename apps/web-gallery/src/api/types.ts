/**
 * The REST contract as the gallery sees it: the types of the client generated from the API's
 * OpenAPI document (`@mediaflow/api/client`), so they change with the server's routes or the
 * typecheck fails. Plain types only: the browser bundle carries no schema library, and the server
 * validates everything it receives.
 */
import type {
  AlbumItemsAdded,
  BulkRequest,
  BulkResult,
  DuplicateUpload,
  ListMediaInput,
  Me,
  MediaKind,
  MediaStatus,
  MediaView,
  MultipartUpload,
  SearchMediaInput,
  SinglePutUpload,
  UploadStarted,
} from '@mediaflow/api/client';

export type {
  MediaFacts,
  MediaKind,
  MediaPage,
  MediaStatus,
  MediaUpdate,
  MediaView,
  MultipartUpload,
  RenditionView,
  SinglePutUpload,
  Tag,
  TagCount,
  TagSource,
  UploadRequest,
} from '@mediaflow/api/client';

/** The list's filters, as `GET /api/v1/media` takes them. */
export type ListFilter = Pick<NonNullable<ListMediaInput['query']>, 'kind' | 'status' | 'tag'>;
/** A status the list can be filtered by: any an item is shown in (a deleted one never is). */
export type StatusFilter = NonNullable<ListFilter['status']>;

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'other'];
export const MEDIA_STATUSES: readonly StatusFilter[] = ['uploading', 'uploaded', 'processing', 'ready', 'failed', 'flagged'];

/** The answer to `startUpload`: where to send the bytes, or that the library has them already. */
export type UploadGrant = UploadStarted | DuplicateUpload;

/** The states after which an item changes only when its owner acts. */
export function isSettled(status: MediaStatus): boolean {
  return status === 'ready' || status === 'failed' || status === 'flagged';
}

export function isMultipart(upload: SinglePutUpload | MultipartUpload): upload is MultipartUpload {
  return 'parts' in upload;
}

export function isDuplicate(grant: UploadGrant): grant is DuplicateUpload {
  return 'duplicate' in grant;
}

/** Issue 22: albums, share links and moderation, as the generated client names them. */
export type {
  AlbumCreate,
  AlbumItemsAdded,
  AlbumItemsRemoved,
  AlbumPage,
  AlbumUpdate,
  AlbumView,
  Me,
  ReviewItemView,
  ReviewPage,
  ShareCreate,
  ShareCreated,
  SharedMediaView,
  SharedPage,
  ShareTarget,
  ShareUnlocked,
  ShareView,
} from '@mediaflow/api/client';

/** What adding one item to an album came to: 'added', 'present' (already there) or 'not_found'. */
export type AddOutcome = AlbumItemsAdded['results'][number]['outcome'];

/**
 * What every view of one item needs (grid tile, image viewer, players): the fields an owner's
 * `MediaView`, a visitor's `SharedMediaView` and a moderator's `ReviewItemView` all have.
 */
export type ViewableItem = Pick<MediaView, 'id' | 'kind' | 'status' | 'title' | 'filename' | 'facts' | 'renditions' | 'tags' | 'placeholder' | 'createdAt'> & {
  /** Only the owner's view carries the transcode's progress. */
  progress?: number | null | undefined;
  /** Only the owner's view says whether the item is a favourite. */
  favourite?: boolean | undefined;
};

/** Search and the timeline, as the generated client names them. */
export type { SearchField, SearchHitView, SearchPage, Timeline, TimelineMonth } from '@mediaflow/api/client';

type SearchQuery = NonNullable<SearchMediaInput['query']>;
/** How search results are ordered: best match first, or by date taken. */
export type SearchOrder = NonNullable<SearchQuery['order']>;

/**
 * What `GET /api/v1/search` is asked, besides the page: the words, the filters (every one narrows;
 * `tags` must all be on an item) and the order. `from`/`to` are ISO dates or date-times.
 */
export type SearchParams = Omit<SearchQuery, 'tags' | 'cursor' | 'limit'> & { tags?: readonly string[] | undefined };

/**
 * Trash, favourites and bulk actions, as the generated client names them: a page of the trash
 * (each item with its `purgeAt`, when it goes for good), what one `DELETE /api/v1/trash` did
 * (`more` while items are left), and `POST /api/v1/media/bulk`'s body and answer.
 */
export type { BulkRequest, BulkResult, EmptyTrash, TrashItemView, TrashPage } from '@mediaflow/api/client';

/** What a bulk request does to each of its items. */
export type BulkAction = BulkRequest['action'];

/** What happened to one item of a bulk request: ok, or why not (`status`, `code`, `reason`). */
export type BulkItemResult = BulkResult['results'][number];

/** The most ids one bulk request takes. */
export const BULK_LIMIT = 500;

/**
 * The most ids one bulk `delete` takes (the server's `MAX_BULK_DELETE`): each one removes objects
 * and edge copies, so a request of them is kept short. More is a 400.
 */
export const BULK_DELETE_LIMIT = 25;

/** How many ids one request of this action may carry. */
export function bulkLimitOf(action: BulkAction): number {
  return action === 'delete' ? BULK_DELETE_LIMIT : BULK_LIMIT;
}

/**
 * What the owner stores: the bytes (originals and renditions, the trash included), the items, and
 * the quota (null: none). `GET /api/v1/me` answers it, or null where the server keeps no usage.
 */
export type StorageUsage = NonNullable<Me['storage']>;

/**
 * Resumable uploads: `POST /api/v1/uploads` gives URLs for the first parts only (`MultipartUpload`
 * has `partCount`, `partsUrl` and `resumableUntil`), `POST /api/v1/uploads/{id}/parts` more of
 * them (`UploadParts`), `GET /api/v1/uploads/{id}` where the upload stands and, while it can be
 * resumed, the parts the store has (`UploadStatus`).
 */
export type { ReceivedPart, UploadParts, UploadStatus } from '@mediaflow/api/client';
