import type { MessageAttributes } from '@mediaflow/domain';

/**
 * A subscription filter in the style of SNS filter policies: every listed attribute must be
 * present with one of the listed values. An empty policy matches everything.
 *
 * The same shape as the in-memory bus's policy in `@mediaflow/domain/testing`, which production
 * code must not import, and the same shape the CDK app gives SNS (`{ kind: ['image'] }`).
 */
export type FilterPolicy = Readonly<Record<string, readonly string[]>>;

/** Whether a message with these attributes passes the policy. */
export function matchesPolicy(attributes: MessageAttributes, policy: FilterPolicy): boolean {
  return Object.entries(policy).every(([name, allowed]) => {
    const value = attributes[name];
    return value !== undefined && allowed.includes(value);
  });
}
