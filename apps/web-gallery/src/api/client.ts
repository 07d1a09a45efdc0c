import { createMediaflowClient } from '@mediaflow/api/client';
import type {
  AlbumCreate,
  AlbumItemsAdded,
  AlbumItemsRemoved,
  AlbumPage,
  AlbumUpdate,
  AlbumView,
  BulkItemResult,
  BulkRequest,
  BulkResult,
  EmptyTrash,
  ListFilter,
  Me,
  MediaPage,
  MediaUpdate,
  MediaView,
  ReviewItemView,
  ReviewPage,
  SearchPage,
  SearchParams,
  ShareCreate,
  ShareCreated,
  SharedMediaView,
  SharedPage,
  ShareTarget,
  ShareUnlocked,
  ShareView,
  TagCount,
  TimelineMonth,
  TrashPage,
  UploadGrant,
  UploadParts,
  UploadRequest,
  UploadStatus,
} from './types';
import { bulkLimitOf } from './types';

/** One field a request was refused for: its path in the request (`to`, `tags`) and why. */
export interface ProblemIssue {
  path: string;
  message: string;
}

/** A failed API call, carrying the RFC 9457 problem's fields when the server sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    options?: ErrorOptions & { retryAfterSeconds?: number | undefined; errors?: readonly ProblemIssue[] | undefined },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.errors = options?.errors ?? [];
  }

  /** From a 429's `Retry-After` (in seconds), when the server sent one. */
  readonly retryAfterSeconds: number | undefined;
  /** A 400's fields at fault (the problem's `errors`), when the server named them. */
  readonly errors: readonly ProblemIssue[];
}

function issuesOf(value: unknown): ProblemIssue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { path, message } = entry as { path?: unknown; message?: unknown };
    return typeof path === 'string' ? [{ path, message: typeof message === 'string' ? message : '' }] : [];
  });
}

export interface ApiClientOptions {
  /**
   * Current bearer token; read on every call so a sign-in, sign-out or renewal takes effect at once
   * (a promise when it may have to be renewed first).
   */
  getToken: () => string | null | Promise<string | null>;
  /** Called on any 401, so the app can ask the person to sign in again. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  baseUrl?: string;
}

export interface ApiClient {
  startUpload(request: UploadRequest): Promise<UploadGrant>;
  completeUpload(completeUrl: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<void>;
  /** Presigned URLs for more parts of a multipart upload (`partsUrl` from its grant; at most 100 numbers). */
  requestPartUrls(partsUrl: string, numbers: readonly number[]): Promise<UploadParts>;
  /** Where an upload stands: its status and, while it can be resumed, the parts the store has. */
  getUpload(id: string, signal?: AbortSignal): Promise<UploadStatus>;
  getMedia(id: string, signal?: AbortSignal): Promise<MediaView>;
  listMedia(filter: ListFilter, cursor?: string | null, limit?: number, signal?: AbortSignal): Promise<MediaPage>;
  updateMedia(id: string, update: MediaUpdate): Promise<MediaView>;
  /** Sets or clears the item's favourite mark (`PATCH` with `favourite`). */
  setFavourite(id: string, favourite: boolean): Promise<MediaView>;
  /** Moves the item to the trash; `permanent` deletes it for good instead. */
  deleteMedia(id: string, options?: { permanent?: boolean }): Promise<void>;
  /** Takes an item back out of the trash (404 when it is not there). */
  restoreMedia(id: string): Promise<MediaView>;
  /** One page of the trash, most recently trashed first, and how long the trash keeps items. */
  listTrash(cursor?: string | null, signal?: AbortSignal): Promise<TrashPage>;
  /** Removes one batch of the trash for good; call again while `more` is true. */
  emptyTrash(): Promise<EmptyTrash>;
  /**
   * One action on many items (`POST /api/v1/media/bulk`), in requests of at most 500 ids (25 for
   * `delete`). Each item's outcome comes back in the order of `ids`; a failed item is a result,
   * not an error.
   */
  bulkMedia(request: BulkRequest): Promise<BulkResult>;
  /** Asks a moderator to look again at a held item (a rejected one goes back to the queue). */
  requestReview(id: string): Promise<MediaView>;
  listTags(signal?: AbortSignal): Promise<TagCount[]>;
  /** One page of the owner's items that match the words and every filter, in the asked order. */
  search(params: SearchParams, cursor?: string | null, limit?: number, signal?: AbortSignal): Promise<SearchPage>;
  /** How many items were taken in each month (UTC), newest month first; months without any are left out. */
  timeline(signal?: AbortSignal): Promise<TimelineMonth[]>;
  /** A short-lived link that downloads the item's original as an attachment. */
  originalDownload(id: string): Promise<{ url: string; expiresAt: string }>;
  /** Sets this browser's media cookies for the caller's renditions; `expiresAt` null where media needs none. */
  mediaAccess(): Promise<{ expiresAt: string | null }>;
  /** Who the token is and their roles. */
  getMe(signal?: AbortSignal): Promise<Me>;

