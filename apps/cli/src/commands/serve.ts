import { localOwnerId } from '@mediaflow/api';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command, type Io } from '../io.js';
import { LogFormatSchema, LogLevelSchema, type LocalConfig } from '../local/config.js';
import { createServerLogger, toLog } from '../local/logging.js';
import { startLocalStack } from '../local/stack.js';
import { defaultGalleryDir, runningFile } from './gallery-dir.js';
import { LOCAL_OPTIONS_USAGE, parseLocalCommand } from './local-options.js';

export const SERVE_USAGE = `Usage: mediaflow serve [options]

Runs the whole product on this machine: API, workers, durable queues and the
gallery on one port, with data under the data directory.

Options:
${LOCAL_OPTIONS_USAGE}
  --user NAME             print a sign-in link for this local user (default local)
  --gallery DIR           the web gallery's build (env MEDIAFLOW_GALLERY_DIR; default
                          the gallery the installed CLI ships, beside its dist/,
                          else apps/web-gallery/dist in the workspace)
  --log-level LEVEL       the lowest level logged: trace, debug, info, warn, error,
                          fatal or silent (default info, env MEDIAFLOW_LOG_LEVEL);
                          each request and each job is an info line
  --log-format FORMAT     json (one object a line) or pretty (default pretty on a
                          terminal, json elsewhere; env MEDIAFLOW_LOG_FORMAT)
  --quiet                 log warnings and errors only: --log-level warn
  --no-response-cache     build every list page from the database (to measure a cache miss)
  -h, --help              show this help

The log goes to stderr, with the field names of the Lambdas' logs (docs/logging.md).
Every answer of the API carries its request's id in X-Request-Id, and every log line
of the request and of the jobs it caused carries it as correlation_id.

Exit codes:
  0  stopped (Ctrl+C or SIGTERM) after jobs in flight finished or went back
  1  could not start (the port is taken, the data directory cannot be used...)
  2  bad usage: an unknown or malformed option, a bad --user
`;

/**
 * The log's level and format from the flags, else the config (environment): `--log-level` wins
 * over `--quiet`, which is `warn`. A message when a flag's value is not one of the choices.
 */
function loggingOf(values: Record<string, unknown>, config: LocalConfig): { level: LocalConfig['logLevel']; format: LocalConfig['logFormat']; color: boolean } | string {
  const level = LogLevelSchema.safeParse(values['log-level'] ?? (values['quiet'] === true ? 'warn' : config.logLevel));
  if (!level.success) return `--log-level must be one of ${LogLevelSchema.options.join(', ')}`;
  const format = LogFormatSchema.optional().safeParse(values['log-format'] ?? config.logFormat);
  if (!format.success) return `--log-format must be one of ${LogFormatSchema.options.join(', ')}`;
  return { level: level.data, format: format.data, color: config.noColor === undefined };
}

/** Waits for SIGINT/SIGTERM; overridable in tests. */
export type StopSignal = () => Promise<void>;

const untilSignal: StopSignal = () =>
  new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });

export function serveCommandWith(stopSignal: StopSignal): Command {
  return {
    summary: 'run the local stack (API, workers, gallery) at http://localhost:3000',
    async run(args: readonly string[], io: Io): Promise<number> {
      const parsed = parseLocalCommand('serve', SERVE_USAGE, args, io, {
        user: { type: 'string' },
        gallery: { type: 'string' },
        quiet: { type: 'boolean' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'no-response-cache': { type: 'boolean' },
      });
      if (typeof parsed === 'number') return parsed;
      const logging = loggingOf(parsed.values, parsed.config);
      if (typeof logging === 'string') {
        io.stderr(`mediaflow serve: ${logging}\n\n${SERVE_USAGE}`);
        return EXIT_USAGE;
      }
      let user: string;
      try {
        user = localOwnerId((parsed.values['user'] as string | undefined) ?? 'local');
      } catch (error) {
        io.stderr(`mediaflow serve: ${(error as Error).message}\n`);
        return EXIT_USAGE;
      }
      const config = {
        ...parsed.config,
        galleryDir: (parsed.values['gallery'] as string | undefined) ?? parsed.config.galleryDir ?? defaultGalleryDir(runningFile(), process.cwd()),
        responseCache: parsed.values['no-response-cache'] !== true,
      };
      const logger = createServerLogger({
        ...logging,
        // The log is on stderr: its format follows stderr alone (`serve > link.txt` still shows it pretty).
        terminal: (io.stderrIsTTY ?? io.isTTY) === true,
        write: io.stderr,
      });
      let stack;
      try {
        stack = await startLocalStack(config, toLog(logger));
      } catch (error) {
        // Through the logger, so a log read as JSON lines stays JSON to its last line.
        toLog(logger)({ level: 'fatal', msg: 'mediaflow serve could not start', error: (error as Error).message });
        return EXIT_FAILURE;
      }
      const token = stack.tokens.issue(user);
      io.stdout(
        [
          '',
          `  Mediaflow is running at ${stack.url}`,
          '',
          `  Signed-in link for "${user}":  ${stack.url}/#token=${token}`,
          `  Bearer token:                  ${token}`,
          `  API:                           ${stack.url}/api/v1  (OpenAPI: ${stack.url}/api/openapi.json)`,
          `  Data:                          ${config.dataDir}`,
          `  Media tools:                   ${stack.mediaTools?.description ?? 'none in this process (workers are off)'}`,
          ...(stack.mediaTools?.warning ? ['', `  Warning: ${stack.mediaTools.warning}`] : []),
          '',
          '  Press Ctrl+C to stop; in-flight jobs finish or return to their queues.',
          '',
        ].join('\n'),
      );
      await stopSignal();
      io.stdout('\nStopping...\n');
      await stack.stop();
      return EXIT_OK;
    },
  };
}

export const serveCommand = serveCommandWith(untilSignal);
