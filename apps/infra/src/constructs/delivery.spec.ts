import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, type CfnDistribution, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { AwsSolutionsChecks } from 'cdk-nag';
import { cloudFrontFunctionPath } from '../cloudfront/functions.js';
import { APP_CONTEXT } from '../config.js';
import { MediaDelivery, type MediaDeliveryProps } from './delivery.js';
import { OriginSecret } from './origin-secret.js';
import { galleryContentSecurityPolicy } from './response-headers.js';

const ACCOUNT = '123456789012';
const API_DOMAIN = 'abc123.execute-api.eu-west-1.amazonaws.com';
const AUTH_ORIGIN = 'https://mediaflow.auth.eu-west-1.amazoncognito.com';
const DOMAIN = { domainName: 'media.example.com', hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };
const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0b0e7f2a-1111-2222-3333-444455556666';

const outdirs: string[] = [];
function outdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mediaflow-delivery-'));
  outdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

interface Built {
  app: App;
  stack: Stack;
  media: Bucket;
  delivery: MediaDelivery;
  configSiteUrls: string[];
}

function build(overrides: Partial<MediaDeliveryProps> = {}, region = 'eu-west-1'): Built {
  const app = new App({ outdir: outdir(), context: { ...APP_CONTEXT } });
  const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region } });
  const media = new Bucket(stack, 'Media', { encryption: BucketEncryption.S3_MANAGED, enforceSSL: true });
  const configSiteUrls: string[] = [];
  const delivery = new MediaDelivery(stack, 'Delivery', {
    media: media as IBucket,
    apiDomainName: API_DOMAIN,
    apiOriginSecret: new OriginSecret(stack, 'ApiOriginSecret'),
    authOrigin: AUTH_ORIGIN,
    gallery: {
      source: Source.data('index.html', '<!doctype html><title>Mediaflow</title>'),
      config: (siteUrl) => {
        configSiteUrls.push(siteUrl);
        return { auth: { type: 'cognito', domain: AUTH_ORIGIN, clientId: 'client', redirectUri: `${siteUrl}/` } };
      },
    },
    retain: false,
    ...overrides,
  });
  return { app, stack, media, delivery, configSiteUrls };
}

function logicalId(stack: Stack, bucket: Bucket): string {
  return stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
}

interface DistributionConfig {
  Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown; S3OriginConfig?: unknown; CustomOriginConfig?: unknown }[];
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: (Behavior & { PathPattern: string })[];
  [key: string]: unknown;
}
interface Behavior {
  TargetOriginId: string;
  FunctionAssociations?: { EventType: string; FunctionARN: { 'Fn::GetAtt': [string, string] } }[];
  [key: string]: unknown;
}

function distributionConfig(template: Template): DistributionConfig {
  const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  return distribution?.Properties.DistributionConfig as DistributionConfig;
}

function behavior(config: DistributionConfig, pattern: string): Behavior {
  const found = config.CacheBehaviors.find((candidate) => candidate.PathPattern === pattern);
  if (found === undefined) throw new Error(`no behavior for ${pattern}`);
  return found;
}

function originOf(config: DistributionConfig, target: Behavior): DistributionConfig['Origins'][number] {
  const found = config.Origins.find((origin) => origin.Id === target.TargetOriginId);
  if (found === undefined) throw new Error(`no origin ${target.TargetOriginId}`);
  return found;
}