  /** The owner's albums, newest album first. */
  listAlbums(cursor?: string | null, signal?: AbortSignal): Promise<AlbumPage>;
  getAlbum(albumId: string, signal?: AbortSignal): Promise<AlbumView>;
  createAlbum(album: AlbumCreate): Promise<AlbumView>;
  updateAlbum(albumId: string, update: AlbumUpdate): Promise<AlbumView>;
  /** Deletes the album only: its media stay, and its share links are revoked. */
  deleteAlbum(albumId: string): Promise<void>;
  /** An album's items by date taken (upload time where unknown), oldest first. */
  listAlbumItems(albumId: string, cursor?: string | null, signal?: AbortSignal): Promise<MediaPage>;
  addAlbumItems(albumId: string, mediaIds: readonly string[]): Promise<AlbumItemsAdded>;
  removeAlbumItems(albumId: string, mediaIds: readonly string[]): Promise<AlbumItemsRemoved>;

  createShare(request: ShareCreate): Promise<ShareCreated>;
  /** The links of one item or album, whatever their state. */
  listShares(target: ShareTarget, signal?: AbortSignal): Promise<ShareView[]>;
  revokeShare(shareId: string): Promise<void>;

  /** Items held for review, for moderators (403 for anyone else). */
  listReview(cursor?: string | null, signal?: AbortSignal): Promise<ReviewPage>;
  approveMedia(item: { ownerId: string; id: string }): Promise<ReviewItemView>;
  rejectMedia(item: { ownerId: string; id: string }, reason: string): Promise<ReviewItemView>;
}

/** A visitor's way into one share link: the link's token and, for a link with a password, the unlock. */
export interface ShareAccess {
  token: string;
  /** From `unlockShare`, sent as `x-share-unlock`; null until the password is given (or when there is none). */
  unlock: string | null;
}

/**
 * The public routes under `/api/v1/shared/{token}`, for the visitor page. A separate client on
 * purpose: it never sends the signed-in owner's token (a visitor may be anyone), and a 401 there
 * asks for the link's password instead of signing anyone out.
 */
export interface VisitorApi {
  openShare(access: ShareAccess, cursor?: string | null, signal?: AbortSignal): Promise<SharedPage>;
  unlockShare(token: string, password: string): Promise<ShareUnlocked>;
  openSharedMedia(access: ShareAccess, id: string, signal?: AbortSignal): Promise<SharedMediaView>;
  downloadSharedOriginal(access: ShareAccess, id: string): Promise<{ url: string; expiresAt: string }>;
  /** Flags the item for review; it disappears from the link. */
  reportSharedMedia(access: ShareAccess, id: string, reason?: string): Promise<void>;
}

async function problemOf(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let detail = `${response.status} ${response.statusText}`.trim();
  let errors: ProblemIssue[] = [];
  try {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      const body = (await response.json()) as { detail?: unknown; code?: unknown; title?: unknown; errors?: unknown };
      if (typeof body.detail === 'string' && body.detail) detail = body.detail;
      else if (typeof body.title === 'string' && body.title) detail = body.title;
      if (typeof body.code === 'string') code = body.code;
      errors = issuesOf(body.errors);
    }
  } catch {
    // A body that is not JSON keeps the status line as the detail.
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  return new ApiError(detail, response.status, code, detail, { errors, ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}) });
}

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** A fetch that turns failures into `ApiError`s (a network error, or the server's problem). */
function problemFetch(doFetch: Fetch, prepare: (headers: Headers) => void | Promise<void>, onStatus?: (status: number) => void) {
  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    await prepare(headers);
    headers.set('accept', 'application/json, application/problem+json');
    let response: Response;
    try {
      response = await doFetch(url, { ...init, headers });
    } catch (cause) {
      if ((cause as { name?: string }).name === 'AbortError') throw cause;
      throw new ApiError('Cannot reach Mediaflow. Check your connection and try again.', 0, 'network', 'the server did not answer', { cause });
    }
    onStatus?.(response.status);
    if (!response.ok) throw await problemOf(response);
    return response;
  };
}

