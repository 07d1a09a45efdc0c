import { Annotations, Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as EdgeFunction,
  FunctionEventType,
  FunctionRuntime,
  type GeoRestriction,
  HttpVersion,
  type IDistribution,
  type IKeyGroup,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  SSLMethod,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { cloudFrontFunctionCode } from '../cloudfront/functions.js';
import { acknowledgeGalleryDeploymentHandler, deployGallerySite, type GalleryBundle } from './gallery-site.js';
import type { OriginSecret } from './origin-secret.js';
import { responseHeaderPolicies } from './response-headers.js';
import { domainAliasRecords, domainCertificate, type DeliveryDomain } from './site-domain.js';

export interface MediaDeliveryProps {
  /** Bucket whose `renditions/` are served under `/media/renditions/...`; nothing else of it is reachable through the CDN. */
  readonly media: IBucket;
  /** Host name of the HTTP API's default endpoint, `${apiId}.execute-api.${region}.amazonaws.com`, served under `/api/*`. */
  readonly apiDomainName: string;
  /**
   * Sent with every request forwarded to the API (an origin custom header), which the api function
   * refuses without it: the execute-api endpoint then answers only through this distribution.
   */
  readonly apiOriginSecret: OriginSecret;
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
  /**
   * Key groups whose signed cookies (or URLs) `/media/*` asks of every request (`MediaSigning.keyGroup`):
   * CloudFront answers 403 to a request without a valid signature for the URL. Without any, a
   * rendition's URL alone is enough to fetch it.
   */
  readonly trustedKeyGroups?: readonly IKeyGroup[];
}

/** CloudFront and S3 access logs hold viewers' IP addresses; they are kept for a year, as the buckets' own. */
const LOG_RETENTION = Duration.days(365);

/**
 * The site's front door, one CloudFront distribution: the gallery (S3, SPA routing) at `/`,
 * renditions of the media bucket at `/media/*`, the HTTP API at `/api/*`, with access logs. It
 * also publishes the gallery into its bucket (`gallery-site.ts`) and, with a custom domain, takes
 * its certificate and points its records at the distribution (`site-domain.ts`); those parts are
 * created in this construct's scope, so their logical IDs are the ones they always had.
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

    const certificate = props.domain === undefined ? undefined : domainCertificate(this, props.domain);

    const headers = responseHeaderPolicies(this, {
      ...(props.authOrigin === undefined ? {} : { authOrigin: props.authOrigin }),
      uploadOrigins: props.uploadOrigins ?? [`https://${props.media.bucketName}.s3.${props.media.env.region}.${Aws.URL_SUFFIX}`],
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
      code: cloudFrontFunctionCode('gallery-request'),
      runtime: FunctionRuntime.JS_2_0,
    });
    const mediaFunction = new EdgeFunction(this, 'MediaRequest', {
      comment: 'Mediaflow media: map /media/renditions/* to the bucket, 404 otherwise',
      code: cloudFrontFunctionCode('media-request'),
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
        responseHeadersPolicy: headers.gallery,
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
          responseHeadersPolicy: headers.media,
          compress: true,
          functionAssociations: [{ function: mediaFunction, eventType: FunctionEventType.VIEWER_REQUEST }],
          // Checked at the edge before the cache: a cached copy is served only with a valid signature too.
          ...(props.trustedKeyGroups === undefined || props.trustedKeyGroups.length === 0 ? {} : { trustedKeyGroups: [...props.trustedKeyGroups] }),
        },
        '/api/*': {
          origin: new HttpOrigin(props.apiDomainName, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
            // CloudFront sets it over any header of that name the viewer sent.
            customHeaders: { [props.apiOriginSecret.headerName]: props.apiOriginSecret.value },
          }),
          viewerProtocolPolicy: redirect,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // API Gateway routes on its own host name, so the viewer's Host must not reach it; the
          // Authorization header and the query string must.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers.api,
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

    if (props.domain !== undefined) domainAliasRecords(this, props.domain, this.distribution as IDistribution);
    deployGallerySite(this, { gallery: props.gallery, bucket: galleryBucket, distribution: this.distribution as IDistribution, siteUrl: this.siteUrl });
    this.acknowledgeFindings(props);
    acknowledgeGalleryDeploymentHandler(this, galleryBucket);
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
          'Only a stage paying CloudFront by usage has no web ACL (on a flat-rate plan the stage gets one, included in the fee): outside a plan a web ACL costs at least $5 a month plus per-request fees even when idle; every /api/* route needs a Cognito JWT except the health check, the OpenAPI document and the share links\u2019 visitor routes (/api/v1/shared/*), where the link\u2019s unguessable token (and its password, where the owner set one) is the credential and an unknown token costs one key read; API Gateway throttles every route (the visitor routes to their own share of the stage), owners are also limited per caller and unlock attempts per link, though without a web ACL nothing limits a single address. /media/* and the gallery are static files behind origin access control. Such stages that want WAF pass webAclArn.',
      });
    }
    if (props.domain === undefined) {
      distribution.acknowledge({
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution can only use the default *.cloudfront.net certificate, whose security policy CloudFront fixes; stages with a domain get TLSv1.2_2021.',
      });
    }
  }
}
