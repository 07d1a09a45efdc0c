/**
 * IAM's wildcard patterns: `*` matches any run of characters (including none, and across `/` and
 * `:`), `?` exactly one. Patterns are matched by a linear backtracking scan instead of a regular
 * expression built from policy text, so a hostile or unlucky pattern cannot blow up.
 *
 * Policies of version `2012-10-17` may also carry policy variables (`${aws:SourceAccount}`) and the
 * escapes `${*}`, `${?}`, `${$}` for literal characters. They are resolved while the pattern is
 * parsed, so a substituted value is always literal text, never a wildcard.
 */

/** `*` in a pattern. */
export const ANY: unique symbol = Symbol('glob-any');
/** `?` in a pattern. */
export const ONE: unique symbol = Symbol('glob-one');

/** One code point of literal text, or a wildcard. */
export type GlobToken = string | typeof ANY | typeof ONE;

/**
 * Looks up the single value of a condition key for a policy variable; `undefined` when the request
 * has no such key (or several values, which IAM does not substitute).
 */
export type VariableResolver = (key: string) => string | undefined;

const VARIABLE = /^([A-Za-z0-9_.:/-]+)\s*(?:,\s*'([^']*)')?$/;
const ESCAPES: ReadonlySet<string> = new Set(['*', '?', '$']);

/**
 * Splits a pattern into tokens. With a `resolver` (policy version `2012-10-17`), `${...}` is
 * substituted; without one it is plain text, as in version `2008-10-17` policies.
 *
 * @returns `undefined` when a policy variable names a key the request lacks and gives no default:
 * IAM then treats the pattern as matching nothing.
 */
export function parseGlob(pattern: string, resolver?: VariableResolver): GlobToken[] | undefined {
  const chars = Array.from(pattern);
  const tokens: GlobToken[] = [];
  let i = 0;
  while (i < chars.length) {
    const char = chars[i] as string;
    if (resolver && char === '$' && chars[i + 1] === '{') {
      const close = chars.indexOf('}', i + 2);
      if (close > 0) {
        const inner = chars
          .slice(i + 2, close)
          .join('')
          .trim();
        const substituted = substitute(inner, resolver);
        if (substituted === null) return undefined;
        if (substituted !== undefined) {
          tokens.push(...Array.from(substituted));
          i = close + 1;
          continue;
        }
        // Not variable syntax at all: keep `${...}` as the literal text it is.
      }
    }
    tokens.push(char === '*' ? ANY : char === '?' ? ONE : char);
    i += 1;
  }
  return tokens;
}

/** The value of `${inner}`: text, `null` when unresolvable, `undefined` when not a variable. */
function substitute(inner: string, resolver: VariableResolver): string | null | undefined {
  if (ESCAPES.has(inner)) return inner;
  const match = VARIABLE.exec(inner);
  if (!match) return undefined;
  const value = resolver(match[1] as string);
  if (value !== undefined) return value;
  return match[2] ?? null;
}

/** Turns tokens back into text with wildcards spelled as literal characters (for `StringEquals`). */
export function tokensToText(tokens: readonly GlobToken[]): string {
  return tokens.map((token) => (token === ANY ? '*' : token === ONE ? '?' : token)).join('');
}

/** Whether `value` matches the parsed pattern. */
export function matchTokens(tokens: readonly GlobToken[], value: string, ignoreCase = false): boolean {
  const text = Array.from(value);
  const same = ignoreCase
    ? (a: string, b: string) => a === b || a.toLowerCase() === b.toLowerCase()
    : (a: string, b: string) => a === b;
  let p = 0;
  let t = 0;
  // Where the last `*` was and how much text it has swallowed so far, to backtrack to.
  let starAt = -1;
  let starText = 0;
  while (t < text.length) {
    const token = tokens[p];
    if (token === ONE || (typeof token === 'string' && same(token, text[t] as string))) {
      p += 1;
      t += 1;
    } else if (token === ANY) {
      starAt = p;
      starText = t;
      p += 1;
    } else if (starAt >= 0) {
      p = starAt + 1;
      starText += 1;
      t = starText;
    } else {
      return false;
    }
  }
  while (tokens[p] === ANY) p += 1;
  return p === tokens.length;
}

/**
 * Matches `value` against an IAM wildcard pattern without policy variables.
 *
 * @example
 * wildcardMatch('s3:Get*', 's3:getobject', { ignoreCase: true }); // true
 */
export function wildcardMatch(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  return matchTokens(parseGlob(pattern) ?? [], value, options.ignoreCase ?? false);
}
