/**
 * How the simulated stage treats each CloudFormation resource type: the one place that says it.
 * `emulated` types become running parts; `deploy-time` types act when the stack is deployed
 * (custom resources, generated secrets), and the simulator applies that effect itself when the
 * stage comes up (it does not run their provider functions);
 * `not-simulated` types have no behaviour a request can observe, and the note says why that is
 * acceptable. A type missing here stops the stage from starting, so a new kind of resource cannot
 * slip in unnoticed. docs/cloud-sim.md is written from this table.
 */
export type Treatment = 'emulated' | 'deploy-time' | 'not-simulated';

export interface ResourceTypeMapping {
  treatment: Treatment;
  /** The module that implements it (for `emulated` and `deploy-time`). */
  by?: string;
  note: string;
}

export const RESOURCE_TYPES: Record<string, ResourceTypeMapping> = {
  'AWS::IAM::Role': { treatment: 'emulated', by: 'iam/', note: 'Every AWS call a function makes is evaluated against its role (inline, attached and known managed policies).' },
  'AWS::IAM::Policy': { treatment: 'emulated', by: 'iam/', note: 'Attached to the roles it names.' },
  'AWS::IAM::ManagedPolicy': { treatment: 'emulated', by: 'iam/', note: 'Attached to the roles it names.' },
  'AWS::Lambda::Function': { treatment: 'emulated', by: 'lambda/', note: 'Node.js bundles from cdk.out run in their own processes with the template environment, memory, timeout and layers; deploy-time providers are not run.' },
  'AWS::Lambda::LayerVersion': { treatment: 'emulated', by: 'lambda/layers.ts', note: 'Known layers (sharp, media-tools) are swapped for host-architecture builds of the same recipe.' },
  'AWS::Lambda::EventSourceMapping': { treatment: 'emulated', by: 'messaging/event-sources.ts', note: 'Batch size, batching window, maximum concurrency and partial batch responses.' },
  'AWS::Lambda::EventInvokeConfig': { treatment: 'emulated', by: 'lambda/lambda-service.ts', note: 'Retry attempts and the on-failure destination of asynchronous invocations.' },
  'AWS::Lambda::Permission': { treatment: 'emulated', by: 'stage.ts', note: 'Who may invoke a function (API Gateway, EventBridge) is checked on each invocation.' },
  'AWS::SQS::Queue': { treatment: 'emulated', by: 'messaging/sqs.ts', note: 'Visibility timeout, retention, delay, redrive after maxReceiveCount.' },
  'AWS::SQS::QueuePolicy': { treatment: 'emulated', by: 'iam/', note: 'Evaluated for deliveries from SNS, S3 and EventBridge.' },
  'AWS::SNS::Topic': { treatment: 'emulated', by: 'messaging/sns.ts', note: 'Server-side encryption with an AWS managed key needs no grant and is not modelled.' },
  'AWS::SNS::TopicPolicy': { treatment: 'emulated', by: 'iam/', note: 'Evaluated on Publish.' },
  'AWS::SNS::Subscription': { treatment: 'emulated', by: 'messaging/sns.ts', note: 'Filter policies (attributes or body), raw delivery.' },
  'AWS::Events::Rule': { treatment: 'emulated', by: 'messaging/events.ts', note: 'Event patterns, schedules (rate expressions on their timer, any rule run on demand), retry policy, dead-letter queue.' },
  'AWS::S3::Bucket': { treatment: 'emulated', by: 'services/s3/', note: 'Objects, multipart uploads, CORS, event notifications; lifecycle rules and versioning are not run (they act over days).' },
  'AWS::S3::BucketPolicy': { treatment: 'emulated', by: 'iam/', note: 'Evaluated on every request, including CloudFront origin reads.' },
  'Custom::S3BucketNotifications': { treatment: 'deploy-time', by: 'template/stage-spec.ts', note: 'Its notification configuration is applied to the bucket.' },
  'Custom::S3AutoDeleteObjects': { treatment: 'not-simulated', note: 'Empties buckets when the stack is deleted; the simulated stage deletes its data directory instead.' },
  'Custom::CDKBucketDeployment': { treatment: 'deploy-time', by: 'stage.ts', note: 'The gallery build and its config.json (markers substituted) are copied into the bucket.' },
  'Custom::CognitoSignInUrls': { treatment: 'deploy-time', by: 'template/stage-spec.ts', note: 'Its UpdateUserPoolClient parameters (callback URLs, flows, scopes) are the client the issuer serves.' },
  'AWS::SecretsManager::Secret': {
    treatment: 'deploy-time',
    by: 'template/secrets.ts',
    note: 'A value is generated for each stage as GenerateSecretString says (or written by the signing-key custom resource), and every {{resolve:secretsmanager:...}} reference in the template resolves to it, as CloudFormation resolves them on deploy; functions read it with GetSecretValue (services/secretsmanager/), checked by IAM.',
  },
  'Custom::MediaSigningKey': {
    treatment: 'deploy-time',
    by: 'template/signing-keys.ts',
    note: 'The stage makes an RSA-2048 key pair when it comes up, stores the private key as the value of the secret SecretArn names, and answers GetAtt PublicKeyPem with the public key; its handler function is not run.',
  },
  'AWS::DynamoDB::GlobalTable': { treatment: 'emulated', by: 'services/dynamodb/', note: 'One replica, on dynalite; TransactWriteItems is served by the simulator on top of it.' },
  'AWS::DynamoDB::Table': { treatment: 'emulated', by: 'services/dynamodb/', note: 'On dynalite.' },
  'AWS::ApiGatewayV2::Api': { treatment: 'emulated', by: 'http-api/', note: 'An HTTP API with payload format 2.0.' },
  'AWS::ApiGatewayV2::Route': { treatment: 'emulated', by: 'http-api/', note: 'Route keys with greedy path variables.' },
  'AWS::ApiGatewayV2::Integration': { treatment: 'emulated', by: 'http-api/', note: 'Lambda proxy integrations.' },
  'AWS::ApiGatewayV2::Authorizer': { treatment: 'emulated', by: 'http-api/', note: 'JWT authorizers against the local issuer.' },
  'AWS::ApiGatewayV2::Stage': { treatment: 'emulated', by: 'http-api/', note: 'Default route throttling; access logs go to the stage log.' },
  'AWS::Cognito::UserPool': { treatment: 'emulated', by: 'oidc/', note: 'A local OpenID Connect issuer (authorization code with PKCE, JWKS); MFA and e-mail flows are not simulated. Its admin API serves AdminDeleteUser (services/cognito-idp/), checked by IAM.' },
  'AWS::Cognito::UserPoolGroup': { treatment: 'emulated', by: 'oidc/', note: 'Users added with groups get them in the `cognito:groups` claim of their tokens; a group the pool lacks is refused.' },
  'AWS::Cognito::UserPoolClient': { treatment: 'emulated', by: 'oidc/', note: 'Callback URLs, flows, scopes and token lifetimes.' },
  'AWS::Cognito::UserPoolDomain': { treatment: 'emulated', by: 'oidc/', note: 'The hosted sign-in pages are the issuer\'s.' },
  'AWS::CloudFront::Distribution': { treatment: 'emulated', by: 'cloudfront/', note: 'Behaviours, origins with origin access control, caching, compression; invalidations from functions (services/cloudfront-api/).' },
  'AWS::CloudFront::Function': { treatment: 'emulated', by: 'cloudfront/', note: 'The template code runs on each request.' },
  'AWS::CloudFront::CachePolicy': { treatment: 'emulated', by: 'cloudfront/', note: 'Cache keys and TTLs.' },
  'AWS::CloudFront::ResponseHeadersPolicy': { treatment: 'emulated', by: 'cloudfront/', note: 'Security, custom and CORS headers.' },
  'AWS::CloudFront::PublicKey': { treatment: 'emulated', by: 'cloudfront/signed-requests.ts', note: 'Its EncodedKey verifies the signatures of signed cookies and URLs for the key id its Ref gives.' },
  'AWS::CloudFront::KeyGroup': { treatment: 'emulated', by: 'cloudfront/signed-requests.ts', note: 'A behaviour with TrustedKeyGroups refuses (403) a request without a valid signed URL or signed cookies for one of its keys: signature, resource, DateLessThan, DateGreaterThan, IpAddress.' },
  'AWS::CloudFront::OriginAccessControl': { treatment: 'emulated', by: 'cloudfront/', note: 'Origin reads are made as cloudfront.amazonaws.com with the distribution as source ARN.' },
  'AWS::MediaConvert::Queue': { treatment: 'emulated', by: 'services/mediaconvert/', note: 'Jobs run with ffmpeg as the job role and emit job state changes.' },
  'AWS::WAFv2::WebACL': {
    treatment: 'not-simulated',
    note: 'The flat-rate plan\'s web ACL counts each address\'s /api/* requests over 5 minutes at the edge; one caller\'s own limit, which the api function enforces on shared state, is what the stage exercises.',
  },
  'AWS::PricingPlanManager::Subscription': { treatment: 'not-simulated', note: 'Billing only: a flat-rate plan changes what the distribution costs, not what it serves.' },
  'AWS::KMS::Key': { treatment: 'not-simulated', note: 'Only the alarm topic uses a customer key; alarms are not simulated.' },
  'AWS::Logs::LogGroup': { treatment: 'not-simulated', note: 'Function output goes to per-function files in the stage directory.' },
  'AWS::CloudWatch::Alarm': { treatment: 'not-simulated', note: 'Metrics and alarms need hours of traffic; the stage report counts errors and dead letters instead.' },
  'AWS::CloudWatch::Dashboard': { treatment: 'not-simulated', note: 'No request reads it.' },
  'AWS::CDK::Metadata': { treatment: 'not-simulated', note: 'Deploy bookkeeping.' },
};

/** Types of a template the table does not know. */
export function unknownTypes(types: Iterable<string>): string[] {
  return [...new Set(types)].filter((type) => !(type in RESOURCE_TYPES)).sort();
}
