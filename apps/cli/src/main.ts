import { backfillCommand } from './commands/backfill.js';
import { costCommand } from './commands/cost.js';
import { dlqCommand } from './commands/dlq.js';
import { ingestCommand } from './commands/ingest.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { sweepCommand } from './commands/sweep.js';
import { tokenCommand } from './commands/token.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_CODES_USAGE, EXIT_OK, EXIT_USAGE, processIo, type Command, type Io } from './io.js';
import { nodeRuntimeWarning } from './runtime.js';

/** Every command of `mediaflow`. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  serve: serveCommand,
  token: tokenCommand,
  ingest: ingestCommand,
  status: statusCommand,
  dlq: dlqCommand,
  sweep: sweepCommand,
  cost: costCommand,
  backfill: backfillCommand,
};

// Set by apps/cli/build.mjs to the package's version; undefined when tests import this module.
declare const __MEDIAFLOW_VERSION__: string | undefined;

/** The CLI's version: the one built into the bundle, else (sources under test) apps/cli/package.json's. */
export function cliVersion(): string {
  if (typeof __MEDIAFLOW_VERSION__ === 'string') return __MEDIAFLOW_VERSION__;
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: mediaflow <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -V, --version  print the version',
    '  -h, --help     show this help',
    '',
    EXIT_CODES_USAGE,
    '  A command may say more in its own --help (ingest: 1 when any file failed).',
    '',
    'Run `mediaflow <command> --help` for its options.',
    '',
  ].join('\n');
}

/**
 * Dispatches `argv` (without node and the script) to a command and returns the exit code.
 * @example await main(['cost', '--dau', '10000'], io) // 0
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${cliVersion()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`mediaflow: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  return command.run(rest, io);
}

// Set to true by apps/cli/build.mjs; undefined when tests import this module.
declare const __MEDIAFLOW_BIN__: boolean | undefined;

if (typeof __MEDIAFLOW_BIN__ !== 'undefined' && __MEDIAFLOW_BIN__) {
  const warning = nodeRuntimeWarning(process.version, new Date());
  if (warning) process.stderr.write(`mediaflow: ${warning}\n`);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`mediaflow: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
