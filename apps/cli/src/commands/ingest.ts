import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createMediaflowClient, MediaflowApiError, type DuplicateUpload, type MediaflowClient, type UploadStarted, type UploadStatus } from '@mediaflow/api/client';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { localTokens } from '../local/token-generations.js';
import { partSpans, PartUrls, planResume, type PartSpan } from './ingest-parts.js';
import { humanSummary, ingestProgress, ingestReport, type IngestResult } from './ingest-report.js';
import { defaultIngestStatePath, IngestState, type IngestUploadKey } from './ingest-state.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';
import { politeFetch } from './polite-fetch.js';

export const INGEST_USAGE = `Usage: mediaflow ingest PATH... [options]

Uploads files and folders (recursively) through the API, then waits until each
is processed. Safe to run again: content already in the library is skipped, and
a large file cut off mid-upload (Ctrl+C, a crash, a lost network) goes on from
the parts the server holds, for as long as it keeps them (a day), printing
"resumed FILE: 3 of 7 parts already sent".

Options:
  --url URL               the API's base URL (default http://localhost:PORT)
  --token TOKEN           bearer token (default: one for --user from the data directory)
  --user NAME             local user to upload as (default local)
  --concurrency N         files in flight (default 4)
  --no-wait               do not wait for processing to finish
  --timeout SECONDS       how long to wait for processing (default 600)
  --state FILE            where uploads under way are recorded for resuming
                          (default: ingest-state.json in the data directory for
                          the local server, else in $XDG_STATE_HOME/mediaflow/,
                          ~/.local/state/mediaflow/ when that is unset)
  --no-resume             send every file from its start, whatever was sent before
                          (an earlier run's half-sent upload of it is deleted)
  --json                  print one JSON document on stdout once every file is done
                          (below); progress and messages go to stderr
${LOCAL_OPTIONS_USAGE}
  -h, --help              show this help

Progress: a bar redrawn in place when stdout is a terminal; otherwise (a pipe,
a log file, --json) one plain line on stderr per file started and finished.

--json prints {"files": [...], "summary": {...}}: each file as given (folders
walked in name order) with "path", "status" and, when known, "id"; "status" is
ready, flagged (held for review), uploaded (--no-wait), duplicate (the library
has the same content: "id" is that item) or failed ("error" says why); the
summary counts each status and the total.

Exit codes:
  0  every file is in the library (ready, flagged, uploaded or a duplicate)
  1  one or more files failed (the others were still sent), or the wait ended
     before processing did
  2  bad usage: an unknown or malformed option, no PATH, a PATH that cannot be read
`;

export type { IngestResult } from './ingest-report.js';

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

/** Where ingest records multipart uploads under way, and whether it goes on from what it finds there. */
export interface ResumeOptions {
  state: IngestState;
  /** The owner the API verified the token as: a recorded upload is only resumed by its owner. */
  owner: string;
  /** False: every file starts afresh (what starts now is still recorded, replacing older entries). */
  use: boolean;
}

export interface IngestOptions {
  baseUrl: string;
  token: string;
  wait: boolean;
  timeoutMs: number;
  onBytes?: ((n: number) => void) | undefined;
  /** Unset: nothing is recorded or resumed. */
  resume?: ResumeOptions | undefined;
  /** Stops sending parts (the upload stays resumable); the file's outcome is `failed`. */
  signal?: AbortSignal | undefined;
  /** Told after each part the store accepted. */
  onPartSent?: ((part: { id: string; number: number; partCount: number }) => void) | undefined;
}

/**
 * What sending the missing parts came to: every part's etag, or why it stopped (with the API's
 * refusal when it would not give part URLs: the upload is over, or its resume window is).
 */
type SendOutcome = { parts: { number: number; etag: string }[] } | { failure: string; refused?: MediaflowApiError };

/**
 * Sends the parts in `missing`, each to a URL asked for when needed; a URL the store refuses
 * (403: lapsed, or the clocks disagree) is asked for once more.
 */
