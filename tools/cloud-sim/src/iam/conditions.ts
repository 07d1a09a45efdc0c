/**
 * The `Condition` element. Within a block every operator and every key must hold (AND); the values
 * listed for one key are alternatives (OR). A key the request lacks makes the test false, except
 * for `...IfExists` (true), `Null` (which asks exactly that) and negated operators such as
 * `StringNotEquals` (true: nothing present equals the listed values). `ForAnyValue:` and
 * `ForAllValues:` compare every value of a multivalued key; an absent or empty key satisfies
 * `ForAllValues:` and fails `ForAnyValue:`.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { PolicyStatement } from '../specs.js';
import { arnMatches } from './arn.js';
import type { ConditionValues } from './context.js';
import { matchTokens, parseGlob, tokensToText, type VariableResolver } from './glob.js';
import { MalformedPolicyError, UnsupportedPolicyError } from './errors.js';

export type ConditionBlock = NonNullable<PolicyStatement['Condition']>;

/**
 * One operator family. `prepare` turns a policy value into a matcher once per evaluation (or
 * `undefined` when it can match nothing, e.g. an unresolvable policy variable); `negated` operators
 * hold when no listed value matches.
 */
interface Operator {
  negated: boolean;
  prepare(policyValue: string, resolver: VariableResolver | undefined): ((requestValue: string) => boolean) | undefined;
}

const text = (match: (policyText: string, requestValue: string) => boolean): Operator['prepare'] => {
  return (policyValue, resolver) => {
    const tokens = parseGlob(policyValue, resolver);
    if (!tokens) return undefined;
    const resolved = tokensToText(tokens);
    return (requestValue) => match(resolved, requestValue);
  };
};

const stringEquals = text((policy, request) => policy === request);
const stringEqualsIgnoreCase = text((policy, request) => policy.toLowerCase() === request.toLowerCase());

const stringLike: Operator['prepare'] = (policyValue, resolver) => {
  const tokens = parseGlob(policyValue, resolver);
  return tokens && ((requestValue) => matchTokens(tokens, requestValue));
};

const arnLike: Operator['prepare'] = (policyValue, resolver) => {
  const tokens = parseGlob(policyValue, resolver);
  return tokens && ((requestValue) => arnMatches(tokens, requestValue));
};

/** IAM numbers are decimal text; anything else never matches. */
function toNumber(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

const numeric = (compare: (request: number, policy: number) => boolean): Operator['prepare'] => {
  return (policyValue) => {
    const policy = toNumber(policyValue);
    if (policy === undefined) return undefined;
    return (requestValue) => {
      const request = toNumber(requestValue);
      return request !== undefined && compare(request, policy);
    };
  };
};

/** Dates are ISO 8601 text or epoch seconds. */
function toEpochMs(value: string): number | undefined {
  const seconds = toNumber(value);
  if (seconds !== undefined) return seconds * 1000;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

const date = (compare: (request: number, policy: number) => boolean): Operator['prepare'] => {
  return (policyValue) => {
    const policy = toEpochMs(policyValue);
    if (policy === undefined) return undefined;
    return (requestValue) => {
      const request = toEpochMs(requestValue);
      return request !== undefined && compare(request, policy);
    };
  };
};

const bool: Operator['prepare'] = (policyValue) => {
  const policy = policyValue.toLowerCase();
  return (requestValue) => requestValue.toLowerCase() === policy;
};

/** `IpAddress` takes CIDR blocks (`203.0.113.0/24`, `2001:db8::/32`) or single addresses. */
const ipAddress: Operator['prepare'] = (policyValue) => {
  const [address = '', prefixText] = policyValue.split('/');
  const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!type) return undefined;
  const prefix = prefixText === undefined ? (type === 'ipv4' ? 32 : 128) : toNumber(prefixText);
  if (prefix === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128)) return undefined;
  const block = new BlockList();
  block.addSubnet(address, prefix, type);
  return (requestValue) => {
    const requestType = isIPv4(requestValue) ? 'ipv4' : isIPv6(requestValue) ? 'ipv6' : undefined;
    return requestType !== undefined && block.check(requestValue, requestType);
  };
};

