/**
 * The IAM decision for one call, following AWS's documented order: an explicit `Deny` in any
 * applicable policy wins; otherwise an `Allow` grants; otherwise the call is implicitly denied.
 *
 * Within one account an `Allow` from the caller's identity policies or from the resource policy is
 * enough. Across accounts both sides must allow. Services and anonymous callers have no identity
 * policies, so only the resource policy can let them in. Permissions boundaries, session policies
 * and organization policies are not part of the stage and are not emulated.
 */
import type { Authorization, Principal, SimAccount } from '../types.js';
import type { NamedPolicy, PolicyStatement } from '../specs.js';
import { buildConditionValues, variableResolver } from './context.js';
import { matchPrincipal, principalAccount, type PrincipalMatch } from './principals.js';
import { statementApplies, statementsOf, type StatementRequest } from './statements.js';

export type DecisionReason = 'allowed' | 'explicit-deny' | 'implicit-deny';

/** A statement that decided (or helped decide) the call, for logs and the usage report. */
export interface MatchedStatement {
  policy: string;
  sid?: string;
  effect: 'Allow' | 'Deny';
  statementIndex: number;
}

export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
  /**
   * On an explicit deny, the `Deny` statements that applied; otherwise the `Allow` statements that
   * granted the call (on an implicit deny, those that granted one side of a cross-account call).
   */
  matched: MatchedStatement[];
}

export interface AuthorizeInput {
  principal: Principal;
  /** The caller's own policies; ignored for services and anonymous callers, which have none. */
  identityPolicies: readonly NamedPolicy[];
  /** The bucket, queue or topic policy of the resource, if it has one. */
  resourcePolicy?: NamedPolicy | undefined;
  /** The account owning the resource; the stage's account when absent. */
  resourceAccountId?: string | undefined;
  request: Authorization;
  account: SimAccount;
}

interface Hit extends MatchedStatement {
  /** For resource policy statements, how the caller relates to the statement's principal. */
  principal?: PrincipalMatch;
}

function matchedStatement({ policy, sid, effect, statementIndex }: Hit): MatchedStatement {
  return sid === undefined ? { policy, effect, statementIndex } : { policy, sid, effect, statementIndex };
}

function hitsOf(
  policy: NamedPolicy,
  request: StatementRequest,
  principalOf?: (statement: PolicyStatement) => PrincipalMatch,
): Hit[] {
  const hits: Hit[] = [];
  statementsOf(policy.document).forEach((statement, statementIndex) => {
    const principal = principalOf?.(statement);
    if (principal === 'none') return;
    if (!statementApplies(statement, policy.document, request)) return;
    const hit: Hit = { policy: policy.name, effect: statement.Effect, statementIndex };
    if (statement.Sid !== undefined) hit.sid = statement.Sid;
    if (principal !== undefined) hit.principal = principal;
    hits.push(hit);
  });
  return hits;
}

/**
 * How the caller relates to each statement of a resource policy. A statement without `Principal` or
 * `NotPrincipal` is not valid in a resource policy and applies to no one. `NotPrincipal` applies to
 * everyone it does not name.
 */
function resourcePrincipals(principal: Principal, account: SimAccount): (statement: PolicyStatement) => PrincipalMatch {
  return (statement) => {
    if (statement.Principal !== undefined) return matchPrincipal(statement.Principal, principal, account);
    if (statement.NotPrincipal !== undefined) {
      return matchPrincipal(statement.NotPrincipal, principal, account) === 'none' ? 'exact' : 'none';
    }
    return 'none';
  };
}

/**
 * Decides whether `principal` may perform `request`.
 *
 * @example
 * authorize({
 *   principal: { type: 'service', service: 'sns.amazonaws.com', sourceArn: topicArn },
 *   identityPolicies: [],
 *   resourcePolicy: { name: 'EventsImageQueuePolicy', document: queue.policy },
 *   request: { action: 'sqs:SendMessage', resource: queue.arn, context: { 'aws:SecureTransport': true } },
 *   account: DEFAULT_ACCOUNT,
 * }).allowed;
 */
export function authorize(input: AuthorizeInput): Decision {
  const { principal, account, request } = input;
  const values = buildConditionValues(input);
  const statementRequest: StatementRequest = {
    action: request.action,
    resource: request.resource,
    values,
    resolver: variableResolver(values),
  };
  const identityHits =
    principal.type === 'role' ? input.identityPolicies.flatMap((policy) => hitsOf(policy, statementRequest)) : [];
  const resourceHits = input.resourcePolicy
    ? hitsOf(input.resourcePolicy, statementRequest, resourcePrincipals(principal, account))
    : [];

  // A Deny naming the caller's account applies to every identity in it.
  const denies = [...identityHits, ...resourceHits].filter((hit) => hit.effect === 'Deny');
  if (denies.length > 0) return { allowed: false, reason: 'explicit-deny', matched: denies.map(matchedStatement) };

  const callerAccount = principalAccount(principal, account);
  const crossAccount = callerAccount !== undefined && (input.resourceAccountId ?? account.accountId) !== callerAccount;
  const identityAllows = identityHits.filter((hit) => hit.effect === 'Allow');
  // In the same account, trusting the account only defers to identity policies; across accounts it
  // is the resource side's half of the grant.
  const resourceAllows = resourceHits.filter(
    (hit) => hit.effect === 'Allow' && (hit.principal === 'exact' || (crossAccount && hit.principal === 'account')),
  );
  const matched = [...identityAllows, ...resourceAllows].map(matchedStatement);
  const allowed = crossAccount
    ? identityAllows.length > 0 && resourceAllows.length > 0
    : identityAllows.length > 0 || resourceAllows.length > 0;
  return { allowed, reason: allowed ? 'allowed' : 'implicit-deny', matched };
}
