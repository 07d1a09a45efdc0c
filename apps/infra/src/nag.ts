import { Stack, Validations, type Acknowledgment } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * cdk-nag's finding for a role that carries the AWS managed basic-execution policy, which every
 * function CDK adds for a deploy-time task (bucket notifications, SDK calls, copying files) does.
 */
export const BASIC_EXECUTION_FINDING = 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/**
 * Acknowledges the basic-execution policy of the singleton handler CDK adds to the stack for a
 * deploy-time task, found by the id CDK gives it at the stack's root (`idPrefix`), with `reason`:
 * what that handler does and why its managed policy is harmless. Further findings of the same
 * handler may be acknowledged with it.
 *
 * @example
 * acknowledgeCdkHandler(this, 'BucketNotificationsHandler', 'CDK-provided handler that applies ...');
 */
export function acknowledgeCdkHandler(scope: Construct, idPrefix: string, reason: string, ...more: Acknowledgment[]): void {
  for (const child of Stack.of(scope).node.children) {
    if (!child.node.id.startsWith(idPrefix)) continue;
    Validations.of(child).acknowledge({ id: BASIC_EXECUTION_FINDING, reason }, ...more);
  }
}

/**
 * cdk-nag's finding (AwsSolutions-IAM5) for a wildcard in a policy resource, naming exactly that
 * resource, so an acknowledgement covers it and nothing else.
 */
export function wildcardResourceFinding(scope: Construct, arn: string): string {
  return `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(scope, arn)}]`;
}

/**
 * A policy resource as cdk-nag names it in an IAM5 finding: the resolved ARN with `Fn::Join`
 * joined, `Fn::GetAtt` as `<LogicalId.Attribute>` and `Ref` as `<Name>`. The resources must be in
 * the scope's stack: across stacks they become imports, named otherwise.
 */
export function nagResourceName(scope: Construct, arn: string): string {
  const name = (value: unknown): string => {
    if (value === undefined) return '';
    if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (typeof value === 'object' && value !== null) {
      const node = value as Record<string, unknown>;
      const join = node['Fn::Join'];
      if (Array.isArray(join)) {
        const [delimiter, parts] = join as [string, unknown[]];
        return parts.map(name).join(delimiter);
      }
      if ('Fn::Sub' in node) return name(node['Fn::Sub']);
      const getAtt = node['Fn::GetAtt'];
      if (Array.isArray(getAtt)) return `<${name(getAtt[0])}.${name(getAtt[1])}>`;
      if ('Fn::ImportValue' in node) return name(node['Fn::ImportValue']);
      if ('Ref' in node) return `<${name(node['Ref'])}>`;
    }
    return JSON.stringify(value);
  };
  return name(Stack.of(scope).resolve(arn));
}
