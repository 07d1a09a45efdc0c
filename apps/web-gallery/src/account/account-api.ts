import { ApiError } from '../api/client';

/** The phrase `DELETE /api/v1/me` asks for, exactly (the server refuses anything else with a 400). */
export const DELETE_PHRASE = 'delete my account';

/** What one `DELETE /api/v1/me` removed (the server's `AccountDeletion.removed`). */
export interface AccountRemoved {
  items: number;
  albums: number;
  shares: number;
  objects: number;
}

/** Where an export stands (`DownloadView` of `POST /api/v1/export` and `GET /api/v1/downloads/{id}`). */
export interface ExportView {
  id: string;
  status: 'pending' | 'ready' | 'failed';
  url?: string | null;
  expiresAt?: string | null;
  reason?: string | null;
}

/** The account's routes the Account dialog calls, with the signed-in owner's token. */
export interface AccountApi {
  /** Asks for a zip of the whole library (`POST /api/v1/export`). */
  startExport(): Promise<ExportView>;
  /** Where the export stands now (`GET /api/v1/downloads/{id}`). */
  exportStatus(id: string): Promise<ExportView>;
  /** One round of deleting the account: `done` once nothing is left (200), else call again (202). */
  deleteRound(): Promise<{ done: boolean; removed: AccountRemoved }>;
}

async function problem(response: Response): Promise<ApiError> {
  let detail = `${response.status} ${response.statusText}`.trim();
  let code = 'http_error';
  try {
    const body = (await response.json()) as { detail?: unknown; code?: unknown };
    if (typeof body.detail === 'string' && body.detail) detail = body.detail;
    if (typeof body.code === 'string') code = body.code;
  } catch {
    // Not JSON: the status line says it.
  }
  return new ApiError(detail, response.status, code, detail);
}

/**
 * The account routes over `fetch`, with the bearer token read on each call. Not the gallery's
 * client: its 401 handler ends the session at once, while here the last round's 401 ("this account
 * was deleted") is the success the dialog reports itself.
 */
export function createAccountApi(getToken: () => string | null | Promise<string | null>, doFetch: typeof fetch = (input, init) => fetch(input, init)): AccountApi {
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    // Read at each call, as the gallery's client does: a hosted sign-in renews the token first when
    // it is about to expire (an export or a deletion can outlast it).
    const token = await getToken();
    if (token) headers.set('authorization', `Bearer ${token}`);
    headers.set('accept', 'application/json, application/problem+json');
    let response: Response;
    try {
      response = await doFetch(path, { ...init, headers });
    } catch (cause) {
      throw new ApiError('Cannot reach Mediaflow. Check your connection and try again.', 0, 'network', 'the server did not answer', { cause });
    }
    if (!response.ok) throw await problem(response);
    return response;
  };
  return {
    startExport: async () => (await (await call('/api/v1/export', { method: 'POST' })).json()) as ExportView,
    exportStatus: async (id) => (await (await call(`/api/v1/downloads/${encodeURIComponent(id)}`)).json()) as ExportView,
    async deleteRound() {
      const response = await call('/api/v1/me', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ confirm: DELETE_PHRASE }) });
      const body = (await response.json()) as { done: boolean; removed: AccountRemoved };
      return { done: response.status === 200 && body.done, removed: body.removed };
    },
  };
}

/** The most rounds one deletion makes before it gives up and says so (each round works ~10 s on the server). */
export const MAX_DELETE_ROUNDS = 200;

/** How long to wait before the next round when one removed nothing and is not done (an export still being built). */
export const IDLE_ROUND_MS = 2000;

/**
 * Deletes the account, round after round until the server says nothing is left, telling
 * `onProgress` the running totals. A round that fails is tried again once after `retryMs` (a
 * server restart, a dropped connection), then the failure is the caller's. A round that removed
 * nothing and is not done is followed by a pause (`idleMs`): the server waits on something (an
 * export being built). A `401` saying the account was deleted, or one after a round whose answer
 * was lost (its `200` ended the sign-in), means the account is gone: done. Any other `401` (a token
 * that expired meanwhile) is the caller's to show.
 */
export async function deleteWholeAccount(api: AccountApi, onProgress: (removed: AccountRemoved) => void, options: { retryMs?: number; idleMs?: number } = {}): Promise<AccountRemoved> {
  const total: AccountRemoved = { items: 0, albums: 0, shares: 0, objects: 0 };
  let failedOnce = false;
  let answerLost = false;
  for (let round = 0; round < MAX_DELETE_ROUNDS; round += 1) {
    let answer: Awaited<ReturnType<AccountApi['deleteRound']>>;
    try {
      answer = await api.deleteRound();
    } catch (error) {
      // Done when the server says the account is gone, or when the round before this one lost its
      // answer (its 200 ended the sign-in). A 401 for another reason (an access token that expired
      // during a long deletion) is not success: the caller signs in again and finishes.
      if (error instanceof ApiError && error.status === 401 && (answerLost || /account was deleted/i.test(error.detail))) return total;
      // A 4xx is an answer, not a hiccup: the request itself is wrong or no longer allowed.
      if (failedOnce || (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429)) throw error;
      failedOnce = true;
      answerLost = true;
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 2000));
      continue;
    }
    failedOnce = false;
    total.items += answer.removed.items;
    total.albums += answer.removed.albums;
    total.shares += answer.removed.shares;
    total.objects += answer.removed.objects;
    onProgress({ ...total });
    if (answer.done) return total;
    const removed = answer.removed.items + answer.removed.albums + answer.removed.shares + answer.removed.objects;
    if (removed === 0) await new Promise((resolve) => setTimeout(resolve, options.idleMs ?? IDLE_ROUND_MS));
  }
  throw new ApiError('Deleting the account is taking longer than expected. Try again later: what is gone stays gone.', 0, 'timeout', 'too many rounds');
}
