import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openQueues } from '@mediaflow/messaging/sqlite';
import { EXIT_CODES_USAGE, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { brokerDefinitions, localQueues } from '../local/stack.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';

export const DLQ_USAGE = `Usage: mediaflow dlq list [QUEUE] [options]
       mediaflow dlq redrive QUEUE [--max N] [options]

Dead letters of the local stack: messages a step gave up on after its retries (their items show
"failed" with the reason). After fixing the cause, redrive puts them back on their queue, where
they start again with a fresh retry budget.

  list [QUEUE]            the dead letters of QUEUE (image, video, ...), or of every queue
  redrive QUEUE           moves QUEUE's dead letters back onto QUEUE

Options:
${LOCAL_OPTIONS_USAGE}
  --max N                 redrive at most N messages
  --json                  print JSON (list)
  -h, --help              show this help

${EXIT_CODES_USAGE}
`;

function describeBody(body: string): string {
  try {
    const value = JSON.parse(body) as { type?: string; mediaId?: string; key?: string };
    if (value.type && value.mediaId) return `${value.type} ${value.mediaId}`;
    if (value.key) return `object ${value.key}`;
  } catch {
    // Not JSON: show its start below.
  }
  return body.slice(0, 60).replace(/\s+/g, ' ');
}

export const dlqCommand: Command = {
  summary: 'list dead letters, or redrive them after a fix',
  async run(args: readonly string[], io: Io): Promise<number> {
    const parsed = parseLocalCommand('dlq', DLQ_USAGE, args, io, { max: { type: 'string' }, json: { type: 'boolean' } }, true);
    if (typeof parsed === 'number') return parsed;
    const [action, queueName, ...extra] = parsed.positionals;
    const usage = (message: string): number => {
      io.stderr(`mediaflow dlq: ${message}\n\n${DLQ_USAGE}`);
      return EXIT_USAGE;
    };
    if (action !== 'list' && action !== 'redrive') return usage('say list or redrive');
    if (extra.length > 0) return usage(`unexpected ${extra.join(' ')}`);
    const definitions = localQueues(parsed.config);
    const known = definitions.map((d) => d.name);
    if (queueName !== undefined && !known.includes(queueName)) return usage(`no queue "${queueName}" (queues: ${known.join(', ')})`);
    if (action === 'redrive' && queueName === undefined) return usage('redrive needs a QUEUE');
    const maxText = parsed.values['max'] as string | undefined;
    const max = maxText === undefined ? undefined : Number(maxText);
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) return usage('--max must be a positive whole number');

    const file = join(resolve(parsed.config.dataDir), 'queues.db');
    if (!existsSync(file)) {
      io.stderr(`mediaflow dlq: no local stack data in ${parsed.config.dataDir} (run mediaflow serve first)\n`);
      return EXIT_FAILURE;
    }
    const broker = openQueues(file, brokerDefinitions(definitions));
    try {
      const selected = definitions.filter((d) => queueName === undefined || d.name === queueName);
      if (action === 'redrive') {
        const definition = selected[0];
        if (!definition) return usage('redrive needs a QUEUE');
        const moved = await broker.redrive(definition.deadLetter, definition.name, max);
        io.stdout(`moved ${moved} message${moved === 1 ? '' : 's'} from ${definition.deadLetter} back to ${definition.name}\n`);
        return EXIT_OK;
      }
      const rows: { queue: string; id: string; what: string; receives: number; at: string }[] = [];
      for (const definition of selected) {
        for (const message of await broker.queue(definition.deadLetter).list({ limit: 1000 })) {
          rows.push({
            queue: definition.name,
            id: message.id,
            what: describeBody(message.body),
            receives: message.deadLetter?.receiveCount ?? message.receiveCount,
            at: (message.deadLetter?.at ?? message.sentAt).toISOString(),
          });
        }
      }
      if (parsed.values['json']) {
        io.stdout(`${JSON.stringify({ deadLetters: rows }, null, 2)}\n`);
      } else if (rows.length === 0) {
        io.stdout('no dead letters\n');
      } else {
        for (const r of rows) io.stdout(`${r.queue.padEnd(10)} ${r.at}  after ${r.receives} receives  ${r.what}\n`);
      }
      return EXIT_OK;
    } finally {
      broker.close();
    }
  },
};
