import type { MessageAttributes } from './ports.js';

/**
 * A subscription filter in the style of SNS filter policies: every listed attribute must be
 * present with one of the listed values. An empty policy matches everything. The local bus, the
 * in-memory bus and the CDK app's SNS subscriptions all use this one shape (`{ kind: ['image'] }`).
 */
export type FilterPolicy = Readonly<Record<string, readonly string[]>>;

/** Whether a message with these attributes passes the policy. */
export function matchesPolicy(attributes: MessageAttributes, policy: FilterPolicy): boolean {
  return Object.entries(policy).every(([name, allowed]) => {
    const value = attributes[name];
    return value !== undefined && allowed.includes(value);
  });
}