/** The code of the CloudFront Function a behavior runs at viewer request, on the JavaScript 2.0 runtime. */
function functionCode(template: Template, target: Behavior): string {
  const association = target.FunctionAssociations?.[0];
  if (association === undefined) throw new Error('behavior has no function');
  expect(association.EventType).toBe('viewer-request');
  const resource = template.findResources('AWS::CloudFront::Function')[association.FunctionARN['Fn::GetAtt'][0]];
  expect(resource?.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
  return resource?.Properties.FunctionCode as string;
}

describe('MediaDelivery', () => {
  const { stack, media, delivery, configSiteUrls } = build();
  const template = Template.fromStack(stack);
  const config = distributionConfig(template);

  describe('routing', () => {
    it('serves the gallery bucket at / through origin access control', () => {
      const origin = originOf(config, config.DefaultCacheBehavior);
      expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [logicalId(stack, delivery.galleryBucket), 'RegionalDomainName'] });
      expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Id'] });
      expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
      expect(config.DefaultCacheBehavior).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        CachePolicyId: CachePolicy.CACHING_OPTIMIZED.cachePolicyId,
        AllowedMethods: ['GET', 'HEAD'],
        Compress: true,
      });
    });

    it('serves /media/* from the media bucket through origin access control, cached long and compressed', () => {
      const mediaBehavior = behavior(config, '/media/*');
      const origin = originOf(config, mediaBehavior);
      expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [logicalId(stack, media), 'RegionalDomainName'] });
      expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Id'] });
      expect(mediaBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true });
      expect(mediaBehavior['OriginRequestPolicyId']).toBeUndefined();
      const policyId = (mediaBehavior['CachePolicyId'] as { Ref: string }).Ref;
      expect(template.findResources('AWS::CloudFront::CachePolicy')[policyId]?.Properties.CachePolicyConfig).toEqual({
        Comment: expect.any(String),
        Name: expect.any(String),
        MinTTL: 0,
        DefaultTTL: 30 * 86400,
        MaxTTL: 365 * 86400,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      });
    });

    it('forwards /api/* to the HTTP API over TLS 1.2, uncached, with every method and all viewer headers but Host', () => {
      const api = behavior(config, '/api/*');
      expect(originOf(config, api)).toMatchObject({
        DomainName: API_DOMAIN,
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      });
      expect(api).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
        OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      });
      expect(api.FunctionAssociations).toBeUndefined();
    });

    it('has exactly these three behaviors and no distribution-wide error pages that would hide API and media errors', () => {
      expect(config.CacheBehaviors.map((candidate) => candidate.PathPattern).sort()).toEqual(['/api/*', '/media/*']);
      expect(config['CustomErrorResponses']).toBeUndefined();
    });

    it('uses origin access control, never an origin access identity', () => {
      template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
      template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 2);
      template.allResourcesProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
      });
    });
  });

  describe('the media bucket policy', () => {
    const statements = (): { Effect: string; Principal?: { Service?: string }; Action: unknown; Resource: unknown; Condition?: unknown }[] => {
      const policies = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: logicalId(stack, media) } } }));
      expect(policies).toHaveLength(1);
      return policies[0]?.Properties.PolicyDocument.Statement;
    };

    it('lets only this distribution read only renditions/*', () => {
      const cloudFront = statements().filter((statement) => statement.Principal?.Service === 'cloudfront.amazonaws.com');
      expect(cloudFront).toEqual([
        {
          Sid: 'CloudFrontReadsRenditions',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, media), 'Arn'] }, '/renditions/*']] },
          Condition: {
            StringEquals: {
              'AWS:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudfront::${ACCOUNT}:distribution/`, { Ref: stack.getLogicalId(delivery.distribution.node.defaultChild as CfnDistribution) }]],
              },
            },
          },
        },
      ]);
    });

    it('grants nothing else on the media bucket: originals stay unreachable through the CDN', () => {
      const allows = statements().filter((statement) => statement.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      expect(JSON.stringify(allows)).not.toContain('originals');
    });

    it('writes CDK\'s own whole-bucket grant only on the gallery bucket', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(stack, delivery.galleryBucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudfront.amazonaws.com' },
              Action: 's3:GetObject',
              Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, delivery.galleryBucket), 'Arn'] }, '/*']] },
            }),
          ]),
        },
      });
    });
  });

  describe('the CloudFront Functions', () => {
    it('runs media-request.js, as written, at viewer request of /media/*', () => {
      expect(functionCode(template, behavior(config, '/media/*'))).toBe(readFileSync(cloudFrontFunctionPath('media-request'), 'utf8'));
    });

    it('runs gallery-request.js, as written, at viewer request of the gallery', () => {
      expect(functionCode(template, config.DefaultCacheBehavior)).toBe(readFileSync(cloudFrontFunctionPath('gallery-request'), 'utf8'));
    });
  });

  describe('response headers', () => {
    function headersOf(target: Behavior): Record<string, unknown> {
      const id = (target['ResponseHeadersPolicyId'] as { Ref: string }).Ref;
      return template.findResources('AWS::CloudFront::ResponseHeadersPolicy')[id]?.Properties.ResponseHeadersPolicyConfig;
    }
    const hsts = { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: true, Override: true };

    it('gives the gallery HSTS, its CSP, nosniff, no framing and a referrer policy', () => {
      const headers = headersOf(config.DefaultCacheBehavior);
      expect(headers['SecurityHeadersConfig']).toEqual({
        StrictTransportSecurity: hsts,
        ContentSecurityPolicy: { ContentSecurityPolicy: expect.any(Object), Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      });
      const csp = JSON.stringify(stack.resolve((headers['SecurityHeadersConfig'] as { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } }).ContentSecurityPolicy.ContentSecurityPolicy));
      expect(csp).toContain(`connect-src 'self' ${AUTH_ORIGIN} https://`);
      expect(csp).toContain(logicalId(stack, media));
      expect(csp).toContain("frame-ancestors 'none'");
    });

    it('makes renditions inert and same-origin, as the local server does', () => {
      const headers = headersOf(behavior(config, '/media/*'));
      expect(headers['SecurityHeadersConfig']).toEqual({
        StrictTransportSecurity: hsts,
        ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'none'; sandbox", Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      });
      expect(headers['CustomHeadersConfig']).toEqual({ Items: [{ Header: 'Cross-Origin-Resource-Policy', Value: 'same-origin', Override: true }] });
    });

    it('adds HSTS and nosniff to API answers', () => {
      expect(headersOf(behavior(config, '/api/*'))['SecurityHeadersConfig']).toMatchObject({ StrictTransportSecurity: hsts, ContentTypeOptions: { Override: true } });
    });
  });

  describe('the gallery CSP', () => {
    const csp = galleryContentSecurityPolicy({ authOrigin: 'mediaflow.auth.eu-west-1.amazoncognito.com', uploadOrigins: ['https://media.s3.eu-west-1.amazonaws.com'] });
    const directives = new Map(csp.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));

    it('lets the gallery reach its own origin, the hosted UI token endpoint and the upload endpoint', () => {
      expect(directives.get('connect-src')).toEqual(["'self'", 'https://mediaflow.auth.eu-west-1.amazoncognito.com', 'https://media.s3.eu-west-1.amazonaws.com']);
    });

    it('runs only its own scripts, and allows what ThumbHash placeholders and hls.js need', () => {
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(csp).not.toContain('unsafe-eval');
      expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
      expect(directives.get('media-src')).toEqual(["'self'", 'blob:']);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    });

    it('connects only to its own origin without Cognito or uploads elsewhere', () => {
      expect(galleryContentSecurityPolicy()).toContain("connect-src 'self';");
    });
  });

  describe('the distribution', () => {
    it('redirects HTTP, speaks HTTP/2 and 3 over IPv4 and IPv6, uses the cheapest price class and serves index.html at the root', () => {
      expect(config).toMatchObject({ HttpVersion: 'http2and3', IPV6Enabled: true, PriceClass: 'PriceClass_100', DefaultRootObject: 'index.html', Enabled: true });
      for (const target of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) expect(target['ViewerProtocolPolicy']).toBe('redirect-to-https');
      expect(config['ViewerCertificate']).toBeUndefined();
      expect(config['Aliases']).toBeUndefined();
    });

    it('writes standard logs, without cookies, into a bucket of its own that has ACLs enabled and nothing public', () => {
      expect(config['Logging']).toEqual({
        Bucket: { 'Fn::GetAtt': [logicalId(stack, delivery.logBucket), 'RegionalDomainName'] },
        Prefix: 'cloudfront/',
        IncludeCookies: false,
      });
      const logs = template.findResources('AWS::S3::Bucket')[logicalId(stack, delivery.logBucket)];
      expect(logs?.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
      expect(logs?.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(logs?.Properties.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: 365, Status: 'Enabled' })]);
    });

    it('keeps the gallery bucket private, encrypted, TLS only, without ACLs, and logs access to it', () => {
      const gallery = template.findResources('AWS::S3::Bucket')[logicalId(stack, delivery.galleryBucket)];
      expect(gallery?.Properties).toMatchObject({
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack, delivery.logBucket) }, LogFilePrefix: 'gallery/' },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(stack, delivery.galleryBucket) },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it('publishes the site and media URLs on the distribution domain', () => {
      const domainName = { 'Fn::GetAtt': [stack.getLogicalId(delivery.distribution.node.defaultChild as CfnDistribution), 'DomainName'] };
      expect(stack.resolve(delivery.siteUrl)).toEqual({ 'Fn::Join': ['', ['https://', domainName]] });
      expect(stack.resolve(delivery.mediaBaseUrl)).toEqual({ 'Fn::Join': ['', ['https://', domainName, '/media']] });
    });
  });

  describe('the gallery deployment', () => {
    const deployments = template.findResources('Custom::CDKBucketDeployment');
    const pages = Object.values(deployments).find((deployment) => deployment.Properties.DistributionPaths !== undefined);
    const assets = Object.values(deployments).find((deployment) => deployment.Properties.DistributionPaths === undefined);

    it('deploys hashed assets with a year of immutable caching, and never prunes what open tabs may still load', () => {
      expect(Object.keys(deployments)).toHaveLength(2);
      expect(assets?.Properties).toMatchObject({
        DestinationBucketName: { Ref: logicalId(stack, delivery.galleryBucket) },
        Exclude: ['*'],
        Include: ['assets/*'],
        Prune: false,
        SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      });
    });

    it('deploys index.html and config.json for revalidation on every use, after the assets, and invalidates them', () => {
      expect(pages?.Properties).toMatchObject({
        DestinationBucketName: { Ref: logicalId(stack, delivery.galleryBucket) },
        Exclude: ['assets/*'],
        Prune: false,
        SystemMetadata: { 'cache-control': 'no-cache' },
        DistributionId: { Ref: stack.getLogicalId(delivery.distribution.node.defaultChild as CfnDistribution) },
        DistributionPaths: ['/index.html', '/config.json'],
      });
      expect(pages?.Properties.SourceObjectKeys).toHaveLength(2);
      expect(pages?.DependsOn).toEqual(expect.arrayContaining([Object.keys(deployments).find((id) => deployments[id] === assets)]));
    });

    it('fills config.json with the site URL at deploy time', () => {
      expect(configSiteUrls.map((url) => stack.resolve(url))).toEqual([stack.resolve(delivery.siteUrl)]);
      expect(JSON.stringify(pages?.Properties.SourceMarkers)).toContain(stack.getLogicalId(delivery.distribution.node.defaultChild as CfnDistribution));
    });
  });

  it('raises no warning, once its own media bucket policy replaces CDK\'s grant', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  it('refuses an imported media bucket, whose policy it could not limit to renditions/*', () => {
    const other = new Stack(new App({ outdir: outdir() }), 'Imported', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(
      () =>
        new MediaDelivery(other, 'Delivery', {
          media: Bucket.fromBucketName(other, 'Media', 'mediaflow-media'),
          apiDomainName: API_DOMAIN,
          apiOriginSecret: new OriginSecret(other, 'ApiOriginSecret'),
          gallery: { source: Source.data('index.html', ''), config: () => ({}) },
          retain: false,
        }),
    ).toThrow(/renditions\/\* grant/);
  });

  it('refuses a KMS-encrypted media bucket, whose key policy would have to name the distribution', () => {
    const other = new Stack(new App({ outdir: outdir() }), 'Kms', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const bucket = new Bucket(other, 'Media', { encryption: BucketEncryption.KMS });
    expect(
      () =>
        new MediaDelivery(other, 'Delivery', {
          media: bucket as IBucket,
          apiDomainName: API_DOMAIN,
          apiOriginSecret: new OriginSecret(other, 'ApiOriginSecret'),
          gallery: { source: Source.data('index.html', ''), config: () => ({}) },
          retain: false,
        }),
    ).toThrow(/KMS/);
  });
});

describe('MediaDelivery with a custom domain', () => {
  it('creates a DNS-validated certificate in a us-east-1 stack, the alias and A + AAAA records, and TLS 1.2_2021', () => {
    const { stack, delivery } = build({ domain: DOMAIN }, 'us-east-1');
    const template = Template.fromStack(stack);
    const distributionId = stack.getLogicalId(delivery.distribution.node.defaultChild as CfnDistribution);
    const certificates = template.findResources('AWS::CertificateManager::Certificate');
    expect(Object.values(certificates).map((certificate) => certificate.Properties)).toEqual([
      expect.objectContaining({ DomainName: 'media.example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{ DomainName: 'media.example.com', HostedZoneId: DOMAIN.hostedZoneId }] }),
    ]);
    const config = distributionConfig(template);
    expect(config['Aliases']).toEqual(['media.example.com']);
    expect(config['ViewerCertificate']).toEqual({ AcmCertificateArn: { Ref: Object.keys(certificates)[0] }, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'media.example.com.',
        Type: type,
        HostedZoneId: DOMAIN.hostedZoneId,
        AliasTarget: { DNSName: { 'Fn::GetAtt': [distributionId, 'DomainName'] }, HostedZoneId: Match.anyValue() },
      });
    }
    expect(delivery.siteUrl).toBe('https://media.example.com');
    expect(delivery.mediaBaseUrl).toBe('https://media.example.com/media');
  });

  it('uses the given certificate in a stack of another region, and creates none', () => {
    const { stack } = build({ domain: { ...DOMAIN, certificateArn: CERTIFICATE_ARN } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(distributionConfig(template)['ViewerCertificate']).toEqual({ AcmCertificateArn: CERTIFICATE_ARN, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
  });

  it('asks for certificateArn when the stack is not in us-east-1', () => {
    expect(() => build({ domain: DOMAIN })).toThrow(/needs an ACM certificate in us-east-1, and this stack is in eu-west-1.*domain\.certificateArn/);
  });

  it('refuses a certificate from another region', () => {
    expect(() => build({ domain: { ...DOMAIN, certificateArn: CERTIFICATE_ARN.replace('us-east-1', 'eu-west-1') } })).toThrow(/only uses ACM certificates from us-east-1/);
  });

  it('refuses a domain outside its hosted zone', () => {
    expect(() => build({ domain: { ...DOMAIN, domainName: 'media.example.org' } }, 'us-east-1')).toThrow(/not in the hosted zone example.com/);
  });
});

describe('MediaDelivery under cdk-nag', () => {
  interface NagStack {
    app: App;
    stack: Stack;
    secureBucket: (id: string) => Bucket;
  }

  function nagStack(domain: boolean): NagStack {
    const app = new App({ outdir: outdir(), context: { ...APP_CONTEXT } });
    const stack = new Stack(app, 'Nag', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    // Buckets as the storage construct makes them: private, encrypted, TLS only, logged.
    const secure = { blockPublicAccess: BlockPublicAccess.BLOCK_ALL, encryption: BucketEncryption.S3_MANAGED, enforceSSL: true, objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED };
    const accessLogs = new Bucket(stack, 'AccessLogs', secure);
    const secureBucket = (id: string): Bucket => new Bucket(stack, id, { ...secure, serverAccessLogsBucket: accessLogs as IBucket, serverAccessLogsPrefix: `${id}/` });
    new MediaDelivery(stack, 'Delivery', {
      media: secureBucket('Media') as IBucket,
      apiDomainName: API_DOMAIN,
      apiOriginSecret: new OriginSecret(stack, 'ApiOriginSecret'),
      authOrigin: AUTH_ORIGIN,
      accessLogs: accessLogs as IBucket,
      gallery: { source: Source.data('index.html', '<!doctype html>'), config: (siteUrl) => ({ apiBaseUrl: `${siteUrl}/api` }) },
      retain: true,
      ...(domain ? { domain: { ...DOMAIN, certificateArn: CERTIFICATE_ARN } } : {}),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
    return { app, stack, secureBucket };
  }

  /** The acknowledged rule ids the synthesized template records, by resource type. */
  function acknowledged(app: App): Record<string, string[]> {
    const resources = app.synth().getStackByName('Nag').template.Resources as Record<string, { Type: string; Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } } }>;
    const byType: Record<string, string[]> = {};
    for (const resource of Object.values(resources)) {
      for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
        expect(rule.reason.length).toBeGreaterThan(60);
        (byType[resource.Type] ??= []).push(rule.id);
      }
    }
    for (const ids of Object.values(byType)) ids.sort();
    return byType;
  }

  it('passes the AwsSolutions pack with the default certificate, acknowledging only what cannot be fixed', () => {
    const { app } = nagStack(false);
    const ids = acknowledged(app);
    expect(ids['AWS::CloudFront::Distribution']).toEqual(['AwsSolutions::AwsSolutions-CFR1', 'AwsSolutions::AwsSolutions-CFR2', 'AwsSolutions::AwsSolutions-CFR4']);
    expect(ids['AWS::Lambda::Function']).toEqual([
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions::AwsSolutions-L1',
    ]);
    expect(ids['AWS::IAM::Policy']).toEqual(
      expect.arrayContaining([
        'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        expect.stringMatching(/^AwsSolutions::AwsSolutions-IAM5\[Resource::<DeliveryGallery[0-9A-F]+\.Arn>\/\*\]$/),
        expect.stringMatching(/^AwsSolutions::AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-/),
      ]),
    );
  });

  it('passes the AwsSolutions pack with a custom domain, where CFR4 needs no acknowledgement', () => {
    const { app } = nagStack(true);
    expect(acknowledged(app)['AWS::CloudFront::Distribution']).toEqual(['AwsSolutions::AwsSolutions-CFR1', 'AwsSolutions::AwsSolutions-CFR2']);
  });

  it('attaches a given web ACL, so CFR2 needs no acknowledgement', () => {
    const app = new App({ outdir: outdir() });
    const stack = new Stack(app, 'Waf', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new MediaDelivery(stack, 'Delivery', {
      media: new Bucket(stack, 'Media') as IBucket,
      apiDomainName: API_DOMAIN,
      apiOriginSecret: new OriginSecret(stack, 'ApiOriginSecret'),
      gallery: { source: Source.data('index.html', ''), config: () => ({}) },
      retain: false,
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mediaflow/0b0e7f2a',
    });
    expect(distributionConfig(Template.fromStack(stack))['WebACLId']).toBe('arn:aws:wafv2:us-east-1:123456789012:global/webacl/mediaflow/0b0e7f2a');
  });

  it('does not acknowledge wildcards the deployment handler gets for any other bucket', () => {
    const { app, stack, secureBucket } = nagStack(false);
    new BucketDeployment(stack, 'Elsewhere', { sources: [Source.data('x.txt', 'x')], destinationBucket: secureBucket('OtherSite') as IBucket });
    let report = '';
    try {
      app.synth();
    } catch (error) {
      report = String(error);
    }
    const unacknowledged = [...report.matchAll(/Acknowledge with '([^']+)'/g)].map((match) => match[1]);
    expect(unacknowledged).toEqual([expect.stringMatching(/^AwsSolutions::AwsSolutions-IAM5\[Resource::<OtherSite[0-9A-F]+\.Arn>\/\*\]$/)]);
  });
});
