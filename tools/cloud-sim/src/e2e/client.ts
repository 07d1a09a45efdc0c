import { createHash, randomBytes } from 'node:crypto';
import type { Stage } from '../stage/stage.js';

/** A person using the simulated stage the way the gallery does: through CloudFront, signed in. */
export interface StageUser {
  token: string;
  /** One API call; a 429 is waited out as its `Retry-After` says (a few times), as the gallery does. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  /** One API call, answered as it came (a 429 included). */
  apiOnce<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  /** 429s this user was answered, waited out or not. */
  throttled: number;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

interface GalleryConfig {
  auth: { type: string; domain: string; clientId: string; redirectUri: string; scopes?: string[] };
}

/**
 * Signs in as the gallery does: reads `/config.json` from the distribution, runs the hosted UI's
 * authorization code flow with PKCE against the issuer the config names, and keeps the access token.
 */
export async function signIn(stage: Stage, username: string, password: string): Promise<StageUser> {
  const configResponse = await fetch(`${stage.siteUrl}/config.json`);
  if (!configResponse.ok) throw new Error(`/config.json answered ${configResponse.status}`);
  const config = (await configResponse.json()) as GalleryConfig;
  const issuer = stage.localUrl(config.auth.domain.startsWith('http') ? config.auth.domain : `https://${config.auth.domain}`).replace(/\/$/, '');
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const form = new URLSearchParams({
    client_id: config.auth.clientId,
    redirect_uri: config.auth.redirectUri,
    response_type: 'code',
    scope: (config.auth.scopes ?? ['openid']).join(' '),
    state: 'e2e',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    username,
    password,
  });
  const authorize = await fetch(`${issuer}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const location = authorize.headers.get('location');
  if (authorize.status !== 302 || !location) throw new Error(`sign-in refused (${authorize.status}): ${await authorize.text()}`);
  const code = new URL(location).searchParams.get('code');
  if (!code) throw new Error(`sign-in redirected without a code: ${location}`);
  const tokenResponse = await fetch(`${issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.auth.clientId, code, redirect_uri: config.auth.redirectUri, code_verifier: verifier }).toString(),
  });
  if (!tokenResponse.ok) throw new Error(`token exchange refused (${tokenResponse.status}): ${await tokenResponse.text()}`);
  const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
  const user: StageUser = {
    token,
    throttled: 0,
    async apiOnce<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const response = await fetch(`${stage.siteUrl}${path}`, init);
      if (response.status === 429) user.throttled += 1;
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body: parsed as T, headers: response.headers };
    },
    async api<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
      for (let attempt = 1; ; attempt += 1) {
        const answer = await user.apiOnce<T>(method, path, body);
        if (answer.status !== 429 || attempt === 5) return answer;
        const seconds = Math.min(30, Math.max(1, Number(answer.headers.get('retry-after')) || 1));
        await new Promise((done) => setTimeout(done, seconds * 1000));
      }
    },
  };
  return user;
}

export interface MediaView {
  id: string;
  kind: string;
  status: string;
  filename: string;
  renditions: Array<{ name: string; format: string; url: string }>;
  tags: Array<{ name: string; source: string }>;
  failure: { code: string; reason: string } | null;
}

interface UploadStarted {
  id: string;
  duplicate?: true;
  upload?:
    | { method: 'PUT'; url: string; headers: Record<string, string> }
    | { partSize: number; partCount: number; parts: Array<{ number: number; url: string }>; partsUrl: string; completeUrl: string; uploadId: string };
}

/** Uploads bytes the way the gallery does: a presigned PUT, or presigned parts and a completion. */
export async function upload(user: StageUser, filename: string, bytes: Buffer, contentType: string): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const started = await user.api<UploadStarted>('POST', '/api/v1/uploads', { filename, size: bytes.length, contentType, sha256 });
  if (started.status !== 201 && started.status !== 200) throw new Error(`POST /api/v1/uploads answered ${started.status}: ${JSON.stringify(started.body)}`);
  const { id, upload: ticket } = started.body;
  if (!ticket) return id;
  if ('method' in ticket) {
    const put = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(bytes) });
    if (!put.ok) throw new Error(`PUT to the presigned URL answered ${put.status}: ${await put.text()}`);
    return id;
  }
  // The start hands out the first parts' URLs only; the rest come from `partsUrl`, 100 a request.
  const urls = [...ticket.parts];
  while (urls.length < ticket.partCount) {
    const numbers = Array.from({ length: Math.min(100, ticket.partCount - urls.length) }, (_, i) => urls.length + i + 1);
    const more = await user.api<{ parts: Array<{ number: number; url: string }> }>('POST', ticket.partsUrl, { numbers });
    if (more.status !== 200) throw new Error(`POST ${ticket.partsUrl} answered ${more.status}: ${JSON.stringify(more.body)}`);
    urls.push(...more.body.parts);
  }
  const parts: Array<{ number: number; etag: string }> = [];
  for (const part of urls) {
    const chunk = bytes.subarray((part.number - 1) * ticket.partSize, part.number * ticket.partSize);
    const put = await fetch(part.url, { method: 'PUT', body: new Uint8Array(chunk) });
    if (!put.ok) throw new Error(`PUT of part ${part.number} answered ${put.status}: ${await put.text()}`);
    parts.push({ number: part.number, etag: put.headers.get('etag') ?? '' });
  }
  const complete = await user.api('POST', ticket.completeUrl, { uploadId: ticket.uploadId, parts });
  if (complete.status !== 202) throw new Error(`completing the upload answered ${complete.status}: ${JSON.stringify(complete.body)}`);
  return id;
}

/** Polls an item until it settles (ready, failed or flagged). */
export async function settled(user: StageUser, id: string, timeoutMs = 180_000): Promise<MediaView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await user.api<MediaView>('GET', `/api/v1/media/${id}`);
    if (status === 200 && ['ready', 'failed', 'flagged'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`${id} did not settle in ${timeoutMs} ms (last: ${status} ${JSON.stringify(body).slice(0, 300)})`);
    await new Promise((done) => setTimeout(done, 500));
  }
}

/** The signed media cookies `POST /api/v1/media-access` set, as the gallery gets them. */
export interface MediaCookies {
  /** The value of a `Cookie` header that sends them back. */
  cookie: string;
  /** The cookies by name. */
  values: Record<string, string>;
  /** The `Set-Cookie` lines as they came. */
  setCookies: string[];
  expiresAt: string | null;
}

/** Asks for the user's media cookies through the distribution, as the gallery does once signed in. */
export async function mediaCookies(user: StageUser): Promise<MediaCookies> {
  const answer = await user.api<{ expiresAt: string | null }>('POST', '/api/v1/media-access');
  if (answer.status !== 200) throw new Error(`POST /api/v1/media-access answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const setCookies = answer.headers.getSetCookie();
  const values = Object.fromEntries(
    setCookies.map((line) => {
      const pair = line.split(';')[0] ?? '';
      const equals = pair.indexOf('=');
      return [pair.slice(0, equals), pair.slice(equals + 1)];
    }),
  );
  return { cookie: Object.entries(values).map(([name, value]) => `${name}=${value}`).join('; '), values, setCookies, expiresAt: answer.body.expiresAt };
}
