/**
 * What each role actually needed during a run. Every decision is recorded; the report then lists,
 * per role, the calls IAM refused (a missing grant, or a deny the code ran into) and the grants no
 * allowed call ever used (a candidate for removal from the stack's least-privilege policies).
 */
import type { Authorization } from '../types.js';
import type { RoleSpec } from '../specs.js';
import type { Decision } from './evaluate.js';
import { roleIdentity } from './principals.js';
import { actionMatches, patternsOf, statementsOf } from './statements.js';

export interface DeniedCall {
  action: string;
  resource: string;
  reason: 'explicit-deny' | 'implicit-deny';
  /** How many times this exact call was refused. */
  count: number;
}

/** One action pattern of an `Allow` statement that no allowed call matched. */
export interface UnusedGrant {
  policy: string;
  sid?: string;
  /** The pattern as written (`s3:GetObject*`); `NotAction: a, b` for a `NotAction` statement. */
  action: string;
  /** The statement's `Resource`; `NotResource: x` entries for a `NotResource` statement. */
  resources: string[];
}

export interface RoleUsage {
  roleArn: string;
  roleName: string;
  denied: DeniedCall[];
  unusedGrants: UnusedGrant[];
}

interface PrincipalRecord {
  denied: Map<string, DeniedCall>;
  /** `policy\0statementIndex` to the actions allowed calls used it for. */
  used: Map<string, Set<string>>;
}

const statementKey = (policy: string, statementIndex: number): string => `${policy}\u0000${statementIndex}`;

export class PermissionLedger {
  readonly #records = new Map<string, PrincipalRecord>();

  /**
   * Notes one decision. `principalArn` may be the role ARN or a session ARN of the role; both are
   * reported under the role.
   */
  record(principalArn: string, request: Authorization, decision: Decision): void {
    const key = roleIdentity(principalArn);
    let entry = this.#records.get(key);
    if (!entry) {
      entry = { denied: new Map(), used: new Map() };
      this.#records.set(key, entry);
    }
    if (!decision.allowed) {
      const reason = decision.reason === 'explicit-deny' ? 'explicit-deny' : 'implicit-deny';
      const deniedKey = `${request.action}\u0000${request.resource}\u0000${reason}`;
      const known = entry.denied.get(deniedKey);
      if (known) known.count += 1;
      else entry.denied.set(deniedKey, { action: request.action, resource: request.resource, reason, count: 1 });
      return;
    }
    for (const matched of decision.matched) {
      if (matched.effect !== 'Allow') continue;
      const usedKey = statementKey(matched.policy, matched.statementIndex);
      const actions = entry.used.get(usedKey) ?? new Set<string>();
      actions.add(request.action);
      entry.used.set(usedKey, actions);
    }
  }

  /** Per role, in the order given: refused calls in the order first seen, then unused grants. */
  report(roles: readonly RoleSpec[]): RoleUsage[] {
    return roles.map((role) => {
      const entry = this.#records.get(roleIdentity(role.arn));
      return {
        roleArn: role.arn,
        roleName: role.name,
        denied: entry ? [...entry.denied.values()].map((call) => ({ ...call })) : [],
        unusedGrants: unusedGrants(role, entry?.used ?? new Map()),
      };
    });
  }
}

function unusedGrants(role: RoleSpec, used: ReadonlyMap<string, ReadonlySet<string>>): UnusedGrant[] {
  const unused: UnusedGrant[] = [];
  for (const policy of role.policies) {
    statementsOf(policy.document).forEach((statement, statementIndex) => {
      if (statement.Effect !== 'Allow') return;
      const actionsUsed = [...(used.get(statementKey(policy.name, statementIndex)) ?? [])];
      const resources =
        statement.Resource !== undefined
          ? patternsOf(statement.Resource, 'Resource')
          : patternsOf(statement.NotResource, 'NotResource').map((pattern) => `NotResource: ${pattern}`);
      const grant = (action: string): UnusedGrant =>
        statement.Sid === undefined
          ? { policy: policy.name, action, resources }
          : { policy: policy.name, sid: statement.Sid, action, resources };
      if (statement.Action === undefined) {
        // A NotAction statement is one grant: used as soon as any call went through it.
        if (actionsUsed.length === 0) unused.push(grant(`NotAction: ${patternsOf(statement.NotAction, 'NotAction').join(', ')}`));
        return;
      }
      for (const pattern of patternsOf(statement.Action, 'Action')) {
        if (!actionsUsed.some((action) => actionMatches(pattern, action))) unused.push(grant(pattern));
      }
    });
  }
  return unused;
}
