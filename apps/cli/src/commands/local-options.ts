import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_USAGE, type Io } from '../io.js';
import { loadLocalConfig, type LocalConfig } from '../local/config.js';

/** Options every local command shares. */
export const LOCAL_OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'public-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const LOCAL_OPTIONS_USAGE = `  --data-dir DIR          where data lives (default .mediaflow, env MEDIAFLOW_DATA_DIR)
  --port N                port to listen on (default 3000, env MEDIAFLOW_PORT)
  --host H                interface to bind (default 127.0.0.1, env MEDIAFLOW_HOST);
                          WARNING: any address but a loopback one (127.0.0.1, ::1,
                          localhost) lets other machines reach the API, the
                          gallery and the media
  --public-url URL        the URL people use (default http://localhost:PORT)`;

/** Parses a command's flags plus the shared local options into the local config. */
export function parseLocal<T extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(
  args: readonly string[],
  extra: T,
  allowPositionals = false,
) {
  const { values, positionals } = parseArgs({ args: [...args], options: { ...LOCAL_OPTIONS, ...extra }, allowPositionals, strict: true });
  const v = values as Record<string, string | boolean | string[] | undefined>;
  const config: LocalConfig = loadLocalConfig(process.env, {
    dataDir: v['data-dir'],
    port: v['port'],
    host: v['host'],
    publicUrl: v['public-url'],
  });
  return { values: v, positionals, config };
}

/**
 * `parseLocal` for a command: a usage error prints the message and usage (exit 2), `--help`
 * prints the usage (exit 0); either way the exit code comes back instead of the parsed options.
 */
export function parseLocalCommand<T extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(
  name: string,
  usage: string,
  args: readonly string[],
  io: Io,
  extra: T,
  allowPositionals = false,
): ReturnType<typeof parseLocal<T>> | number {
  let parsed;
  try {
    parsed = parseLocal(args, extra, allowPositionals);
  } catch (error) {
    io.stderr(`mediaflow ${name}: ${(error as Error).message}\n\n${usage}`);
    return EXIT_USAGE;
  }
  if (parsed.values['help']) {
    io.stdout(usage);
    return EXIT_OK;
  }
  return parsed;
}
