import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnSecurityGroup, CfnVPC, ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CACHE_LIMITS, CACHE_PORT, MediaCache, type MediaCacheProps } from './cache.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Built {
  app: App;
  stack: Stack;
  cache: MediaCache;
  template: Template;
}

function build(props: Partial<MediaCacheProps> = {}, nag = false): Built {
  const outdir = mkdtempSync(join(tmpdir(), 'mediaflow-cache-'));
  dirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Test');
  const cache = new MediaCache(stack, 'Cache', { name: 'mediaflow-test', ...props });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return { app, stack, cache, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } } }>;

describe('MediaCache', () => {
  const { stack, cache, template } = build();
  const resources = template.toJSON()['Resources'] as Resources;
  const groupId = (group: ISecurityGroup | undefined) => ({ 'Fn::GetAtt': [stack.getLogicalId(group?.node.defaultChild as CfnSecurityGroup), 'GroupId'] });
  const endpointGroup = cache.snsEndpoint.connections.securityGroups[0];
  const isolatedSubnets = cache.vpc.isolatedSubnets.map((subnet) => stack.resolve(subnet.subnetId) as unknown);
  const cacheId = stack.getLogicalId(cache.cache);

  it('builds a VPC of isolated subnets in two AZs with no way to the internet', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    expect(isolatedSubnets).toHaveLength(2);
    expect(cache.vpc.publicSubnets).toHaveLength(0);
    expect(cache.vpc.privateSubnets).toHaveLength(0);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: '0.0.0.0/0' }, 0);
    const zones = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::EC2::Subnet')
      .map((subnet) => JSON.stringify(subnet.Properties['AvailabilityZone']));
    expect(new Set(zones).size).toBe(2);
  });

  it('reaches S3 and DynamoDB through free gateway endpoints and SNS through an interface endpoint with private DNS', () => {
    const routeTables = cache.vpc.isolatedSubnets.map((subnet) => stack.resolve(subnet.routeTable.routeTableId) as unknown);
    for (const service of ['s3', 'dynamodb']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        RouteTableIds: Match.arrayEquals(routeTables),
      });
    }
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.sns']] },
      PrivateDnsEnabled: true,
      SubnetIds: Match.arrayEquals(isolatedSubnets),
    });
    // Gateway endpoints are free; SNS is the one interface endpoint, billed per AZ-hour.
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 3);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 1);
  });

  it('runs a Valkey serverless cache in the isolated subnets with bounded storage and ECPUs and no snapshots', () => {
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 1);
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      ServerlessCacheName: 'mediaflow-test',
      Engine: 'valkey',
      MajorEngineVersion: '8',
      SubnetIds: Match.arrayEquals(isolatedSubnets),
      SecurityGroupIds: [groupId(cache.cacheSecurityGroup)],
      CacheUsageLimits: {
        DataStorage: { Maximum: CACHE_LIMITS.dataStorageGb, Unit: 'GB' },
        ECPUPerSecond: { Maximum: CACHE_LIMITS.ecpuPerSecond },
      },
      SnapshotRetentionLimit: 0,
    });
    // CloudFormation's bounds, and "a few GB" at most.
    expect(CACHE_LIMITS.ecpuPerSecond).toBeGreaterThanOrEqual(1_000);
    expect(CACHE_LIMITS.ecpuPerSecond).toBeLessThanOrEqual(15_000_000);
    expect(CACHE_LIMITS.dataStorageGb).toBeGreaterThanOrEqual(1);
    expect(CACHE_LIMITS.dataStorageGb).toBeLessThanOrEqual(5);
  });

  it('admits only the API function\u2019s group to the cache, on 6379, and to the SNS endpoint, on 443', () => {
    const ingress = Object.values(resources).filter((resource) => resource.Type === 'AWS::EC2::SecurityGroupIngress');
    expect(ingress.map((rule) => rule.Properties).sort((a, b) => Number(a['FromPort']) - Number(b['FromPort']))).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: groupId(cache.apiSecurityGroup), GroupId: groupId(endpointGroup) }),
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: CACHE_PORT, ToPort: CACHE_PORT, SourceSecurityGroupId: groupId(cache.apiSecurityGroup), GroupId: groupId(cache.cacheSecurityGroup) }),
    ]);
    // No inline ingress on any group: nothing else is admitted, from the VPC or anywhere.
    for (const group of Object.values(resources).filter((resource) => resource.Type === 'AWS::EC2::SecurityGroup')) {
      expect(group.Properties['SecurityGroupIngress']).toBeUndefined();
    }
  });

  it('lets the API function\u2019s group out only to HTTPS and to the cache; the cache and the endpoint start nothing', () => {
    const apiId = stack.getLogicalId(cache.apiSecurityGroup.node.defaultChild as CfnSecurityGroup);
    expect(resources[apiId]?.Properties['SecurityGroupEgress']).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: groupId(cache.apiSecurityGroup),
      DestinationSecurityGroupId: groupId(cache.cacheSecurityGroup),
      IpProtocol: 'tcp',
      FromPort: CACHE_PORT,
      ToPort: CACHE_PORT,
    });
    for (const group of [cache.cacheSecurityGroup, endpointGroup]) {
      const egress = resources[stack.getLogicalId(group?.node.defaultChild as CfnSecurityGroup)]?.Properties['SecurityGroupEgress'];
      // CDK's stand-in rule for "no outbound": it matches no traffic.
      expect(egress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    }
  });

  it('logs the VPC\u2019s rejected flows to a log group with a retention', () => {
    const vpcId = stack.getLogicalId(cache.vpc.node.defaultChild as CfnVPC);
    const flowLogs = Object.values(resources).filter((resource) => resource.Type === 'AWS::EC2::FlowLog');
    expect(flowLogs).toHaveLength(1);
    expect(flowLogs[0]?.Properties).toMatchObject({ ResourceType: 'VPC', ResourceId: { Ref: vpcId }, TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs' });
    const logGroup = (flowLogs[0]?.Properties['LogGroupName'] as { Ref: string }).Ref;
    expect(resources[logGroup]?.Properties['RetentionInDays']).toBe(30);
    build({ logRetention: RetentionDays.ONE_WEEK }).template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('closes the VPC\u2019s default security group', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  it('gives the API function its URL, from the cache\u2019s endpoint, and the network to reach it', () => {
    expect(stack.resolve(cache.cacheUrl)).toEqual({
      'Fn::Join': ['', ['rediss://', { 'Fn::GetAtt': [cacheId, 'Endpoint.Address'] }, ':', { 'Fn::GetAtt': [cacheId, 'Endpoint.Port'] }]],
    });
    expect(cache.apiNetwork.vpc).toBe(cache.vpc);
    expect(cache.apiNetwork.securityGroups).toEqual([cache.apiSecurityGroup]);
    expect(cache.vpc.selectSubnets(cache.apiNetwork.subnets).subnets).toEqual(cache.vpc.isolatedSubnets);
  });

  it('refuses a name ElastiCache would refuse, before deployment', () => {
    for (const name of ['Mediaflow-dev', 'mediaflow_dev', 'mediaflow--dev', 'mediaflow-', '1mediaflow', 'm'.repeat(41)]) {
      expect(() => build({ name })).toThrow(/serverless cache name/);
    }
    expect(() => build({ name: 'm'.repeat(40) })).not.toThrow();
  });

  it('synthesizes with the AwsSolutions checks, acknowledging only CDK\u2019s default-group handler', () => {
    const checked = build({}, true);
    expect(() => checked.app.synth()).not.toThrow();
    const suppressions = Object.values(Template.fromStack(checked.stack).toJSON()['Resources'] as Resources)
      .flatMap((resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? [])
      .filter((suppression) => suppression.id.startsWith('AwsSolutions::'));
    expect(suppressions.length).toBeGreaterThan(0);
    for (const suppression of suppressions) {
      expect(suppression.id).toBe('AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]');
      expect(suppression.reason).toMatch(/default security group/);
    }
  });
});