const signalOf = (signal: AbortSignal | undefined): RequestInit => (signal ? { signal } : {});
const defaultFetch: Fetch = (input, init) => fetch(input, init);

/** Ids without repeats, in their first order: the bulk route refuses a list with repeats. */
function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/**
 * Sends a bulk request in slices of as many ids as its action takes (`bulkLimitOf`: 25 for
 * `delete`, 500 for the others), one after another, and joins the answers. A refused first slice
 * rejects (nothing was done); a later one that fails leaves its ids and the rest as failed results
 * with its reason, since the earlier slices took effect.
 */
export async function bulkInSlices(request: BulkRequest, send: (slice: BulkRequest) => Promise<BulkResult>): Promise<BulkResult> {
  const ids = distinct(request.ids);
  const size = bulkLimitOf(request.action);
  const results: BulkItemResult[] = [];
  for (let start = 0; start < ids.length; start += size) {
    const slice = ids.slice(start, start + size);
    try {
      const answer = await send({ ...request, ids: slice });
      results.push(...answer.results);
    } catch (error) {
      if (start === 0) throw error;
      const problem = error instanceof ApiError ? error : new ApiError('The request failed.', 0, 'unknown', 'the request failed', { cause: error });
      for (const id of ids.slice(start)) results.push({ id, ok: false, status: problem.status, code: problem.code, reason: problem.detail });
      break;
    }
  }
  const succeeded = results.filter((r) => r.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}

/**
 * The gallery's only way to the REST API: the generated client, over a fetch that adds the bearer
 * token, turns problem responses into `ApiError`s and reports 401s.
 * @example
 * const api = createApiClient({ getToken: () => session.token });
 * const page = await api.listMedia({ kind: 'image' });
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl ?? '';
  const call = problemFetch(
    options.fetch ?? defaultFetch,
    async (headers) => {
      const token = await options.getToken();
      if (token) headers.set('authorization', `Bearer ${token}`);
    },
    (status) => {
      if (status === 401) options.onUnauthorized?.();
    },
  );
  const api = createMediaflowClient({ baseUrl: base, fetch: call });

  return {
    startUpload: (request) => api.startUpload({ body: request }),
    async completeUpload(completeUrl, uploadId, parts) {
      // The API names where to complete (the grant's `completeUrl`): sent there as it is.
      await call(`${base}${completeUrl}`, { method: 'POST', body: JSON.stringify({ uploadId, parts }), headers: { 'content-type': 'application/json' } });
    },
    async requestPartUrls(partsUrl, numbers) {
      // Asked where the grant said (`partsUrl`), as the completion is.
      const response = await call(`${base}${partsUrl}`, { method: 'POST', body: JSON.stringify({ numbers: [...numbers] }), headers: { 'content-type': 'application/json' } });
      return (await response.json()) as UploadParts;
    },
    getUpload: (id, signal) => api.getUpload({ path: { id } }, signalOf(signal)),
    getMedia: (id, signal) => api.getMedia({ path: { id } }, signalOf(signal)),
    listMedia(filter, cursor, limit = 60, signal) {
      // In this order in the URL: filters, then where the page starts and how long it is.
      const query = { kind: filter.kind, status: filter.status, tag: filter.tag || undefined, cursor: cursor || undefined, limit };
      return api.listMedia({ query }, signalOf(signal));
    },
    updateMedia: (id, update) => api.updateMedia({ path: { id }, body: update }),
    setFavourite: (id, favourite) => api.updateMedia({ path: { id }, body: { favourite } }),
    deleteMedia: (id, options) => api.deleteMedia({ path: { id }, query: options?.permanent ? { permanent: 'true' } : undefined }),
    restoreMedia: (id) => api.restoreMedia({ path: { id } }),
    listTrash: (cursor, signal) => api.listTrash({ query: { cursor: cursor || undefined } }, signalOf(signal)),
    emptyTrash: () => api.emptyTrash(),
    bulkMedia: (request) => bulkInSlices(request, (slice) => api.bulkMedia({ body: slice })),
    requestReview: (id) => api.requestReview({ path: { id } }),
    listTags: async (signal) => (await api.listTags(signalOf(signal))).tags,
    search(params, cursor, limit = 60, signal) {
      // Words first, then the filters, then the order and the page: the URL reads as the search does.
      const query = {
        q: params.q || undefined,
        kind: params.kind,
        status: params.status,
        tags: params.tags && params.tags.length > 0 ? params.tags.join(',') : undefined,
        from: params.from,
        to: params.to,
        camera: params.camera || undefined,
        album: params.album,
        favourite: params.favourite,
        order: params.order,
        cursor: cursor || undefined,
        limit,
      };
      return api.searchMedia({ query }, signalOf(signal));
    },
    timeline: async (signal) => (await api.getTimeline(signalOf(signal))).months,
    originalDownload: (id) => api.getOriginalDownload({ path: { id } }),
    // The API is on the site's own origin, where fetch's default credentials mode stores the cookies it sets.
    mediaAccess: () => api.grantMediaAccess(),
    getMe: (signal) => api.getMe(signalOf(signal)),

    listAlbums: (cursor, signal) => api.listAlbums({ query: { cursor: cursor || undefined } }, signalOf(signal)),
    getAlbum: (albumId, signal) => api.getAlbum({ path: { albumId } }, signalOf(signal)),
    createAlbum: (album) => api.createAlbum({ body: album }),
    updateAlbum: (albumId, update) => api.updateAlbum({ path: { albumId }, body: update }),
    deleteAlbum: (albumId) => api.deleteAlbum({ path: { albumId } }),
    listAlbumItems: (albumId, cursor, signal) => api.listAlbumItems({ path: { albumId }, query: { order: 'asc', cursor: cursor || undefined } }, signalOf(signal)),
    addAlbumItems: (albumId, mediaIds) => api.addAlbumItems({ path: { albumId }, body: { mediaIds: [...mediaIds] } }),
    removeAlbumItems: (albumId, mediaIds) => api.removeAlbumItems({ path: { albumId }, body: { mediaIds: [...mediaIds] } }),

    createShare: (request) => api.createShare({ body: request }),
    listShares: async (target, signal) =>
      (await api.listShares({ query: target.type === 'album' ? { albumId: target.albumId } : { mediaId: target.mediaId } }, signalOf(signal))).items,
    revokeShare: (shareId) => api.revokeShare({ path: { shareId } }),

    listReview: (cursor, signal) => api.listReview({ query: { cursor: cursor || undefined } }, signalOf(signal)),
    approveMedia: ({ ownerId, id }) => api.approveMedia({ path: { ownerId, id } }),
    rejectMedia: ({ ownerId, id }, reason) => api.rejectMedia({ path: { ownerId, id }, body: { reason } }),
  };
}

/**
 * The visitor page's client: the public share routes only, with no bearer token whoever is signed
 * in, and the link's unlock (when it has a password) as the `x-share-unlock` header.
 * @example
 * const visitor = createVisitorClient();
 * const page = await visitor.openShare({ token, unlock: null }); // 401 password_required: ask for it
 */
export function createVisitorClient(options: { fetch?: typeof fetch; baseUrl?: string } = {}): VisitorApi {
  const api = createMediaflowClient({ baseUrl: options.baseUrl ?? '', fetch: problemFetch(options.fetch ?? defaultFetch, (headers) => headers.delete('authorization')) });
  const accessInit = (access: ShareAccess, signal?: AbortSignal): RequestInit => ({
    ...signalOf(signal),
    ...(access.unlock ? { headers: { 'x-share-unlock': access.unlock } } : {}),
  });
  return {
    openShare: (access, cursor, signal) => api.openShare({ path: { token: access.token }, query: { cursor: cursor || undefined } }, accessInit(access, signal)),
    unlockShare: (token, password) => api.unlockShare({ path: { token }, body: { password } }),
    openSharedMedia: (access, id, signal) => api.openSharedMedia({ path: { token: access.token, id } }, accessInit(access, signal)),
    downloadSharedOriginal: (access, id) => api.downloadSharedOriginal({ path: { token: access.token, id } }, accessInit(access)),
    async reportSharedMedia(access, id, reason) {
      await api.reportSharedMedia({ path: { token: access.token, id }, body: reason ? { reason } : {} }, accessInit(access));
    },
  };
}
