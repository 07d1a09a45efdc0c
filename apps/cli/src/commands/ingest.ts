import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createMediaflowClient, MediaflowApiError, type DuplicateUpload, type MediaflowClient, type MultipartUpload, type UploadStarted } from '@mediaflow/api/client';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { localTokens } from '../local/token-generations.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';
import { politeFetch } from './polite-fetch.js';

export const INGEST_USAGE = `Usage: mediaflow ingest PATH... [options]

Uploads files and folders (recursively) through the API, then waits until each
is processed. Safe to run again: content already in the library is skipped.

Options:
  --url URL               the API's base URL (default http://localhost:PORT)
  --token TOKEN           bearer token (default: one for --user from the data directory)
  --user NAME             local user to upload as (default local)
  --concurrency N         files in flight (default 4)
  --no-wait               do not wait for processing to finish
  --timeout SECONDS       how long to wait for processing (default 600)
${LOCAL_OPTIONS_USAGE}
  -h, --help              show this help
`;

export interface IngestResult {
  path: string;
  outcome: 'uploaded' | 'duplicate' | 'failed';
  id?: string;
  reason?: string;
}

async function* walk(path: string): AsyncGenerator<string> {
  const info = await stat(path);
  if (info.isFile()) {
    yield path;
    return;
  }
  if (!info.isDirectory()) return;
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // hidden files and folders (.DS_Store, .git)
    yield* walk(join(path, entry.name));
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function problemText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const p = JSON.parse(text) as { detail?: string };
    return p.detail ?? text;
  } catch {
    return text || `HTTP ${response.status}`;
  }
}

/**
 * The headers of a whole-file PUT, with `If-None-Match: *`: an original is stored once, so a PUT
 * sent again after the bytes landed is refused instead of replacing them. Where the upload signs
 * the header (S3) it comes in `headers` already and is sent as given, once.
 */
function createOnly(headers: Record<string, string>): Record<string, string> {
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'if-none-match')) return headers;
  return { ...headers, 'if-none-match': '*' };
}

/**
 * Statuses of a create-only PUT refused because the original is stored already (S3's 412, the
 * local server's 409): a send of this URL landed before, its answer lost (a retry after a 503).
 * The item's own status, which the wait follows, says what became of it.
 */
const ALREADY_STORED = new Set([409, 412]);

/** The API as a client of the given server, every call retried as politely as `politeFetch` does. */
function apiClient(baseUrl: string, token: string): MediaflowClient {
  return createMediaflowClient({
    baseUrl,
    headers: { authorization: `Bearer ${token}` },
    // A rate-limited API answers 429 with Retry-After: every call waits as asked and tries again.
    fetch: (url: string, init: RequestInit) => politeFetch(() => fetch(url, init)),
  });
}

