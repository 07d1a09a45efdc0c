import type {
  BucketSpec,
  CachePolicySpec,
  CloudFrontFunctionSpec,
  DistributionSpec,
  EventRuleSpec,
  EventSourceMappingSpec,
  FunctionSpec,
  HttpApiSpec,
  LayerSpec,
  MediaConvertQueueSpec,
  NamedPolicy,
  PolicyDocument,
  QueueSpec,
  RoleSpec,
  SubscriptionSpec,
  TableSpec,
  TopicSpec,
  UserPoolSpec,
} from '../specs.js';
import type { SimAccount } from '../types.js';
import type { CloudAssemblyStack, TemplateResource } from './cdk-out.js';
import { Resolver, type PhysicalResource } from './intrinsics.js';
import { MANAGED_POLICIES } from './managed-policies.js';

/** A bucket deployment (`Custom::CDKBucketDeployment`): files the deploy copies into a bucket. */
export interface BucketDeploymentSpec {
  logicalId: string;
  destinationBucket: string;
  /** Asset directories in `cdk.out`, in order, each with its marker substitutions. */
  sources: Array<{ directory: string; markers: Record<string, string>; jsonEscape: boolean }>;
  include: string[];
  exclude: string[];
  systemMetadata: Record<string, string>;
}

/** Everything the simulator builds, read from one synthesized stack. */
export interface StageSpec {
  stackName: string;
  account: SimAccount;
  resolver: Resolver;
  roles: RoleSpec[];
  queues: QueueSpec[];
  topics: TopicSpec[];
  subscriptions: SubscriptionSpec[];
  rules: EventRuleSpec[];
  mappings: EventSourceMappingSpec[];
  functions: FunctionSpec[];
  buckets: BucketSpec[];
  tables: TableSpec[];
  httpApis: HttpApiSpec[];
  userPools: UserPoolSpec[];
  distributions: DistributionSpec[];
  mediaConvertQueues: MediaConvertQueueSpec[];
  bucketDeployments: BucketDeploymentSpec[];
  /** Every resource with how the simulator treats it (see `resource-types.ts`). */
  resources: Array<{ logicalId: string; type: string }>;
}

/** A `GetAtt` value the resource type always has (its ARN, name, domain). */
function attribute(physical: PhysicalResource, name: string): string {
  const value = physical.attributes[name];
  if (value === undefined) throw new Error(`the simulator gives no ${name} for ${physical.ref}`);
  return value;
}

