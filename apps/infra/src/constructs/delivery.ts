import { Annotations, Arn, ArnFormat, AspectPriority, Aspects, Aws, Duration, type IAspect, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  type GeoRestriction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  type IDistribution,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  SSLMethod,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnPolicy, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AaaaRecord, ARecord, HostedZone, type IHostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { rules } from 'cdk-nag';
import { Construct, type IConstruct } from 'constructs';

/** A custom domain for the site: its Route 53 zone and, outside us-east-1, its certificate. */
export interface DeliveryDomain {
  /** The site's host name, e.g. `media.example.com`; it must lie in {@link zoneName}. */
  readonly domainName: string;
  readonly hostedZoneId: string;
  readonly zoneName: string;
  /**
   * ACM certificate covering {@link domainName}. CloudFront only uses certificates from us-east-1;
   * without one, a DNS-validated certificate is created, which CloudFormation can only do when this
   * stack itself is deployed to us-east-1.
   */
  readonly certificateArn?: string;
}

/** The single-page gallery: its build output and the `/config.json` it reads at start. */
export interface GalleryBundle {
  /** The built gallery (`apps/web-gallery/dist`), e.g. `Source.asset(...)`. */
  readonly source: ISource;
  /** Builds `/config.json` from the site URL (`https://...`, without a trailing slash); values may be tokens. */
  readonly config: (siteUrl: string) => Record<string, unknown>;
}

export interface MediaDeliveryProps {
  /** Bucket whose `renditions/` are served under `/media/renditions/...`; nothing else of it is reachable through the CDN. */
  readonly media: IBucket;
  /** Host name of the HTTP API's default endpoint, `${apiId}.execute-api.${region}.amazonaws.com`, served under `/api/*`. */
  readonly apiDomainName: string;
  readonly gallery: GalleryBundle;
  /**
   * Origin of the Cognito hosted UI (`https://<prefix>.auth.<region>.amazoncognito.com`): the gallery
   * exchanges its authorization code there with `fetch`, so the CSP must let it connect.
   */
  readonly authOrigin?: string;
  /**
   * Origins the browser PUTs uploads to with presigned URLs. Default: the media bucket's
   * virtual-hosted S3 endpoint, which is what the S3 presigner produces for it.
   */
  readonly uploadOrigins?: readonly string[];
  /**
   * Bucket for the server access logs of the buckets this construct creates; its ACLs may be
   * disabled. Without it, the gallery bucket logs into the distribution's log bucket.
   */
  readonly accessLogs?: IBucket;
  readonly domain?: DeliveryDomain;
  /** Keep the gallery and log buckets when the stack goes away; on for every stage that holds real media. */
  readonly retain: boolean;
  /**
   * Edge locations that serve viewers. Default: `PRICE_CLASS_100` (North America, Europe, Israel),
   * the locations whose transfer price `docs/cost.md` uses; viewers elsewhere are still served, from
   * the nearest of those. A stage with a worldwide audience passes `PRICE_CLASS_ALL`.
   */
  readonly priceClass?: PriceClass;
  /** ARN of a WAFv2 web ACL (scope CLOUDFRONT, in us-east-1) to put in front of the distribution. */
  readonly webAclArn?: string;
  /** Countries to allow or deny; none by default, the gallery is meant for anyone. */
  readonly geoRestriction?: GeoRestriction;
}

/** Cache-Control of the files whose names carry their content hash: they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** `index.html` and `config.json` keep their names across releases, so every use revalidates them. */
const REVALIDATE = 'no-cache';

/** CloudFront and S3 access logs hold viewers' IP addresses; they are kept for a year, as the buckets' own. */
const LOG_RETENTION = Duration.days(365);

/**
 * HSTS for two years on every subdomain, with `preload`: the site is HTTPS only, and two years is
 * what the preload list asks for.
 */
const HSTS = { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true };

/** What `/media/*` answers carry, as the local server sends them: served bytes never run as a page. */
const MEDIA_CSP = "default-src 'none'; sandbox";

/**
 * Viewer-request function of `/media/*`: maps `/media/renditions/...` onto the bucket key
 * `renditions/...` and answers 404 to anything else. Keys are built only from ids and rendition
 * names (letters, digits, `_`, `.`, `-`, each segment starting with a letter or digit), so any
 * other character, a percent-encoding, an empty or dot segment is refused rather than decoded:
 * no spelling of a path can reach `originals/`. The query string is dropped, so S3 never sees
 * overrides such as `response-content-type`.
 */
const MEDIA_REQUEST_CODE = `var PREFIX = '/media/';
var SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf(PREFIX) !== 0) return notFound();
  var key = uri.substring(PREFIX.length);
  var segments = key.split('/');
  // renditions/{owner}/{media}/{name}.{ext}, the name possibly nested (hls/720p.m3u8)
  if (segments.length < 4 || segments[0] !== 'renditions') return notFound();
  for (var i = 1; i < segments.length; i++) {
    if (!SEGMENT.test(segments[i])) return notFound();
  }
  request.uri = '/' + key;
  request.querystring = {};
  return request;
}

function notFound() {
  return { statusCode: 404, statusDescription: 'Not Found', headers: { 'cache-control': { value: 'no-store' } } };
}
`;

/**
 * Viewer-request function of the gallery: a path whose last segment has no extension is a route
 * of the single-page app (`/`, `/cost`) and gets `index.html`; files (`/assets/x.js`,
 * `/config.json`) pass unchanged. Done per request rather than with distribution-wide error
 * responses, which would also turn the API's and media's 403/404 into `index.html`.
 */
const GALLERY_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var name = uri.substring(uri.lastIndexOf('/') + 1);
  if (name.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}
`;

export interface GalleryCspOptions {
  /** Origin of the Cognito hosted UI, for the token exchange. */
  readonly authOrigin?: string;
  /** Origins presigned upload PUTs go to. */
  readonly uploadOrigins?: readonly string[];
}

/**
 * The Content-Security-Policy the gallery runs under in the cloud. It is the policy the gallery's
 * e2e run enforces (`apps/web-gallery/e2e/run.mjs`) less `blob:` images, which nothing in the
 * gallery creates, plus the cloud's cross-origin endpoints in `connect-src` and directives the
 * page never needs relaxed (plugins, `<base>`, form targets, being framed).
 *
 * - `script-src 'self'`: the build emits every script as a file (no inline script, no eval: zod
 *   runs jitless).
 * - `style-src 'unsafe-inline'`: per-item style attributes (placeholder colour, zoom transform).
 * - `img-src data:`: ThumbHash placeholders are data URLs.
 * - `media-src blob:`: hls.js plays through a MediaSource object URL (its worker stays off, so no
 *   `worker-src blob:`).
 * - `connect-src`: the API and `/media` are same-origin; the Cognito token endpoint and the S3
 *   endpoint of presigned uploads are not.
 *
 * @example
 * galleryContentSecurityPolicy({ authOrigin: 'https://mf.auth.eu-west-1.amazoncognito.com' });
 */
export function galleryContentSecurityPolicy(options: GalleryCspOptions = {}): string {
  const connect = ["'self'", ...(options.authOrigin === undefined ? [] : [asOrigin(options.authOrigin)]), ...(options.uploadOrigins ?? [])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The gallery config names the hosted UI domain with or without its scheme; a CSP source needs one. */
function asOrigin(value: string): string {
  return Token.isUnresolved(value) || /^https?:\/\//.test(value) ? value : `https://${value}`;
}

