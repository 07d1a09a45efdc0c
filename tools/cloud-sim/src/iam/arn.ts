/**
 * ARN matching the way IAM does it for `Resource` and the `Arn*` condition operators: the first five
 * `:`-separated fields (`arn`, partition, service, region, account) are matched one by one, so a
 * wildcard in the region cannot swallow the account; the resource part after the fifth `:` is matched
 * as a whole, so `bucket/originals/*` reaches any depth below `originals/`.
 */
import { matchTokens, parseGlob, type GlobToken } from './glob.js';

/** Number of fields of an ARN: `arn:partition:service:region:account:resource`. */
const ARN_FIELDS = 6;

/** Splits text (or tokens) at its first five colons; anything shorter is returned as is. */
function splitFields<T>(items: readonly T[], isColon: (item: T) => boolean): T[][] {
  const fields: T[][] = [[]];
  for (const item of items) {
    if (fields.length < ARN_FIELDS && isColon(item)) fields.push([]);
    else (fields[fields.length - 1] as T[]).push(item);
  }
  return fields;
}

/**
 * Whether `arn` matches an ARN pattern. A pattern that is not a full ARN (`*`, `arn:aws:sns:*`) is
 * matched against the whole text instead, so a bare `*` matches everything.
 */
export function arnMatches(pattern: readonly GlobToken[], arn: string): boolean {
  const patternFields = splitFields(pattern, (token) => token === ':');
  const arnFields = splitFields(Array.from(arn), (char) => char === ':');
  if (patternFields.length < ARN_FIELDS || arnFields.length < ARN_FIELDS) return matchTokens(pattern, arn);
  return patternFields.every((field, index) => matchTokens(field, (arnFields[index] as string[]).join('')));
}

/**
 * `arnMatches` for a pattern given as text (no policy variables), e.g. to check a Lambda permission's
 * `SourceArn` against the ARN of the rule or bucket that invokes it.
 *
 * @example
 * arnLike('arn:aws:s3:::media/originals/*', 'arn:aws:s3:::media/originals/o/a.jpg'); // true
 */
export function arnLike(pattern: string, arn: string): boolean {
  return arnMatches(parseGlob(pattern) ?? [], arn);
}

/** The fields of an ARN, or `undefined` for text that is not one. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const fields = splitFields(Array.from(arn), (char) => char === ':').map((field) => field.join(''));
  if (fields.length < ARN_FIELDS || fields[0] !== 'arn') return undefined;
  const [, partition, service, region, account, resource] = fields as [string, string, string, string, string, string];
  return { partition, service, region, account, resource };
}
