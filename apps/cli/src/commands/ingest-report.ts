import type { Io } from '../io.js';

/** What became of one file, as ingest reports it. */
export interface IngestResult {
  path: string;
  outcome: 'uploaded' | 'duplicate' | 'failed';
  id?: string;
  reason?: string;
  /** The item's status once processing ended, when ingest waited for it. */
  status?: 'ready' | 'flagged';
  /** Set when the upload went on from an earlier run: how many parts the server held already. */
  resumed?: { alreadySent: number; partCount: number };
  /** Set when an earlier run's upload of the file could not be resumed, and why. */
  restarted?: string;
}

/**
 * A file's status in `ingest --json`: `ready` or `flagged` (processed; flagged is held for
 * review), `uploaded` (sent, not waited for: `--no-wait`), `duplicate` (the library holds the
 * same content already, as item `id`) or `failed` (`error` says why).
 */
export type IngestFileStatus = 'ready' | 'flagged' | 'uploaded' | 'duplicate' | 'failed';

/** One file of `ingest --json`. */
export interface IngestFileReport {
  path: string;
  status: IngestFileStatus;
  id?: string;
  error?: string;
  resumed?: { alreadySent: number; partCount: number };
  restarted?: string;
}

/** What `ingest --json` writes to stdout once every file is done: one JSON document. */
export interface IngestReport {
  files: IngestFileReport[];
  summary: { total: number } & Record<IngestFileStatus, number>;
}

export function fileStatus(result: IngestResult): IngestFileStatus {
  return result.outcome === 'uploaded' ? (result.status ?? 'uploaded') : result.outcome;
}

/** The `--json` document of a run, files in the order given on the command line. */
export function ingestReport(results: readonly IngestResult[]): IngestReport {
  const summary: IngestReport['summary'] = { total: results.length, ready: 0, flagged: 0, uploaded: 0, duplicate: 0, failed: 0 };
  const files = results.map((r): IngestFileReport => {
    const status = fileStatus(r);
    summary[status] += 1;
    return {
      path: r.path,
      status,
      ...(r.id === undefined ? {} : { id: r.id }),
      ...(r.reason === undefined || status !== 'failed' ? {} : { error: r.reason }),
      ...(r.resumed === undefined ? {} : { resumed: r.resumed }),
      ...(r.restarted === undefined ? {} : { restarted: r.restarted }),
    };
  });
  return { files, summary };
}

/** What a run tells as it goes: files starting and ending, bytes sent. */
export interface IngestProgress {
  started(path: string): void;
  sent(bytes: number): void;
  finished(result: IngestResult): void;
  /** The run is over: a redrawn line is ended. */
  end(): void;
}

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.max(0, Math.min(width, Math.round((done / total) * width)));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

/**
 * Progress on stderr. `live` (stdout is a terminal and no `--json`): one line redrawn with `\r`,
 * a bar with files and MiB done. Otherwise plain lines, one per event, fit for a log or a pipe:
 * `started PATH`, then `ready PATH (ID)`, `duplicate PATH (ID)`, `failed PATH: REASON` and so on.
 */
export function ingestProgress(io: Io, totals: { files: number; bytes: number }, live: boolean): IngestProgress {
  if (!live) {
    return {
      started: (path) => io.stderr(`started ${path}\n`),
      sent: () => undefined,
      finished: (r) => {
        const status = fileStatus(r);
        const detail = status === 'failed' ? `: ${r.reason ?? 'unknown reason'}` : r.id === undefined ? '' : ` (${r.id})`;
        io.stderr(`${status} ${r.path}${detail}\n`);
      },
      end: () => undefined,
    };
  }
  let files = 0;
  let bytes = 0;
  const draw = () => io.stderr(`\r${bar(bytes, totals.bytes)} ${files}/${totals.files} files, ${mib(bytes)}/${mib(totals.bytes)} MiB`);
  draw();
  return {
    started: () => undefined,
    sent: (n) => {
      bytes += n;
      draw();
    },
    finished: () => {
      files += 1;
      draw();
    },
    end: () => io.stderr('\n'),
  };
}

/** The human summary on stdout (without `--json`): counts, then what was resumed, restarted, or failed. */
export function humanSummary(results: readonly IngestResult[]): string {
  const count = (o: IngestResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const lines = [`uploaded: ${count('uploaded')}, duplicate: ${count('duplicate')}, failed: ${count('failed')}`];
  for (const r of results) {
    if (r.resumed) lines.push(`  resumed ${r.path}: ${r.resumed.alreadySent} of ${r.resumed.partCount} parts already sent`);
    if (r.restarted) lines.push(`  restarted ${r.path}: ${r.restarted}`);
  }
  for (const r of results.filter((x) => x.outcome === 'failed')) lines.push(`  failed  ${r.path}: ${r.reason ?? 'unknown reason'}`);
  return `${lines.join('\n')}\n`;
}
