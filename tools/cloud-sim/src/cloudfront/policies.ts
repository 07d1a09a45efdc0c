import type { CachePolicySpec } from '../specs.js';

/**
 * Cache policies and origin request policies, read from their CloudFormation configuration into
 * one shape: which headers, cookies and query strings go into the cache key and to the origin, and
 * the TTL bounds. Managed policies are referenced by id in templates, so their configurations are
 * spelled out here.
 */

/** Which names of one kind (headers, cookies or query strings) are selected. */
export interface Selection {
  mode: 'none' | 'only' | 'all' | 'allExcept';
  /** Header names lower-case; cookie and query string names as written (they are case-sensitive). */
  names: ReadonlySet<string>;
}

export interface CachePolicy {
  minTtl: number;
  defaultTtl: number;
  maxTtl: number;
  headers: Selection;
  cookies: Selection;
  queryStrings: Selection;
  gzip: boolean;
  brotli: boolean;
}

export interface OriginRequestPolicy {
  headers: Selection;
  cookies: Selection;
  queryStrings: Selection;
}

/** An origin request policy with its configuration, as a template resource would hold it. */
export interface OriginRequestPolicySpec {
  id: string;
  name: string;
  config: Record<string, unknown>;
}

const NOTHING = { CookiesConfig: { CookieBehavior: 'none' }, HeadersConfig: { HeaderBehavior: 'none' }, QueryStringsConfig: { QueryStringBehavior: 'none' } };
const ALL_VIEWER = { CookiesConfig: { CookieBehavior: 'all' }, QueryStringsConfig: { QueryStringBehavior: 'all' } };

const MANAGED_CACHE_POLICIES: Readonly<Record<string, { name: string; config: Record<string, unknown> }>> = {
  '658327ea-f89d-4fab-a63d-7e88639e58f6': {
    name: 'Managed-CachingOptimized',
    config: {
      MinTTL: 1,
      DefaultTTL: 86400,
      MaxTTL: 31536000,
      ParametersInCacheKeyAndForwardedToOrigin: { ...NOTHING, EnableAcceptEncodingGzip: true, EnableAcceptEncodingBrotli: true },
    },
  },
  'b2884449-e4de-46a7-ac36-70bc7f1ddd6d': {
    name: 'Managed-CachingOptimizedForUncompressedObjects',
    config: {
      MinTTL: 1,
      DefaultTTL: 86400,
      MaxTTL: 31536000,
      ParametersInCacheKeyAndForwardedToOrigin: { ...NOTHING, EnableAcceptEncodingGzip: false, EnableAcceptEncodingBrotli: false },
    },
  },
  '4135ea2d-6df8-44a3-9df3-4b5a84be39ad': {
    name: 'Managed-CachingDisabled',
    config: {
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: 0,
      ParametersInCacheKeyAndForwardedToOrigin: { ...NOTHING, EnableAcceptEncodingGzip: false, EnableAcceptEncodingBrotli: false },
    },
  },
};

const MANAGED_ORIGIN_REQUEST_POLICIES: Readonly<Record<string, { name: string; config: Record<string, unknown> }>> = {
  '216adef6-5c7f-47e4-b989-5492eafa07d3': { name: 'Managed-AllViewer', config: { ...ALL_VIEWER, HeadersConfig: { HeaderBehavior: 'allViewer' } } },
  'b689b0a8-53d0-40ab-baf2-68738e2966ac': {
    name: 'Managed-AllViewerExceptHostHeader',
    config: { ...ALL_VIEWER, HeadersConfig: { HeaderBehavior: 'allExcept', Headers: { Items: ['host'] } } },
  },
  '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf': {
    name: 'Managed-CORS-S3Origin',
    config: {
      ...NOTHING,
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: { Items: ['origin', 'access-control-request-headers', 'access-control-request-method'] } },
    },
  },
  '59781a5b-3903-41f3-afcb-af62929ccde1': {
    name: 'Managed-CORS-CustomOrigin',
    config: { ...NOTHING, HeadersConfig: { HeaderBehavior: 'whitelist', Headers: { Items: ['origin'] } } },
  },
};

/**
 * The configuration of a managed cache policy, for building the `CachePolicySpec` of a behaviour
 * whose template names the policy only by id.
 *
 * @example
 * managedCachePolicy('658327ea-f89d-4fab-a63d-7e88639e58f6')?.name; // 'Managed-CachingOptimized'
 */
export function managedCachePolicy(id: string): CachePolicySpec | undefined {
  const managed = MANAGED_CACHE_POLICIES[id];
  return managed === undefined ? undefined : { id, name: managed.name, config: structuredClone(managed.config) };
}

