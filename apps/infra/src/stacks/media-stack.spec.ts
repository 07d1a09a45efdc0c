import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations, type AppProps, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { CfnSecurityGroup, CfnVPC } from 'aws-cdk-lib/aws-ec2';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { archiveQueue, pipelineQueues } from '@mediaflow/workers';
import { MEDIA_FUNCTIONS } from '../constructs/function-plans.js';
import { createApp as createAppWith } from '../main.js';
import { testAssets } from '../testing/stack-assets.js';
import { MediaStack } from './media-stack.js';

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Principal?: unknown;
}

interface NagSuppression {
  id: string;
  reason: string;
}

const outdirs: string[] = [];
function outdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mediaflow-infra-'));
  outdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

const createApp = (props: AppProps): App => createAppWith(props, testAssets());

/** Resource ids each resource refers to (Ref, Fn::GetAtt, Fn::Sub names, DependsOn). */
function references(resource: { DependsOn?: string | string[] }, ids: ReadonlySet<string>): Set<string> {
  const found = new Set<string>(typeof resource.DependsOn === 'string' ? [resource.DependsOn] : (resource.DependsOn ?? []));
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'Ref' && typeof child === 'string' && ids.has(child)) found.add(child);
      else if (key === 'Fn::GetAtt' && Array.isArray(child) && ids.has(String(child[0]))) found.add(String(child[0]));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(child) ? String(child[0]) : String(child);
        for (const [, name] of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) if (name !== undefined && ids.has(name)) found.add(name);
        visit(child);
      } else visit(child);
    }
  };
  visit(resource);
  return found;
}

