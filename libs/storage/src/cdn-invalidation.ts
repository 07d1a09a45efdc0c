import { randomUUID } from 'node:crypto';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { renditionPrefix, type EdgeCache } from '@mediaflow/domain';
import { z } from 'zod';

export const CloudFrontEdgeCacheConfigSchema = z.object({
  /** The distribution serving renditions, e.g. `E2QWRUHAPOMQZL`. */
  distributionId: z.string().regex(/^[A-Z0-9]{1,64}$/, 'must be a CloudFront distribution id'),
  /**
   * The path renditions' object keys are served under, with its slashes: `/media/` serves
   * `renditions/...` at `/media/renditions/...` (the pathname of the functions' `MEDIA_BASE_URL`).
   */
  pathPrefix: z
    .string()
    .regex(/^\/([A-Za-z0-9._~-]+\/)*$/, 'must start and end with "/"')
    .default('/media/'),
});
export type CloudFrontEdgeCacheConfig = z.input<typeof CloudFrontEdgeCacheConfigSchema>;

/**
 * The EdgeCache of a CloudFront distribution: one `CreateInvalidation` per item, for the item's
 * renditions as viewers ask for them, `<pathPrefix>renditions/<ownerId>/<itemId>/*`, and as the
 * distribution caches them: its viewer-request function strips `pathPrefix` to reach the object
 * key, and the edge keys its copies by the changed URI, so `/renditions/<ownerId>/<itemId>/*` too
 * (CloudFront's guide asks for both URIs when a function changes one). CloudFront prices
 * invalidations per path and counts a wildcard as one, so an item costs two paths however many
 * renditions and HLS segments it has; the trailing `/` keeps an item whose id begins with this
 * one's out of it.
 *
 * Each call has its own `CallerReference`: CloudFront treats a reused one as the same request, so
 * the SDK's retries of one call are idempotent and two calls are two invalidations. At most 15
 * wildcard paths may be in progress per distribution (CloudFront's quota); beyond that CloudFront
 * answers `TooManyInvalidationsInProgress`, which the caller logs (the copies then expire on their own).
 *
 * @example
 * const edge = new CloudFrontEdgeCache({ distributionId: 'E2QWRUHAPOMQZL' });
 * await edge.invalidateItem('alice', '01J0ABCDEFGHJKMNPQRSTVWXYZ'); // /media/renditions/alice/01J0.../* and /renditions/alice/01J0.../*
 */
export class CloudFrontEdgeCache implements EdgeCache {
  private readonly config: z.output<typeof CloudFrontEdgeCacheConfigSchema>;

  constructor(
    config: CloudFrontEdgeCacheConfig,
    // CloudFront's API is global: its endpoint and signing region are us-east-1's from any region.
    private readonly client: CloudFrontClient = new CloudFrontClient({ region: 'us-east-1' }),
    private readonly callerReference: () => string = randomUUID,
  ) {
    this.config = CloudFrontEdgeCacheConfigSchema.parse(config);
  }

  /** The paths that cover every rendition of the item: as viewers ask for it, and as the edge caches it. */
  pathsOf(ownerId: string, itemId: string): string[] {
    const requested = `${this.config.pathPrefix}${renditionPrefix(ownerId, itemId)}*`;
    const cached = `/${renditionPrefix(ownerId, itemId)}*`;
    return requested === cached ? [requested] : [requested, cached];
  }

  async invalidateItem(ownerId: string, itemId: string): Promise<void> {
    const paths = this.pathsOf(ownerId, itemId);
    await this.client.send(
      new CreateInvalidationCommand({
        DistributionId: this.config.distributionId,
        InvalidationBatch: { CallerReference: this.callerReference(), Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
  }
}
