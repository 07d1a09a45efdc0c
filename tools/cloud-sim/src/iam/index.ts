/** The simulator's IAM: policy evaluation for the gateway, and a record of what each role used. */
export { authorize } from './evaluate.js';
export type { AuthorizeInput, Decision, DecisionReason, MatchedStatement } from './evaluate.js';
export { PermissionLedger } from './usage.js';
export type { DeniedCall, RoleUsage, UnusedGrant } from './usage.js';
export { formatReport } from './format-report.js';
export { wildcardMatch } from './glob.js';
export { arnLike, parseArn } from './arn.js';
export type { ParsedArn } from './arn.js';
export { assumedRoleArn, roleNameOf } from './principals.js';
export { MalformedPolicyError, PolicyEvaluationError, UnsupportedPolicyError } from './errors.js';
