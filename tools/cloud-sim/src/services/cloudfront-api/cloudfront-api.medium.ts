import { AccessDenied, CloudFrontClient, CreateInvalidationCommand, InconsistentQuantities, NoSuchDistribution } from '@aws-sdk/client-cloudfront';
import { EdgeCache } from '../../cloudfront/caching.js';
import { CredentialRegistry } from '../../gateway/credentials.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import type { SimEvent } from '../../types.js';
import { createCloudFrontApi, type CloudFrontApi } from './index.js';

const ROLE = 'arn:aws:iam::123456789012:role/Mediaflow-dev-ApiRole';
const GRANTED = 'arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL';
const key = (uri: string, encoding = '') => JSON.stringify(['GET', uri, encoding, '', [], []]);
const response = { status: 200, headers: {}, body: Buffer.from('bytes') };

describe('CloudFront CreateInvalidation through the gateway', () => {
  const events: SimEvent[] = [];
  const registry = new CredentialRegistry();
  const caches = new Map([
    ['E2QWRUHAPOMQZL', new EdgeCache()],
    ['E3OTHERDISTRIB', new EdgeCache()],
  ]);
  let gateway: Gateway;
  let api: CloudFrontApi;
  let cloudfront: CloudFrontClient;

  beforeAll(async () => {
    api = createCloudFrontApi({ distribution: (id) => caches.get(id), log: (event) => events.push(event) });
    gateway = await startGateway({
      credentials: registry,
      services: { cloudfront: api.handler },
      // The role's policy: CreateInvalidation on the one distribution.
      authorize: (principal, auth) =>
        principal.type === 'role' && auth.action === 'cloudfront:CreateInvalidation' && auth.resource === GRANTED
          ? { allowed: true, reason: 'identity policy allows' }
          : { allowed: false, reason: 'no statement allows' },
      log: (event) => events.push(event),
    });
    // As in a function of the stage: the SDK's own client, its endpoint the gateway.
    cloudfront = new CloudFrontClient({ endpoint: gateway.url, region: 'us-east-1', credentials: registry.issue({ roleArn: ROLE, sessionName: 'api' }), maxAttempts: 1 });
  });

  afterAll(async () => {
    cloudfront.destroy();
    await gateway.close();
  });

  const invalidate = (paths: string[], callerReference = `ref-${Math.random()}`, distributionId = 'E2QWRUHAPOMQZL') =>
    cloudfront.send(new CreateInvalidationCommand({ DistributionId: distributionId, InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } } }));

  it("drops the item's cached renditions, every variant, and nothing else", async () => {
    const cache = caches.get('E2QWRUHAPOMQZL') ?? new EdgeCache();
    for (const uri of ['/media/renditions/alice/01J0A/thumb.webp', '/media/renditions/alice/01J0A/hls/720p/seg1.ts', '/media/renditions/alice/01J0AB/thumb.webp', '/index.html']) {
      cache.put(key(uri), response, 3600, Date.now());
      cache.put(key(uri, 'br'), response, 3600, Date.now());
    }
    const answer = await invalidate(['/media/renditions/alice/01J0A/*'], 'delete-1');
    expect(answer.$metadata.httpStatusCode).toBe(201);
    expect(answer.Location).toMatch(/^https:\/\/cloudfront\.amazonaws\.com\/2020-05-31\/distribution\/E2QWRUHAPOMQZL\/invalidation\/I[0-9A-F]{13}$/);
    expect(answer.Invalidation).toMatchObject({ Status: 'Completed', InvalidationBatch: { CallerReference: 'delete-1', Paths: { Quantity: 1, Items: ['/media/renditions/alice/01J0A/*'] } } });
    expect(api.invalidations().at(-1)).toMatchObject({ distributionId: 'E2QWRUHAPOMQZL', dropped: 4 });
    expect(cache.get(key('/media/renditions/alice/01J0A/thumb.webp'), Date.now())).toBeUndefined();
    expect(cache.get(key('/media/renditions/alice/01J0AB/thumb.webp', 'br'), Date.now())).toBeDefined();
    expect(cache.get(key('/index.html'), Date.now())).toBeDefined();
  });

  it('answers a CallerReference sent again with the same invalidation, and refuses it for another batch', async () => {
    const first = await invalidate(['/media/renditions/bob/01J0B/*'], 'retry-1');
    const again = await invalidate(['/media/renditions/bob/01J0B/*'], 'retry-1');
    expect(again.Invalidation?.Id).toBe(first.Invalidation?.Id);
    // The SDK models no class for this error: it comes as a service exception by that name.
    await expect(invalidate(['/media/renditions/bob/01J0C/*'], 'retry-1')).rejects.toMatchObject({ name: 'InvalidationBatchAlreadyExists' });
  });

  it('asks IAM for cloudfront:CreateInvalidation on the distribution, and refuses another distribution', async () => {
    await expect(invalidate(['/media/*'], 'other-1', 'E3OTHERDISTRIB')).rejects.toBeInstanceOf(AccessDenied);
    expect(events.some((e) => e.kind === 'denied' && e.message.includes('cloudfront:CreateInvalidation') && e.message.includes('distribution/E3OTHERDISTRIB'))).toBe(true);
    expect(gateway.calls.entries()).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'cloudfront:CreateInvalidation', denied: 1 })]));
  });

  it("answers CloudFront's errors for an unknown distribution and an inconsistent batch", async () => {
    caches.delete('E2QWRUHAPOMQZL');
    try {
      await expect(invalidate(['/media/*'])).rejects.toBeInstanceOf(NoSuchDistribution);
    } finally {
      caches.set('E2QWRUHAPOMQZL', new EdgeCache());
    }
    await expect(
      cloudfront.send(new CreateInvalidationCommand({ DistributionId: 'E2QWRUHAPOMQZL', InvalidationBatch: { CallerReference: 'bad-1', Paths: { Quantity: 2, Items: ['/a'] } } })),
    ).rejects.toBeInstanceOf(InconsistentQuantities);
  });
});
