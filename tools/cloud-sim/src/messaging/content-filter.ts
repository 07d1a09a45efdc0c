/**
 * The content-filter language shared by SNS filter policies and EventBridge event patterns, compiled
 * once from the template so an operator the simulator does not know fails at start-up, not at the
 * first message.
 *
 * A leaf is a list of conditions, any of which may match (OR); an object pattern needs every key
 * to match (AND). When the value under test is an array, a condition matches if any element does.
 * A value that is absent matches only `{ "exists": false }`.
 */
import { PatternError } from './errors.js';

/** A JSON value as found in an event, a message body or a message attribute. */
export type ContentValue = string | number | boolean | null | ContentValue[] | { [key: string]: ContentValue };

/** A compiled object pattern: does this object (or `undefined`) match? */
export type ObjectMatcher = (value: ContentValue | undefined) => boolean;

type ElementTest = (value: ContentValue) => boolean;

interface Leaf {
  /** `exists: true` / `exists: false` conditions, decided on presence alone. */
  exists: boolean[];
  tests: ElementTest[];
}

export interface CompileOptions {
  /** Where the pattern comes from, for error messages. */
  what: string;
  /** Whether object values nest (event patterns, body-scope policies) or must be leaves (attribute scope). */
  nested: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(options: CompileOptions, path: string, message: string): never {
  throw new PatternError(`${options.what}: ${path || '(root)'}: ${message}`);
}

/** Compiles an object pattern (`{ source: [...], detail: { status: [...] } }`). */
export function compileObjectPattern(pattern: unknown, options: CompileOptions, path = ''): ObjectMatcher {
  if (!isPlainObject(pattern)) fail(options, path, 'a pattern must be an object');
  const parts: ObjectMatcher[] = [];
  for (const [key, condition] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(condition) || condition.length < 2) fail(options, here, '$or needs a list of at least two patterns');
      const alternatives = condition.map((alternative, index) => compileObjectPattern(alternative, options, `${here}[${index}]`));
      parts.push((value) => alternatives.some((matches) => matches(value)));
    } else if (Array.isArray(condition)) {
      const leaf = compileLeaf(condition, options, here);
      parts.push((value) => matchLeaf(leaf, fieldOf(value, key)));
    } else if (isPlainObject(condition)) {
      if (!options.nested) fail(options, here, 'nested keys apply to the message body only');
      const inner = compileObjectPattern(condition, options, here);
      parts.push((value) => {
        const field = fieldOf(value, key);
        // An array of objects matches if any of its objects does.
        if (Array.isArray(field)) return field.some((element) => inner(element));
        return inner(field);
      });
    } else {
      fail(options, here, 'a condition must be a list of values or a nested object');
    }
  }
  return (value) => parts.every((matches) => matches(value));
}

function fieldOf(value: ContentValue | undefined, key: string): ContentValue | undefined {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

function matchLeaf(leaf: Leaf, value: ContentValue | undefined): boolean {
  const present = value !== undefined;
  if (leaf.exists.some((wanted) => wanted === present)) return true;
  if (!present) return false;
  const elements = Array.isArray(value) ? value : [value];
  return leaf.tests.some((test) => elements.some((element) => test(element)));
}

function compileLeaf(conditions: unknown[], options: CompileOptions, path: string): Leaf {
  const leaf: Leaf = { exists: [], tests: [] };
  for (const condition of conditions) {
    if (isPlainObject(condition) && 'exists' in condition) {
      if (Object.keys(condition).length !== 1 || typeof condition['exists'] !== 'boolean') {
        fail(options, path, '"exists" takes true or false alone');
      }
      leaf.exists.push(condition['exists']);
    } else {
      leaf.tests.push(compileCondition(condition, options, path));
    }
  }
  return leaf;
}

function compileCondition(condition: unknown, options: CompileOptions, path: string): ElementTest {
  if (condition === null || typeof condition === 'string' || typeof condition === 'number' || typeof condition === 'boolean') {
    return exactly(condition);
  }
  if (!isPlainObject(condition)) fail(options, path, `cannot match on ${JSON.stringify(condition)}`);
  const entries = Object.entries(condition);
  if (entries.length !== 1) fail(options, path, `an operator object has exactly one key, not ${JSON.stringify(condition)}`);
  const [operator, operand] = entries[0] as [string, unknown];
  switch (operator) {
    case 'prefix':
      return affix(operand, options, path, (value, text) => value.startsWith(text));
    case 'suffix':
      return affix(operand, options, path, (value, text) => value.endsWith(text));
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') fail(options, path, 'equals-ignore-case takes a string');
      const lower = operand.toLowerCase();
      return (value) => typeof value === 'string' && value.toLowerCase() === lower;
    }
    case 'wildcard': {
      if (typeof operand !== 'string') fail(options, path, 'wildcard takes a string');
      const regex = wildcardRegex(operand);
      return (value) => typeof value === 'string' && regex.test(value);
    }
    case 'anything-but':
      return anythingBut(operand, options, path);
    case 'numeric':
      return numeric(operand, options, path);
    case 'cidr':
      return cidr(operand, options, path);
    default:
      return fail(options, path, `the operator "${operator}" is not emulated`);
  }
}