/** `{ [key]: value }` when there is a value, `{}` otherwise (optional properties stay absent). */
function present<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const num = (value: unknown, fallback: number): number => (value === undefined || value === null || value === '' ? fallback : Number(value));
const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** Reads the stage's resources out of the template, every intrinsic resolved. */
export function readStageSpec(
  stack: CloudAssemblyStack,
  account: SimAccount,
  overrides: ConstructorParameters<typeof Resolver>[3] = {},
): StageSpec {
  const resolver = new Resolver(stack.template, account, stack.stackName, overrides);
  const entries = Object.entries(stack.template.Resources);
  const ofType = (type: string): Array<[string, TemplateResource]> => entries.filter(([, r]) => r.Type === type);
  const props = (logicalId: string): Record<string, unknown> => asRecord(resolver.resolve(stack.template.Resources[logicalId]?.Properties ?? {}));

  // --- IAM -----------------------------------------------------------------------------------------
  const roles: RoleSpec[] = ofType('AWS::IAM::Role').map(([logicalId]) => {
    const p = props(logicalId);
    const physical = resolver.physicalOf(logicalId);
    const policies: NamedPolicy[] = list(p.Policies as Array<{ PolicyName: string; PolicyDocument: PolicyDocument }>).map((policy) => ({
      name: `${logicalId}/${policy.PolicyName}`,
      document: policy.PolicyDocument,
    }));
    for (const managedArn of list(p.ManagedPolicyArns as string[])) {
      const managed = MANAGED_POLICIES[managedArn.replace(/^arn:[^:]+:iam::aws:policy\//, '')];
      if (managed) policies.push({ name: managedArn, document: managed });
    }
    return { logicalId, name: physical.ref, arn: attribute(physical, 'Arn'), assumeRolePolicy: p.AssumeRolePolicyDocument as PolicyDocument, policies };
  });
  const roleByName = new Map(roles.map((r) => [r.name, r]));
  for (const [logicalId] of [...ofType('AWS::IAM::Policy'), ...ofType('AWS::IAM::ManagedPolicy')]) {
    const p = props(logicalId);
    for (const roleName of list(p.Roles as string[])) {
      roleByName.get(roleName)?.policies.push({ name: logicalId, document: p.PolicyDocument as PolicyDocument });
    }
  }

  // --- queues, topics, rules -------------------------------------------------------------------------
  const queuePolicies = new Map<string, PolicyDocument>();
  for (const [logicalId] of ofType('AWS::SQS::QueuePolicy')) {
    const p = props(logicalId);
    for (const url of list(p.Queues as string[])) queuePolicies.set(url, mergePolicies(queuePolicies.get(url), p.PolicyDocument as PolicyDocument));
  }
  const queues: QueueSpec[] = ofType('AWS::SQS::Queue').map(([logicalId]) => {
    const p = props(logicalId);
    const physical = resolver.physicalOf(logicalId);
    const redrive = asRecord(typeof p.RedrivePolicy === 'string' ? JSON.parse(p.RedrivePolicy) : p.RedrivePolicy);
    return {
      logicalId,
      name: attribute(physical, 'QueueName'),
      arn: attribute(physical, 'Arn'),
      url: physical.ref,
      fifo: p.FifoQueue === true || p.FifoQueue === 'true',
      visibilityTimeoutSeconds: num(p.VisibilityTimeout, 30),
      messageRetentionSeconds: num(p.MessageRetentionPeriod, 345_600),
      delaySeconds: num(p.DelaySeconds, 0),
      receiveWaitTimeSeconds: num(p.ReceiveMessageWaitTimeSeconds, 0),
      ...(redrive.deadLetterTargetArn
        ? { redrive: { deadLetterTargetArn: String(redrive.deadLetterTargetArn), maxReceiveCount: num(redrive.maxReceiveCount, 10) } }
        : {}),
      ...present('policy', queuePolicies.get(physical.ref)),
    };
  });

  const topicPolicies = new Map<string, PolicyDocument>();
  for (const [logicalId] of ofType('AWS::SNS::TopicPolicy')) {
    const p = props(logicalId);
    for (const arn of list(p.Topics as string[])) topicPolicies.set(arn, mergePolicies(topicPolicies.get(arn), p.PolicyDocument as PolicyDocument));
  }
  const topics: TopicSpec[] = ofType('AWS::SNS::Topic').map(([logicalId]) => {
    const physical = resolver.physicalOf(logicalId);
    return {
      logicalId,
      name: attribute(physical, 'TopicName'),
      arn: physical.ref,
      ...present('policy', topicPolicies.get(physical.ref)),
    };
  });
  const subscriptions: SubscriptionSpec[] = ofType('AWS::SNS::Subscription').map(([logicalId]) => {
    const p = props(logicalId);
    const filter = typeof p.FilterPolicy === 'string' ? JSON.parse(p.FilterPolicy) : p.FilterPolicy;
    return {
      logicalId,
      topicArn: String(p.TopicArn),
      protocol: String(p.Protocol),
      endpoint: String(p.Endpoint),
      ...(filter ? { filterPolicy: filter as Record<string, unknown> } : {}),
      filterPolicyScope: p.FilterPolicyScope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes',
      rawMessageDelivery: p.RawMessageDelivery === true || p.RawMessageDelivery === 'true',
    };
  });
  const rules: EventRuleSpec[] = ofType('AWS::Events::Rule').map(([logicalId]) => {
    const p = props(logicalId);
    const physical = resolver.physicalOf(logicalId);
    return {
      logicalId,
      name: physical.ref,
      arn: attribute(physical, 'Arn'),
      eventBusName: String(p.EventBusName ?? 'default'),
      enabled: p.State === undefined || p.State === 'ENABLED',
      ...(p.EventPattern === undefined ? {} : { pattern: asRecord(p.EventPattern) }),
      ...(typeof p.ScheduleExpression === 'string' ? { schedule: p.ScheduleExpression } : {}),
      targets: list(p.Targets as Array<Record<string, unknown>>).map((t) => {
        const retry = asRecord(t.RetryPolicy);
        const deadLetter = asRecord(t.DeadLetterConfig);
        return {
          id: String(t.Id),
          arn: String(t.Arn),
          ...(t.RetryPolicy
            ? {
                retryPolicy: {
                  ...(retry.MaximumEventAgeInSeconds !== undefined ? { maximumEventAgeSeconds: Number(retry.MaximumEventAgeInSeconds) } : {}),
                  ...(retry.MaximumRetryAttempts !== undefined ? { maximumRetryAttempts: Number(retry.MaximumRetryAttempts) } : {}),
                },
              }
            : {}),
          ...(deadLetter.Arn ? { deadLetterArn: String(deadLetter.Arn) } : {}),
        };
      }),
    };
  });

  // --- functions ---------------------------------------------------------------------------------------
  const layers = new Map<string, LayerSpec>();
  for (const [logicalId] of ofType('AWS::Lambda::LayerVersion')) {
    const p = props(logicalId);
    const assetDir = stack.assets.get(String(asRecord(p.Content).S3Key));
    layers.set(resolver.physicalOf(logicalId).ref, {
      logicalId,
      arn: resolver.physicalOf(logicalId).ref,
      ...(assetDir ? { assetDir } : {}),
      compatibleArchitectures: list(p.CompatibleArchitectures as string[]),
    });
  }
  const functionNameOf = (nameOrArn: string): string => nameOrArn.replace(/^arn:[^:]+:lambda:[^:]+:[^:]+:function:/, '').replace(/:\$LATEST$/, '');
  const asyncConfigs = new Map<string, FunctionSpec['asyncConfig']>();
  for (const [logicalId] of ofType('AWS::Lambda::EventInvokeConfig')) {
    const p = props(logicalId);
    const onFailure = asRecord(asRecord(asRecord(p.DestinationConfig).OnFailure)).Destination;
    asyncConfigs.set(functionNameOf(String(p.FunctionName)), {
      maximumRetryAttempts: num(p.MaximumRetryAttempts, 2),
      maximumEventAgeSeconds: num(p.MaximumEventAgeInSeconds, 21_600),
      ...(onFailure ? { onFailure: String(onFailure) } : {}),
    });
  }
  const permissions = new Map<string, FunctionSpec['permissions']>();
  for (const [logicalId] of ofType('AWS::Lambda::Permission')) {
    const p = props(logicalId);
    const name = functionNameOf(String(p.FunctionName));
    permissions.set(name, [
      ...(permissions.get(name) ?? []),
      { principal: String(p.Principal), action: String(p.Action), ...(p.SourceArn ? { sourceArn: String(p.SourceArn) } : {}) },
    ]);
  }
  // Custom resources' service tokens: functions CloudFormation calls at deploy, whose effect the simulator applies itself.
  const serviceTokens = new Set(entries.filter(([, r]) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource').map(([id]) => String(props(id).ServiceToken ?? '')));
  const functions: FunctionSpec[] = ofType('AWS::Lambda::Function').map(([logicalId]) => {
    const p = props(logicalId);
    const physical = resolver.physicalOf(logicalId);
    const code = asRecord(p.Code);
    const codeDir = typeof code.S3Key === 'string' ? stack.assets.get(code.S3Key) : undefined;
    const environment = asRecord(asRecord(p.Environment).Variables);
    return {
      logicalId,
      name: physical.ref,
      arn: attribute(physical, 'Arn'),
      handler: String(p.Handler ?? 'index.handler'),
      runtime: String(p.Runtime ?? ''),
      architectures: list(p.Architectures as string[]).length > 0 ? list(p.Architectures as string[]) : ['x86_64'],
      memoryMb: num(p.MemorySize, 128),
      timeoutSeconds: num(p.Timeout, 3),
      environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])),
      roleArn: String(p.Role),
      logGroup: String(asRecord(p.LoggingConfig).LogGroup ?? `/aws/lambda/${physical.ref}`),
      tracing: asRecord(p.TracingConfig).Mode === 'Active',
      layers: list(p.Layers as string[]).map((arn) => layers.get(arn) ?? { logicalId: arn, arn, compatibleArchitectures: [] }),
      ...(codeDir ? { codeDir } : {}),
      ...(p.ReservedConcurrentExecutions !== undefined ? { reservedConcurrency: Number(p.ReservedConcurrentExecutions) } : {}),
      ...present('asyncConfig', asyncConfigs.get(physical.ref)),
      permissions: permissions.get(physical.ref) ?? permissions.get(attribute(physical, 'Arn')) ?? [],
      ...(serviceTokens.has(attribute(physical, 'Arn')) ? { deployTime: true } : {}),
    };
  });
  const mappings: EventSourceMappingSpec[] = ofType('AWS::Lambda::EventSourceMapping').map(([logicalId]) => {
    const p = props(logicalId);
    const scaling = asRecord(p.ScalingConfig);
    return {
      logicalId,
      functionName: functionNameOf(String(p.FunctionName)),
      eventSourceArn: String(p.EventSourceArn),
      batchSize: num(p.BatchSize, 10),
      maximumBatchingWindowSeconds: num(p.MaximumBatchingWindowInSeconds, 0),
      ...(scaling.MaximumConcurrency !== undefined ? { maximumConcurrency: Number(scaling.MaximumConcurrency) } : {}),
      reportBatchItemFailures: list(p.FunctionResponseTypes as string[]).includes('ReportBatchItemFailures'),
      enabled: p.Enabled === undefined || p.Enabled === true || p.Enabled === 'true',
    };
  });

  // --- storage -----------------------------------------------------------------------------------------
  const bucketPolicies = new Map<string, PolicyDocument>();
  for (const [logicalId] of ofType('AWS::S3::BucketPolicy')) {
    const p = props(logicalId);
    bucketPolicies.set(String(p.Bucket), mergePolicies(bucketPolicies.get(String(p.Bucket)), p.PolicyDocument as PolicyDocument));
  }
  const notifications = new Map<string, BucketSpec['notifications']>();
  for (const [logicalId] of ofType('Custom::S3BucketNotifications')) {
    const p = props(logicalId);
    notifications.set(String(p.BucketName), readNotifications(asRecord(p.NotificationConfiguration)));
  }
  const buckets: BucketSpec[] = ofType('AWS::S3::Bucket').map(([logicalId]) => {
    const p = props(logicalId);
    const physical = resolver.physicalOf(logicalId);
    const inline = readNotifications(asRecord(p.NotificationConfiguration));
    return {
      logicalId,
      name: physical.ref,
      arn: attribute(physical, 'Arn'),
      regionalDomainName: attribute(physical, 'RegionalDomainName'),
      cors: list(asRecord(p.CorsConfiguration).CorsRules as Array<Record<string, unknown>>).map((rule) => ({
        allowedOrigins: list(rule.AllowedOrigins as string[]),
        allowedMethods: list(rule.AllowedMethods as string[]),
        allowedHeaders: list(rule.AllowedHeaders as string[]),
        exposedHeaders: list(rule.ExposedHeaders as string[]),
        ...(rule.MaxAge !== undefined ? { maxAgeSeconds: Number(rule.MaxAge) } : {}),
      })),
      ...present('policy', bucketPolicies.get(physical.ref)),
      notifications: [...inline, ...(notifications.get(physical.ref) ?? [])],
    };
  });
  const tables: TableSpec[] = [...ofType('AWS::DynamoDB::GlobalTable'), ...ofType('AWS::DynamoDB::Table')].map(([logicalId]) => {
    const p = props(logicalId);
    const physical = resolver.physicalOf(logicalId);
    const indexes = list(p.GlobalSecondaryIndexes as Array<Record<string, unknown>>).map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
    }));
    const ttl = asRecord(p.TimeToLiveSpecification);
    return {
      logicalId,
      name: physical.ref,
      arn: attribute(physical, 'Arn'),
      createTable: {
        TableName: physical.ref,
        AttributeDefinitions: p.AttributeDefinitions,
        KeySchema: p.KeySchema,
        BillingMode: 'PAY_PER_REQUEST',
        ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
        ...(p.LocalSecondaryIndexes ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes } : {}),
      },
      ...(ttl.Enabled === true || ttl.Enabled === 'true' ? { timeToLiveAttribute: String(ttl.AttributeName) } : {}),
    };
  });

  // --- the edge: HTTP API, user pools, CloudFront --------------------------------------------------------
  const userPools = readUserPools(entries, resolver, props);
  const httpApis = readHttpApis(entries, resolver, props);
  const distributions = readDistributions(entries, resolver, props);
  const mediaConvertQueues: MediaConvertQueueSpec[] = ofType('AWS::MediaConvert::Queue').map(([logicalId]) => {
    const physical = resolver.physicalOf(logicalId);
    return { logicalId, name: physical.ref, arn: attribute(physical, 'Arn') };
  });
  const bucketDeployments: BucketDeploymentSpec[] = ofType('Custom::CDKBucketDeployment').map(([logicalId]) => {
    const p = props(logicalId);
    const keys = list(p.SourceObjectKeys as string[]);
    const markers = list(p.SourceMarkers as Array<Record<string, string>>);
    const markerConfig = list(p.SourceMarkersConfig as Array<Record<string, unknown>>);
    return {
      logicalId,
      destinationBucket: String(p.DestinationBucketName),
      sources: keys.map((key, i) => {
        const directory = stack.assets.get(key);
        if (!directory) throw new Error(`${logicalId}: the asset ${key} is not in cdk.out`);
        return { directory, markers: markers[i] ?? {}, jsonEscape: markerConfig[i]?.jsonEscape === true };
      }),
      include: list(p.Include as string[]),
      exclude: list(p.Exclude as string[]),
      systemMetadata: Object.fromEntries(Object.entries(asRecord(p.SystemMetadata)).map(([k, v]) => [k, String(v)])),
    };
  });

  return {
    stackName: stack.stackName,
    account,
    resolver,
    roles,
    queues,
    topics,
    subscriptions,
    rules,
    mappings,
    functions,
    buckets,
    tables,
    httpApis,
    userPools,
    distributions,
    mediaConvertQueues,
    bucketDeployments,
    resources: entries.map(([logicalId, r]) => ({ logicalId, type: r.Type })),
  };
}