/** A dependency cycle among the template's resources (CloudFormation refuses to deploy one), or none. */
function findCycle(template: Template): string[] | undefined {
  const resources = template.toJSON()['Resources'] as Record<string, { DependsOn?: string | string[] }>;
  const ids = new Set(Object.keys(resources));
  const edges = new Map([...ids].map((id) => [id, references(resources[id] ?? {}, ids)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every statement of every policy document in the template: identity and resource policies. */
function statements(template: Template): { resource: string; type: string; statement: PolicyStatement }[] {
  const found: { resource: string; type: string; statement: PolicyStatement }[] = [];
  const visit = (resource: string, type: string, value: unknown): void => {
    if (Array.isArray(value)) return value.forEach((item) => visit(resource, type, item));
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'Statement' && Array.isArray(child)) for (const statement of child as PolicyStatement[]) found.push({ resource, type, statement });
      else visit(resource, type, child);
    }
  };
  for (const [id, resource] of Object.entries(template.toJSON()['Resources'] as Record<string, { Type: string }>)) visit(id, resource.Type, resource);
  return found;
}

/** The cdk-nag rules acknowledged anywhere in a template, without their `[finding]` part. */
function acknowledgedRules(template: Template): { rules: string[]; suppressions: NagSuppression[] } {
  const suppressions = Object.values(template.toJSON()['Resources'] as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress?: NagSuppression[] } } }>).flatMap(
    (resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? [],
  );
  const rules = [...new Set(suppressions.map((suppression) => suppression.id.replace(/\[.*$/, '').replace('AwsSolutions::AwsSolutions-', '')))].sort();
  return { rules, suppressions };
}

/** The environment of one function of the stack, as the template gives it. */
function environmentOf(stack: MediaStack, template: Template, name: (typeof MEDIA_FUNCTIONS)[number]): Record<string, unknown> {
  const fn = stack.compute.functions.get(name);
  if (fn === undefined) throw new Error(`no ${name}`);
  const resource = template.findResources('AWS::Lambda::Function')[stack.getLogicalId(fn.node.defaultChild as CfnFunction)];
  return (resource?.Properties.Environment.Variables ?? {}) as Record<string, unknown>;
}

function wildcardActions(statement: PolicyStatement): string[] {
  if (statement.Effect !== 'Allow') return [];
  const actions = typeof statement.Action === 'string' ? [statement.Action] : (statement.Action ?? []);
  return actions.filter((action) => action.includes('*'));
}

describe('the Mediaflow app', () => {
  const app = createApp({ outdir: outdir() });
  // Synthesis runs cdk-nag's AwsSolutions pack; an unacknowledged finding would throw here.
  const assembly = app.synth();
  const stack = app.node.findChild('Mediaflow-dev') as MediaStack;
  const template = Template.fromStack(stack);

  it('synthesizes one stack for the dev stage by default, with no unacknowledged cdk-nag finding', () => {
    expect(assembly.stacks.map((artifact) => artifact.stackName)).toEqual(['Mediaflow-dev']);
  });

  it('names the stack after the stage, retains prod\'s data and serves a custom domain given in context', () => {
    const prod = createApp({
      outdir: outdir(),
      context: {
        stage: 'prod',
        domainName: 'media.example.com',
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        zoneName: 'example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
      },
    });
    const prodTemplate = Template.fromStack(prod.node.findChild('Mediaflow-prod') as MediaStack);
    prodTemplate.hasResourceProperties('AWS::S3::Bucket', { CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://media.example.com'] })] } });
    prodTemplate.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ Aliases: ['media.example.com'] }) });
    prodTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://media.example.com/'] });
    expect(Object.values(prodTemplate.findResources('AWS::S3::Bucket')).every((bucket) => bucket.DeletionPolicy === 'Retain')).toBe(true);
    expect(Object.values(prodTemplate.findResources('AWS::DynamoDB::GlobalTable')).some((table) => table.DeletionPolicy === 'Retain')).toBe(true);
    expect(Object.values(prodTemplate.findResources('AWS::Cognito::UserPool')).every((pool) => pool.DeletionPolicy === 'Retain')).toBe(true);
  });

  it('declares the media table\u2019s indexes up to the one `-c tableIndexesUpTo` names, for a table deployed before them', () => {
    const rollout = createApp({ outdir: outdir(), context: { tableIndexesUpTo: 'GSI2' } });
    const tables = Template.fromStack(rollout.node.findChild('Mediaflow-dev') as MediaStack).findResources('AWS::DynamoDB::GlobalTable', {
      Properties: { KeySchema: Match.arrayWith([{ AttributeName: 'PK', KeyType: 'HASH' }]) },
    });
    const indexes = (table: unknown): string[] => ((table as { Properties: { GlobalSecondaryIndexes?: { IndexName: string }[] } }).Properties.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName);
    expect(Object.values(tables).map(indexes)).toEqual([['GSI1', 'GSI2']]);
    const full = template.findResources('AWS::DynamoDB::GlobalTable', { Properties: { KeySchema: Match.arrayWith([{ AttributeName: 'PK', KeyType: 'HASH' }]) } });
    expect(Object.values(full).map(indexes)).toEqual([['GSI1', 'GSI2', 'GSI3']]);
    expect(() => createApp({ outdir: outdir(), context: { tableIndexesUpTo: 'GSI7' } })).toThrow(/tableIndexesUpTo/);
  });

  it('refuses half a custom domain', () => {
    expect(() => createApp({ outdir: outdir(), context: { domainName: 'media.example.com' } })).toThrow(/hostedZoneId/);
  });

  it('composes every part: storage, data, events, functions, API, transcoding, delivery and observability', () => {
    // The pipeline's queues and the archive queue, which no event feeds.
    const definitions = [...pipelineQueues(1, undefined, { tagging: true }), archiveQueue()];
    // media, access logs, gallery, distribution logs
    template.resourceCountIs('AWS::S3::Bucket', 4);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 2);
    // the events topic and the alarm topic
    template.resourceCountIs('AWS::SNS::Topic', 2);
    // every work queue and its DLQ, and the DLQ of MediaConvert's state-change events
    template.resourceCountIs('AWS::SQS::Queue', definitions.length * 2 + 1);
    template.resourceCountIs('AWS::SNS::Subscription', definitions.filter((definition) => definition.filter).length);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', definitions.length);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    template.resourceCountIs('AWS::MediaConvert::Queue', 1);
    // MediaConvert's job state changes, and the trash's hourly purge.
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    for (const name of MEDIA_FUNCTIONS) expect(stack.compute.functions.get(name)).toBeDefined();
  });

  it('wires the parts together: renditions\' URL, MediaConvert, the API origin and sign-in', () => {
    const env = (name: (typeof MEDIA_FUNCTIONS)[number]): Record<string, unknown> => environmentOf(stack, template, name);
    const distribution = stack.getLogicalId(stack.delivery.distribution.node.defaultChild as CfnDistribution);
    expect(JSON.stringify(env('api')['MEDIA_BASE_URL'])).toContain(distribution);
    expect(JSON.stringify(env('image')['MEDIA_BASE_URL'])).toContain(distribution);
    expect(JSON.stringify(env('video')['MEDIACONVERT_ROLE_ARN'])).toContain(stack.getLogicalId(stack.transcoding.role.node.defaultChild as CfnRole));
    expect(JSON.stringify(env('video')['MEDIACONVERT_QUEUE_ARN'])).toContain(stack.getLogicalId(stack.transcoding.queue));
    // The distribution's /api/* origin is the HTTP API, and Cognito learns the gallery's URL after the distribution exists.
    const origins = JSON.stringify(template.findResources('AWS::CloudFront::Distribution')[distribution]?.Properties.DistributionConfig.Origins);
    expect(origins).toContain(stack.getLogicalId(stack.api.httpApi.node.defaultChild as CfnApi));
    const signIn = Object.values(template.findResources('Custom::CognitoSignInUrls'));
    expect(signIn).toHaveLength(1);
    expect(JSON.stringify(signIn[0])).toContain(distribution);
  });

  it('has /media/* check signed cookies of the stage\'s key group, which the api function signs with the key it may read', () => {
    const distribution = stack.getLogicalId(stack.delivery.distribution.node.defaultChild as CfnDistribution);
    const config = template.findResources('AWS::CloudFront::Distribution')[distribution]?.Properties.DistributionConfig as { CacheBehaviors: { PathPattern: string; TrustedKeyGroups?: unknown }[] };
    const keyGroup = stack.getLogicalId(stack.mediaSigning.keyGroup.node.defaultChild as CfnElement);
    expect(config.CacheBehaviors.map((behavior) => [behavior.PathPattern, behavior.TrustedKeyGroups])).toEqual([
      ['/media/*', [{ Ref: keyGroup }]],
      ['/api/*', undefined],
    ]);
    const secret = stack.getLogicalId(stack.mediaSigning.secret.node.defaultChild as CfnElement);
    const publicKey = stack.getLogicalId(stack.mediaSigning.publicKey.node.defaultChild as CfnElement);
    const api = environmentOf(stack, template, 'api');
    expect(api['MEDIA_SIGNING_KEY_ID']).toEqual({ Ref: publicKey });
    expect(api['MEDIA_SIGNING_SECRET_ARN']).toEqual({ Ref: secret });
    for (const name of MEDIA_FUNCTIONS.filter((each) => each !== 'api')) expect(environmentOf(stack, template, name)).not.toHaveProperty('MEDIA_SIGNING_SECRET_ARN');
    // Only the api function may read the key; only the deploy-time handler may write it.
    const onSecret = statements(template).filter(({ statement }) => JSON.stringify((statement as { Resource?: unknown }).Resource) === JSON.stringify({ Ref: secret }));
    expect(onSecret.map(({ statement }) => (statement as { Action?: unknown }).Action).sort()).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']);
  });

  it('has no dependency cycle CloudFormation would refuse', () => {
    expect(findCycle(template)).toBeUndefined();
  });

  it('lets only the api function delete users, of the stage\u2019s user pool alone, which it names in USER_POOL_ID', () => {
    const pool = stack.getLogicalId(stack.auth.userPool.node.defaultChild as CfnElement);
    expect(environmentOf(stack, template, 'api')['USER_POOL_ID']).toEqual({ Ref: pool });
    for (const name of MEDIA_FUNCTIONS.filter((each) => each !== 'api')) expect(environmentOf(stack, template, name)).not.toHaveProperty('USER_POOL_ID');
    const deleting = statements(template).filter(({ statement }) => JSON.stringify(statement.Action).includes('cognito-idp:AdminDeleteUser'));
    expect(deleting.map(({ statement }) => [statement.Effect, statement.Action, (statement as { Resource?: unknown }).Resource])).toEqual([['Allow', 'cognito-idp:AdminDeleteUser', { 'Fn::GetAtt': [pool, 'Arn'] }]]);
    const apiRole = stack.getLogicalId(stack.compute.api.role?.node.defaultChild as CfnElement);
    expect(JSON.stringify(template.toJSON()['Resources'][deleting[0]?.resource ?? '']?.Properties?.Roles)).toContain(apiRole);
  });

  it('grants no wildcard actions on data: the only ones are CDK\'s gallery copy, on the gallery and asset buckets', () => {
    const identity = statements(template).filter(({ type }) => type === 'AWS::IAM::Policy' || type === 'AWS::IAM::ManagedPolicy' || type === 'AWS::IAM::Role');
    expect(identity.length).toBeGreaterThan(0);
    const data = [
      stack.storage.media.node.defaultChild,
      stack.storage.accessLogs.node.defaultChild,
      stack.data.mediaTable.node.defaultChild,
      stack.data.idempotencyTable.node.defaultChild,
      stack.events.topic.node.defaultChild,
      ...[...stack.events.queues.values()].flatMap((entry) => [entry.queue.node.defaultChild, entry.deadLetterQueue.node.defaultChild]),
    ].map((child) => stack.getLogicalId(child as CfnElement));
    const galleryBucket = stack.getLogicalId(stack.delivery.galleryBucket.node.defaultChild as CfnElement);
    const wildcards = identity.filter(({ statement }) => wildcardActions(statement).length > 0);
    expect(wildcards.length).toBeGreaterThan(0);
    for (const { resource, statement } of wildcards) {
      // BucketDeployment reads its asset and writes the gallery with CDK's grant helpers.
      expect(resource).toMatch(/^CustomCDKBucketDeployment/);
      const targets = JSON.stringify((statement as { Resource?: unknown }).Resource);
      for (const id of data) expect(targets).not.toContain(id);
      expect(targets.includes(galleryBucket) || targets.includes('cdk-hnb659fds-assets')).toBe(true);
    }
  });

  it('grants wildcard actions in resource policies only to the function that empties throwaway buckets at teardown', () => {
    const autoDelete = new Set(Object.keys(template.findResources('Custom::S3AutoDeleteObjects')));
    expect(autoDelete.size).toBe(4);
    const isResourcePolicy = (type: string): boolean => ['AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy', 'AWS::KMS::Key'].includes(type);
    const grants = statements(template).filter(({ type, statement }) => isResourcePolicy(type) && wildcardActions(statement).length > 0);
    expect(grants.length).toBeGreaterThan(0);
    for (const { statement } of grants) expect(JSON.stringify(statement.Principal)).toContain('CustomS3AutoDeleteObjectsCustomResourceProviderRole');

    const prod = createApp({ outdir: outdir(), context: { stage: 'prod' } });
    const prodTemplate = Template.fromStack(prod.node.findChild('Mediaflow-prod') as Stack);
    expect(statements(prodTemplate).filter(({ type }) => isResourcePolicy(type)).flatMap(({ statement }) => wildcardActions(statement))).toEqual([]);
  });

  it('leaves the cache out by default: no VPC, no ElastiCache, the API function outside any VPC and without CACHE_URL', () => {
    expect(stack.cache).toBeUndefined();
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 0);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) expect(fn.Properties.VpcConfig).toBeUndefined();
    expect(environmentOf(stack, template, 'api')).not.toHaveProperty('CACHE_URL');
  });

  it('acknowledges only the cdk-nag findings it must keep, each with a written reason', () => {
    const { rules, suppressions } = acknowledgedRules(template);
    // No CFR2: the flat-rate plan the stage is on at month 0 brings a web ACL of its own.
    expect(rules).toEqual(['APIG4', 'CFR1', 'CFR4', 'COG8', 'IAM4', 'IAM5', 'L1', 'SMG4', 'SQS3']);
    // Managed policies are acknowledged only for CDK's own deploy-time handlers, never for a Mediaflow function.
    const managed = suppressions.filter((suppression) => suppression.id.includes('IAM4'));
    for (const suppression of managed) expect(suppression.id).toContain('AWSLambdaBasicExecutionRole');
    for (const suppression of suppressions) expect(suppression.reason.length).toBeGreaterThan(40);
  });

  it('fails synthesis on a cdk-nag finding nobody acknowledged', () => {
    const bare = new App({ outdir: outdir() });
    new Bucket(new Stack(bare, 'Bare'), 'Bucket');
    Validations.of(bare).addPlugins(new AwsSolutionsChecks(bare));
    expect(() => bare.synth()).toThrow(/AwsSolutions-S10/);
  });
});

