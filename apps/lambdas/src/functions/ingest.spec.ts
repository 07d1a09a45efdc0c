import { Metrics } from '@aws-lambda-powertools/metrics';
import { makeMediaItem } from '@mediaflow/domain/testing';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { decodeS3Key } from '../consumer.js';
import { lambdaContext, memoryRuntime, sqsEvent, sqsRecord } from '../test-support.js';
import { createIngestHandler } from './ingest.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);

/** An S3 notification as S3 puts it on the queue: the key URL-encoded, spaces as `+`. */
function s3Created(key: string, size: number): S3Event {
  const record: S3EventRecord = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'eu-west-1',
    eventTime: '2026-06-01T00:00:00.000Z',
    eventName: 'ObjectCreated:CompleteMultipartUpload',
    userIdentity: { principalId: 'AWS:AROAEXAMPLE' },
    requestParameters: { sourceIPAddress: '203.0.113.7' },
    responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'originals-created',
      bucket: { name: 'mediaflow-media-test', ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: 'arn:aws:s3:::mediaflow-media-test' },
      object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
    },
  };
  return { Records: [record] };
}

describe('ingest function (S3 -> SQS -> ingest)', () => {
  const emitted: ReturnType<Metrics['serializeMetrics']>[] = [];
  beforeEach(() => {
    emitted.length = 0;
    jest.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
      emitted.push(this.serializeMetrics());
      this.clearMetrics();
      return this;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('records the upload and publishes media.uploaded with the sniffed kind, counted under that kind', async () => {
    const { runtime, deps, bus } = memoryRuntime('ingest');
    const item = await deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'uploading' }));
    await deps.store.put(item.original.key, PNG);
    const handler = createIngestHandler(runtime);

    const result = await handler(sqsEvent(sqsRecord('m-1', JSON.stringify(s3Created(item.original.key, PNG.length)))), lambdaContext('ingest'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await deps.repo.get('alice', item.id)).toMatchObject({ status: 'uploaded', kind: 'image', original: { mime: 'image/png', size: PNG.length } });
    expect(bus.published).toHaveLength(1);
    expect(bus.published[0]).toMatchObject({ type: 'media.uploaded', ownerId: 'alice', mediaId: item.id, data: { kind: 'image', key: item.original.key } });
    const processed = emitted.find((doc) => doc._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === 'ItemsProcessed'));
    expect(processed).toMatchObject({ function: 'ingest', kind: 'image', ItemsProcessed: 1 });
    expect(processed?._aws.CloudWatchMetrics[0]?.Namespace).toBe('Mediaflow');
  });

  it('treats a redelivered notification as a no-op: one state change, one event', async () => {
    const { runtime, deps, bus } = memoryRuntime('ingest');
    const item = await deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'uploading' }));
    await deps.store.put(item.original.key, PNG);
    const handler = createIngestHandler(runtime);
    const body = JSON.stringify(s3Created(item.original.key, PNG.length));

    await handler(sqsEvent(sqsRecord('m-1', body)), lambdaContext('ingest'));
    const once = await deps.repo.get('alice', item.id);
    // SQS delivers at least once: the same notification again, under another message id.
    expect(await handler(sqsEvent(sqsRecord('m-1-again', body)), lambdaContext('ingest'))).toEqual({ batchItemFailures: [] });

    expect(await deps.repo.get('alice', item.id)).toEqual(once);
    expect(bus.published.map((e) => e.type)).toEqual(['media.uploaded']);
  });

  it('decodes the key S3 encoded, and ignores S3 test events', async () => {
    const { runtime, deps, bus } = memoryRuntime('ingest');
    const handler = createIngestHandler(runtime);
    // Keys are generated ULIDs, but the decoding must hold for any key S3 sends.
    expect(decodeS3Key('originals/alice/a+b%2Bc%C3%A9')).toBe('originals/alice/a b+cé');
    const test = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-06-01T00:00:00.000Z', Bucket: 'mediaflow-media-test' });
    expect(await handler(sqsEvent(sqsRecord('m-test', test)), lambdaContext('ingest'))).toEqual({ batchItemFailures: [] });
    expect(bus.published).toEqual([]);
    expect(await deps.repo.get('alice', '01JQ0000000000000000000000')).toBeUndefined();
  });

  it('reports only the poison message of a batch, counted as failed', async () => {
    const { runtime, deps } = memoryRuntime('ingest');
    const item = await deps.repo.create(makeMediaItem({ ownerId: 'alice', status: 'uploading' }));
    await deps.store.put(item.original.key, PNG);
    const handler = createIngestHandler(runtime);

    const result = await handler(
      sqsEvent(sqsRecord('poison', '{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"'), sqsRecord('good', JSON.stringify(s3Created(item.original.key, PNG.length)))),
      lambdaContext('ingest'),
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    expect(await deps.repo.get('alice', item.id)).toMatchObject({ status: 'uploaded' });
    expect(emitted.some((doc) => doc['ItemsFailed'] === 1)).toBe(true);
  });
});