/** The configuration of a managed origin request policy (`AllViewerExceptHostHeader`, ...). */
export function managedOriginRequestPolicy(id: string): OriginRequestPolicySpec | undefined {
  const managed = MANAGED_ORIGIN_REQUEST_POLICIES[id];
  return managed === undefined ? undefined : { id, name: managed.name, config: structuredClone(managed.config) };
}

/**
 * A behaviour's cache policy. Without one the behaviour uses legacy cache settings, whose defaults
 * (0 / one day / one year, nothing from the viewer in the key) apply.
 */
export function readCachePolicy(spec: CachePolicySpec | undefined): CachePolicy {
  const config = unwrap(spec?.config, 'CachePolicyConfig');
  const parameters = record(config['ParametersInCacheKeyAndForwardedToOrigin']);
  return {
    minTtl: seconds(config['MinTTL'], 0),
    defaultTtl: seconds(config['DefaultTTL'], 86400),
    maxTtl: seconds(config['MaxTTL'], 31536000),
    headers: selection(parameters['HeadersConfig'], 'HeaderBehavior', 'Headers', true),
    cookies: selection(parameters['CookiesConfig'], 'CookieBehavior', 'Cookies', false),
    queryStrings: selection(parameters['QueryStringsConfig'], 'QueryStringBehavior', 'QueryStrings', false),
    gzip: spec === undefined || parameters['EnableAcceptEncodingGzip'] === true || parameters['EnableAcceptEncodingGzip'] === 'true',
    brotli: parameters['EnableAcceptEncodingBrotli'] === true || parameters['EnableAcceptEncodingBrotli'] === 'true',
  };
}

export function readOriginRequestPolicy(spec: OriginRequestPolicySpec): OriginRequestPolicy {
  const config = unwrap(spec.config, 'OriginRequestPolicyConfig');
  return {
    headers: selection(config['HeadersConfig'], 'HeaderBehavior', 'Headers', true),
    cookies: selection(config['CookiesConfig'], 'CookieBehavior', 'Cookies', false),
    queryStrings: selection(config['QueryStringsConfig'], 'QueryStringBehavior', 'QueryStrings', false),
  };
}

/** Whether `name` is selected. */
export function selects(selection: Selection, name: string): boolean {
  switch (selection.mode) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'only':
      return selection.names.has(name);
    case 'allExcept':
      return !selection.names.has(name);
  }
}

/** What either of two selections picks: the cache key's values always reach the origin too. */
export function union(a: Selection, b: Selection): Selection {
  if (a.mode === 'all' || b.mode === 'all') return { mode: 'all', names: new Set() };
  if (a.mode === 'none') return b;
  if (b.mode === 'none') return a;
  if (a.mode === 'only' && b.mode === 'only') return { mode: 'only', names: new Set([...a.names, ...b.names]) };
  const except = a.mode === 'allExcept' ? a : b;
  const other = except === a ? b : a;
  const excluded = [...except.names].filter((name) => !(other.mode === 'only' ? other.names.has(name) : !other.names.has(name)));
  return { mode: 'allExcept', names: new Set(excluded) };
}

export const NO_SELECTION: Selection = { mode: 'none', names: new Set() };

function selection(value: unknown, behaviorKey: string, itemsKey: string, lowerCase: boolean): Selection {
  const config = record(value);
  const behavior = String(config[behaviorKey] ?? 'none');
  const items = record(config[itemsKey])['Items'];
  const names = new Set((Array.isArray(items) ? items : []).map((item) => (lowerCase ? String(item).toLowerCase() : String(item))));
  switch (behavior) {
    case 'none':
      return NO_SELECTION;
    case 'whitelist':
      return { mode: 'only', names };
    // CloudFront's own `CloudFront-*` headers are not produced by the simulator, so
    // `allViewerAndWhitelistCloudFront` selects just what `allViewer` does.
    case 'all':
    case 'allViewer':
    case 'allViewerAndWhitelistCloudFront':
      return { mode: 'all', names: new Set() };
    case 'allExcept':
      return { mode: 'allExcept', names };
    default:
      throw new TypeError(`unknown ${behaviorKey} '${behavior}'`);
  }
}

/** Template values are numbers or, as CloudFormation allows, numeric strings. */
function seconds(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new TypeError(`not a TTL in seconds: ${String(value)}`);
  return parsed;
}

/** Accepts either the `...Config` object itself or the resource properties around it. */
function unwrap(value: unknown, key: string): Record<string, unknown> {
  const config = record(value);
  return key in config ? record(config[key]) : config;
}

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