describe('the Mediaflow app with the cache (-c cache=true)', () => {
  const app = createApp({ outdir: outdir(), context: { cache: 'true' } });
  // Synthesis runs cdk-nag's AwsSolutions pack here too.
  const assembly = app.synth();
  const stack = app.node.findChild('Mediaflow-dev') as MediaStack;
  const template = Template.fromStack(stack);
  const cache = stack.cache;
  if (cache === undefined) throw new Error('the stack built no cache');
  const groupId = (group: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [stack.getLogicalId(group.node.defaultChild as CfnSecurityGroup), 'GroupId'] });
  const cacheId = stack.getLogicalId(cache.cache);

  it('synthesizes under the AwsSolutions checks, acknowledging no rule the cacheless stack does not', () => {
    expect(assembly.stacks.map((artifact) => artifact.stackName)).toEqual(['Mediaflow-dev']);
    const { rules, suppressions } = acknowledgedRules(template);
    // CDK acknowledges its own template checks when a VPC reads the stack's AZs and for flow logs' option casing.
    const cdkOwn = rules.filter((rule) => rule.startsWith('CloudFormation-Validate::'));
    expect(cdkOwn.sort()).toEqual(['CloudFormation-Validate::F3002', 'CloudFormation-Validate::F3003', 'CloudFormation-Validate::W3010']);
    expect(rules.filter((rule) => !cdkOwn.includes(rule))).toEqual(['APIG4', 'CFR1', 'CFR4', 'COG8', 'IAM4', 'IAM5', 'L1', 'SMG4', 'SQS3']);
    for (const suppression of suppressions.filter((each) => each.id.includes('IAM4'))) expect(suppression.id).toContain('AWSLambdaBasicExecutionRole');
    for (const suppression of suppressions) expect(suppression.reason.length).toBeGreaterThan(40);
  });

  it('takes the cache from context as true only: any other value leaves it out', () => {
    expect(createApp({ outdir: outdir(), context: { cache: true } }).node.findChild('Mediaflow-dev')).toHaveProperty('cache', expect.anything());
    expect(createApp({ outdir: outdir(), context: { cache: 'false' } }).node.findChild('Mediaflow-dev')).toHaveProperty('cache', undefined);
  });

  it('runs a Valkey serverless cache with bounded storage and ECPUs in the VPC\'s isolated subnets', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 1);
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      ServerlessCacheName: 'mediaflow-dev',
      Engine: 'valkey',
      CacheUsageLimits: { DataStorage: { Maximum: Match.anyValue(), Unit: 'GB' }, ECPUPerSecond: { Maximum: Match.anyValue() } },
      SubnetIds: cache.vpc.isolatedSubnets.map((subnet) => stack.resolve(subnet.subnetId) as unknown),
      SecurityGroupIds: [groupId(cache.cacheSecurityGroup)],
    });
  });

  it('puts only the API function in the VPC, with its group, and gives it CACHE_URL from the cache\'s endpoint', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const api = stack.getLogicalId(stack.compute.api.node.defaultChild as CfnFunction);
    expect(Object.entries(functions).filter(([, fn]) => fn.Properties.VpcConfig !== undefined).map(([id]) => id)).toEqual([api]);
    expect(functions[api]?.Properties.VpcConfig).toEqual({
      SubnetIds: cache.vpc.isolatedSubnets.map((subnet) => stack.resolve(subnet.subnetId) as unknown),
      SecurityGroupIds: [groupId(cache.apiSecurityGroup)],
    });
    expect(environmentOf(stack, template, 'api')['CACHE_URL']).toEqual({
      'Fn::Join': ['', ['rediss://', { 'Fn::GetAtt': [cacheId, 'Endpoint.Address'] }, ':', { 'Fn::GetAtt': [cacheId, 'Endpoint.Port'] }]],
    });
    for (const name of MEDIA_FUNCTIONS.filter((other) => other !== 'api')) expect([name, environmentOf(stack, template, name)['CACHE_URL']]).toEqual([name, undefined]);
  });

  it('admits only the API function\'s group to the cache, on 6379', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (rule) => JSON.stringify(rule.Properties.GroupId) === JSON.stringify(groupId(cache.cacheSecurityGroup)),
    );
    expect(ingress.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, SourceSecurityGroupId: groupId(cache.apiSecurityGroup) }),
    ]);
  });

  it('reaches every service the API function calls from inside the VPC: S3, DynamoDB and SNS', () => {
    const endpoint = (service: string, type: string) => ({ VpcEndpointType: type, ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] } });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', endpoint('s3', 'Gateway'));
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', endpoint('dynamodb', 'Gateway'));
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ...endpoint('sns', 'Interface'), PrivateDnsEnabled: true });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 3);
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', ResourceId: { Ref: stack.getLogicalId(cache.vpc.node.defaultChild as CfnVPC) } });
  });

  it('has no dependency cycle and grants no wildcard action outside CDK\'s gallery copy', () => {
    expect(findCycle(template)).toBeUndefined();
    const identity = statements(template).filter(({ type }) => type === 'AWS::IAM::Policy' || type === 'AWS::IAM::ManagedPolicy' || type === 'AWS::IAM::Role');
    for (const { resource } of identity.filter(({ statement }) => wildcardActions(statement).length > 0)) expect(resource).toMatch(/^CustomCDKBucketDeployment/);
  });
});