function mergePolicies(a: PolicyDocument | undefined, b: PolicyDocument): PolicyDocument {
  if (!a) return b;
  return { Version: b.Version ?? a.Version ?? '2012-10-17', Statement: [...list(a.Statement), ...list(b.Statement)] };
}

function readNotifications(configuration: Record<string, unknown>): BucketSpec['notifications'] {
  const out: BucketSpec['notifications'] = [];
  const kinds: Array<[string, string, BucketSpec['notifications'][number]['destinationType']]> = [
    ['QueueConfigurations', 'QueueArn', 'queue'],
    ['TopicConfigurations', 'TopicArn', 'topic'],
    ['LambdaFunctionConfigurations', 'LambdaFunctionArn', 'function'],
  ];
  for (const [listKey, arnKey, destinationType] of kinds) {
    for (const entry of list(configuration[listKey] as Array<Record<string, unknown>>)) {
      const rules = list(asRecord(asRecord(entry.Filter).Key).FilterRules as Array<{ Name: string; Value: string }>);
      const prefix = rules.find((r) => r.Name.toLowerCase() === 'prefix')?.Value;
      const suffix = rules.find((r) => r.Name.toLowerCase() === 'suffix')?.Value;
      out.push({
        events: list((entry.Events ?? entry.Event) as string[]),
        destinationArn: String(entry[arnKey]),
        destinationType,
        ...(prefix !== undefined ? { prefix } : {}),
        ...(suffix !== undefined ? { suffix } : {}),
      });
    }
  }
  return out;
}

