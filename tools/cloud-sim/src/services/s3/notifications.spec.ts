import type { BucketSpec } from '../../specs.js';
import { DEFAULT_ACCOUNT } from '../../types.js';
import { eventKey, matchingNotifications, notificationRecord, type S3ObjectEvent } from './notifications.js';

const toQueue = { events: ['s3:ObjectCreated:*'], destinationArn: 'arn:aws:sqs:us-east-1:123456789012:ingest', destinationType: 'queue' as const, prefix: 'originals/' };
const onlyPuts = { events: ['s3:ObjectCreated:Put'], destinationArn: 'arn:aws:sns:us-east-1:123456789012:t', destinationType: 'topic' as const, suffix: '.jpg' };
const removals = { events: ['s3:ObjectRemoved:*'], destinationArn: 'arn:aws:sqs:us-east-1:123456789012:gone', destinationType: 'queue' as const };
const bucket: BucketSpec = { logicalId: 'B', name: 'media', arn: 'arn:aws:s3:::media', regionalDomainName: '', cors: [], notifications: [toQueue, onlyPuts, removals] };

describe('notifications', () => {
  it('matches event names with wildcards and key filters', () => {
    expect(matchingNotifications(bucket, 'ObjectCreated:Put', 'originals/a.jpg')).toEqual([toQueue, onlyPuts]);
    expect(matchingNotifications(bucket, 'ObjectCreated:CompleteMultipartUpload', 'originals/a.jpg')).toEqual([toQueue]);
    expect(matchingNotifications(bucket, 'ObjectCreated:Put', 'renditions/a.png')).toEqual([]);
    expect(matchingNotifications(bucket, 'ObjectRemoved:Delete', 'originals/a.jpg')).toEqual([removals]);
  });

  it('encodes keys as S3 event records do', () => {
    expect(eventKey('originals/my photo+1 (2).jpg')).toBe('originals/my+photo%2B1+%282%29.jpg');
    expect(eventKey('é')).toBe('%C3%A9');
    expect(decodeURIComponent(eventKey('a b+c/ü').replace(/\+/g, ' '))).toBe('a b+c/ü');
  });

  it('builds the record of an S3 event message', () => {
    const event: S3ObjectEvent = {
      eventName: 'ObjectCreated:Put',
      bucket: { name: 'media', arn: 'arn:aws:s3:::media' },
      key: 'originals/a b.jpg',
      size: 12,
      eTag: 'abc',
      sequencer: '0001',
      principalId: 'AWS:ApiRole:api',
      sourceIp: '127.0.0.1',
      time: new Date('2026-01-02T03:04:05.678Z'),
      requestId: 'R',
      hostId: 'H',
    };
    expect(notificationRecord(event, DEFAULT_ACCOUNT, 'ingest')).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-01-02T03:04:05.678Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:ApiRole:api' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'R', 'x-amz-id-2': 'H' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'ingest',
        bucket: { name: 'media', ownerIdentity: { principalId: '123456789012' }, arn: 'arn:aws:s3:::media' },
        object: { key: 'originals/a+b.jpg', size: 12, eTag: 'abc', sequencer: '0001' },
      },
    });
  });
});
