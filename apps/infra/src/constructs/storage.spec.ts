import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { ORIGINALS_POLICIES, originalsStorageRules, type OriginalsStorageRules } from '@mediaflow/cost-model';
import { APP_CONTEXT } from '../config.js';
import { MediaStorage } from './storage.js';

const ORIGIN = 'https://gallery.example.com';

function storageTemplate(
  retain: boolean,
  uploadOrigins: readonly string[] = [ORIGIN],
  originals?: OriginalsStorageRules,
): { template: Template; stack: Stack; storage: MediaStorage } {
  const stack = new Stack(new App({ context: { ...APP_CONTEXT } }), 'Test');
  const storage = new MediaStorage(stack, 'Storage', { uploadOrigins, retain, ...(originals === undefined ? {} : { originals }) });
  return { template: Template.fromStack(stack), stack, storage };
}

interface LifecycleConfiguration {
  Rules: { Id?: string; Prefix?: string; Transitions?: unknown[] }[];
  TransitionDefaultMinimumObjectSize?: string;
}

function mediaLifecycle(built: ReturnType<typeof storageTemplate>): LifecycleConfiguration {
  const bucket = built.template.findResources('AWS::S3::Bucket')[logicalId(built.stack, built.storage, 'media')];
  return bucket?.Properties.LifecycleConfiguration as LifecycleConfiguration;
}

/** The media bucket's lifecycle as the cost model's definition of a policy says it must be. */
function expectedLifecycle(rules: OriginalsStorageRules): { originalsRules: unknown[]; minimumSize: string } {
  return {
    originalsRules:
      rules.transitions.length === 0
        ? []
        : [
            {
              Id: 'originals-storage-class',
              Prefix: 'originals/',
              Status: 'Enabled',
              Transitions: rules.transitions.map((t) => ({ StorageClass: t.storageClass, TransitionInDays: t.afterDays })),
            },
          ],
    // S3 names the 128 KB floor in KB; the definition holds it in bytes.
    minimumSize: `all_storage_classes_${rules.minimumObjectBytes / 1024}K`,
  };
}

function logicalId(stack: Stack, storage: MediaStorage, name: 'media' | 'accessLogs'): string {
  return stack.getLogicalId(storage[name].node.defaultChild as CfnBucket);
}

describe('MediaStorage', () => {
  const { template, stack, storage } = storageTemplate(false);
  const media = (): { Properties: Record<string, unknown> & { LifecycleConfiguration: { Rules: unknown[] } } } =>
    template.findResources('AWS::S3::Bucket')[logicalId(stack, storage, 'media')] as never;

  it('creates the media bucket and the access log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
  });

  it('blocks public access, encrypts and disables ACLs on every bucket', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
  });

  it('denies every request that does not use TLS, on every bucket', () => {
    for (const name of ['media', 'accessLogs'] as const) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(stack, storage, name) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('versions the media bucket and expires old versions after 30 days', () => {
    expect(media().Properties['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(media().Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' })]),
    );
  });

  it('expires archives under downloads/ after a day, and their old versions a day later', () => {
    expect(media().Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([{ Id: 'expire-downloads', Prefix: 'downloads/', ExpirationInDays: 1, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }]),
    );
  });

  it('aborts stale multipart uploads after a day', () => {
    expect(media().Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' })]),
    );
  });

  // This replaces "originals to IA after 90 days": the bucket said 90 days while the cost model
  // priced 30, so both now read the one definition in @mediaflow/cost-model.
  it('moves originals, and only originals, through the storage classes and days the cost model prices by default', () => {
    const expected = expectedLifecycle(originalsStorageRules());
    const lifecycle = mediaLifecycle({ template, stack, storage });
    expect(lifecycle.Rules.filter((rule) => rule.Prefix === 'originals/')).toEqual(expected.originalsRules);
    expect(lifecycle.TransitionDefaultMinimumObjectSize).toBe(expected.minimumSize);
    expect(lifecycle.Rules.filter((rule) => rule.Transitions !== undefined && rule.Prefix !== 'originals/')).toEqual([]);
    // The deployed default is Glacier Instant Retrieval the day after upload.
    expect(expected.originalsRules).toEqual([expect.objectContaining({ Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 1 }] })]);
  });

  it.each(ORIGINALS_POLICIES)('writes the %s policy into the bucket exactly as the cost model defines it', (policy) => {
    const rules = originalsStorageRules(policy);
    const expected = expectedLifecycle(rules);
    const lifecycle = mediaLifecycle(storageTemplate(false, [ORIGIN], rules));
    expect(lifecycle.Rules.filter((rule) => rule.Prefix === 'originals/')).toEqual(expected.originalsRules);
    expect(lifecycle.TransitionDefaultMinimumObjectSize).toBe(expected.minimumSize);
  });

  it('refuses a policy whose size floor the bucket cannot state', () => {
    expect(() => storageTemplate(false, [ORIGIN], { ...originalsStorageRules(), minimumObjectBytes: 64 * 1024 })).toThrow(/128 KB/);
  });

  it('logs access to the media bucket into the access log bucket, which keeps logs a year', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack, storage, 'accessLogs') }, LogFilePrefix: 'media/' },
    });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] } });
  });

  it('lets only the gallery origin PUT uploads (single or parts) and read back the ETag', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: [ORIGIN], AllowedMethods: ['PUT'], ExposedHeaders: ['ETag'] })] },
    });
  });

  it('deletes buckets with the stack on throwaway stages and retains them otherwise', () => {
    expect(Object.values(template.findResources('AWS::S3::Bucket')).every((bucket) => bucket.DeletionPolicy === 'Delete')).toBe(true);
    const retained = storageTemplate(true).template;
    const buckets = Object.values(retained.findResources('AWS::S3::Bucket'));
    expect(buckets.every((bucket) => bucket.DeletionPolicy === 'Retain' && bucket.UpdateReplacePolicy === 'Retain')).toBe(true);
    retained.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});