/** Sends the parts of a multipart upload; their etags for the completion, or why it failed. */
async function sendParts(path: string, size: number, upload: MultipartUpload, baseUrl: string, onBytes?: (n: number) => void): Promise<{ number: number; etag: string }[] | string> {
  const handle = await open(path, 'r');
  const parts: { number: number; etag: string }[] = [];
  try {
    for (const part of upload.parts) {
      const offset = (part.number - 1) * upload.partSize;
      const length = Math.min(upload.partSize, size - offset);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, offset);
      const put = await politeFetch(() => fetch(new URL(part.url, baseUrl), { method: 'PUT', body: buffer }));
      if (!put.ok) return `part ${part.number}: ${await problemText(put)}`;
      parts.push({ number: part.number, etag: (put.headers.get('etag') ?? '').replace(/"/g, '') });
      onBytes?.(length);
    }
  } finally {
    await handle.close();
  }
  return parts;
}

/** What the API said when it refused: the problem's detail, else its text. */
function refusal(error: unknown): string {
  if (error instanceof MediaflowApiError) return error.message;
  throw error;
}

/** Uploads one file through the REST contract; waits for processing when asked. */
export async function ingestFile(
  path: string,
  options: { baseUrl: string; token: string; wait: boolean; timeoutMs: number; onBytes?: (n: number) => void },
): Promise<IngestResult> {
  const api = apiClient(options.baseUrl, options.token);
  const size = (await stat(path)).size;
  if (size === 0) return { path, outcome: 'failed', reason: 'the file is empty' };
  const sha256 = await sha256File(path);
  let started: UploadStarted | DuplicateUpload;
  try {
    started = await api.startUpload({ body: { filename: basename(path), size, sha256 } });
  } catch (error) {
    return { path, outcome: 'failed', reason: refusal(error) };
  }
  const { id } = started;
  if ('duplicate' in started) {
    options.onBytes?.(size);
    return { path, outcome: 'duplicate', id };
  }
  const { upload } = started;
  if ('url' in upload) {
    // Presigned URLs come from the API and are sent to as they are (S3, or the local stand-in).
    const put = await politeFetch(() =>
      fetch(new URL(upload.url, options.baseUrl), {
        method: 'PUT',
        headers: { ...createOnly(upload.headers), 'content-length': String(size) },
        body: Readable.toWeb(createReadStream(path)) as ReadableStream,
        duplex: 'half',
      } as RequestInit),
    );
    if (!put.ok && !ALREADY_STORED.has(put.status)) return { path, outcome: 'failed', id, reason: await problemText(put) };
    // Read so that the connection can be reused.
    await put.arrayBuffer().catch(() => undefined);
    options.onBytes?.(size);
  } else {
    const parts = await sendParts(path, size, upload, options.baseUrl, options.onBytes);
    if (typeof parts === 'string') return { path, outcome: 'failed', id, reason: parts };
    try {
      await api.completeUpload({ path: { id }, body: { uploadId: upload.uploadId, parts } });
    } catch (error) {
      return { path, outcome: 'failed', id, reason: refusal(error) };
    }
  }
  if (!options.wait) return { path, outcome: 'uploaded', id };

  const deadline = Date.now() + options.timeoutMs;
  for (let delay = 100; Date.now() < deadline; delay = Math.min(delay * 1.5, 2000)) {
    // An answer outside 2xx is "not yet"; not reaching the server at all ends the wait.
    const item = await api.getMedia({ path: { id } }).catch((error: unknown) => {
      if (error instanceof MediaflowApiError) return undefined;
      throw error;
    });
    if (item?.status === 'ready' || item?.status === 'flagged') return { path, outcome: 'uploaded', id };
    if (item?.status === 'failed') {
      if (item.failure?.code === 'duplicate') return { path, outcome: 'duplicate', id, reason: item.failure.reason };
      return { path, outcome: 'failed', id, reason: item.failure?.reason ?? 'processing failed' };
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  return { path, outcome: 'failed', id, reason: 'still processing when the wait ended' };
}

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export const ingestCommand: Command = {
  summary: 'upload files and folders through the API, with progress and a summary',
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseLocalCommand(
      'ingest',
      INGEST_USAGE,
      args,
      io,
      { url: { type: 'string' }, token: { type: 'string' }, user: { type: 'string' }, concurrency: { type: 'string' }, 'no-wait': { type: 'boolean' }, timeout: { type: 'string' } },
      true,
    );
    if (typeof parsed === 'number') return parsed;
    const v = parsed.values;
    if (parsed.positionals.length === 0) {
      io.stderr(`mediaflow ingest: give at least one file or folder\n\n${INGEST_USAGE}`);
      return EXIT_USAGE;
    }
    const concurrency = Number(v['concurrency'] ?? 4);
    const timeoutSeconds = Number(v['timeout'] ?? 600);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64 || !(timeoutSeconds > 0)) {
      io.stderr('mediaflow ingest: --concurrency must be 1-64 and --timeout positive\n');
      return EXIT_USAGE;
    }
    const baseUrl = ((v['url'] as string | undefined) ?? parsed.config.publicUrl ?? `http://localhost:${parsed.config.port}`).replace(/\/+$/, '');
    const token =
      (v['token'] as string | undefined) ?? localTokens(resolve(parsed.config.dataDir)).tokens.issue((v['user'] as string | undefined) ?? 'local');

    const files: string[] = [];
    try {
      for (const p of parsed.positionals) for await (const f of walk(resolve(p))) files.push(f);
    } catch (error) {
      io.stderr(`mediaflow ingest: ${(error as Error).message}\n`);
      return EXIT_USAGE;
    }
    let totalBytes = 0;
    for (const f of files) totalBytes += (await stat(f)).size;

    const results: IngestResult[] = [];
    let sentBytes = 0;
    const progress = () => io.stderr(`\r${bar(sentBytes, totalBytes)} ${results.length}/${files.length} files, ${(sentBytes / 1048576).toFixed(1)}/${(totalBytes / 1048576).toFixed(1)} MiB`);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const path = files[next++] as string;
        let result: IngestResult;
        try {
          result = await ingestFile(path, {
            baseUrl,
            token,
            wait: v['no-wait'] !== true,
            timeoutMs: timeoutSeconds * 1000,
            onBytes: (n) => {
              sentBytes += n;
              progress();
            },
          });
        } catch (error) {
          result = { path, outcome: 'failed', reason: (error as Error).message };
        }
        results.push(result);
        progress();
      }
    };
    progress();
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, files.length)) }, worker));
    io.stderr('\n');

    const count = (o: IngestResult['outcome']) => results.filter((r) => r.outcome === o).length;
    io.stdout(`uploaded: ${count('uploaded')}, duplicate: ${count('duplicate')}, failed: ${count('failed')}\n`);
    for (const r of results.filter((x) => x.outcome === 'failed')) io.stdout(`  failed  ${r.path}: ${r.reason ?? 'unknown reason'}\n`);
    return count('failed') > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
