import { createMediaflowClient } from '@mediaflow/api/client';
import type { ListFilter, MediaPage, MediaUpdate, MediaView, TagCount, UploadGrant, UploadRequest } from './types';

/** A failed API call, carrying the RFC 9457 problem's fields when the server sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ApiClientOptions {
  /** Current bearer token; read on every call so a sign-in or sign-out takes effect at once. */
  getToken: () => string | null;
  /** Called on any 401, so the app can ask the person to sign in again. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  baseUrl?: string;
}

export interface ApiClient {
  startUpload(request: UploadRequest): Promise<UploadGrant>;
  completeUpload(completeUrl: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<void>;
  getMedia(id: string, signal?: AbortSignal): Promise<MediaView>;
  listMedia(filter: ListFilter, cursor?: string | null, limit?: number, signal?: AbortSignal): Promise<MediaPage>;
  updateMedia(id: string, update: MediaUpdate): Promise<MediaView>;
  deleteMedia(id: string): Promise<void>;
  releaseMedia(id: string): Promise<MediaView>;
  listTags(signal?: AbortSignal): Promise<TagCount[]>;
  /** A short-lived link that downloads the item's original as an attachment. */
  originalDownload(id: string): Promise<{ url: string; expiresAt: string }>;
  /** Sets this browser's media cookies for the caller's renditions; `expiresAt` null where media needs none. */
  mediaAccess(): Promise<{ expiresAt: string | null }>;
}

async function problemOf(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let detail = `${response.status} ${response.statusText}`.trim();
  try {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      const body = (await response.json()) as { detail?: unknown; code?: unknown; title?: unknown };
      if (typeof body.detail === 'string' && body.detail) detail = body.detail;
      else if (typeof body.title === 'string' && body.title) detail = body.title;
      if (typeof body.code === 'string') code = body.code;
    }
  } catch {
    // A body that is not JSON keeps the status line as the detail.
  }
  return new ApiError(detail, response.status, code, detail);
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
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const token = options.getToken();
    if (token) headers.set('authorization', `Bearer ${token}`);
    headers.set('accept', 'application/json, application/problem+json');
    let response: Response;
    try {
      response = await doFetch(url, { ...init, headers });
    } catch (cause) {
      if ((cause as { name?: string }).name === 'AbortError') throw cause;
      throw new ApiError('Cannot reach Mediaflow. Check your connection and try again.', 0, 'network', 'the server did not answer', { cause });
    }
    if (response.status === 401) options.onUnauthorized?.();
    if (!response.ok) throw await problemOf(response);
    return response;
  }

  const api = createMediaflowClient({ baseUrl: base, fetch: call });
  const signalOf = (signal: AbortSignal | undefined): RequestInit => (signal ? { signal } : {});

  return {
    startUpload: (request) => api.startUpload({ body: request }),
    async completeUpload(completeUrl, uploadId, parts) {
      // The API names where to complete (the grant's `completeUrl`): sent there as it is.
      await call(`${base}${completeUrl}`, { method: 'POST', body: JSON.stringify({ uploadId, parts }), headers: { 'content-type': 'application/json' } });
    },
    getMedia: (id, signal) => api.getMedia({ path: { id } }, signalOf(signal)),
    listMedia(filter, cursor, limit = 60, signal) {
      // In this order in the URL: filters, then where the page starts and how long it is.
      const query = { kind: filter.kind, status: filter.status, tag: filter.tag || undefined, cursor: cursor || undefined, limit };
      return api.listMedia({ query }, signalOf(signal));
    },
    updateMedia: (id, update) => api.updateMedia({ path: { id }, body: update }),
    deleteMedia: (id) => api.deleteMedia({ path: { id } }),
    releaseMedia: (id) => api.releaseMedia({ path: { id } }),
    listTags: async (signal) => (await api.listTags(signalOf(signal))).tags,
    originalDownload: (id) => api.getOriginalDownload({ path: { id } }),
    // The API is on the site's own origin, where fetch's default credentials mode stores the cookies it sets.
    mediaAccess: () => api.grantMediaAccess(),
  };
}
