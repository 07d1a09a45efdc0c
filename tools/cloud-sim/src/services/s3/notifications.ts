import type { BucketSpec } from '../../specs.js';
import type { SimAccount } from '../../types.js';

export type S3ObjectCreatedName = 'ObjectCreated:Put' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';
export type S3ObjectRemovedName = 'ObjectRemoved:Delete';

/** What happened to one object: everything an S3 event notification record is built from. */
export interface S3ObjectEvent {
  eventName: S3ObjectCreatedName | S3ObjectRemovedName;
  bucket: { name: string; arn: string };
  /** As stored (not URL-encoded). */
  key: string;
  /** Set for created objects. */
  size?: number;
  /** Unquoted; set for created objects. */
  eTag?: string;
  /** Hex, increasing with every change within the simulator, as S3's orders events of one key. */
  sequencer: string;
  versionId?: string;
  /** `AWS:<role name>:<session>` for a role, the service name for a service, `Anonymous` otherwise. */
  principalId: string;
  sourceIp: string;
  time: Date;
  requestId: string;
  hostId: string;
}

export type S3Notification = BucketSpec['notifications'][number];

/**
 * A key as S3 writes it into event records: form-encoded (spaces as `+`, `+` as `%2B`), with `/`
 * left as it is. Consumers decode it with `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function eventKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_/]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Whether a configured event (`s3:ObjectCreated:*`, `s3:ObjectCreated:Put`) covers `eventName`. */
export function eventMatches(configured: string, eventName: string): boolean {
  const pattern = configured.replace(/^s3:/, '');
  if (pattern.endsWith(':*')) return eventName.startsWith(pattern.slice(0, -1));
  return pattern === eventName;
}

/** The bucket's notification configurations that fire for `eventName` on `key` (prefix and suffix filters). */
export function matchingNotifications(bucket: BucketSpec, eventName: string, key: string): S3Notification[] {
  return bucket.notifications.filter(
    (n) =>
      n.events.some((e) => eventMatches(e, eventName)) &&
      (n.prefix === undefined || key.startsWith(n.prefix)) &&
      (n.suffix === undefined || key.endsWith(n.suffix)),
  );
}

/**
 * One record of an S3 event message (`{ "Records": [record] }`), as S3 delivers it to a queue,
 * topic or function.
 */
export function notificationRecord(event: S3ObjectEvent, account: SimAccount, configurationId = 'cloud-sim-notification'): Record<string, unknown> {
  const object: Record<string, unknown> = { key: eventKey(event.key) };
  if (event.size !== undefined) object['size'] = event.size;
  if (event.eTag !== undefined) object['eTag'] = event.eTag;
  if (event.versionId !== undefined) object['versionId'] = event.versionId;
  object['sequencer'] = event.sequencer;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: account.region,
    eventTime: event.time.toISOString(),
    eventName: event.eventName,
    userIdentity: { principalId: event.principalId },
    requestParameters: { sourceIPAddress: event.sourceIp },
    responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': event.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: event.bucket.name, ownerIdentity: { principalId: account.accountId }, arn: event.bucket.arn },
      object,
    },
  };
}
