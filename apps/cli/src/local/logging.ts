import { currentCorrelationId } from '@mediaflow/messaging';
import { pino, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { LogLevelSchema, type LogFormat, type LogLevel } from './config.js';
import type { Log } from './stack.js';

export interface ServerLoggerOptions {
  /** The lowest level written. */
  level: LogLevel;
  /** Unset: pretty on a terminal, JSON lines elsewhere. */
  format?: LogFormat | undefined;
  /** Whether the lines go to a terminal (`Io.isTTY`). */
  terminal: boolean;
  /** Colours in the pretty format on a terminal (off with `NO_COLOR`). */
  color: boolean;
  /** Where each line goes, newline included (the server writes its log on stderr). */
  write: (text: string) => void;
}

/**
 * The service name on every line: what Powertools writes as `service` in the Lambdas' logs
 * (`serviceName: 'mediaflow'` in apps/lambdas' observability), so a query over both finds both.
 */
export const LOG_SERVICE = 'mediaflow';

/**
 * The local server's logger. Its lines use the field names of Powertools' logger in the Lambdas
 * wherever the two meet, so a query written for one works on the other: `level` as an upper-case
 * name (`INFO`, `WARN`...), `message`, an ISO `timestamp`, `service`, and `correlation_id` for the
 * request or job ({@link toLog}). Pretty output is made in this process, line by line, as each is
 * written (no transport in a worker thread): no line is lost when the process ends, and tests
 * read what a run wrote as soon as it wrote it.
 *
 * @example
 * const logger = createServerLogger({ level: 'info', terminal: io.isTTY === true, color: true, write: io.stderr });
 * toLog(logger)({ level: 'warn', msg: 'disk almost full', freeBytes: 1024 });
 */
export function createServerLogger(options: ServerLoggerOptions): Logger {
  const { write } = options;
  const format = options.format ?? (options.terminal ? 'pretty' : 'json');
  const prettify =
    format === 'pretty'
      ? prettyFactory({
          colorize: options.terminal && options.color,
          messageKey: 'message',
          timestampKey: 'timestamp',
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'service',
          singleLine: true,
        })
      : undefined;
  return pino(
    {
      level: options.level,
      messageKey: 'message',
      base: { service: LOG_SERVICE },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
    },
    { write: prettify ? (line: string) => write(prettify(line)) : write },
  );
}

type Method = Exclude<LogLevel, 'silent'>;

function isMethod(level: unknown): level is Method {
  return typeof level === 'string' && level !== 'silent' && LogLevelSchema.safeParse(level).success;
}

/**
 * The pino logger behind the {@link Log} function the stack, the workers and the API write to
 * (`{ level, msg, ...fields }`), so those stay free of any logging library: `level` picks the
 * method (`info` when it names none), `msg` is the message. A line written during a request or a
 * job gets its `correlation_id` (the request's id, or the one its message carried) unless it
 * names one itself.
 */
export function toLog(logger: Logger): Log {
  return ({ level, msg, ...fields }) => {
    const method: Method = isMethod(level) ? level : 'info';
    if (!logger.isLevelEnabled(method)) return;
    if (fields['correlation_id'] === undefined) {
      const id = currentCorrelationId();
      if (id !== undefined) fields['correlation_id'] = id;
    }
    logger[method](fields, typeof msg === 'string' ? msg : '');
  };
}
