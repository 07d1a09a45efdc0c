import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../main.js';
import type { MediaStack } from '../stacks/media-stack.js';
import { tempDir, testAssets } from '../testing/stack-assets.js';
import { MEDIA_FUNCTIONS } from './function-plans.js';
import { ORIGIN_SECRET_GENERATION, OriginSecret } from './origin-secret.js';

/** The dynamic reference CloudFormation resolves to the secret's value under `key`. */
function reference(secretId: string, key: string): unknown {
  return { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, `:SecretString:${key}::}}`]] };
}

function alone(generation?: number): { stack: Stack; originSecret: OriginSecret; secretId: string; template: Template } {
  const app = new App({ outdir: tempDir('mediaflow-origin-secret-') });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const originSecret = new OriginSecret(stack, 'ApiOriginSecret', generation === undefined ? {} : { generation });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  app.synth();
  return { stack, originSecret, secretId: stack.getLogicalId(originSecret.secret.node.defaultChild as CfnSecret), template: Template.fromStack(stack) };
}

describe('OriginSecret', () => {
  it('has Secrets Manager generate 48 letters and digits, and holds no value itself', () => {
    const { template } = alone();
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Delete',
      Properties: {
        GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: `v${ORIGIN_SECRET_GENERATION}`, PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
        SecretString: Match.absent(),
      },
    });
  });

  it('is used as a dynamic reference, resolved by CloudFormation on deploy', () => {
    const { stack, originSecret, secretId } = alone();
    expect(originSecret.headerName).toBe('x-origin-verify');
    expect(stack.resolve(originSecret.value)).toEqual(reference(secretId, `v${ORIGIN_SECRET_GENERATION}`));
  });

  it('rotates with its generation: a new value under a new key, and a reference whose text changes', () => {
    const { stack, originSecret, secretId, template } = alone(2);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ GenerateStringKey: 'v2' }) });
    expect(stack.resolve(originSecret.value)).toEqual(reference(secretId, 'v2'));
    for (const generation of [0, 1.5, -1]) expect(() => new OriginSecret(new Stack(), 'ApiOriginSecret', { generation })).toThrow(/generation/);
  });

  it('passes the AwsSolutions pack, acknowledging no rotation with the reason', () => {
    const { template, secretId } = alone();
    const rules = (template.toJSON()['Resources'][secretId].Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[];
    expect(rules.map((rule) => rule.id)).toEqual(['AwsSolutions::AwsSolutions-SMG4']);
    expect(rules[0]?.reason).toContain('ORIGIN_SECRET_GENERATION');
  });
});

describe('the origin secret in the Mediaflow stack', () => {
  const app = createApp({ outdir: tempDir() }, testAssets());
  const stack = app.node.findChild('Mediaflow-dev') as MediaStack;
  const template = Template.fromStack(stack);
  const mediaSigningKey = stack.getLogicalId(stack.mediaSigning.secret.node.defaultChild as CfnSecret);
  // The media signing key's secret is the other one of the stack: its value is written at deploy, never referenced.
  const [secretId, ...others] = Object.keys(template.findResources('AWS::SecretsManager::Secret')).filter((id) => id !== mediaSigningKey);
  if (secretId === undefined) throw new Error('the stack has no secret');
  const secretValue = reference(secretId, `v${ORIGIN_SECRET_GENERATION}`);

  it('is one secret (besides the media signing key)', () => {
    expect(others).toEqual([]);
  });

  it('is sent by CloudFront to the API origin, and to no other origin', () => {
    const distributionId = stack.getLogicalId(stack.delivery.distribution.node.defaultChild as CfnDistribution);
    const origins = template.findResources('AWS::CloudFront::Distribution')[distributionId]?.Properties.DistributionConfig.Origins as {
      DomainName: unknown;
      OriginCustomHeaders?: unknown;
    }[];
    const apiId = stack.getLogicalId(stack.api.httpApi.node.defaultChild as CfnApi);
    const api = origins.find((origin) => JSON.stringify(origin.DomainName).includes(`"${apiId}"`));
    expect(api?.OriginCustomHeaders).toEqual([{ HeaderName: 'x-origin-verify', HeaderValue: secretValue }]);
    for (const origin of origins.filter((other) => other !== api)) expect(origin.OriginCustomHeaders).toBeUndefined();
  });

  it('is asked for by the api function, by the same reference, and by no other function', () => {
    for (const name of MEDIA_FUNCTIONS) {
      const fn = stack.compute.functions.get(name);
      if (fn === undefined) throw new Error(`no ${name} function`);
      const variables = template.findResources('AWS::Lambda::Function')[stack.getLogicalId(fn.node.defaultChild as CfnFunction)]?.Properties.Environment.Variables as Record<string, unknown>;
      expect([name, variables['ORIGIN_VERIFY_SECRET']]).toEqual([name, name === 'api' ? secretValue : undefined]);
    }
  });

  it('appears in the template only as those two references', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text.split('{{resolve:secretsmanager:')).toHaveLength(3);
  });
});
