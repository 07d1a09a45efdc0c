import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  type IBucket,
  BucketEncryption,
  HttpMethods,
  type LifecycleRule,
  ObjectOwnership,
  StorageClass,
  TransitionDefaultMinimumObjectSize,
} from 'aws-cdk-lib/aws-s3';
import { originalsStorageRules, type OriginalsStorageRules } from '@mediaflow/cost-model';
import { DOWNLOADS_PREFIX } from '@mediaflow/domain';
import { Construct } from 'constructs';

export interface MediaStorageProps {
  /**
   * Origins allowed to upload straight to S3 with presigned URLs (the gallery's). The presigned
   * URL is what authorises an upload; the origin list only decides which pages may read S3's
   * answer (the part ETags a multipart upload needs). `*` when the gallery's origin is not known
   * at synthesis: the distribution's generated domain cannot be named here without a cycle.
   */
  readonly uploadOrigins: readonly string[];
  /** Keep the buckets and their objects when the stack goes away; on for every stage that holds real media. */
  readonly retain: boolean;
  /**
   * Where originals go as they age: one of `ORIGINALS_STORAGE_RULES` of `@mediaflow/cost-model`, the
   * definition the cost model prices. Default: the policy the model chose (`DEFAULT_ORIGINALS_POLICY`).
   */
  readonly originals?: OriginalsStorageRules;
}

/** Key prefixes of the media bucket (DESIGN.md, "Keys and data"). */
export const ORIGINALS_PREFIX = 'originals/';
export const RENDITIONS_PREFIX = 'renditions/';
/** Archives (zips of a selection or a library) and their records: `downloads/{owner}/{archive}/`. */
export { DOWNLOADS_PREFIX };

/** How long S3 keeps an archive: a day, the service's `ARCHIVE_RETENTION_SECONDS` (lifecycle rules count whole days). */
const DOWNLOADS_RETENTION = Duration.days(1);

/**
 * The media bucket and the access log bucket it writes to. One bucket holds both key spaces,
 * `originals/` (what users upload, the only copy of their media) and `renditions/` (derived, can
 * be rebuilt), as the object store port and MediaConvert jobs address them: grants, lifecycle
 * rules and the CDN are scoped by prefix.
 */
export class MediaStorage extends Construct {
  readonly media: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: MediaStorageProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const autoDeleteObjects = !props.retain;
    const common = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      autoDeleteObjects,
    };

    const accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });

    // CDK's interfaces declare optional members without `| undefined`, so under
    // exactOptionalPropertyTypes a Bucket only passes as IBucket with an assertion.
    const logsTarget = accessLogs as IBucket;

    const originals = props.originals ?? originalsStorageRules();
    this.media = new Bucket(this, 'Media', {
      ...common,
      // Versioning protects originals against a bad overwrite or delete; renditions are written
      // once under new names, so it costs them almost nothing.
      versioned: true,
      serverAccessLogsBucket: logsTarget,
      serverAccessLogsPrefix: 'media/',
      // The browser PUTs bytes with a presigned URL (single or per part) and needs each part's
      // ETag back to complete a multipart upload, so ETag is exposed to the page's script.
      cors: [
        {
          allowedOrigins: [...props.uploadOrigins],
          allowedMethods: [HttpMethods.PUT],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        // A multipart upload the browser gave up on keeps its parts, billed, until aborted.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...originalsLifecycle(originals),
        // Old versions are a safety net for a month, not a second archive.
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) },
        // Zips live a day (`ARCHIVE_RETENTION_SECONDS`: an owner's next request removes their older
        // ones, this rule those of owners who never ask again), their old versions a day more.
        { id: 'expire-downloads', prefix: DOWNLOADS_PREFIX, expiration: DOWNLOADS_RETENTION, noncurrentVersionExpiration: Duration.days(1) },
      ],
      transitionDefaultMinimumObjectSize: transitionMinimumSize(originals),
    });
    this.accessLogs = accessLogs;
  }
}

/**
 * The lifecycle rule that carries out an originals policy: its transitions, on `originals/` only.
 * None when the policy keeps originals in Standard.
 */
function originalsLifecycle(rules: OriginalsStorageRules): LifecycleRule[] {
  if (rules.transitions.length === 0) return [];
  return [
    {
      id: 'originals-storage-class',
      prefix: ORIGINALS_PREFIX,
      transitions: rules.transitions.map((t) => ({ storageClass: new StorageClass(t.storageClass), transitionAfter: Duration.days(t.afterDays) })),
    },
  ];
}

/**
 * The bucket's floor under which lifecycle rules move nothing: S3 offers 128 KB for every class
 * (its default since September 2024), stated here so the bucket keeps it whatever the default
 * becomes. A rule-level size filter could express other floors, but it would apply to one rule only.
 */
function transitionMinimumSize(rules: OriginalsStorageRules): TransitionDefaultMinimumObjectSize {
  if (rules.minimumObjectBytes !== 128 * 1024) {
    throw new Error(`MediaStorage keeps objects under 128 KB out of lifecycle transitions (S3's all_storage_classes_128K); policy ${rules.policy} asks for ${rules.minimumObjectBytes} bytes`);
  }
  return TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K;
}
