import { join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { formatBytes } from './sweep.js';
import { openQueues } from '@mediaflow/messaging/sqlite';
import { SqliteMediaRepository } from '@mediaflow/storage/sqlite';
import { EXIT_CODES_USAGE, EXIT_FAILURE, EXIT_OK, type Command, type Io } from '../io.js';
import { brokerDefinitions, localQueues, MEDIA_TOOLS_FILE, type MediaToolsRecord } from '../local/stack.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';

export const STATUS_USAGE = `Usage: mediaflow status [options]

Shows the depth of every queue and dead-letter queue of the local stack, and
the ffmpeg build its workers run; with --user, what that user's library takes up
against the storage quota (MEDIAFLOW_STORAGE_QUOTA_BYTES).

Options:
${LOCAL_OPTIONS_USAGE}
  --user <id>             also show the storage this user's items take up
  --json                  print JSON
  -h, --help              show this help

${EXIT_CODES_USAGE}
`;

export const statusCommand: Command = {
  summary: 'queue depths, dead letters and the media tools of the local stack',
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseLocalCommand('status', STATUS_USAGE, args, io, { json: { type: 'boolean' }, user: { type: 'string' } });
    if (typeof parsed === 'number') return parsed;
    const file = join(resolve(parsed.config.dataDir), 'queues.db');
    if (!existsSync(file)) {
      io.stderr(`mediaflow status: no local stack data in ${parsed.config.dataDir} (run mediaflow serve first)\n`);
      return EXIT_FAILURE;
    }
    const definitions = brokerDefinitions(localQueues(parsed.config));
    const broker = openQueues(file, definitions);
    try {
      const rows: { queue: string; visible: number; inFlight: number; delayed: number }[] = [];
      for (const name of Object.keys(definitions)) rows.push({ queue: name, ...(await broker.queue(name).depth()) });
      const mediaTools = readMediaTools(resolve(parsed.config.dataDir));
      const user = parsed.values['user'];
      const storage = typeof user === 'string' ? await storageOf(resolve(parsed.config.dataDir), user, parsed.config.storageQuotaBytes) : undefined;
      if (parsed.values['json']) {
        io.stdout(`${JSON.stringify({ queues: rows, mediaTools: mediaTools ?? null, ...(storage === undefined ? {} : { storage }) }, null, 2)}\n`);
      } else {
        io.stdout(`${'queue'.padEnd(16)}${'waiting'.padStart(9)}${'in flight'.padStart(11)}${'delayed'.padStart(9)}\n`);
        for (const r of rows) io.stdout(`${r.queue.padEnd(16)}${String(r.visible).padStart(9)}${String(r.inFlight).padStart(11)}${String(r.delayed).padStart(9)}\n`);
        io.stdout(`\nmedia tools: ${mediaTools ? `${mediaTools.description} (chosen ${mediaTools.chosenAt})` : 'not recorded (start mediaflow serve with workers)'}\n`);
        if (mediaTools?.warning) io.stdout(`warning: ${mediaTools.warning}\n`);
        if (storage !== undefined) {
          const quota = storage.quotaBytes === null ? 'no quota' : `of ${formatBytes(storage.quotaBytes)} (${Math.round((storage.usedBytes / storage.quotaBytes) * 100)}%)`;
          io.stdout(`\nstorage of ${storage.user}: ${formatBytes(storage.usedBytes)} in ${storage.items} items, ${quota}\n`);
        }
      }
      return EXIT_OK;
    } finally {
      broker.close();
    }
  },
};

/** What a user’s items take up in the data directory's database, and their quota. */
async function storageOf(dataDir: string, user: string, quotaBytes: number | undefined): Promise<{ user: string; usedBytes: number; items: number; quotaBytes: number | null }> {
  const repo = new SqliteMediaRepository({ filename: join(dataDir, 'media.db') });
  try {
    const usage = await repo.usage(user);
    return { user, usedBytes: usage.bytes, items: usage.items, quotaBytes: quotaBytes ?? null };
  } finally {
    repo.close();
  }
}

/** What the last `serve` with workers recorded about its ffmpeg, when it did. */
function readMediaTools(dataDir: string): MediaToolsRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, MEDIA_TOOLS_FILE), 'utf8')) as MediaToolsRecord;
  } catch {
    return undefined;
  }
}
