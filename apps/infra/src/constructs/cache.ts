import { AspectPriority, Aspects, Token } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
  type InterfaceVpcEndpoint,
  type IVpc,
} from 'aws-cdk-lib/aws-ec2';
import { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LogRetention } from '../log-retention.js';
import { acknowledgeCdkHandler } from '../nag.js';
import type { FunctionNetwork } from './media-function.js';

export interface MediaCacheProps {
  /**
   * The serverless cache's name, unique in the account and region (`mediaflow-<stage>`): 1 to 40
   * lowercase letters, digits and single hyphens, starting with a letter.
   */
  readonly name: string;
  /** How long the VPC's flow logs are kept; a month by default, as for the functions' logs. */
  readonly logRetention?: RetentionDays;
}

/** The port of the serverless cache's primary endpoint; the only one the API function may open. */
export const CACHE_PORT = 6379;

/**
 * Ceilings of the serverless cache, so a bug (a key per request, no TTL) or a flood cannot run the
 * bill up; both are far above what the API needs.
 *
 * - Storage: an owner's tag counts are a few kilobytes (a couple of hundred tags of ~30 bytes), so
 *   2 GB holds those of several hundred thousand owners, more than are active within a TTL. Billed
 *   per GB-hour of data actually stored, so the ceiling caps the charge at about $122 a month
 *   (2 GB × $0.0837 × 730 h). Past it the cache evicts only keys that have a TTL, then refuses
 *   writes: every key the API writes needs a TTL.
 * - ECPU: a read or write of up to 1 KB is 1 ECPU, each further KB one more. The HTTP API admits
 *   at most 100 requests a second (its stage burst), each a few cache commands of a few KB:
 *   under 2,000 ECPU/s. 5,000 leaves room and caps the charge at about $30 a month
 *   (5,000 × 3,600 × 730 × $0.0023 per million); beyond it requests are throttled, not billed.
 *   CloudFormation accepts 1,000 to 15,000,000.
 */
export const CACHE_LIMITS = { dataStorageGb: 2, ecpuPerSecond: 5_000 } as const;

/** ElastiCache's rule for serverless cache names (and no two hyphens in a row). */
const CACHE_NAME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
const MAX_CACHE_NAME = 40;

/**
 * An optional cache for the API: a Valkey serverless cache in a VPC the API function joins.
 *
 * The VPC has isolated subnets in two AZs (a serverless cache needs at least two) and no way out
 * to the internet: no NAT gateway (about $33 a month per AZ), no internet gateway. The API
 * function still reaches every service its code calls: S3 (uploads it starts and completes, the
 * objects it deletes) and DynamoDB (the media table) through gateway endpoints, which are free,
 * and SNS (the domain events it publishes) through an interface endpoint, billed per AZ-hour.
 * Presigned URLs are signed locally and used by browsers, outside the VPC; logs and traces leave
 * through the Lambda service, not the function's network.
 *
 * Only the API function's security group reaches the cache (6379) and the SNS endpoint (443).
 * The cache encrypts in transit (TLS only, hence `rediss://`) and at rest with an AWS owned key.
 *
 * @example
 * const cache = new MediaCache(this, 'Cache', { name: `mediaflow-${stage}` });
 * new MediaCompute(this, 'Compute', { ...props, apiNetwork: cache.apiNetwork, cacheUrl: cache.cacheUrl });
 */
export class MediaCache extends Construct {
  readonly vpc: IVpc;
  /** The API function's group: the only source the cache and the SNS endpoint admit. */
  readonly apiSecurityGroup: SecurityGroup;
  readonly cacheSecurityGroup: SecurityGroup;
  readonly cache: CfnServerlessCache;
  readonly snsEndpoint: InterfaceVpcEndpoint;
  /** `rediss://<endpoint address>:<port>`, resolved at deployment: the API function's `CACHE_URL`. */
  readonly cacheUrl: string;
  /** Where the API function runs: the isolated subnets, with {@link apiSecurityGroup}. */
  readonly apiNetwork: FunctionNetwork;

