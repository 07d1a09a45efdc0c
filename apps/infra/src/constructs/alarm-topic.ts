import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccountRootPrincipal, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** What CloudWatch alarms need of the alarm topic and its key: account-scoped, alarms only. */
export const CLOUDWATCH = 'cloudwatch.amazonaws.com';

/**
 * What the account may do with the alarm topic's key, spelled out rather than `kms:*`: manage it
 * through IAM (CloudFormation included) and publish to the topic from the console or CLI.
 */
const KEY_ACCOUNT_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
];

/**
 * The alarm topic's key. SNS encrypts with the key of the topic, and CloudWatch may publish to an
 * encrypted topic only if the key policy lets it: the AWS managed `alias/aws/sns` does not, and
 * cannot be changed, so alarms would fire into nothing.
 */
export function alarmTopicKey(scope: Construct, stage: string): Key {
  return new Key(scope, 'AlarmTopicKey', {
    description: `Encrypts the Mediaflow ${stage} alarm notifications`,
    enableKeyRotation: true,
    // It protects notifications in flight only: nothing encrypted with it outlives the stack.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
    policy: new PolicyDocument({
      statements: [
        new PolicyStatement({ sid: 'AccountManagesKey', principals: [new AccountRootPrincipal()], actions: KEY_ACCOUNT_ACTIONS, resources: ['*'] }),
        new PolicyStatement({
          sid: 'CloudWatchAlarmsPublish',
          principals: [new ServicePrincipal(CLOUDWATCH)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: alarmSourceConditions(scope),
        }),
      ],
    }),
  });
}

/** Only CloudWatch alarms of this account and region: no other account's alarm can use the topic. */
export function alarmSourceConditions(scope: Construct): Record<string, Record<string, string>> {
  const stack = Stack.of(scope);
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
  };
}
