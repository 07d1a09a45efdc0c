import { createHash } from 'node:crypto';
import type { AwsRequest, Principal } from '../../types.js';
import { S3Error } from './errors.js';
import { STORED_HEADERS, type ObjectRecord, type S3Storage } from './storage.js';
import type { S3ObjectCreatedName, S3ObjectRemovedName } from './notifications.js';
import type { RequestIds } from './responses.js';
import type { S3Route } from './route.js';

/** Tells the stage that an object was created or removed (the notifications are built from it). */
export type Notify = (
  eventName: S3ObjectCreatedName | S3ObjectRemovedName,
  call: OperationCall,
  object: { key: string; record?: ObjectRecord },
) => void;

/** What every operation works with. */
export interface S3Context {
  storage: S3Storage;
  partition: string;
  region: string;
  accountId: string;
  /** Whether the caller may list the bucket: decides 404 or 403 for a missing key. */
  canList(principal: Principal, bucketArn: string): boolean | Promise<boolean>;
  notify: Notify;
}

/** One request being served. */
export interface OperationCall {
  route: S3Route;
  request: AwsRequest;
  ids: RequestIds;
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The smallest part S3 accepts for any part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

/** S3's Last-Modified has whole seconds; keeping that precision makes If-Modified-Since exact. */
export function nowToTheSecond(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** `x-amz-meta-*` headers, without the prefix. */
export function userMetadata(headers: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  return metadata;
}

/** The representation headers a write sets, with `contentEncoding` standing for Content-Encoding. */
export function storedHeaders(headers: Record<string, string>, contentEncoding: string | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = name === 'content-encoding' ? contentEncoding : headers[name];
    if (value !== undefined && value !== '') kept[name] = value;
  }
  return kept;
}

/** A non-negative integer query parameter (`max-keys`...), capped at `max`. */
export function integerParameter(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!/^\d+$/.test(value)) throw new S3Error('InvalidArgument', { message: `Provided ${name} not an integer or within integer range`, fields: { ArgumentName: name, ArgumentValue: value } });
  return Math.min(Number(value), max);
}
