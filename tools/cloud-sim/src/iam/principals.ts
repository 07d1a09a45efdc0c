/**
 * Who a statement's `Principal` names, and how a caller relates to it. The distinction between
 * naming the caller itself and naming only its account matters: in the same account, a resource
 * policy that trusts the account (`arn:aws:iam::123456789012:root`) hands the decision to the
 * caller's identity policies instead of allowing by itself, while one that names the role allows.
 */
import type { Principal, SimAccount } from '../types.js';
import type { PolicyStatement } from '../specs.js';
import { parseArn } from './arn.js';

/** `exact`: the element names the caller (or everyone); `account`: only the caller's account. */
export type PrincipalMatch = 'exact' | 'account' | 'none';

export type PrincipalElement = NonNullable<PolicyStatement['Principal']>;

/** The account a role principal belongs to, from its ARN (the stage's account when unreadable). */
export function principalAccount(principal: Principal, account: SimAccount): string | undefined {
  if (principal.type !== 'role') return undefined;
  return parseArn(principal.roleArn)?.account || account.accountId;
}

/** `ComputeApiRole` of `arn:aws:iam::123456789012:role/service-role/ComputeApiRole`. */
export function roleNameOf(roleArn: string): string | undefined {
  const resource = parseArn(roleArn)?.resource;
  if (!resource?.startsWith('role/')) return undefined;
  return resource.split('/').pop();
}

/** The session ARN STS gives a role's credentials (the role path is not part of it). */
export function assumedRoleArn(roleArn: string, sessionName: string): string | undefined {
  const parsed = parseArn(roleArn);
  const name = roleNameOf(roleArn);
  if (!parsed || !name) return undefined;
  return `arn:${parsed.partition}:sts::${parsed.account}:assumed-role/${name}/${sessionName}`;
}

/**
 * One key for a role whether it is named by its role ARN or by one of its session ARNs, so usage
 * recorded under either is reported against the role. Other text is its own key.
 */
export function roleIdentity(arn: string): string {
  const parsed = parseArn(arn);
  if (!parsed) return arn;
  if (parsed.service === 'iam' && parsed.resource.startsWith('role/')) {
    return `${parsed.partition}:${parsed.account}:${roleNameOf(arn)}`;
  }
  if (parsed.service === 'sts' && parsed.resource.startsWith('assumed-role/')) {
    return `${parsed.partition}:${parsed.account}:${parsed.resource.split('/')[1]}`;
  }
  return arn;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** How one `AWS` principal value relates to the caller. */
function matchAwsValue(value: string, principal: Principal, account: SimAccount): PrincipalMatch {
  if (value === '*') return 'exact';
  if (principal.type !== 'role') return 'none';
  if (value === principal.roleArn || value === assumedRoleArn(principal.roleArn, principal.sessionName)) return 'exact';
  const owner = principalAccount(principal, account);
  const root = `arn:${account.partition}:iam::${owner}:root`;
  return value === owner || value === root ? 'account' : 'none';
}

const RANK: Record<PrincipalMatch, number> = { none: 0, account: 1, exact: 2 };

/**
 * How the caller relates to a `Principal` (or `NotPrincipal`) element; the closest of its values
 * wins. Service names compare case-insensitively, as AWS service principals do.
 */
export function matchPrincipal(element: PrincipalElement, principal: Principal, account: SimAccount): PrincipalMatch {
  if (element === '*') return 'exact';
  let best: PrincipalMatch = 'none';
  for (const [kind, values] of Object.entries(element)) {
    for (const value of asList(values)) {
      let found: PrincipalMatch = 'none';
      const key = kind.toLowerCase();
      if (key === 'aws') found = matchAwsValue(value, principal, account);
      else if (key === 'service' && principal.type === 'service') {
        found = value.toLowerCase() === principal.service.toLowerCase() ? 'exact' : 'none';
      }
      if (RANK[found] > RANK[best]) best = found;
    }
  }
  return best;
}