type Props = (logicalId: string) => Record<string, unknown>;

/** Cognito's default refresh token validity (30 days), for a client whose template gives none. */
const DEFAULT_REFRESH_MINUTES = 30 * 24 * 60;

function readUserPools(entries: Array<[string, TemplateResource]>, resolver: Resolver, props: Props): UserPoolSpec[] {
  // `Custom::CognitoSignInUrls` is an AwsCustomResource calling UpdateUserPoolClient at deploy time:
  // its parameters are what the client really has once deployed.
  const updates = new Map<string, Record<string, unknown>>();
  for (const [logicalId, resource] of entries) {
    if (!resource.Type.startsWith('Custom::')) continue;
    const p = props(logicalId);
    if (typeof p.Create !== 'string') continue;
    const call = JSON.parse(p.Create) as { action?: string; parameters?: Record<string, unknown> };
    if (call.action === 'UpdateUserPoolClient' && call.parameters) updates.set(String(call.parameters.ClientId), call.parameters);
  }
  return entries
    .filter(([, r]) => r.Type === 'AWS::Cognito::UserPool')
    .map(([logicalId]) => {
      const physical = resolver.physicalOf(logicalId);
      const domain = entries.find(([id, r]) => r.Type === 'AWS::Cognito::UserPoolDomain' && props(id).UserPoolId === physical.ref);
      const clients = entries
        .filter(([id, r]) => r.Type === 'AWS::Cognito::UserPoolClient' && props(id).UserPoolId === physical.ref)
        .map(([id]) => {
          const clientId = resolver.physicalOf(id).ref;
          const p = { ...props(id), ...(updates.get(clientId) ?? {}) };
          const units = asRecord(p.TokenValidityUnits);
          const minutes = (value: unknown, unit: unknown, fallback: number): number =>
            value === undefined ? fallback : Number(value) * (unit === 'hours' || unit === undefined ? 60 : unit === 'days' ? 1440 : unit === 'seconds' ? 1 / 60 : 1);
          return {
            logicalId: id,
            clientId,
            name: String(p.ClientName ?? id),
            callbackUrls: list(p.CallbackURLs as string[]),
            logoutUrls: list(p.LogoutURLs as string[]),
            allowedOAuthFlows: list(p.AllowedOAuthFlows as string[]),
            allowedOAuthScopes: list(p.AllowedOAuthScopes as string[]),
            accessTokenValidityMinutes: minutes(p.AccessTokenValidity, units.AccessToken, 60),
            idTokenValidityMinutes: minutes(p.IdTokenValidity, units.IdToken, 60),
            // A refresh token's validity is in days unless the units say otherwise.
            refreshTokenValidityMinutes: minutes(p.RefreshTokenValidity, units.RefreshToken ?? 'days', DEFAULT_REFRESH_MINUTES),
          };
        });
      const groups = entries
        .filter(([id, r]) => r.Type === 'AWS::Cognito::UserPoolGroup' && props(id).UserPoolId === physical.ref)
        .map(([id]) => String(props(id).GroupName));
      return {
        logicalId,
        id: physical.ref,
        arn: attribute(physical, 'Arn'),
        providerUrl: attribute(physical, 'ProviderURL'),
        ...(domain ? { domain: resolver.physicalOf(domain[0]).ref } : {}),
        groups,
        clients,
      };
    });
}