  constructor(scope: Construct, id: string, props: MediaCacheProps) {
    super(scope, id);
    checkCacheName(props.name);
    Aspects.of(this).add(new LogRetention(props.logRetention), { priority: AspectPriority.MUTATING });

    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // Gateway endpoints cost nothing; they add routes to the isolated subnets' route tables.
      gatewayEndpoints: {
        S3: { service: GatewayVpcEndpointAwsService.S3 },
        DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB },
      },
      // Every network interface here gets a group of its own; the default group, left open, is what
      // account-wide checks (Security Hub EC2.2) flag.
      restrictDefaultSecurityGroup: true,
    });
    // Restricting the default group is a deploy-time call made by a function CDK adds to the stack.
    acknowledgeCdkHandler(
      this,
      'Custom::VpcRestrictDefaultSGCustomResourceProvider',
      'CDK-provided function that removes the rules of the VPC\u2019s default security group during deployment; the managed policy only lets it write its own logs, and its EC2 permissions name the default group only.',
    );
    // Under exactOptionalPropertyTypes a Vpc only passes as IVpc with an assertion.
    this.vpc = vpc as IVpc;

    // Rejected flows are what explains a connection that does not happen (a missing rule); the
    // accepted ones would only repeat the function's own logs, at the vended-log price.
    const flowLogs = new LogGroup(this, 'FlowLogs');
    this.vpc.addFlowLog('FlowLog', { destination: FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: FlowLogTrafficType.REJECT });

    this.apiSecurityGroup = new SecurityGroup(this, 'ApiSecurityGroup', {
      vpc: this.vpc,
      description: 'Mediaflow API function: HTTPS to S3, DynamoDB and SNS, and the cache',
      allowAllOutbound: false,
    });
    // S3 and DynamoDB are reached through gateway endpoints, whose addresses are AWS prefix lists
    // known only per region; the subnets have no other route out, so any HTTPS destination is one of them.
    this.apiSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'S3 and DynamoDB through the gateway endpoints (the only routes out)');

    this.cacheSecurityGroup = new SecurityGroup(this, 'CacheSecurityGroup', {
      vpc: this.vpc,
      description: 'Mediaflow cache: Valkey from the API function only',
      // The cache only answers; security groups are stateful.
      allowAllOutbound: false,
    });
    this.cacheSecurityGroup.connections.allowFrom(this.apiSecurityGroup, Port.tcp(CACHE_PORT), 'Valkey (TLS) from the API function');

    this.snsEndpoint = this.vpc.addInterfaceEndpoint('Sns', {
      service: InterfaceVpcEndpointAwsService.SNS,
      subnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      // The SDK's regional SNS host name resolves to the endpoint inside the VPC: no client setting changes.
      privateDnsEnabled: true,
      // Admits the API function's group (below) rather than the whole VPC; the endpoint, like the
      // cache, only answers.
      open: false,
      securityGroups: [new SecurityGroup(this, 'SnsEndpointSecurityGroup', { vpc: this.vpc, description: 'Mediaflow SNS endpoint: HTTPS from the API function only', allowAllOutbound: false })],
    });
    this.snsEndpoint.connections.allowDefaultPortFrom(this.apiSecurityGroup, 'SNS publishes from the API function');

    this.cache = new CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: props.name,
      description: 'Mediaflow API cache (tag counts per owner)',
      engine: 'valkey',
      majorEngineVersion: '8',
      subnetIds: this.vpc.isolatedSubnets.map((subnet) => subnet.subnetId),
      securityGroupIds: [this.cacheSecurityGroup.securityGroupId],
      cacheUsageLimits: {
        dataStorage: { maximum: CACHE_LIMITS.dataStorageGb, unit: 'GB' },
        ecpuPerSecond: { maximum: CACHE_LIMITS.ecpuPerSecond },
      },
      // Everything in it is recomputed from DynamoDB on a miss: snapshots would be paid storage of nothing worth keeping.
      snapshotRetentionLimit: 0,
    });

    this.cacheUrl = `rediss://${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`;
    this.apiNetwork = { vpc: this.vpc, subnets: { subnetType: SubnetType.PRIVATE_ISOLATED }, securityGroups: [this.apiSecurityGroup] };
  }
}

function checkCacheName(name: string): void {
  if (Token.isUnresolved(name)) return;
  if (name.length > MAX_CACHE_NAME || !CACHE_NAME.test(name) || name.includes('--')) {
    throw new Error(`a serverless cache name is 1 to ${MAX_CACHE_NAME} lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen: not "${name}"`);
  }
}
