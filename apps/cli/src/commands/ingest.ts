import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { LocalTokens } from '@mediaflow/api';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { loadSecrets } from '../local/secrets.js';
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

interface UploadSingle { method: string; url: string; headers: Record<string, string> }
interface UploadParts { partSize: number; parts: { number: number; url: string }[]; completeUrl: string; uploadId: string }

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

/** Uploads one file through the REST contract; waits for processing when asked. */
export async function ingestFile(
  path: string,
  options: { baseUrl: string; token: string; wait: boolean; timeoutMs: number; onBytes?: (n: number) => void },
): Promise<IngestResult> {
  const auth = { authorization: `Bearer ${options.token}` };
  const size = (await stat(path)).size;
  if (size === 0) return { path, outcome: 'failed', reason: 'the file is empty' };
  const sha256 = await sha256File(path);
  // A rate-limited API answers 429 with Retry-After: every call waits as asked and tries again.
  const started = await politeFetch(() =>
    fetch(`${options.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: basename(path), size, sha256 }),
    }),
  );
  if (!started.ok) return { path, outcome: 'failed', reason: await problemText(started) };
  const body = (await started.json()) as { id: string; duplicate?: boolean; upload?: UploadSingle | UploadParts };
  if (body.duplicate) {
    options.onBytes?.(size);
    return { path, outcome: 'duplicate', id: body.id };
  }
  const upload = body.upload;
  if (!upload) return { path, outcome: 'failed', id: body.id, reason: 'the API gave no upload target' };
  if ('url' in upload) {
    const put = await politeFetch(() =>
      fetch(new URL(upload.url, options.baseUrl), {
        method: 'PUT',
        headers: { ...upload.headers, 'content-length': String(size) },
        body: Readable.toWeb(createReadStream(path)) as ReadableStream,
        duplex: 'half',
      } as RequestInit),
    );
    if (!put.ok) return { path, outcome: 'failed', id: body.id, reason: await problemText(put) };
    options.onBytes?.(size);
  } else {
    const handle = await open(path, 'r');
    const parts: { number: number; etag: string }[] = [];
    try {
      for (const part of upload.parts) {
        const offset = (part.number - 1) * upload.partSize;
        const length = Math.min(upload.partSize, size - offset);
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, offset);
        const put = await politeFetch(() => fetch(new URL(part.url, options.baseUrl), { method: 'PUT', body: buffer }));
        if (!put.ok) return { path, outcome: 'failed', id: body.id, reason: `part ${part.number}: ${await problemText(put)}` };
        parts.push({ number: part.number, etag: (put.headers.get('etag') ?? '').replace(/"/g, '') });
        options.onBytes?.(length);
      }
    } finally {
      await handle.close();
    }
    const done = await politeFetch(() =>
      fetch(new URL(upload.completeUrl, options.baseUrl), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ uploadId: upload.uploadId, parts }),
      }),
    );
    if (!done.ok) return { path, outcome: 'failed', id: body.id, reason: await problemText(done) };
  }
  if (!options.wait) return { path, outcome: 'uploaded', id: body.id };

  const deadline = Date.now() + options.timeoutMs;
  for (let delay = 100; Date.now() < deadline; delay = Math.min(delay * 1.5, 2000)) {
    const res = await politeFetch(() => fetch(`${options.baseUrl}/api/v1/media/${body.id}`, { headers: auth }));
    if (res.ok) {
      const item = (await res.json()) as { status: string; failure: { code: string; reason: string } | null };
      if (item.status === 'ready' || item.status === 'flagged') return { path, outcome: 'uploaded', id: body.id };
      if (item.status === 'failed') {
        if (item.failure?.code === 'duplicate') return { path, outcome: 'duplicate', id: body.id, reason: item.failure.reason };
        return { path, outcome: 'failed', id: body.id, reason: item.failure?.reason ?? 'processing failed' };
      }
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  return { path, outcome: 'failed', id: body.id, reason: 'still processing when the wait ended' };
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
      (v['token'] as string | undefined) ?? new LocalTokens({ secret: loadSecrets(resolve(parsed.config.dataDir)).tokenKey }).issue((v['user'] as string | undefined) ?? 'local');

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