function readHttpApis(entries: Array<[string, TemplateResource]>, resolver: Resolver, props: Props): HttpApiSpec[] {
  const byType = (type: string): string[] => entries.filter(([, r]) => r.Type === type).map(([id]) => id);
  return byType('AWS::ApiGatewayV2::Api').map((logicalId) => {
    const apiId = resolver.physicalOf(logicalId).ref;
    const p = props(logicalId);
    const authorizers = new Map(
      byType('AWS::ApiGatewayV2::Authorizer')
        .filter((id) => props(id).ApiId === apiId)
        .map((id) => {
          const a = props(id);
          const jwt = asRecord(a.JwtConfiguration);
          return [resolver.physicalOf(id).ref, { issuer: String(jwt.Issuer), audience: list(jwt.Audience as string[]), identitySource: list(a.IdentitySource as string[]) }] as const;
        }),
    );
    const integrations = new Map(
      byType('AWS::ApiGatewayV2::Integration')
        .filter((id) => props(id).ApiId === apiId)
        .map((id) => {
          const i = props(id);
          return [
            resolver.physicalOf(id).ref,
            {
              type: String(i.IntegrationType),
              functionArn: String(i.IntegrationUri),
              payloadFormatVersion: String(i.PayloadFormatVersion ?? '2.0'),
              ...(i.TimeoutInMillis !== undefined ? { timeoutMs: Number(i.TimeoutInMillis) } : {}),
            },
          ] as const;
        }),
    );
    const routes = byType('AWS::ApiGatewayV2::Route')
      .filter((id) => props(id).ApiId === apiId)
      .map((id) => {
        const r = props(id);
        const integrationId = String(r.Target ?? '').replace(/^integrations\//, '');
        const integration = integrations.get(integrationId);
        if (!integration) throw new Error(`${id}: route target ${String(r.Target)} is not an integration of the API`);
        const authorizer = r.AuthorizerId ? authorizers.get(String(r.AuthorizerId)) : undefined;
        return {
          routeKey: String(r.RouteKey),
          authorizationType: String(r.AuthorizationType ?? 'NONE') as HttpApiSpec['routes'][number]['authorizationType'],
          ...(authorizer ? { authorizer } : {}),
          ...(r.AuthorizationScopes ? { authorizationScopes: list(r.AuthorizationScopes as string[]) } : {}),
          integration,
        };
      });
    const stageId = byType('AWS::ApiGatewayV2::Stage').find((id) => props(id).ApiId === apiId);
    const stage = stageId ? props(stageId) : {};
    const throttle = asRecord(asRecord(stage.DefaultRouteSettings));
    return {
      logicalId,
      apiId,
      routes,
      ...(p.CorsConfiguration ? { cors: asRecord(p.CorsConfiguration) } : {}),
      stage: {
        name: String(stage.StageName ?? '$default'),
        ...(throttle.ThrottlingBurstLimit !== undefined || throttle.ThrottlingRateLimit !== undefined
          ? {
              throttle: {
                ...(throttle.ThrottlingBurstLimit !== undefined ? { burstLimit: Number(throttle.ThrottlingBurstLimit) } : {}),
                ...(throttle.ThrottlingRateLimit !== undefined ? { rateLimit: Number(throttle.ThrottlingRateLimit) } : {}),
              },
            }
          : {}),
      },
    };
  });
}

function readDistributions(entries: Array<[string, TemplateResource]>, resolver: Resolver, props: Props): DistributionSpec[] {
  const byRef = (type: string): Map<string, string> =>
    new Map(entries.filter(([, r]) => r.Type === type).map(([id]) => [resolver.physicalOf(id).ref, id]));
  const cachePolicies = byRef('AWS::CloudFront::CachePolicy');
  const headerPolicies = byRef('AWS::CloudFront::ResponseHeadersPolicy');
  const keyGroups = byRef('AWS::CloudFront::KeyGroup');
  const publicKeys = byRef('AWS::CloudFront::PublicKey');
  const trustedKeyGroup = (id: string, where: string): NonNullable<DistributionSpec['behaviors'][number]['trustedKeyGroups']>[number] => {
    const groupLogical = keyGroups.get(id);
    if (!groupLogical) throw new Error(`${where}: key group ${id} is not in the template`);
    return {
      id,
      publicKeys: list(asRecord(props(groupLogical).KeyGroupConfig).Items as string[]).map((keyId) => {
        const keyLogical = publicKeys.get(String(keyId));
        if (!keyLogical) throw new Error(`${where}: public key ${String(keyId)} is not in the template`);
        return { id: String(keyId), encodedKey: String(asRecord(props(keyLogical).PublicKeyConfig).EncodedKey) };
      }),
    };
  };
  const functionsByArn = new Map(
    entries
      .filter(([, r]) => r.Type === 'AWS::CloudFront::Function')
      .map(([id]) => {
        const p = props(id);
        const spec: CloudFrontFunctionSpec = {
          logicalId: id,
          name: String(p.Name),
          arn: resolver.getAtt(id, 'FunctionARN'),
          runtime: String(asRecord(p.FunctionConfig).Runtime ?? 'cloudfront-js-1.0'),
          code: String(p.FunctionCode),
        };
        return [spec.arn, spec] as const;
      }),
  );
  return entries
    .filter(([, r]) => r.Type === 'AWS::CloudFront::Distribution')
    .map(([logicalId]) => {
      const config = asRecord(props(logicalId).DistributionConfig);
      const physical = resolver.physicalOf(logicalId);
      const behavior = (b: Record<string, unknown>, pathPattern: string): DistributionSpec['behaviors'][number] => {
        const cacheId = b.CachePolicyId === undefined ? undefined : String(b.CachePolicyId);
        const cacheLogical = cacheId ? cachePolicies.get(cacheId) : undefined;
        const cachePolicy: CachePolicySpec | undefined = cacheId
          ? cacheLogical
            ? { id: cacheId, name: cacheLogical, config: asRecord(props(cacheLogical).CachePolicyConfig) }
            : { id: cacheId, name: `managed:${cacheId}`, config: {} }
          : undefined;
        const headersId = b.ResponseHeadersPolicyId === undefined ? undefined : String(b.ResponseHeadersPolicyId);
        const headersLogical = headersId ? headerPolicies.get(headersId) : undefined;
        const trusted = list(b.TrustedKeyGroups as string[]).map((id) => trustedKeyGroup(String(id), `${logicalId} ${pathPattern}`));
        return {
          pathPattern,
          targetOriginId: String(b.TargetOriginId),
          allowedMethods: list(b.AllowedMethods as string[]).length > 0 ? list(b.AllowedMethods as string[]) : ['GET', 'HEAD'],
          cachedMethods: list(b.CachedMethods as string[]).length > 0 ? list(b.CachedMethods as string[]) : ['GET', 'HEAD'],
          viewerProtocolPolicy: String(b.ViewerProtocolPolicy ?? 'allow-all'),
          compress: b.Compress === true,
          ...(cachePolicy ? { cachePolicy } : {}),
          ...(b.OriginRequestPolicyId ? { originRequestPolicyId: String(b.OriginRequestPolicyId) } : {}),
          ...(headersLogical ? { responseHeadersPolicy: asRecord(props(headersLogical).ResponseHeadersPolicyConfig) } : {}),
          functions: list(b.FunctionAssociations as Array<Record<string, unknown>>).map((f) => {
            const fn = functionsByArn.get(String(f.FunctionARN));
            if (!fn) throw new Error(`${logicalId}: function ${String(f.FunctionARN)} is not in the template`);
            return { eventType: String(f.EventType) as 'viewer-request' | 'viewer-response', function: fn };
          }),
          ...(trusted.length > 0 ? { trustedKeyGroups: trusted } : {}),
        };
      };
      const bucketOfDomain = (domain: string): string | undefined => /^(.+)\.s3\.[a-z0-9-]+\.amazonaws\.com$/.exec(domain)?.[1] ?? /^(.+)\.s3\.amazonaws\.com$/.exec(domain)?.[1];
      return {
        logicalId,
        id: physical.ref,
        arn: `arn:${resolver.account.partition}:cloudfront::${resolver.account.accountId}:distribution/${physical.ref}`,
        domainName: attribute(physical, 'DomainName'),
        aliases: list(config.Aliases as string[]).map(String),
        ...(config.DefaultRootObject ? { defaultRootObject: String(config.DefaultRootObject) } : {}),
        origins: list(config.Origins as Array<Record<string, unknown>>).map((o) => {
          const domainName = String(o.DomainName);
          const bucket = o.S3OriginConfig ? bucketOfDomain(domainName) : undefined;
          const customHeaders = list(o.OriginCustomHeaders as Array<{ HeaderName: string; HeaderValue: unknown }>).map(
            (header) => [String(header.HeaderName).toLowerCase(), String(header.HeaderValue)] as const,
          );
          return {
            id: String(o.Id),
            domainName,
            ...(o.OriginPath ? { originPath: String(o.OriginPath) } : {}),
            ...(bucket ? { s3: { bucketName: bucket, originAccessControl: Boolean(o.OriginAccessControlId) } } : {}),
            ...(o.CustomOriginConfig ? { custom: { protocolPolicy: String(asRecord(o.CustomOriginConfig).OriginProtocolPolicy) } } : {}),
            ...(customHeaders.length > 0 ? { customHeaders: Object.fromEntries(customHeaders) } : {}),
          };
        }),
        behaviors: [
          ...list(config.CacheBehaviors as Array<Record<string, unknown>>).map((b) => behavior(b, String(b.PathPattern))),
          behavior(asRecord(config.DefaultCacheBehavior), '*'),
        ],
        customErrorResponses: list(config.CustomErrorResponses as Array<Record<string, unknown>>),
      };
    });
}
