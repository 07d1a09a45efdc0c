import { withCorrelationId } from '@mediaflow/messaging';
import type { LogFormat, LogLevel } from './config.js';
import { createServerLogger, toLog } from './logging.js';

/** A logger writing into an array, as `serve` writes to stderr. */
function capture(level: LogLevel, options: { terminal?: boolean; format?: LogFormat; color?: boolean } = {}) {
  const lines: string[] = [];
  const log = toLog(createServerLogger({ level, terminal: options.terminal ?? false, format: options.format, color: options.color ?? false, write: (text) => lines.push(text) }));
  return { log, lines, json: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the server\u2019s logger', () => {
  it('writes JSON lines with the field names of the Lambdas\u2019 Powertools logs', () => {
    const { log, lines, json } = capture('info');
    log({ level: 'info', msg: 'image', outcome: 'processed', mediaId: '01JQ0000000000000000000002' });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('}\n')).toBe(true);
    const [line] = json();
    expect(line).toEqual({ level: 'INFO', timestamp: expect.any(String), service: 'mediaflow', message: 'image', outcome: 'processed', mediaId: '01JQ0000000000000000000002' });
    expect(new Date(String(line?.['timestamp'])).toISOString()).toBe(line?.['timestamp']);
  });

  it('writes what is at its level or above, and nothing at silent', () => {
    const levels: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
    const warn = capture('warn');
    for (const level of levels) warn.log({ level, msg: level });
    expect(warn.json().map((line) => [line['level'], line['message']])).toEqual([
      ['WARN', 'warn'],
      ['ERROR', 'error'],
      ['FATAL', 'fatal'],
    ]);
    const trace = capture('trace');
    for (const level of levels) trace.log({ level, msg: level });
    expect(trace.json().map((line) => line['message'])).toEqual(levels);
    const silent = capture('silent');
    for (const level of levels) silent.log({ level, msg: level });
    expect(silent.lines).toEqual([]);
  });

  it('takes an entry without a known level for info, and one without a message for an empty one', () => {
    const { log, json } = capture('info');
    log({ msg: 'no level' });
    log({ level: 'loud', msg: 'unknown level' });
    log({ level: 'warn', count: 3 });
    expect(json().map((line) => [line['level'], line['message']])).toEqual([
      ['INFO', 'no level'],
      ['INFO', 'unknown level'],
      ['WARN', ''],
    ]);
  });

  it('puts the request\u2019s or job\u2019s correlation id on the lines written during it, unless a line names one', () => {
    const { log, json } = capture('info');
    log({ level: 'info', msg: 'outside' });
    withCorrelationId('01JQ0000000000000000000009', () => log({ level: 'info', msg: 'inside' }));
    withCorrelationId('01JQ0000000000000000000009', () => log({ level: 'info', msg: 'request', correlation_id: 'client-id' }));
    expect(json().map((line) => line['correlation_id'])).toEqual([undefined, '01JQ0000000000000000000009', 'client-id']);
  });

  it('is pretty on a terminal, JSON lines elsewhere, unless a format is asked for', () => {
    const pretty = capture('info', { terminal: true });
    pretty.log({ level: 'warn', msg: 'disk almost full', freeBytes: 1024 });
    expect(pretty.lines).toHaveLength(1);
    expect(pretty.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: disk almost full \{"freeBytes":1024\}\n$/);

    const asked = capture('info', { terminal: true, format: 'json' });
    asked.log({ level: 'warn', msg: 'disk almost full' });
    expect(asked.json()[0]).toMatchObject({ level: 'WARN', message: 'disk almost full' });

    const piped = capture('info', { terminal: false, format: 'pretty' });
    piped.log({ level: 'info', msg: 'started' });
    expect(piped.lines[0]).toMatch(/\] INFO: started\n$/);
  });

  it('colours the pretty lines on a terminal only when asked', () => {
    const colored = capture('info', { terminal: true, color: true });
    colored.log({ level: 'error', msg: 'failed' });
    expect(colored.lines[0]).toContain('\u001b[');
    const plain = capture('info', { terminal: false, format: 'pretty', color: true });
    plain.log({ level: 'error', msg: 'failed' });
    expect(plain.lines[0]).not.toContain('\u001b[');
  });
});
