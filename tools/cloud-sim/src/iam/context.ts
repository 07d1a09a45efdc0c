/**
 * The condition keys of one request, as IAM sees them: keys compared case-insensitively, every value
 * a list of strings (a boolean is `"true"`/`"false"`, a number its decimal text). The request's own
 * keys come first; what the simulator knows about the caller (its ARN, a service's source) is set
 * on top, because a caller must not be able to claim another identity through `request.context`.
 */
import type { Authorization, Principal, SimAccount } from '../types.js';
import type { VariableResolver } from './glob.js';
import { principalAccount } from './principals.js';

/** Lower-cased key to its values; a key with no values is absent. */
export type ConditionValues = ReadonlyMap<string, readonly string[]>;

function toStrings(value: string | string[] | boolean | number): string[] {
  if (Array.isArray(value)) return value;
  return [String(value)];
}

export interface ContextInput {
  principal: Principal;
  request: Authorization;
  account: SimAccount;
  resourceAccountId?: string | undefined;
}

/** Every condition key the evaluator can consult for this request. */
export function buildConditionValues({ principal, request, account, resourceAccountId }: ContextInput): ConditionValues {
  const values = new Map<string, string[]>();
  const set = (key: string, value: string | string[] | boolean | number | undefined): void => {
    if (value === undefined) return;
    const list = toStrings(value);
    if (list.length === 0) values.delete(key.toLowerCase());
    else values.set(key.toLowerCase(), list);
  };
  for (const [key, value] of Object.entries(request.context ?? {})) set(key, value);
  set('aws:ResourceAccount', resourceAccountId ?? account.accountId);
  if (principal.type === 'role') {
    set('aws:PrincipalArn', principal.roleArn);
    set('aws:PrincipalAccount', principalAccount(principal, account));
    set('aws:PrincipalType', 'AssumedRole');
    set('aws:PrincipalIsAWSService', false);
  } else if (principal.type === 'service') {
    set('aws:PrincipalServiceName', principal.service);
    set('aws:PrincipalIsAWSService', true);
    set('aws:SourceArn', principal.sourceArn);
    set('aws:SourceAccount', principal.sourceAccount);
  } else {
    set('aws:PrincipalType', 'Anonymous');
  }
  return values;
}

/** Substitutes policy variables from single-valued keys only, as IAM does. */
export function variableResolver(values: ConditionValues): VariableResolver {
  return (key) => {
    const found = values.get(key.toLowerCase());
    return found?.length === 1 ? found[0] : undefined;
  };
}