/**
 * The site's front door, one CloudFront distribution: the gallery (S3, SPA routing) at `/`,
 * renditions of the media bucket at `/media/*`, the HTTP API at `/api/*`; with an optional custom
 * domain, its certificate and DNS records, and access logs.
 */
export class MediaDelivery extends Construct {
  readonly distribution: Distribution;
  /** `https://` and the custom domain, or the distribution's own domain. */
  readonly siteUrl: string;
  /** Base of rendition URLs (`${mediaBaseUrl}/${key}`), the API's `MEDIA_BASE_URL`. */
  readonly mediaBaseUrl: string;
  readonly galleryBucket: Bucket;
  /** Receives the distribution's standard logs under `cloudfront/`. */
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: MediaDeliveryProps) {
    super(scope, id);
    if (props.media.encryptionKey !== undefined) {
      // Letting CloudFront decrypt would need the key's policy to name the distribution, which in
      // turn depends on the bucket and so on the key: a cycle CDK only breaks with a wildcard.
      throw new Error('MediaDelivery serves media only from a bucket with S3-managed encryption; this one uses a KMS key');
    }
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const autoDeleteObjects = !props.retain;
    const common = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy,
      autoDeleteObjects,
    };

    // CloudFront standard logging is delivered by the log-delivery account through an object ACL,
    // so this one bucket keeps ACLs enabled; everything else keeps them disabled. Public access stays
    // blocked, and with "bucket owner preferred" the delivered logs belong to this account.
    this.logBucket = new Bucket(this, 'DistributionLogs', {
      ...common,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: LOG_RETENTION }],
      ...(props.accessLogs === undefined ? {} : { serverAccessLogsBucket: props.accessLogs, serverAccessLogsPrefix: 'distribution-logs/' }),
    });
    // CDK's interfaces declare optional members without `| undefined`, so under
    // exactOptionalPropertyTypes a Bucket only passes as IBucket with an assertion.
    const logBucket = this.logBucket as IBucket;

    this.galleryBucket = new Bucket(this, 'Gallery', {
      ...common,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs ?? logBucket,
      serverAccessLogsPrefix: 'gallery/',
    });
    const galleryBucket = this.galleryBucket as IBucket;

    const certificate = props.domain === undefined ? undefined : this.certificate(props.domain);

    const galleryHeaders = new ResponseHeadersPolicy(this, 'GalleryHeaders', {
      comment: 'Mediaflow gallery: HSTS, CSP, no framing, no sniffing',
      securityHeadersBehavior: {
        strictTransportSecurity: HSTS,
        contentSecurityPolicy: {
          contentSecurityPolicy: galleryContentSecurityPolicy({
            ...(props.authOrigin === undefined ? {} : { authOrigin: props.authOrigin }),
            uploadOrigins: props.uploadOrigins ?? [`https://${props.media.bucketName}.s3.${props.media.env.region}.${Aws.URL_SUFFIX}`],
          }),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // The hosted UI sees where sign-in started, never the path or query (which may name an item).
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          // Sign-in is a full-page redirect, not a popup, so no other window needs a handle on the gallery.
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()', override: true },
        ],
      },
    });

    const mediaHeaders = new ResponseHeadersPolicy(this, 'MediaHeaders', {
      comment: 'Mediaflow renditions: inert, same-origin only, HSTS',
      securityHeadersBehavior: {
        strictTransportSecurity: HSTS,
        contentSecurityPolicy: { contentSecurityPolicy: MEDIA_CSP, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      // Only the gallery's own pages may embed renditions; hotlinking from other sites fails in the
      // browser. Cache-Control stays the object's own: a default added here would also make S3's
      // 403 for a key not written yet stick in browsers.
      customHeadersBehavior: { customHeaders: [{ header: 'Cross-Origin-Resource-Policy', value: 'same-origin', override: true }] },
    });

    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'Mediaflow API: HSTS, no framing, no sniffing',
      securityHeadersBehavior: {
        strictTransportSecurity: HSTS,
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // Rendition keys change when their bytes do, so the edge may keep them for long; headers,
    // cookies and query strings play no part in what S3 returns. Range requests (video seeking,
    // audio) are answered by CloudFront from the cached object or forwarded, with no setting.
    const mediaCachePolicy = new CachePolicy(this, 'MediaCachePolicy', {
      comment: 'Mediaflow renditions: immutable keys, nothing from the viewer in the cache key',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(30),
      maxTtl: Duration.days(365),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const galleryFunction = new EdgeFunction(this, 'GalleryRequest', {
      comment: 'Mediaflow gallery: serve index.html for the app routes',
      code: FunctionCode.fromInline(GALLERY_REQUEST_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });
    const mediaFunction = new EdgeFunction(this, 'MediaRequest', {
      comment: 'Mediaflow media: map /media/renditions/* to the bucket, 404 otherwise',
      code: FunctionCode.fromInline(MEDIA_REQUEST_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    // CDK's OAC grant would let the distribution read every object of the media bucket. Handing the
    // origin a reference to the bucket (rather than the bucket) keeps CDK from writing that grant;
    // the statement below grants `renditions/*` only.
    const mediaOriginBucket = Bucket.fromBucketAttributes(this, 'MediaOriginBucket', {
      bucketArn: props.media.bucketArn,
      bucketName: props.media.bucketName,
      bucketRegionalDomainName: props.media.bucketRegionalDomainName,
    });
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      'The media bucket policy is written by MediaDelivery itself, limited to renditions/*.',
    );

    const redirect = ViewerProtocolPolicy.REDIRECT_TO_HTTPS;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Mediaflow: gallery, media and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
      // Cookies carry the media token; logs need not.
      logIncludesCookies: false,
      ...(certificate === undefined || props.domain === undefined
        ? {}
        : {
            certificate,
            domainNames: [props.domain.domainName],
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: SSLMethod.SNI,
          }),
      ...(props.webAclArn === undefined ? {} : { webAclId: props.webAclArn }),
      ...(props.geoRestriction === undefined ? {} : { geoRestriction: props.geoRestriction }),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(galleryBucket),
        viewerProtocolPolicy: redirect,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: galleryHeaders,
        compress: true,
        functionAssociations: [{ function: galleryFunction, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/media/*': {
          origin: S3BucketOrigin.withOriginAccessControl(mediaOriginBucket),
          viewerProtocolPolicy: redirect,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachedMethods: CachedMethods.CACHE_GET_HEAD,
          cachePolicy: mediaCachePolicy,
          responseHeadersPolicy: mediaHeaders,
          compress: true,
          functionAssociations: [{ function: mediaFunction, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
        '/api/*': {
          origin: new HttpOrigin(props.apiDomainName, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: redirect,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // API Gateway routes on its own host name, so the viewer's Host must not reach it; the
          // Authorization header and the query string must.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: apiHeaders,
        },
      },
    });

    const granted = props.media.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudFrontReadsRenditions',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [props.media.arnForObjects('renditions/*')],
        conditions: { StringEquals: { 'AWS:SourceArn': this.distribution.distributionArn } },
      }),
    );
    // An imported bucket's policy is not this stack's to change: without the grant every rendition would be a 403.
    if (!granted.statementAdded) throw new Error('MediaDelivery must be able to add the renditions/* grant to the media bucket policy; pass a bucket defined in this app, not an imported one');

    const host = props.domain?.domainName ?? this.distribution.distributionDomainName;
    this.siteUrl = `https://${host}`;
    this.mediaBaseUrl = `${this.siteUrl}/media`;

    if (props.domain !== undefined) this.aliasRecords(props.domain, this.distribution);
    this.deployGallery(props.gallery, galleryBucket, this.distribution);
    this.acknowledgeFindings(props);
  }

  /** The given us-east-1 certificate, or a new DNS-validated one where CloudFormation can create it. */
  private certificate(domain: DeliveryDomain): ICertificate {
    if (domain.certificateArn !== undefined) {
      const arn = domain.certificateArn;
      if (!Token.isUnresolved(arn)) {
        const region = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).region;
        if (region !== 'us-east-1') throw new Error(`MediaDelivery: CloudFront only uses ACM certificates from us-east-1, but ${arn} is in ${region}`);
      }
      return Certificate.fromCertificateArn(this, 'Certificate', arn);
    }
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region) || region !== 'us-east-1') {
      const where = Token.isUnresolved(region) ? 'a region decided at deploy time' : region;
      throw new Error(
        `MediaDelivery: ${domain.domainName} needs an ACM certificate in us-east-1, and this stack is in ${where}; ` +
          'create one there and pass its ARN as domain.certificateArn',
      );
    }
    return new Certificate(this, 'Certificate', {
      domainName: domain.domainName,
      validation: CertificateValidation.fromDns(this.zone(domain)),
    });
  }

  private zone(domain: DeliveryDomain): IHostedZone {
    const existing = this.node.tryFindChild('Zone');
    if (existing !== undefined) return existing as IHostedZone;
    const { domainName, zoneName, hostedZoneId } = domain;
    if (!Token.isUnresolved(domainName) && !Token.isUnresolved(zoneName) && domainName !== zoneName && !domainName.endsWith(`.${zoneName}`)) {
      throw new Error(`MediaDelivery: ${domainName} is not in the hosted zone ${zoneName}`);
    }
    return HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId, zoneName });
  }

  /** IPv4 and IPv6 alias records, so both halves of the dual-stack distribution are reachable by name. */
  private aliasRecords(domain: DeliveryDomain, distribution: Distribution): void {
    const zone = this.zone(domain);
    const target = RecordTarget.fromAlias(new CloudFrontTarget(distribution as IDistribution));
    new ARecord(this, 'AliasA', { zone, recordName: domain.domainName, target });
    new AaaaRecord(this, 'AliasAaaa', { zone, recordName: domain.domainName, target });
  }

  /**
   * Two deployments, so each file gets the Cache-Control its name allows: hashed files under
   * `assets/` forever, everything else (index.html, config.json, favicon) revalidated on use. Old
   * hashed files stay (no pruning): a tab opened before a release still loads its lazy chunks.
   */
  private deployGallery(gallery: GalleryBundle, bucket: IBucket, distribution: Distribution): void {
    const assets = new BucketDeployment(this, 'DeployGalleryAssets', {
      sources: [gallery.source],
      destinationBucket: bucket,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.fromString(IMMUTABLE)],
    });
    const pages = new BucketDeployment(this, 'DeployGalleryPages', {
      sources: [gallery.source, Source.jsonData('config.json', gallery.config(this.siteUrl))],
      destinationBucket: bucket,
      exclude: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.fromString(REVALIDATE)],
      // The viewer-request function rewrites every app route before the cache lookup, so the edge
      // holds the page once, as /index.html; these two paths are the release's only unhashed state.
      distribution,
      distributionPaths: ['/index.html', '/config.json'],
    });
    // A new index.html must not be visible before the chunks it names are.
    pages.node.addDependency(assets);
  }

  /** cdk-nag findings that stand, each for a reason that holds for this construct's design. */
  private acknowledgeFindings(props: MediaDeliveryProps): void {
    const distribution = Validations.of(this.distribution);
    if (props.geoRestriction === undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason: 'The gallery serves its users wherever they are; no country is excluded by design. A stage that must restrict passes geoRestriction.',
      });
    }
    if (props.webAclArn === undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason:
          'A WAF web ACL costs at least $5 a month plus per-request fees even when idle; every /api/* route needs a Cognito JWT and is throttled by API Gateway, and /media/* and the gallery are static files behind origin access control. Stages that want WAF pass webAclArn.',
      });
    }
    if (props.domain === undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution can only use the default *.cloudfront.net certificate, whose security policy CloudFront fixes; stages with a domain get TLSv1.2_2021.',
      });
    }

    // BucketDeployment runs one CDK-provided singleton function per stack to copy the build into
    // the bucket. Its policy is complete only once every deployment of the stack has granted what
    // it needs, so its wildcard findings are acknowledged at synthesis, each checked against the
    // shapes CDK grants for this construct's deployments; any other wildcard still fails.
    const galleryBucketId = Stack.of(this).getLogicalId(this.galleryBucket.node.defaultChild as CfnBucket);
    for (const child of Stack.of(this).node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      Validations.of(child).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK-provided handler that copies the gallery build into its bucket at deploy time; the managed policy only lets it write its own logs.',
      });
      Validations.of(child).acknowledge({
        id: 'AwsSolutions::AwsSolutions-L1',
        reason: "aws-cdk-lib pins the deployment handler's Python runtime and moves it with its releases; the function runs only during deployments and serves no traffic.",
      });
      // Ahead of read-only aspects (cdk-nag's, which copies acknowledgements into the template).
      Aspects.of(child).add(new AcknowledgeDeploymentWildcards(galleryBucketId), { priority: AspectPriority.MUTATING });
    }
  }
}

