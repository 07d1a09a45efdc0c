/**
 * Resources of the synthesized template with every intrinsic resolved: what each emulated part is
 * built from. `template/stage-spec.ts` reads them out of `cdk.out`; nothing here is written by hand.
 */

/** An IAM policy document as CloudFormation holds it (resolved). */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** A policy with where it came from, for reports (`ComputeApiFunctionServiceRoleDefaultPolicy...`). */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export interface RoleSpec {
  logicalId: string;
  name: string;
  arn: string;
  assumeRolePolicy: PolicyDocument;
  /** Inline (`Policies`), attached `AWS::IAM::Policy` and managed policies known to the simulator. */
  policies: NamedPolicy[];
}

export interface QueueSpec {
  logicalId: string;
  name: string;
  arn: string;
  url: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds: number;
  delaySeconds: number;
  receiveWaitTimeSeconds: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
  /** Merged from every `AWS::SQS::QueuePolicy` naming the queue. */
  policy?: PolicyDocument;
}

export interface TopicSpec {
  logicalId: string;
  name: string;
  arn: string;
  policy?: PolicyDocument;
}

export interface SubscriptionSpec {
  logicalId: string;
  topicArn: string;
  protocol: 'sqs' | 'lambda' | 'email' | 'https' | string;
  /** The queue ARN, function ARN, address... */
  endpoint: string;
  filterPolicy?: Record<string, unknown>;
  filterPolicyScope: 'MessageAttributes' | 'MessageBody';
  rawMessageDelivery: boolean;
}

export interface EventRuleSpec {
  logicalId: string;
  name: string;
  arn: string;
  eventBusName: string;
  enabled: boolean;
  /** What events it matches; absent for a scheduled rule. */
  pattern?: Record<string, unknown>;
  /** `rate(1 hour)` or `cron(...)`: the rule runs on this schedule instead of matching events. */
  schedule?: string;
  targets: Array<{
    id: string;
    arn: string;
    retryPolicy?: { maximumEventAgeSeconds?: number; maximumRetryAttempts?: number };
    deadLetterArn?: string;
  }>;
}

export interface EventSourceMappingSpec {
  logicalId: string;
  functionName: string;
  eventSourceArn: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  /** `ScalingConfig.MaximumConcurrency`; unlimited (the function's own limit) when absent. */
  maximumConcurrency?: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
}

export interface LayerSpec {
  logicalId: string;
  arn: string;
  /** The unpacked asset directory in `cdk.out` (built for the template's architecture). */
  assetDir?: string;
  compatibleArchitectures: string[];
}

export interface FunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  handler: string;
  runtime: string;
  architectures: string[];
  memoryMb: number;
  timeoutSeconds: number;
  /** The template's variables, resolved. */
  environment: Record<string, string>;
  roleArn: string;
  layers: LayerSpec[];
  /** The unpacked asset directory in `cdk.out`; absent for inline (`ZipFile`) code. */
  codeDir?: string;
  reservedConcurrency?: number;
  /** `AWS::Lambda::EventInvokeConfig`, for asynchronous invocations. */
  asyncConfig?: { maximumRetryAttempts: number; maximumEventAgeSeconds: number; onFailure?: string };
  /** Where Lambda writes the function's output (`LoggingConfig.LogGroup`, else `/aws/lambda/{name}`). */
  logGroup: string;
  /** `TracingConfig.Mode` Active: Lambda sends trace segments with the function's role. */
  tracing: boolean;
  /** `AWS::Lambda::Permission` entries: who may invoke it. */
  permissions: Array<{ principal: string; sourceArn?: string; action: string }>;
  /**
   * The service token of a custom resource: CloudFormation calls it at deploy, and the simulator
   * applies that effect itself (`resource-types.ts`), so it never runs.
   */
  deployTime?: boolean;
}

