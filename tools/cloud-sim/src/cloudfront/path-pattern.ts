import { wildcardMatch } from '../iam/glob.js';

/**
 * Whether a request path matches a cache behaviour's `PathPattern`: `*` is any run of characters
 * (across `/` too), `?` exactly one, and letters match case-sensitively. CloudFront reads a pattern
 * without a leading `/` (`images/*`) as if it had one.
 *
 * @example
 * matchesPathPattern('/media/*', '/media/renditions/a.jpg'); // true
 */
export function matchesPathPattern(pattern: string, path: string): boolean {
  const anchored = pattern.startsWith('/') || pattern.startsWith('*') ? pattern : `/${pattern}`;
  return wildcardMatch(anchored, path);
}

/**
 * The behaviour serving `path`: the first of the ordered behaviours whose pattern matches; the
 * default behaviour comes last with `*`, so every path finds one.
 */
export function selectBehavior<B extends { pathPattern: string }>(behaviors: readonly B[], path: string): B | undefined {
  return behaviors.find((behavior) => matchesPathPattern(behavior.pathPattern, path));
}
