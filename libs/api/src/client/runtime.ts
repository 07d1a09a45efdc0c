import type { Problem } from './mediaflow-client.js';

// What every method of the generated client does: the request from a typed input, the answer
// parsed or thrown. Written by hand; `mediaflow-client.ts` is generated around it.

/** Options of `createMediaflowClient`. */
export interface ClientOptions {
  /** Put before every path, e.g. `https://media.example.com` (default: nothing, the same origin). */
  baseUrl?: string | undefined;
  /** The fetch to send with (default: the global one); wrap it to add retries, logging or auth. */
  fetch?: ((url: string, init: RequestInit) => Promise<Response>) | undefined;
  /** Headers for every request, e.g. `authorization`; a function is asked on each request. */
  headers?: Record<string, string> | (() => Record<string, string>) | undefined;
}

/** An answer outside 2xx, with the server's RFC 9457 problem when it sent one. */
export class MediaflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'MediaflowApiError';
  }
}

/** An operation's input: path parameters, query and JSON body. */
export interface RequestInput {
  path?: Record<string, string | number> | undefined;
  query?: Record<string, string | number | boolean | null | undefined> | undefined;
  body?: unknown;
}

/** The problem's detail, else the body's text, else the status. */
async function apiError(response: Response): Promise<MediaflowApiError> {
  let detail = `HTTP ${response.status}`;
  let problem: Problem | undefined;
  const text = await response.text().catch(() => '');
  if (text !== '') {
    detail = text;
    try {
      const parsed = JSON.parse(text) as Partial<Problem> | null;
      if (typeof parsed?.detail === 'string') {
        problem = parsed as Problem;
        detail = parsed.detail;
      }
    } catch {
      // Not JSON: the text is the detail.
    }
  }
  return new MediaflowApiError(response.status, problem, detail);
}

/**
 * Sends one operation: `template`'s `{name}` filled from `input.path` (percent-encoded, so a value
 * stays one segment), `input.query` as the query string (in its order, unset values left out),
 * `input.body` as JSON. Returns the parsed 2xx answer when `json`; throws `MediaflowApiError`
 * for any other status.
 */
export async function send<T>(options: ClientOptions, method: string, template: string, input: RequestInput, init: RequestInit | undefined, json: boolean): Promise<T> {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(input.path?.[name] ?? '')));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(input.query ?? {})) {
    if (value !== undefined && value !== null) query.set(name, String(value));
  }
  const search = query.toString();
  const headers = new Headers(typeof options.headers === 'function' ? options.headers() : options.headers);
  new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
  if (!headers.has('accept')) headers.set('accept', 'application/json, application/problem+json');
  const request: RequestInit = { ...init, method, headers };
  if (input.body !== undefined) {
    headers.set('content-type', 'application/json');
    request.body = JSON.stringify(input.body);
  }
  const doFetch = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const response = await doFetch(`${options.baseUrl ?? ''}${path}${search === '' ? '' : `?${search}`}`, request);
  if (!response.ok) throw await apiError(response);
  return (json ? await response.json() : undefined) as T;
}
