import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { tempDir } from '../testing/stack-assets.js';
import { MEDIA_SIGNING_KEY_GENERATION, MEDIA_SIGNING_KEY_RESOURCE_TYPE, MediaSigning } from './media-signing.js';

function alone(generation?: number): { stack: Stack; signing: MediaSigning; template: Template } {
  const app = new App({ outdir: tempDir('mediaflow-media-signing-') });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const signing = new MediaSigning(stack, 'MediaSigning', {
    handlerCode: Code.fromInline('export const handler = async () => undefined;'),
    ...(generation === undefined ? {} : { generation }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  app.synth();
  return { stack, signing, template: Template.fromStack(stack) };
}

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);

describe('MediaSigning', () => {
  it('has the custom resource write the private key into a secret of the stack and answer the public key', () => {
    const { stack, signing, template } = alone();
    const secretId = logicalId(stack, signing.secret);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    // No value in the template: a generated placeholder, replaced by the handler at deploy.
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: Match.absent() });
    template.hasResourceProperties(MEDIA_SIGNING_KEY_RESOURCE_TYPE, { SecretArn: { Ref: secretId }, Generation: MEDIA_SIGNING_KEY_GENERATION });
    const [keyId] = Object.keys(template.findResources(MEDIA_SIGNING_KEY_RESOURCE_TYPE));
    template.hasResourceProperties('AWS::CloudFront::PublicKey', { PublicKeyConfig: Match.objectLike({ EncodedKey: { 'Fn::GetAtt': [keyId, 'PublicKeyPem'] } }) });
    template.hasResourceProperties('AWS::CloudFront::KeyGroup', { KeyGroupConfig: Match.objectLike({ Items: [{ Ref: logicalId(stack, signing.publicKey) }] }) });
    expect(stack.resolve(signing.keyId)).toEqual({ Ref: logicalId(stack, signing.publicKey) });
  });

  it('runs its handler with a role that may write that one secret and its own logs, nothing else', () => {
    const { stack, signing, template } = alone();
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]?.Properties.PolicyDocument.Statement ?? []) as { Action: string | string[]; Resource: unknown }[];
    expect(statements.map((statement) => statement.Action)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], 'secretsmanager:PutSecretValue']);
    expect(statements[1]?.Resource).toEqual({ Ref: logicalId(stack, signing.secret) });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('makes a new key with its generation: a new secret, custom resource and public key, so nothing is ever updated in place', () => {
    const first = alone();
    const second = alone(2);
    second.template.hasResourceProperties(MEDIA_SIGNING_KEY_RESOURCE_TYPE, { Generation: 2 });
    for (const type of ['AWS::SecretsManager::Secret', MEDIA_SIGNING_KEY_RESOURCE_TYPE, 'AWS::CloudFront::PublicKey']) {
      const ids = (template: Template) => Object.keys(template.findResources(type));
      expect(ids(second.template)).toHaveLength(1);
      expect(ids(second.template)).not.toEqual(ids(first.template));
    }
    // The key group stays, trusting the new public key.
    expect(Object.keys(second.template.findResources('AWS::CloudFront::KeyGroup'))).toEqual(Object.keys(first.template.findResources('AWS::CloudFront::KeyGroup')));
    for (const generation of [0, 1.5, -1]) expect(() => new MediaSigning(new Stack(), 'MediaSigning', { handlerCode: Code.fromInline('x'), generation })).toThrow(/generation/);
  });

  it('passes the AwsSolutions pack, acknowledging only the secret’s rotation, with the reason', () => {
    const { stack, signing, template } = alone();
    const rules = (template.toJSON()['Resources'][logicalId(stack, signing.secret)].Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[];
    expect(rules.map((rule) => rule.id)).toEqual(['AwsSolutions::AwsSolutions-SMG4']);
    expect(rules[0]?.reason).toContain('MEDIA_SIGNING_KEY_GENERATION');
    const others = Object.entries(template.toJSON()['Resources'] as Record<string, { Metadata?: { cdk_nag?: unknown } }>).filter(([id, resource]) => id !== logicalId(stack, signing.secret) && resource.Metadata?.cdk_nag !== undefined);
    expect(others).toEqual([]);
  });
});