const OPERATORS: ReadonlyMap<string, Operator> = new Map(
  Object.entries({
    StringEquals: { negated: false, prepare: stringEquals },
    StringNotEquals: { negated: true, prepare: stringEquals },
    StringEqualsIgnoreCase: { negated: false, prepare: stringEqualsIgnoreCase },
    StringNotEqualsIgnoreCase: { negated: true, prepare: stringEqualsIgnoreCase },
    StringLike: { negated: false, prepare: stringLike },
    StringNotLike: { negated: true, prepare: stringLike },
    ArnEquals: { negated: false, prepare: arnLike },
    ArnLike: { negated: false, prepare: arnLike },
    ArnNotEquals: { negated: true, prepare: arnLike },
    ArnNotLike: { negated: true, prepare: arnLike },
    NumericEquals: { negated: false, prepare: numeric((a, b) => a === b) },
    NumericNotEquals: { negated: true, prepare: numeric((a, b) => a === b) },
    NumericLessThan: { negated: false, prepare: numeric((a, b) => a < b) },
    NumericLessThanEquals: { negated: false, prepare: numeric((a, b) => a <= b) },
    NumericGreaterThan: { negated: false, prepare: numeric((a, b) => a > b) },
    NumericGreaterThanEquals: { negated: false, prepare: numeric((a, b) => a >= b) },
    DateEquals: { negated: false, prepare: date((a, b) => a === b) },
    DateNotEquals: { negated: true, prepare: date((a, b) => a === b) },
    DateLessThan: { negated: false, prepare: date((a, b) => a < b) },
    DateLessThanEquals: { negated: false, prepare: date((a, b) => a <= b) },
    DateGreaterThan: { negated: false, prepare: date((a, b) => a > b) },
    DateGreaterThanEquals: { negated: false, prepare: date((a, b) => a >= b) },
    Bool: { negated: false, prepare: bool },
    IpAddress: { negated: false, prepare: ipAddress },
    NotIpAddress: { negated: true, prepare: ipAddress },
  }).map(([name, operator]) => [name.toLowerCase(), operator]),
);

type SetQualifier = 'ForAnyValue' | 'ForAllValues' | undefined;

interface ParsedOperator {
  qualifier: SetQualifier;
  name: string;
  ifExists: boolean;
}

const OPERATOR_SYNTAX = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/i;

function parseOperator(text: string): ParsedOperator {
  const match = OPERATOR_SYNTAX.exec(text);
  if (!match) throw new MalformedPolicyError(`empty condition operator`);
  const qualifier = match[1]?.toLowerCase();
  return {
    qualifier: qualifier === 'foranyvalue' ? 'ForAnyValue' : qualifier === 'forallvalues' ? 'ForAllValues' : undefined,
    name: (match[2] as string).toLowerCase(),
    ifExists: match[3] !== undefined,
  };
}

/** A condition's values as text; an object here is an intrinsic the template reader left unresolved. */
function policyValues(operator: string, key: string, value: unknown): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new MalformedPolicyError(`condition ${operator} ${key} has a value that is not text: ${JSON.stringify(item)}`);
  });
}

/** `Null`: `true` asks that the key be absent, `false` that it be present. */
function testNull(present: boolean, values: readonly string[]): boolean {
  return values.some((value) => (value.toLowerCase() === 'true') === !present);
}

function testKey(
  parsed: ParsedOperator,
  operator: Operator,
  values: readonly string[],
  requestValues: readonly string[] | undefined,
  resolver: VariableResolver | undefined,
): boolean {
  if (requestValues === undefined) {
    if (parsed.ifExists || parsed.qualifier === 'ForAllValues') return true;
    if (parsed.qualifier === 'ForAnyValue') return false;
    return operator.negated;
  }
  const matchers = values.flatMap((value) => operator.prepare(value, resolver) ?? []);
  const matchesListed = (requestValue: string): boolean => matchers.some((matches) => matches(requestValue));
  // A negated operator holds for a request value that matches none of the listed values.
  const satisfies = (requestValue: string): boolean => matchesListed(requestValue) !== operator.negated;
  if (parsed.qualifier === 'ForAllValues') return requestValues.every(satisfies);
  if (parsed.qualifier === 'ForAnyValue') return requestValues.some(satisfies);
  // Without a qualifier, a negated operator holds only when no request value matches at all.
  const anyMatch = requestValues.some(matchesListed);
  return operator.negated ? !anyMatch : anyMatch;
}

/**
 * Whether a statement's `Condition` block holds for the request. Without a `resolver` (a
 * `2008-10-17` document) `${...}` in values is literal text.
 *
 * @example
 * conditionsHold({ Bool: { 'aws:SecureTransport': 'false' } }, values, resolver);
 */
export function conditionsHold(
  block: ConditionBlock,
  values: ConditionValues,
  resolver: VariableResolver | undefined,
): boolean {
  for (const [operatorText, keys] of Object.entries(block)) {
    if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) {
      throw new MalformedPolicyError(`condition ${operatorText} must map keys to values`);
    }
    const parsed = parseOperator(operatorText);
    for (const [key, value] of Object.entries(keys)) {
      const listed = policyValues(operatorText, key, value);
      const requestValues = values.get(key.toLowerCase());
      if (parsed.name === 'null') {
        if (parsed.ifExists) throw new MalformedPolicyError('the Null operator takes no IfExists');
        if (!testNull(requestValues !== undefined, listed)) return false;
        continue;
      }
      const operator = OPERATORS.get(parsed.name);
      if (!operator) throw new UnsupportedPolicyError(`condition operator ${operatorText} is not emulated`);
      if (!testKey(parsed, operator, listed, requestValues, resolver)) return false;
    }
  }
  return true;
}
