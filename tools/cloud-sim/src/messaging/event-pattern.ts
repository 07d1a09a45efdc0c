/**
 * EventBridge event patterns: the content-filter language applied to the whole event envelope
 * (`source`, `detail-type`, `account`, `resources`, `detail.*`).
 */
import { compileObjectPattern, type ContentValue } from './content-filter.js';

export type EventMatcher = (event: Record<string, unknown>) => boolean;

/**
 * Compiles a rule's event pattern.
 *
 * @throws PatternError for an operator the simulator does not emulate or a malformed pattern.
 * @example
 * const matches = compileEventPattern({ source: ['aws.mediaconvert'], detail: { status: ['COMPLETE', 'ERROR'] } });
 */
export function compileEventPattern(pattern: Record<string, unknown>, what = 'event pattern'): EventMatcher {
  const matches = compileObjectPattern(pattern, { what: `${what} ${JSON.stringify(pattern)}`, nested: true });
  return (event) => matches(event as ContentValue);
}
