import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, type IBucket, BucketEncryption, HttpMethods, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface MediaStorageProps {
  /** Origin of the gallery (`https://...`): the only origin allowed to upload straight to S3. */
  readonly galleryOrigin: string;
  /** Keep buckets and their objects when the stack goes away; on for every stage that holds real media. */
  readonly retain: boolean;
  /** Days after which an original moves to Infrequent Access: they are read once, at processing time. */
  readonly originalsInfrequentAccessAfterDays?: number;
}

/**
 * The buckets: originals (what users upload, the only copy of their media), renditions (derived,
 * can be rebuilt from the originals) and the access log bucket both write to.
 */
export class MediaStorage extends Construct {
  readonly originals: Bucket;
  readonly renditions: Bucket;
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
    // A multipart upload the browser gave up on keeps its parts, billed, until aborted.
    const abortIncompleteUploads = { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) };

    const accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });

    // CDK's interfaces declare optional members without `| undefined`, so under
    // exactOptionalPropertyTypes a Bucket only passes as IBucket with an assertion.
    const logsTarget = accessLogs as IBucket;

    // The browser PUTs bytes with a presigned URL (single or per part) and needs the part's ETag
    // back to complete a multipart upload, so ETag must be exposed to the page's script.
    const uploadCors = [
      {
        allowedOrigins: [props.galleryOrigin],
        allowedMethods: [HttpMethods.PUT],
        allowedHeaders: ['*'],
        exposedHeaders: ['ETag'],
        maxAge: 3000,
      },
    ];

    this.originals = new Bucket(this, 'Originals', {
      ...common,
      versioned: true,
      serverAccessLogsBucket: logsTarget,
      serverAccessLogsPrefix: 'originals/',
      cors: uploadCors,
      lifecycleRules: [
        abortIncompleteUploads,
        {
          id: 'originals-infrequent-access',
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.originalsInfrequentAccessAfterDays ?? 90) }],
        },
        // Versioning protects against a bad overwrite or delete; old versions need not live forever.
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) },
      ],
    });

    this.renditions = new Bucket(this, 'Renditions', {
      ...common,
      serverAccessLogsBucket: logsTarget,
      serverAccessLogsPrefix: 'renditions/',
      lifecycleRules: [abortIncompleteUploads],
    });
    this.accessLogs = accessLogs;
  }
}
