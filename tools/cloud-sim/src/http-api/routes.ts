/**
 * Route selection as API Gateway HTTP APIs do it: the most specific matching route wins. Per path
 * segment a literal beats `{param}`, which beats the greedy `{proxy+}`; with equal paths a route for
 * the method beats `ANY`; `$default` takes what nothing else matches.
 */
import { UnsupportedApiError } from './errors.js';

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface ParsedRoute<R> {
  route: R;
  routeKey: string;
  /** `undefined` for `$default`. */
  method?: string;
  segments: Segment[];
}

export interface RouteMatch<R> {
  route: R;
  routeKey: string;
  pathParameters: Record<string, string>;
}

function parseSegment(text: string, routeKey: string, last: boolean): Segment {
  const variable = /^\{([A-Za-z0-9._-]+)(\+)?\}$/.exec(text);
  if (!variable) {
    if (/[{}]/.test(text)) throw new UnsupportedApiError(`Route ${routeKey}: a path variable must be a whole segment.`);
    return { kind: 'literal', text };
  }
  const name = variable[1] as string;
  if (variable[2] === undefined) return { kind: 'param', name };
  if (!last) throw new UnsupportedApiError(`Route ${routeKey}: a greedy path variable must be the last segment.`);
  return { kind: 'greedy', name };
}

export function parseRouteKey<R>(routeKey: string, route: R): ParsedRoute<R> {
  if (routeKey === '$default') return { route, routeKey, segments: [] };
  const match = /^([A-Z]+) (\/.*)$/.exec(routeKey);
  if (!match) throw new UnsupportedApiError(`Route key ${routeKey} is not "METHOD /path" or $default.`);
  const parts = (match[2] as string).split('/').slice(1);
  return { route, routeKey, method: match[1] as string, segments: parts.map((part, index) => parseSegment(part, routeKey, index === parts.length - 1)) };
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/** Negative when `a` is more specific than `b`. */
function compareSpecificity<R>(a: ParsedRoute<R>, b: ParsedRoute<R>): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index++) {
    const difference = RANK[(a.segments[index] as Segment).kind] - RANK[(b.segments[index] as Segment).kind];
    if (difference !== 0) return difference;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return Number(a.method === 'ANY') - Number(b.method === 'ANY');
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function matchPath(segments: readonly Segment[], pathSegments: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = pathSegments.slice(index);
      // A greedy variable stands for at least one segment: `/api/{proxy+}` does not match `/api`.
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      parameters[segment.name] = decodeSegment(rest.join('/'));
      return parameters;
    }
    const actual = pathSegments[index];
    if (actual === undefined) return undefined;
    if (segment.kind === 'literal' && segment.text !== actual) return undefined;
    if (segment.kind === 'param') {
      if (actual === '') return undefined;
      parameters[segment.name] = decodeSegment(actual);
    }
  }
  return segments.length === pathSegments.length ? parameters : undefined;
}

/** The routes of an API, ordered once so that selection is the first match. */
export class RouteTable<R> {
  readonly #routes: ParsedRoute<R>[];
  readonly #fallback: ParsedRoute<R> | undefined;

  constructor(routes: ReadonlyArray<{ routeKey: string; route: R }>) {
    const parsed = routes.map(({ routeKey, route }) => parseRouteKey(routeKey, route));
    this.#fallback = parsed.find((route) => route.method === undefined);
    this.#routes = parsed.filter((route) => route.method !== undefined).sort(compareSpecificity);
  }

  select(method: string, path: string): RouteMatch<R> | undefined {
    const pathSegments = path.split('/').slice(1);
    for (const candidate of this.#routes) {
      if (candidate.method !== method && candidate.method !== 'ANY') continue;
      const pathParameters = matchPath(candidate.segments, pathSegments);
      if (pathParameters) return { route: candidate.route, routeKey: candidate.routeKey, pathParameters };
    }
    return this.#fallback && { route: this.#fallback.route, routeKey: '$default', pathParameters: {} };
  }
}
