import { AspectPriority, Aspects, Stack, Validations, type IAspect } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { rules } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import { acknowledgeCdkHandler } from '../nag.js';

/** The single-page gallery: its build output and the `/config.json` it reads at start. */
export interface GalleryBundle {
  /** The built gallery (`apps/web-gallery/dist`), e.g. `Source.asset(...)`. */
  readonly source: ISource;
  /** Builds `/config.json` from the site URL (`https://...`, without a trailing slash); values may be tokens. */
  readonly config: (siteUrl: string) => Record<string, unknown>;
}

export interface GallerySiteProps {
  readonly gallery: GalleryBundle;
  /** The gallery bucket, the distribution's default origin. */
  readonly bucket: IBucket;
  /** The distribution serving it, whose edge copies of the unhashed files are invalidated on each release. */
  readonly distribution: IDistribution;
  /** `https://` and the site's host, without a trailing slash. */
  readonly siteUrl: string;
}

/** Cache-Control of the files whose names carry their content hash: they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** `index.html` and `config.json` keep their names across releases, so every use revalidates them. */
const REVALIDATE = 'no-cache';

/**
 * Publishes the gallery build and its `/config.json` into the gallery bucket, in `scope` (the
 * distribution's construct, where the deployments' logical IDs have always been).
 *
 * Two deployments, so each file gets the Cache-Control its name allows: hashed files under
 * `assets/` forever, everything else (index.html, config.json, favicon) revalidated on use. Old
 * hashed files stay (no pruning): a tab opened before a release still loads its lazy chunks.
 */
export function deployGallerySite(scope: Construct, props: GallerySiteProps): void {
  const { gallery, bucket, distribution } = props;
  const assets = new BucketDeployment(scope, 'DeployGalleryAssets', {
    sources: [gallery.source],
    destinationBucket: bucket,
    exclude: ['*'],
    include: ['assets/*'],
    prune: false,
    cacheControl: [CacheControl.fromString(IMMUTABLE)],
  });
  const pages = new BucketDeployment(scope, 'DeployGalleryPages', {
    sources: [gallery.source, Source.jsonData('config.json', gallery.config(props.siteUrl))],
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

/**
 * cdk-nag findings of the function CDK adds to the stack to copy the build into the bucket.
 * BucketDeployment runs one singleton function per stack, whose policy is complete only once
 * every deployment of the stack has granted what it needs, so its wildcard findings are
 * acknowledged at synthesis, each checked against the shapes CDK grants for the gallery's
 * deployments; any other wildcard still fails.
 */
export function acknowledgeGalleryDeploymentHandler(scope: Construct, galleryBucket: IBucket): void {
  const galleryBucketId = Stack.of(scope).getLogicalId(galleryBucket.node.defaultChild as CfnBucket);
  acknowledgeCdkHandler(scope, 'Custom::CDKBucketDeployment', 'CDK-provided handler that copies the gallery build into its bucket at deploy time; the managed policy only lets it write its own logs.', {
    id: 'AwsSolutions::AwsSolutions-L1',
    reason: "aws-cdk-lib pins the deployment handler's Python runtime and moves it with its releases; the function runs only during deployments and serves no traffic.",
  });
  for (const child of Stack.of(scope).node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    // Ahead of read-only aspects (cdk-nag's, which copies acknowledgements into the template).
    Aspects.of(child).add(new AcknowledgeDeploymentWildcards(galleryBucketId), { priority: AspectPriority.MUTATING });
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