async function sendParts(path: string, id: string, partCount: number, missing: readonly PartSpan[], urls: PartUrls, options: IngestOptions): Promise<SendOutcome> {
  const handle = await open(path, 'r');
  const parts: { number: number; etag: string }[] = [];
  try {
    for (const span of missing) {
      if (options.signal?.aborted) return { failure: `interrupted before part ${span.number} of ${partCount}` };
      const buffer = Buffer.alloc(span.length);
      await handle.read(buffer, 0, span.length, span.offset);
      let put: Response | undefined;
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        let url: URL;
        try {
          url = new URL(await urls.url(span.number), options.baseUrl);
        } catch (error) {
          // The API refused the part URLs (the item was deleted meanwhile, say): what it said.
          return { failure: `part ${span.number}: ${refusal(error)}`, refused: error as MediaflowApiError };
        }
        try {
          put = await politeFetch(() => fetch(url, { method: 'PUT', body: buffer, signal: options.signal ?? null }));
        } catch (error) {
          if (options.signal?.aborted) return { failure: `interrupted during part ${span.number} of ${partCount}` };
          throw error;
        }
        if (put.status !== 403 || attempt === 2) break;
        await put.arrayBuffer().catch(() => undefined);
        urls.forget(span.number);
      }
      if (put === undefined || !put.ok) return { failure: `part ${span.number}: ${put ? await problemText(put) : 'not sent'}` };
      await put.arrayBuffer().catch(() => undefined);
      parts.push({ number: span.number, etag: (put.headers.get('etag') ?? '').replace(/"/g, '') });
      options.onBytes?.(span.length);
      options.onPartSent?.({ id, number: span.number, partCount });
    }
  } finally {
    await handle.close();
  }
  return { parts };
}

/** What the API said when it refused: the problem's detail, else its text. */
function refusal(error: unknown): string {
  if (error instanceof MediaflowApiError) return error.message;
  throw error;
}

/** Statuses of an item whose upload was completed: its bytes are all there. */
const COMPLETED = new Set<string>(['uploaded', 'processing', 'ready', 'flagged']);

/** A refusal that will not change by asking again (4xx other than 429). */
function isFinalRefusal(error: unknown): boolean {
  return error instanceof MediaflowApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
}

/**
 * Deletes the item of an upload given up on (`DELETE /api/v1/media/{id}?permanent=true`), so that
 * it does not stay `uploading` until the server's sweeper removes it after the resume window. Only
 * an item still `uploading` (as `known` says, else as the server says now): one completed
 * meanwhile is the library's. Gone already (404) or completed in between (409) is what was wanted;
 * any other failure is returned as a note, and the upload starts afresh all the same.
 */
async function discardUpload(api: MediaflowClient, id: string, known?: UploadStatus['status']): Promise<string | undefined> {
  try {
    const status = known ?? (await api.getUpload({ path: { id } })).status;
    if (status !== 'uploading') return undefined;
    await api.deleteMedia({ path: { id }, query: { permanent: 'true' } });
    return undefined;
  } catch (error) {
    if (error instanceof MediaflowApiError && (error.status === 404 || error.status === 409)) return undefined;
    return `the earlier item ${id} could not be deleted (${(error as Error).message}); the server removes it once its resume window is over`;
  }
}

/** Why an upload starts afresh, with a note when its earlier item could not be deleted. */
function restartReason(why: string, note: string | undefined): string {
  return note === undefined ? why : `${why}; ${note}`;
}

/** What going on with a recorded upload came to. */
type Resumed =
  /** Nothing recorded for the file. */
  | { kind: 'none' }
  /** Given up on (entry dropped, item deleted): the file starts afresh. */
  | { kind: 'restart'; why: string }
  /** Completed (now, or by the run that sent it): the item's processing is what is left. */
  | { kind: 'completed'; id: string; alreadySent: number; partCount: number }
  /** Stopped (interrupted, the network, a refusal of a part): what was sent stays resumable, unless refused for good. */
  | { kind: 'failed'; id: string; reason: string; alreadySent: number; partCount: number };

/**
 * Goes on with the upload an earlier run recorded for this file, when the server still holds it:
 * only the parts it lacks are sent, then the upload is completed with every part's etag. When it
 * cannot go on (gone, no longer held, its part URLs or its completion refused with 409, e.g.
 * `resume_window_over`) the entry is dropped, the half-sent item deleted, and the file starts afresh.
 */
async function resumeUpload(path: string, size: number, key: IngestUploadKey, resume: ResumeOptions, api: MediaflowClient, options: IngestOptions): Promise<Resumed> {
  const entry = await resume.state.find(key);
  if (entry === undefined) return { kind: 'none' };
  let status: UploadStatus;
  try {
    status = await api.getUpload({ path: { id: entry.id } });
  } catch (error) {
    // Not reaching the server, or a 5xx: the entry stays for the next run.
    if (!isFinalRefusal(error)) throw error;
    await resume.state.remove(key);
    if ((error as MediaflowApiError).status === 404) return { kind: 'restart', why: 'the server no longer knows the earlier upload' };
    return { kind: 'restart', why: restartReason(`the earlier upload cannot go on (${(error as Error).message})`, await discardUpload(api, entry.id)) };
  }
  const multipart = status.multipart;
  const spans = partSpans(size, entry.partSize);
  if (COMPLETED.has(status.status)) {
    // Completed before the run that sent it could forget it (stopped right after): nothing to send.
    await resume.state.remove(key);
    options.onBytes?.(size);
    return { kind: 'completed', id: entry.id, alreadySent: spans.length, partCount: spans.length };
  }
  if (!status.resumable || multipart === undefined || multipart.uploadId !== entry.uploadId || multipart.partSize !== entry.partSize || multipart.partCount !== spans.length) {
    await resume.state.remove(key);
    return { kind: 'restart', why: restartReason(`the server no longer holds the earlier upload\u2019s parts (item ${status.status})`, await discardUpload(api, entry.id, status.status)) };
  }
  const { done, missing } = planResume(spans, multipart.received.map((p) => ({ ...p, etag: p.etag.replace(/"/g, '') })));
  // Counted here so that a restart takes back what this attempt reported as sent.
  let counted = 0;
  const onBytes = (n: number) => {
    counted += n;
    options.onBytes?.(n);
  };
  const giveUp = async (why: string): Promise<Resumed> => {
    await resume.state.remove(key);
    if (counted !== 0) options.onBytes?.(-counted);
    return { kind: 'restart', why: restartReason(why, await discardUpload(api, entry.id)) };
  };
  onBytes(spans.filter((s) => !missing.includes(s)).reduce((sum, s) => sum + s.length, 0));
  const urls = new PartUrls((numbers) => api.presignUploadParts({ path: { id: entry.id }, body: { numbers } }), missing.map((s) => s.number));
  const sent = await sendParts(path, entry.id, spans.length, missing, urls, { ...options, onBytes });
  const progress = { id: entry.id, alreadySent: done.length, partCount: spans.length };
  if ('failure' in sent) {
    if (sent.refused?.status === 409) return giveUp(`the server takes no more parts of the earlier upload (${sent.refused.message})`);
    if (sent.refused !== undefined && isFinalRefusal(sent.refused)) await resume.state.remove(key);
    return { kind: 'failed', reason: sent.failure, ...progress };
  }
  try {
    await api.completeUpload({ path: { id: entry.id }, body: { uploadId: entry.uploadId, parts: [...done, ...sent.parts].sort((a, b) => a.number - b.number) } });
  } catch (error) {
    const reason = refusal(error);
    if ((error as MediaflowApiError).status === 409) return giveUp(`the server refused to complete the earlier upload (${reason})`);
    if (isFinalRefusal(error)) await resume.state.remove(key);
    return { kind: 'failed', reason, ...progress };
  }
  await resume.state.remove(key);
  return { kind: 'completed', ...progress };
}

/** Uploads one file through the REST contract; waits for processing when asked. */
export async function ingestFile(path: string, options: IngestOptions): Promise<IngestResult> {
  const api = apiClient(options.baseUrl, options.token);
  const info = await stat(path);
  const size = info.size;
  if (size === 0) return { path, outcome: 'failed', reason: 'the file is empty' };
  const sha256 = await sha256File(path);
  const { resume } = options;
  const key: IngestUploadKey | undefined = resume && { baseUrl: options.baseUrl, owner: resume.owner, path, size, mtimeMs: info.mtimeMs, sha256 };

  /**
   * Completes a fresh multipart upload; the recorded entry goes once the server took it or refused
   * it for good. Part URLs refused with 409 (the item is no longer `uploading`, or its resume
   * window is over) leave nothing to resume: the entry goes and the half-sent item is deleted.
   */
  const complete = async (id: string, uploadId: string, sent: SendOutcome, extra: Partial<IngestResult>): Promise<IngestResult | undefined> => {
    if ('failure' in sent) {
      if (resume && key && sent.refused !== undefined && isFinalRefusal(sent.refused)) {
        await resume.state.remove(key);
        if (sent.refused.status === 409) {
          const note = await discardUpload(api, id);
          if (note !== undefined) return { path, outcome: 'failed', id, reason: `${sent.failure}; ${note}`, ...extra };
        }
      }
      return { path, outcome: 'failed', id, reason: sent.failure, ...extra };
    }
    try {
      await api.completeUpload({ path: { id }, body: { uploadId, parts: sent.parts } });
    } catch (error) {
      if (resume && key && isFinalRefusal(error)) await resume.state.remove(key);
      return { path, outcome: 'failed', id, reason: refusal(error), ...extra };
    }
    if (resume && key) await resume.state.remove(key);
    return undefined;
  };

  let restarted: string | undefined;
  if (resume && key && resume.use) {
    const resumed = await resumeUpload(path, size, key, resume, api, options);
    switch (resumed.kind) {
      case 'completed':
      case 'failed': {
        const extra = { resumed: { alreadySent: resumed.alreadySent, partCount: resumed.partCount } };
        if (resumed.kind === 'failed') return { path, outcome: 'failed', id: resumed.id, reason: resumed.reason, ...extra };
        return { ...(await waitFor(api, path, resumed.id, options)), ...extra };
      }
      case 'restart':
        restarted = resumed.why;
        break;
      case 'none':
        break;
    }
  } else if (resume && key) {
    // --no-resume: an earlier run's half-sent item would stay `uploading` for a day; it goes now.
    const earlier = await resume.state.find(key);
    if (earlier !== undefined) {
      await resume.state.remove(key);
      restarted = await discardUpload(api, earlier.id);
    }
  }
  const extra = restarted === undefined ? {} : { restarted };

  let started: UploadStarted | DuplicateUpload;
  try {
    started = await api.startUpload({ body: { filename: basename(path), size, sha256 } });
  } catch (error) {
    return { path, outcome: 'failed', reason: refusal(error), ...extra };
  }
  const { id } = started;
  if ('duplicate' in started) {
    options.onBytes?.(size);
    return { path, outcome: 'duplicate', id, ...extra };
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
    if (!put.ok && !ALREADY_STORED.has(put.status)) return { path, outcome: 'failed', id, reason: await problemText(put), ...extra };
    // Read so that the connection can be reused.
    await put.arrayBuffer().catch(() => undefined);
    options.onBytes?.(size);
  } else {
    const multipart = upload;
    const spans = partSpans(size, multipart.partSize);
    if (spans.length !== multipart.partCount) return { path, outcome: 'failed', id, reason: `the server expects ${multipart.partCount} parts of ${multipart.partSize} bytes for a file of ${size}`, ...extra };
    // Recorded before the first part goes, so that whatever stops this run, the next one goes on.
    if (resume && key) {
      await resume.state.put({ ...key, id, uploadId: multipart.uploadId, partSize: multipart.partSize, partCount: spans.length, startedAt: new Date().toISOString(), resumableUntil: multipart.resumableUntil });
    }
    const urls = new PartUrls(
      (numbers) => api.presignUploadParts({ path: { id }, body: { numbers } }),
      spans.map((s) => s.number),
      { initial: { parts: multipart.parts, expiresAt: multipart.expiresAt } },
    );
    const failed = await complete(id, multipart.uploadId, await sendParts(path, id, spans.length, spans, urls, options), extra);
    if (failed) return failed;
  }
  return { ...(await waitFor(api, path, id, options)), ...extra };
}

/** The item's outcome once processing ends (or the wait does); `uploaded` right away without a wait. */
async function waitFor(api: MediaflowClient, path: string, id: string, options: IngestOptions): Promise<IngestResult> {
  if (!options.wait) return { path, outcome: 'uploaded', id };
  const deadline = Date.now() + options.timeoutMs;
  for (let delay = 100; Date.now() < deadline; delay = Math.min(delay * 1.5, 2000)) {
    // An answer outside 2xx is "not yet"; not reaching the server at all ends the wait.
    const item = await api.getMedia({ path: { id } }).catch((error: unknown) => {
      if (error instanceof MediaflowApiError) return undefined;
      throw error;
    });
    if (item?.status === 'ready' || item?.status === 'flagged') return { path, outcome: 'uploaded', id, status: item.status };
    if (item?.status === 'failed') {
      if (item.failure?.code === 'duplicate') return { path, outcome: 'duplicate', id, reason: item.failure.reason };
      return { path, outcome: 'failed', id, reason: item.failure?.reason ?? 'processing failed' };
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  return { path, outcome: 'failed', id, reason: 'still processing when the wait ended' };
}

/** True when `url` is the local server the data directory belongs to (its default URL). */
function isLocalServer(url: string | undefined, localUrl: string): boolean {
  if (url === undefined) return true;
  try {
    return new URL(url).origin === new URL(localUrl).origin;
  } catch {
    return false;
  }
}

/** What a test or an embedding program may hand the command; the CLI passes nothing. */
export interface IngestCommandSeams {
  /** Stops the run between parts, leaving what was sent resumable. */
  signal?: AbortSignal;
  /** Told after each part the store accepted. */
  onPartSent?: IngestOptions['onPartSent'];
  /** Where `XDG_STATE_HOME` is read (default: the process environment). */
  env?: NodeJS.ProcessEnv;
}

/** `mediaflow ingest`, with the given seams. */
export function createIngestCommand(seams: IngestCommandSeams = {}): Command {
  return {
    summary: 'upload files and folders through the API, with progress and a summary',
    async run(args: readonly string[], io: Io): Promise<number> {
      const parsed = parseLocalCommand(
        'ingest',
        INGEST_USAGE,
        args,
        io,
        {
          url: { type: 'string' },
          token: { type: 'string' },
          user: { type: 'string' },
          concurrency: { type: 'string' },
          'no-wait': { type: 'boolean' },
          timeout: { type: 'string' },
          state: { type: 'string' },
          'no-resume': { type: 'boolean' },
          json: { type: 'boolean' },
        },
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
      const stateFlag = v['state'] as string | undefined;
      if (stateFlag === '') {
        io.stderr('mediaflow ingest: --state needs a file name\n');
        return EXIT_USAGE;
      }
      const localUrl = (parsed.config.publicUrl ?? `http://localhost:${parsed.config.port}`).replace(/\/+$/, '');
      const urlFlag = v['url'] as string | undefined;
      const baseUrl = (urlFlag ?? localUrl).replace(/\/+$/, '');
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

      const stateFile = resolve(stateFlag ?? defaultIngestStatePath({ local: isLocalServer(urlFlag, localUrl), dataDir: resolve(parsed.config.dataDir), env: seams.env ?? process.env }));
      const state = new IngestState(stateFile, { warn: (message) => io.stderr(`mediaflow ingest: warning: ${message}\n`) });
      // Recorded uploads belong to an owner: the one the server verifies the token as.
      let resume: ResumeOptions | undefined;
      try {
        resume = { state, owner: (await apiClient(baseUrl, token).getMe()).ownerId, use: v['no-resume'] !== true };
      } catch (error) {
        io.stderr(`mediaflow ingest: warning: cannot tell whose uploads these are (${(error as Error).message}); large uploads are neither resumed nor recorded\n`);
      }

      const json = v['json'] === true;
      // Kept in the order the files were given, whatever order they finish in.
      const results: IngestResult[] = [];
      const progress = ingestProgress(io, { files: files.length, bytes: totalBytes }, io.isTTY === true && !json);
      let next = 0;
      const worker = async () => {
        while (next < files.length) {
          const index = next++;
          const path = files[index] as string;
          progress.started(path);
          let result: IngestResult;
          try {
            result = await ingestFile(path, {
              baseUrl,
              token,
              wait: v['no-wait'] !== true,
              timeoutMs: timeoutSeconds * 1000,
              onBytes: (n) => progress.sent(n),
              resume,
              signal: seams.signal,
              onPartSent: seams.onPartSent,
            });
          } catch (error) {
            result = { path, outcome: 'failed', reason: (error as Error).message };
          }
          results[index] = result;
          progress.finished(result);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, files.length)) }, worker));
      progress.end();

      if (json) io.stdout(`${JSON.stringify(ingestReport(results), null, 2)}\n`);
      else io.stdout(humanSummary(results));
      return results.some((r) => r.outcome === 'failed') ? EXIT_FAILURE : EXIT_OK;
    },
  };
}

export const ingestCommand: Command = createIngestCommand();