/** Why each kind of wildcard in the deployment handler's policy is what it must be. */
const DEPLOYMENT_WILDCARD_REASONS: readonly { readonly finding: (galleryBucketId: string) => RegExp; readonly reason: string }[] = [
  {
    finding: () => /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*$/,
    reason: "CDK's read and read-write grant action groups for the deployment handler: it reads the build from the asset bucket and syncs it into the gallery bucket.",
  },
  {
    finding: (galleryBucketId) => new RegExp(`^Resource::<${galleryBucketId}\\.Arn>/\\*$`),
    reason: 'The deployment handler writes the gallery build to any key of the gallery bucket, which holds nothing else.',
  },
  {
    finding: () => /^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-[^/]+\/\*$/,
    reason: "The deployment handler reads the gallery build from CDK's bootstrap asset bucket, whose object keys are content hashes.",
  },
  {
    finding: () => /^Resource::\*$/,
    reason: 'CDK grants cloudfront:CreateInvalidation and GetInvalidation on all distributions to the deployment handler; it only invalidates /index.html and /config.json of this one.',
  },
];

/**
 * Acknowledges the wildcard findings (AwsSolutions-IAM5) on the policy of CDK's bucket deployment
 * handler that match the grants BucketDeployment makes for the gallery, with the reason for each.
 */
class AcknowledgeDeploymentWildcards implements IAspect {
  constructor(private readonly galleryBucketId: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnPolicy)) return;
    const findings = rules.iam.IAMNoWildcardPermissions(node);
    if (!Array.isArray(findings)) return;
    for (const finding of findings) {
      const known = DEPLOYMENT_WILDCARD_REASONS.find((candidate) => candidate.finding(this.galleryBucketId).test(finding));
      if (known !== undefined) Validations.of(node).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason: known.reason });
    }
  }
}