function exactly(expected: string | number | boolean | null): ElementTest {
  // Numbers compare by value (5 matches 5.0); strings never match numbers, as in AWS.
  return (value) => value === expected;
}

function affix(operand: unknown, options: CompileOptions, path: string, test: (value: string, text: string) => boolean): ElementTest {
  if (typeof operand === 'string') return (value) => typeof value === 'string' && test(value, operand);
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
    const lower = operand['equals-ignore-case'].toLowerCase();
    return (value) => typeof value === 'string' && test(value.toLowerCase(), lower);
  }
  return fail(options, path, 'prefix and suffix take a string or { "equals-ignore-case": string }');
}

function wildcardRegex(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 's');
}

function anythingBut(operand: unknown, options: CompileOptions, path: string): ElementTest {
  const scalar = (value: unknown): value is string | number => typeof value === 'string' || typeof value === 'number';
  if (scalar(operand)) return (value) => value !== operand;
  if (Array.isArray(operand)) {
    if (!operand.every(scalar)) fail(options, path, 'anything-but lists strings or numbers');
    const excluded = new Set<unknown>(operand);
    return (value) => !excluded.has(value);
  }
  if (isPlainObject(operand)) {
    const [key, inner] = (Object.entries(operand)[0] ?? []) as [string | undefined, unknown];
    if (Object.keys(operand).length === 1 && key === 'equals-ignore-case' && Array.isArray(inner)) {
      const lower = new Set(inner.map((text) => String(text).toLowerCase()));
      return (value) => typeof value !== 'string' || !lower.has(value.toLowerCase());
    }
    if (key === 'prefix' || key === 'suffix' || key === 'equals-ignore-case' || key === 'wildcard') {
      const test = compileCondition(operand, options, path);
      // A value of another type is not the excluded string, so it matches (as AWS does for numbers).
      return (value) => typeof value !== 'string' || !test(value);
    }
  }
  return fail(options, path, `anything-but cannot take ${JSON.stringify(operand)}`);
}

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numeric(operand: unknown, options: CompileOptions, path: string): ElementTest {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    fail(options, path, 'numeric takes one or two [operator, number] pairs');
  }
  const checks: Array<(value: number) => boolean> = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator = operand[index] as unknown;
    const bound = operand[index + 1] as unknown;
    const compare = typeof operator === 'string' ? COMPARISONS[operator] : undefined;
    if (!compare || typeof bound !== 'number') fail(options, path, `numeric cannot take ${JSON.stringify(operand)}`);
    checks.push((value) => compare(value, bound));
  }
  return (value) => typeof value === 'number' && checks.every((check) => check(value));
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}

function cidr(operand: unknown, options: CompileOptions, path: string): ElementTest {
  const match = typeof operand === 'string' ? /^([\d.]+)\/(\d{1,2})$/.exec(operand) : null;
  const base = match ? ipv4(match[1] as string) : undefined;
  const bits = match ? Number(match[2]) : NaN;
  if (base === undefined || !(bits >= 0 && bits <= 32)) fail(options, path, `cidr takes an IPv4 block, not ${JSON.stringify(operand)}`);
  const size = 2 ** (32 - bits);
  const start = Math.floor(base / size) * size;
  return (value) => {
    const address = typeof value === 'string' ? ipv4(value) : undefined;
    return address !== undefined && address >= start && address < start + size;
  };
}
