/**
 * Whether one statement applies to a request, apart from who is asking: its action, its resource
 * and its conditions. Who is asking is the caller's business (`principals.ts`), because identity
 * and resource policies treat `Principal` differently.
 */
import type { PolicyDocument, PolicyStatement } from '../specs.js';
import { arnMatches } from './arn.js';
import { conditionsHold } from './conditions.js';
import type { ConditionValues } from './context.js';
import { MalformedPolicyError } from './errors.js';
import { parseGlob, wildcardMatch, type VariableResolver } from './glob.js';

/** The statements of a document in order; a single statement may be written without the array. */
export function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/** A string-or-list policy element as a list; anything else was left unresolved by the template reader. */
export function patternsOf(element: unknown, what: string): string[] {
  if (element === undefined) return [];
  const list = Array.isArray(element) ? (element as unknown[]) : [element];
  return list.map((item) => {
    if (typeof item !== 'string') throw new MalformedPolicyError(`${what} holds a value that is not text: ${JSON.stringify(item)}`);
    return item;
  });
}

/** Action names are case-insensitive (`s3:getobject` is `s3:GetObject`). */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, { ignoreCase: true });
}

function actionApplies(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return patternsOf(statement.Action, 'Action').some((p) => actionMatches(p, action));
  if (statement.NotAction !== undefined) return !patternsOf(statement.NotAction, 'NotAction').some((p) => actionMatches(p, action));
  throw new MalformedPolicyError(`statement ${statement.Sid ? `${statement.Sid} ` : ''}has neither Action nor NotAction`);
}

/** A `Resource` pattern; one whose policy variable cannot be resolved matches nothing. */
function resourcePatternMatches(pattern: string, resource: string, resolver: VariableResolver | undefined): boolean {
  const tokens = parseGlob(pattern, resolver);
  return tokens !== undefined && arnMatches(tokens, resource);
}

/**
 * Neither `Resource` nor `NotResource` happens only in resource policies that IAM attaches to one
 * resource; the statement then covers that resource.
 */
function resourceApplies(statement: PolicyStatement, resource: string, resolver: VariableResolver | undefined): boolean {
  if (statement.Resource !== undefined) {
    return patternsOf(statement.Resource, 'Resource').some((p) => resourcePatternMatches(p, resource, resolver));
  }
  if (statement.NotResource !== undefined) {
    return !patternsOf(statement.NotResource, 'NotResource').some((p) => resourcePatternMatches(p, resource, resolver));
  }
  return true;
}

export interface StatementRequest {
  action: string;
  resource: string;
  values: ConditionValues;
  resolver: VariableResolver;
}

/**
 * Whether a statement covers the request by action, resource and condition. Policy variables are
 * only substituted in `2012-10-17` documents; older ones read `${...}` literally.
 */
export function statementApplies(statement: PolicyStatement, document: PolicyDocument, request: StatementRequest): boolean {
  const resolver = document.Version === '2012-10-17' ? request.resolver : undefined;
  return (
    actionApplies(statement, request.action) &&
    resourceApplies(statement, request.resource, resolver) &&
    (statement.Condition === undefined || conditionsHold(statement.Condition, request.values, resolver))
  );
}