describe('the Mediaflow app with its guard rails in context', () => {
  const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mediaflow/473e64fd-f30b-4765-81a0-62ad96dd167a';
  const app = createApp({
    outdir: outdir(),
    context: { budgetUsd: '500', budgetEmail: 'ops@example.com', priceClass: 'PriceClass_All', webAclArn: WEB_ACL },
  });
  // Synthesis runs cdk-nag's AwsSolutions pack: the budget and the web ACL must not add a finding.
  const assembly = app.synth();
  const stack = app.node.findChild('Mediaflow-dev') as MediaStack;
  const template = Template.fromStack(stack);

  it('synthesizes under the AwsSolutions checks, and the web ACL leaves CFR2 with nothing to acknowledge', () => {
    expect(assembly.stacks.map((artifact) => artifact.stackName)).toEqual(['Mediaflow-dev']);
    expect(acknowledgedRules(template).rules).toEqual(['APIG4', 'CFR1', 'CFR4', 'COG8', 'IAM4', 'IAM5', 'L1', 'SMG4', 'SQS3']);
  });

  it('budgets the month at the limit given, e-mailing at 80% and 100% spent and at 100% forecast', () => {
    template.resourceCountIs('AWS::Budgets::Budget', 1);
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetName: 'mediaflow-dev', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 500, Unit: 'USD' } }),
    });
    const notifications = (Object.values(template.findResources('AWS::Budgets::Budget'))[0]?.Properties.NotificationsWithSubscribers ?? []) as {
      Notification: { NotificationType: string; Threshold: number; ThresholdType: string };
      Subscribers: { Address: string }[];
    }[];
    expect(notifications.map(({ Notification }) => [Notification.NotificationType, Notification.Threshold, Notification.ThresholdType])).toEqual([
      ['ACTUAL', 80, 'PERCENTAGE'],
      ['ACTUAL', 100, 'PERCENTAGE'],
      ['FORECASTED', 100, 'PERCENTAGE'],
    ]);
    for (const { Subscribers } of notifications) expect(Subscribers.map((subscriber) => subscriber.Address)).toEqual(['ops@example.com']);
  });

  it('serves from every edge location and puts the web ACL in front of the distribution', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ PriceClass: 'PriceClass_All', WebACLId: WEB_ACL }) });
  });

  it('keeps PriceClass_100, the flat-rate plan\'s own web ACL and no budget when context names none', () => {
    const plain = Template.fromStack(createApp({ outdir: outdir() }).node.findChild('Mediaflow-dev') as MediaStack);
    plain.resourceCountIs('AWS::Budgets::Budget', 0);
    const config = Object.values(plain.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig as Record<string, unknown>;
    expect(config['PriceClass']).toBe('PriceClass_100');
    const [aclId] = Object.keys(plain.findResources('AWS::WAFv2::WebACL'));
    expect(JSON.stringify(config['WebACLId'])).toContain(`"Fn::GetAtt":["${aclId ?? '?'}","Arn"]`);
  });

  it('has no web ACL and acknowledges CFR2 when it pays CloudFront by usage and context names none', () => {
    const byUsage = Template.fromStack(createApp({ outdir: outdir(), context: { cloudFrontPlan: 'pay-as-you-go' } }).node.findChild('Mediaflow-dev') as MediaStack);
    byUsage.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const config = Object.values(byUsage.findResources('AWS::CloudFront::Distribution'))[0]?.Properties.DistributionConfig as Record<string, unknown>;
    expect(config['WebACLId']).toBeUndefined();
    expect(acknowledgedRules(byUsage).rules).toContain('CFR2');
  });

  it('warns the alarm address when the budget is given none of its own', () => {
    const withAlarms = createApp({ outdir: outdir(), context: { budgetUsd: '80', alarmEmail: 'alarms@example.com' } });
    expect((withAlarms.node.findChild('Mediaflow-dev') as MediaStack).budget?.budget.notificationsWithSubscribers).toEqual(
      expect.arrayContaining([expect.objectContaining({ subscribers: [{ subscriptionType: 'EMAIL', address: 'alarms@example.com' }] })]),
    );
  });

  it.each([
    [{ priceClass: 'PriceClass_300' }, /-c priceClass=PriceClass_300: must be one of PriceClass_100, PriceClass_200, PriceClass_All/],
    [{ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mediaflow/473e64fd' }, /-c webAclArn=.*scope CLOUDFRONT/],
    [{ budgetUsd: 'lots', budgetEmail: 'ops@example.com' }, /-c budgetUsd=lots: must be a monthly amount in USD/],
    [{ budgetUsd: '500' }, /needs someone to warn/],
  ])('stops synthesis on a bad guard rail: %j', (context, message) => {
    expect(() => createApp({ outdir: outdir(), context })).toThrow(message);
  });
});
