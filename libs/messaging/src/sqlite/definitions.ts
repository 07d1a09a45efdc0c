import { ValidationError } from '@mediaflow/domain';

/** The settings of one named queue. */
export interface QueueDefinition {
  /** How long a received message stays hidden from other receivers, unless the receive says otherwise. */
  visibilityTimeoutSeconds: number;
  /**
   * With `deadLetter`: after this many receives without an ack, the next receive moves the message
   * to the dead-letter queue instead of delivering it again.
   */
  maxReceives?: number;
  /** Name of another queue in the same database (and the same definitions) that takes exhausted messages. */
  deadLetter?: string;
}

/** Queue definitions by queue name. */
export type QueueDefinitions<Name extends string = string> = Readonly<Record<Name, QueueDefinition>>;

/** SQS's rule for queue names, which keeps names safe in logs, paths and CLI arguments. */
const NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** SQS's maximum visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Checks a set of definitions: valid names, timeouts in range, `maxReceives` and `deadLetter` given
 * together, and every dead-letter queue defined too. Without a dead-letter queue a message is never
 * dropped: it is delivered again until it is acked (nothing may be lost on the way).
 */
export function validateDefinitions(definitions: QueueDefinitions): void {
  const issues: { path: string; message: string }[] = [];
  const names = Object.keys(definitions);
  if (names.length === 0) issues.push({ path: '', message: 'define at least one queue' });
  for (const name of names) {
    const definition = definitions[name];
    if (!definition) continue;
    if (!NAME.test(name)) issues.push({ path: name, message: 'a queue name has 1-80 letters, digits, "-" or "_"' });
    const visibility = definition.visibilityTimeoutSeconds;
    if (!Number.isFinite(visibility) || visibility < 0 || visibility > MAX_VISIBILITY_SECONDS) {
      issues.push({ path: `${name}.visibilityTimeoutSeconds`, message: `must be between 0 and ${MAX_VISIBILITY_SECONDS}` });
    }
    const { maxReceives, deadLetter } = definition;
    if ((maxReceives === undefined) !== (deadLetter === undefined)) {
      issues.push({ path: name, message: 'maxReceives and deadLetter go together' });
    }
    if (maxReceives !== undefined && (!Number.isInteger(maxReceives) || maxReceives < 1 || maxReceives > 1000)) {
      issues.push({ path: `${name}.maxReceives`, message: 'must be an integer between 1 and 1000' });
    }
    if (deadLetter !== undefined) {
      if (deadLetter === name) issues.push({ path: `${name}.deadLetter`, message: 'a queue cannot be its own dead-letter queue' });
      else if (!Object.hasOwn(definitions, deadLetter)) {
        issues.push({ path: `${name}.deadLetter`, message: `the dead-letter queue "${deadLetter}" is not defined` });
      }
    }
  }
  if (issues.length > 0) {
    throw new ValidationError(`invalid queue definitions: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
  }
}

/** Seconds (possibly fractional) to whole milliseconds. */
export function toMillis(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** Checks a per-call number of seconds (a delay, a visibility timeout). */
export function checkSeconds(path: string, seconds: number, max = MAX_VISIBILITY_SECONDS): void {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > max) {
    throw new ValidationError(`${path} must be between 0 and ${max} seconds`, [{ path, message: `must be between 0 and ${max}` }]);
  }
}
