import { join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { openQueues } from '@mediaflow/messaging/sqlite';
import { EXIT_FAILURE, EXIT_OK, type Command, type Io } from '../io.js';
import { brokerDefinitions, localQueues, MEDIA_TOOLS_FILE, type MediaToolsRecord } from '../local/stack.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';

export const STATUS_USAGE = `Usage: mediaflow status [options]

Shows the depth of every queue and dead-letter queue of the local stack, and
the ffmpeg build its workers run.

Options:
${LOCAL_OPTIONS_USAGE}
  --json                  print JSON
  -h, --help              show this help
`;

export const statusCommand: Command = {
  summary: 'queue depths, dead letters and the media tools of the local stack',
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseLocalCommand('status', STATUS_USAGE, args, io, { json: { type: 'boolean' } });
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
      if (parsed.values['json']) {
        io.stdout(`${JSON.stringify({ queues: rows, mediaTools: mediaTools ?? null }, null, 2)}\n`);
      } else {
        io.stdout(`${'queue'.padEnd(16)}${'waiting'.padStart(9)}${'in flight'.padStart(11)}${'delayed'.padStart(9)}\n`);
        for (const r of rows) io.stdout(`${r.queue.padEnd(16)}${String(r.visible).padStart(9)}${String(r.inFlight).padStart(11)}${String(r.delayed).padStart(9)}\n`);
        io.stdout(`\nmedia tools: ${mediaTools ? `${mediaTools.description} (chosen ${mediaTools.chosenAt})` : 'not recorded (start mediaflow serve with workers)'}\n`);
        if (mediaTools?.warning) io.stdout(`warning: ${mediaTools.warning}\n`);
      }
      return EXIT_OK;
    } finally {
      broker.close();
    }
  },
};

/** What the last `serve` with workers recorded about its ffmpeg, when it did. */
function readMediaTools(dataDir: string): MediaToolsRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, MEDIA_TOOLS_FILE), 'utf8')) as MediaToolsRecord;
  } catch {
    return undefined;
  }
}
