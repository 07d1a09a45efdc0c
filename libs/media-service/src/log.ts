import type { CoreDeps } from './context.js';

/**
 * Reports something a use case carried on past (an edge invalidation, a visit that was not
 * recorded) to the composition's log, or to the console where it gave none.
 */
export function logEntry(deps: Pick<CoreDeps, 'log'>, entry: Record<string, unknown>): void {
  if (deps.log) deps.log(entry);
  else if (entry['level'] === 'warn' || entry['level'] === 'error') console.warn(JSON.stringify(entry));
  else console.info(JSON.stringify(entry));
}

/** The message of an error for a log entry: its name and message, never its stack. */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
