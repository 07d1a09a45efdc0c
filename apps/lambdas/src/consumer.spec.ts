import { createEvent } from '@mediaflow/domain';
import { currentCorrelationId } from '@mediaflow/messaging';
import { queueConsumer, s3Facts } from './consumer.js';
import { lambdaContext, memoryRuntime, sqsEvent, sqsRecord } from './test-support.js';

const uploaded = (correlationId?: string) =>
  createEvent('media.uploaded', {
    id: '01JQ0000000000000000000001',
    occurredAt: new Date('2026-06-01T00:00:00Z'),
    ownerId: 'alice',
    mediaId: '01JQ0000000000000000000002',
    ...(correlationId === undefined ? {} : { correlationId }),
    data: { kind: 'image', mime: 'image/png', size: 10, sha256: 'a'.repeat(64), key: 'originals/alice/01JQ0000000000000000000002' },
  });

const s3Notification = JSON.stringify({
  Records: [
    {
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810' },
      s3: { object: { key: 'originals/alice/01JQ0000000000000000000002', size: 10 } },
    },
  ],
});

describe('queueConsumer: correlation ids', () => {
  it('handles each record with the id its event carries on, else the event\u2019s own, S3\u2019s request id or the message id', async () => {
    const seen: Record<string, string | undefined> = {};
    const { runtime } = memoryRuntime('image');
    const make = () => async (message: { id: string }) => {
      seen[message.id] = currentCorrelationId();
    };
    const events = queueConsumer(runtime, make, { kind: 'image' });
    await events(sqsEvent(sqsRecord('m-1', JSON.stringify(uploaded('JKJaXmPLvHcESHA='))), sqsRecord('m-2', JSON.stringify(uploaded())), sqsRecord('m-3', 'plain')), lambdaContext('image'));
    const s3 = queueConsumer(runtime, make, { kind: 'ingest', facts: s3Facts });
    await s3(sqsEvent(sqsRecord('m-4', s3Notification)), lambdaContext('ingest'));

    expect(seen).toEqual({ 'm-1': 'JKJaXmPLvHcESHA=', 'm-2': '01JQ0000000000000000000001', 'm-3': 'm-3', 'm-4': 'C3D13FE58DE4C810' });
    expect(currentCorrelationId()).toBeUndefined();
  });
});