export interface BucketSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** `{name}.s3.{region}.amazonaws.com`. */
  regionalDomainName: string;
  cors: Array<{
    allowedOrigins: string[];
    allowedMethods: string[];
    allowedHeaders: string[];
    exposedHeaders: string[];
    maxAgeSeconds?: number;
  }>;
  policy?: PolicyDocument;
  /** `s3:ObjectCreated:*` etc. to a queue, topic or function, with key filters. */
  notifications: Array<{
    events: string[];
    destinationArn: string;
    destinationType: 'queue' | 'topic' | 'function';
    prefix?: string;
    suffix?: string;
  }>;
}

export interface TableSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** The `CreateTable` input for the emulator (key schema, attribute definitions, indexes, billing). */
  createTable: Record<string, unknown>;
  timeToLiveAttribute?: string;
}

export interface HttpApiSpec {
  logicalId: string;
  apiId: string;
  routes: Array<{
    routeKey: string;
    authorizationType: 'NONE' | 'JWT' | 'AWS_IAM' | 'CUSTOM';
    authorizer?: { issuer: string; audience: string[]; identitySource: string[] };
    authorizationScopes?: string[];
    integration: { type: string; functionArn: string; payloadFormatVersion: string; timeoutMs?: number };
  }>;
  cors?: Record<string, unknown>;
  stage: { name: string; throttle?: { burstLimit?: number; rateLimit?: number } };
}

export interface UserPoolSpec {
  logicalId: string;
  id: string;
  arn: string;
  /** `cognito-idp.{region}.amazonaws.com/{id}` (the template's `ProviderURL`, without https://). */
  providerUrl: string;
  domain?: string;
  /** The pool's groups (`AWS::Cognito::UserPoolGroup`), which users may be members of. */
  groups: string[];
  clients: Array<{
    logicalId: string;
    clientId: string;
    name: string;
    callbackUrls: string[];
    logoutUrls: string[];
    allowedOAuthFlows: string[];
    allowedOAuthScopes: string[];
    accessTokenValidityMinutes: number;
    idTokenValidityMinutes: number;
    /** How long a refresh token of this client works (`RefreshTokenValidity`; Cognito's default unit is days). */
    refreshTokenValidityMinutes: number;
  }>;
}

export interface CloudFrontFunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  runtime: string;
  code: string;
}

export interface DistributionSpec {
  logicalId: string;
  id: string;
  arn: string;
  domainName: string;
  /** `Aliases`: the custom domain names it also answers to. */
  aliases?: string[];
  defaultRootObject?: string;
  origins: Array<{
    id: string;
    domainName: string;
    originPath?: string;
    /** Set for S3 origins behind an origin access control. */
    s3?: { bucketName: string; originAccessControl: boolean };
    custom?: { protocolPolicy: string };
    /** `OriginCustomHeaders` (names lower-case, values resolved): added to every request to the origin. */
    customHeaders?: Record<string, string>;
  }>;
  /** In template order; the default behaviour last with `pathPattern: '*'`. */
  behaviors: Array<{
    pathPattern: string;
    targetOriginId: string;
    allowedMethods: string[];
    cachedMethods: string[];
    viewerProtocolPolicy: string;
    compress: boolean;
    cachePolicy?: CachePolicySpec;
    originRequestPolicyId?: string;
    responseHeadersPolicy?: Record<string, unknown>;
    functions: Array<{ eventType: 'viewer-request' | 'viewer-response'; function: CloudFrontFunctionSpec }>;
    /**
     * `TrustedKeyGroups` with their public keys: every request must carry a valid signed URL or
     * signed cookies for one of these keys. Absent, the behaviour asks for no signature.
     */
    trustedKeyGroups?: Array<{ id: string; publicKeys: Array<{ id: string; encodedKey: string }> }>;
  }>;
  customErrorResponses: Array<Record<string, unknown>>;
}

export interface CachePolicySpec {
  id: string;
  name: string;
  /** The `CachePolicyConfig` (managed policies are spelled out by the simulator). */
  config: Record<string, unknown>;
}

export interface MediaConvertQueueSpec {
  logicalId: string;
  name: string;
  arn: string;
}
