import { authorize, PermissionLedger, type Decision } from '../iam/index.js';
import type { FunctionSpec, NamedPolicy, PolicyDocument, RoleSpec } from '../specs.js';
import type { StageSpec } from '../template/stage-spec.js';
import type { Authorization, Principal, SimAccount } from '../types.js';

/**
 * The stage's IAM: which policies apply to a call and the decision, recorded per role. Identity
 * policies come from the caller's role; the resource policy from the bucket, queue, topic or
 * function the call names (a function's policy is made of its `AWS::Lambda::Permission`s).
 */
export class StagePermissions {
  readonly ledger = new PermissionLedger();
  private readonly roles: Map<string, RoleSpec>;
  private readonly resourcePolicies = new Map<string, NamedPolicy>();
  readonly account: SimAccount;

  constructor(spec: StageSpec) {
    this.account = spec.account;
    this.roles = new Map(spec.roles.map((r) => [r.arn, r]));
    for (const bucket of spec.buckets) if (bucket.policy) this.resourcePolicies.set(bucket.arn, { name: `${bucket.logicalId} policy`, document: bucket.policy });
    for (const queue of spec.queues) if (queue.policy) this.resourcePolicies.set(queue.arn, { name: `${queue.logicalId} policy`, document: queue.policy });
    for (const topic of spec.topics) if (topic.policy) this.resourcePolicies.set(topic.arn, { name: `${topic.logicalId} policy`, document: topic.policy });
    for (const fn of spec.functions) this.resourcePolicies.set(fn.arn, { name: `${fn.logicalId} permissions`, document: functionPolicy(fn) });
  }

  role(arn: string): RoleSpec | undefined {
    return this.roles.get(arn);
  }

  /** The resource policy that governs an ARN (an object's is its bucket's). */
  resourcePolicyFor(resource: string): NamedPolicy | undefined {
    const s3 = /^arn:[^:]+:s3:::([^/]+)/.exec(resource);
    if (s3) return this.resourcePolicies.get(`arn:${this.account.partition}:s3:::${s3[1]}`);
    return this.resourcePolicies.get(resource.replace(/:\$LATEST$/, ''));
  }

  decide(principal: Principal, request: Authorization): Decision {
    const identityPolicies = principal.type === 'role' ? (this.roles.get(principal.roleArn)?.policies ?? []) : [];
    const resourcePolicy = this.resourcePolicyFor(request.resource);
    // The simulated endpoints stand for AWS's HTTPS ones.
    const withTransport: Authorization = { ...request, context: { 'aws:SecureTransport': true, ...request.context } };
    const decision = authorize({
      principal,
      identityPolicies,
      ...(resourcePolicy ? { resourcePolicy } : {}),
      request: withTransport,
      account: this.account,
    });
    if (principal.type === 'role') this.ledger.record(principal.roleArn, request, decision);
    return decision;
  }

  /** For the gateway: allowed or not, with the reason AWS would give. */
  check(principal: Principal, request: Authorization): { allowed: boolean; reason: string } {
    const decision = this.decide(principal, request);
    return { allowed: decision.allowed, reason: decision.reason };
  }

  /** Whether `principal` may assume `role` under its trust policy (MediaConvert taking the job role). */
  decideTrust(role: RoleSpec, principal: Principal): boolean {
    return authorize({
      principal,
      identityPolicies: [],
      resourcePolicy: { name: `${role.logicalId} trust policy`, document: role.assumeRolePolicy },
      request: { action: 'sts:AssumeRole', resource: role.arn, context: { 'aws:SecureTransport': true } },
      account: this.account,
    }).allowed;
  }

  /** An AWS service acting for a resource of the stage (S3 notifying, SNS delivering, EventBridge invoking). */
  serviceMay(service: string, sourceArn: string, action: string, resource: string): boolean {
    return this.decide({ type: 'service', service, sourceArn, sourceAccount: this.account.accountId }, { action, resource }).allowed;
  }
}

/** A function's resource-based policy, as Lambda builds it from its permissions. */
export function functionPolicy(fn: FunctionSpec): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: fn.permissions.map((permission) => ({
      Effect: 'Allow' as const,
      Principal: permission.principal.endsWith('.amazonaws.com') ? { Service: permission.principal } : { AWS: permission.principal },
      Action: permission.action,
      Resource: fn.arn,
      ...(permission.sourceArn ? { Condition: { ArnLike: { 'aws:SourceArn': permission.sourceArn } } } : {}),
    })),
  };
}
