import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sweepOrphans, type SweepReport } from '@mediaflow/media-service';
import { EXIT_CODES_USAGE, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { openLocalSweeper } from '../local/stack.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';

export const SWEEP_USAGE = `Usage: mediaflow sweep [--dry-run] [options]

Puts the local stack's data directory back in step after crashes and abandoned uploads: removes
objects no item owns (and renditions their item does not list), uploads whose bytes never came
before their URL expired, records of deletes a crash cut short, and temp files of interrupted
writes; sends uploads whose bytes arrived but never reached ingest to ingest again.

Safe beside a running server: nothing younger than --older-than is touched. \`mediaflow serve\`
runs it at start-up and every hour (MEDIAFLOW_SWEEP_INTERVAL_SECONDS).

Options:
${LOCAL_OPTIONS_USAGE}
  --older-than AGE        leave objects younger than this alone: 90s, 30m, 2h, 1d
                          (default 1h, env MEDIAFLOW_SWEEP_GRACE_SECONDS)
  --dry-run               report what would change, change nothing
  --json                  print the report as JSON
  -h, --help              show this help

${EXIT_CODES_USAGE}
`;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `30m`, `2h`, `1d` in seconds; `undefined` for anything else. */
export function parseAge(text: string): number | undefined {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function describe(report: SweepReport, dataDir: string): string {
  const verb = (done: string, planned: string) => (report.dryRun ? planned : done);
  const rows: [string, string][] = [
    ['objects looked at', String(report.scannedObjects)],
    [verb('orphaned objects removed', 'orphaned objects to remove'), String(report.orphanObjects)],
    [verb('unlisted renditions removed', 'unlisted renditions to remove'), String(report.unreferencedRenditions)],
    [verb('space freed', 'space to free'), formatBytes(report.bytes)],
    [verb('uploads sent to ingest again', 'uploads to send to ingest again'), String(report.resumedUploads)],
    [verb('abandoned uploads removed', 'abandoned uploads to remove'), String(report.abandonedUploads)],
    [verb('interrupted deletes finished', 'interrupted deletes to finish'), String(report.finishedDeletes)],
    [verb('items removed from the trash for good', 'items to remove from the trash for good'), String(report.purgedFromTrash)],
    ['temp files removed', report.temporaryFiles === undefined ? 'not looked at in a dry run' : String(report.temporaryFiles)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const title = report.dryRun ? `dry run over ${dataDir}: nothing was changed` : `swept ${dataDir}`;
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''].join('\n');
}

export const sweepCommand: Command = {
  summary: 'remove orphaned objects and abandoned uploads, resume interrupted ones',
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseLocalCommand('sweep', SWEEP_USAGE, args, io, { 'older-than': { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
    if (typeof parsed === 'number') return parsed;
    const ageText = parsed.values['older-than'] as string | undefined;
    const olderThanSeconds = ageText === undefined ? parsed.config.sweepGraceSeconds : parseAge(ageText);
    if (olderThanSeconds === undefined) {
      io.stderr(`mediaflow sweep: --older-than takes an age like 90s, 30m, 2h or 1d, not "${ageText}"\n\n${SWEEP_USAGE}`);
      return EXIT_USAGE;
    }
    const dataDir = resolve(parsed.config.dataDir);
    if (!existsSync(join(dataDir, 'media.db')) || !existsSync(join(dataDir, 'queues.db'))) {
      io.stderr(`mediaflow sweep: no local stack data in ${parsed.config.dataDir} (run mediaflow serve first)\n`);
      return EXIT_FAILURE;
    }
    const sweeper = openLocalSweeper(parsed.config);
    try {
      const report = await sweepOrphans(sweeper.deps, { olderThanSeconds, dryRun: parsed.values['dry-run'] === true });
      io.stdout(parsed.values['json'] ? `${JSON.stringify(report, null, 2)}\n` : describe(report, parsed.config.dataDir));
      return EXIT_OK;
    } finally {
      sweeper.close();
    }
  },
};
