import type { AwsRequest } from '../../types.js';
import { S3Error } from './errors.js';

/** The S3 operations the simulator serves, plus the CORS preflight and the ones it refuses. */
export type S3OperationName =
  | 'Preflight'
  | 'HeadBucket'
  | 'GetBucketLocation'
  | 'ListObjectsV2'
  | 'ListObjectVersions'
  | 'ListMultipartUploads'
  | 'DeleteObjects'
  | 'GetObject'
  | 'HeadObject'
  | 'PutObject'
  | 'CopyObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'ListParts'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  /** A method S3 refuses on that resource (405). */
  | 'MethodNotAllowed'
  /** Something S3 does that the product does not use (501). */
  | 'NotImplemented';

/** What a request asks for: the operation and its bucket, key (decoded; '' for the bucket) and ids. */
export interface S3Route {
  operation: S3OperationName;
  bucket: string;
  key: string;
  uploadId?: string;
  /** As sent; checked by UploadPart. */
  partNumber?: string;
  copySource?: { bucket: string; key: string };
}

function decodeSegment(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    throw new S3Error('InvalidArgument', { message: `The ${what} is not validly percent-encoded.`, cause: error });
  }
}

/**
 * `x-amz-copy-source`: `[/]bucket/key[?versionId=...]`, URL-encoded. Each key has one version here
 * (see `ListObjectVersions`), so a version id is ignored.
 */
export function parseCopySource(value: string): { bucket: string; key: string } {
  const withoutVersion = value.split('?')[0] ?? '';
  const decoded = decodeSegment(withoutVersion.replace(/^\//, ''), 'copy source');
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', { message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', fields: { ArgumentName: 'x-amz-copy-source' } });
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

function bucketOperation(method: string, query: URLSearchParams): S3OperationName {
  switch (method) {
    case 'OPTIONS':
      return 'Preflight';
    case 'HEAD':
      return 'HeadBucket';
    case 'GET':
      if (query.has('location')) return 'GetBucketLocation';
      if (query.has('uploads')) return 'ListMultipartUploads';
      if (query.get('list-type') === '2') return 'ListObjectsV2';
      if (query.has('versions')) return 'ListObjectVersions';
      return 'NotImplemented';
    case 'POST':
      return query.has('delete') ? 'DeleteObjects' : 'NotImplemented';
    case 'PUT':
    case 'DELETE':
      return 'NotImplemented';
    default:
      return 'MethodNotAllowed';
  }
}

function objectOperation(method: string, query: URLSearchParams, headers: Record<string, string>): S3OperationName {
  const upload = query.has('uploadId');
  switch (method) {
    case 'OPTIONS':
      return 'Preflight';
    case 'HEAD':
      return 'HeadObject';
    case 'GET':
      if (upload) return 'ListParts';
      if (query.has('tagging') || query.has('acl') || query.has('attributes')) return 'NotImplemented';
      return 'GetObject';
    case 'PUT':
      if (query.has('partNumber') || upload) return headers['x-amz-copy-source'] === undefined ? 'UploadPart' : 'NotImplemented';
      if (query.has('tagging') || query.has('acl')) return 'NotImplemented';
      return headers['x-amz-copy-source'] === undefined ? 'PutObject' : 'CopyObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (upload) return 'CompleteMultipartUpload';
      return 'MethodNotAllowed';
    case 'DELETE':
      return upload ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return 'MethodNotAllowed';
  }
}

/**
 * The bucket a virtual-hosted request names in its Host (`bucket.s3.region.amazonaws.com`, or the
 * older `bucket.s3.amazonaws.com` and `bucket.s3-region.amazonaws.com`); undefined for path-style
 * hosts (`s3.region.amazonaws.com`, a local listener).
 */
export function virtualHostBucket(host: string | undefined): string | undefined {
  const name = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  const match = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(name);
  return match?.[1];
}

/**
 * Reads a request in either addressing style: virtual-hosted (the bucket in the Host, the key is
 * the path) or path-style (`/bucket/key`). The path is read as sent, percent-encoded, so a key with
 * `%`, `+` or `?` in it survives. Presigning parameters (`X-Amz-*`, `x-id`) play no part.
 * Throws an `S3Error` for an undecodable path or copy source.
 */
export function routeRequest(request: Pick<AwsRequest, 'method' | 'path' | 'query' | 'headers'>): S3Route {
  const path = request.path.replace(/^\//, '');
  const hosted = virtualHostBucket(request.headers['host']);
  const slash = hosted === undefined ? path.indexOf('/') : -1;
  const bucket = hosted ?? decodeSegment(slash < 0 ? path : path.slice(0, slash), 'bucket name');
  const key = hosted !== undefined ? (path === '' ? '' : decodeSegment(path, 'key')) : slash < 0 ? '' : decodeSegment(path.slice(slash + 1), 'key');
  const method = request.method.toUpperCase();
  if (bucket === '') return { operation: method === 'OPTIONS' ? 'Preflight' : 'NotImplemented', bucket, key };
  const operation = key === '' ? bucketOperation(method, request.query) : objectOperation(method, request.query, request.headers);
  const route: S3Route = { operation, bucket, key };
  const uploadId = request.query.get('uploadId');
  if (uploadId !== null && key !== '') route.uploadId = uploadId;
  const partNumber = request.query.get('partNumber');
  if (partNumber !== null && operation === 'UploadPart') route.partNumber = partNumber;
  const copySource = request.headers['x-amz-copy-source'];
  if (copySource !== undefined && operation === 'CopyObject') route.copySource = parseCopySource(copySource);
  return route;
}
