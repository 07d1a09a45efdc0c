import { CloudFrontClient, CreateInvalidationCommand, TooManyInvalidationsInProgress } from '@aws-sdk/client-cloudfront';
import { ValidationError } from '@mediaflow/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFrontEdgeCache } from './cdn-invalidation.js';

const cloudfront = mockClient(CloudFrontClient);
const client = new CloudFrontClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
const ITEM = '01JQ0000000000000000000004';

beforeEach(() => {
  cloudfront.reset();
  cloudfront.on(CreateInvalidationCommand).resolves({ Invalidation: { Id: 'I2J0I21PCUYOIK', Status: 'InProgress', CreateTime: new Date(), InvalidationBatch: undefined } });
});

describe('CloudFrontEdgeCache', () => {
  it("asks for the item's rendition prefix as viewers request it and as the edge caches it (the viewer-request function strips the media path)", async () => {
    let n = 0;
    const edge = new CloudFrontEdgeCache({ distributionId: 'E2QWRUHAPOMQZL' }, client, () => `ref-${(n += 1)}`);
    await edge.invalidateItem('alice', ITEM);
    expect(cloudfront.commandCalls(CreateInvalidationCommand).map((c) => c.args[0].input)).toEqual([
      {
        DistributionId: 'E2QWRUHAPOMQZL',
        InvalidationBatch: { CallerReference: 'ref-1', Paths: { Quantity: 2, Items: [`/media/renditions/alice/${ITEM}/*`, `/renditions/alice/${ITEM}/*`] } },
      },
    ]);
  });

  it('gives every call its own CallerReference, so a second delete of the same item is a new invalidation', async () => {
    const edge = new CloudFrontEdgeCache({ distributionId: 'E2QWRUHAPOMQZL', pathPrefix: '/' }, client);
    await edge.invalidateItem('alice', ITEM);
    await edge.invalidateItem('alice', ITEM);
    const inputs = cloudfront.commandCalls(CreateInvalidationCommand).map((c) => c.args[0].input.InvalidationBatch);
    expect(inputs.map((b) => b?.Paths?.Items)).toEqual([[`/renditions/alice/${ITEM}/*`], [`/renditions/alice/${ITEM}/*`]]);
    expect(new Set(inputs.map((b) => b?.CallerReference)).size).toBe(2);
  });

  it("passes CloudFront's refusal on to the caller, which decides what a failure means", async () => {
    cloudfront.on(CreateInvalidationCommand).rejects(new TooManyInvalidationsInProgress({ message: 'Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.', $metadata: { httpStatusCode: 400 } }));
    await expect(new CloudFrontEdgeCache({ distributionId: 'E2QWRUHAPOMQZL' }, client).invalidateItem('alice', ITEM)).rejects.toBeInstanceOf(TooManyInvalidationsInProgress);
  });

  it('refuses ids that would widen the path, before calling CloudFront', async () => {
    const edge = new CloudFrontEdgeCache({ distributionId: 'E2QWRUHAPOMQZL' }, client);
    await expect(edge.invalidateItem('alice', '*')).rejects.toBeInstanceOf(ValidationError);
    await expect(edge.invalidateItem('../bob', ITEM)).rejects.toBeInstanceOf(ValidationError);
    expect(cloudfront.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
  });

  it('refuses a configuration that is not a distribution id or a path prefix', () => {
    expect(() => new CloudFrontEdgeCache({ distributionId: 'arn:aws:cloudfront::1:distribution/E2' }, client)).toThrow();
    expect(() => new CloudFrontEdgeCache({ distributionId: 'E2QWRUHAPOMQZL', pathPrefix: '/media' }, client)).toThrow();
  });
});
