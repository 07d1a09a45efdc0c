import type { Authorization, AwsRequest, ConditionContext } from '../../types.js';
import { decodeBody } from './aws-chunked.js';
import { parseDeleteObjects, type DeletedObject } from './request-bodies.js';
import type { S3Route } from './route.js';

export function bucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

export function objectArn(partition: string, bucket: string, key: string): string {
  return `arn:${partition}:s3:::${bucket}/${key}`;
}

/** The list-request condition keys IAM policies test (`s3:prefix`...), for those the request sets. */
function listContext(query: URLSearchParams): ConditionContext {
  const context: ConditionContext = {};
  const prefix = query.get('prefix');
  if (prefix !== null) context['s3:prefix'] = prefix;
  const delimiter = query.get('delimiter');
  if (delimiter !== null) context['s3:delimiter'] = delimiter;
  const maxKeys = query.get('max-keys');
  if (maxKeys !== null && /^\d+$/.test(maxKeys)) context['s3:max-keys'] = Number(maxKeys);
  return context;
}

/** The objects a DeleteObjects names; S3 checks each: s3:DeleteObject, or s3:DeleteObjectVersion for a version. */
function deletedObjects(request: AwsRequest): DeletedObject[] | undefined {
  try {
    return parseDeleteObjects(decodeBody(request.headers, request.body).body.toString('utf8')).objects;
  } catch {
    // A malformed body is refused by the operation itself; IAM then needs the bucket-wide right.
    return undefined;
  }
}

/**
 * What IAM must allow for `route`. Every entry carries `aws:SecureTransport: true`: the simulated
 * endpoint stands for S3's HTTPS one, so policies that deny plain HTTP (as the stage's buckets do)
 * do not refuse it.
 *
 * @example
 * s3Authorizations(routeRequest(req), req, 'aws')
 * // PUT /media/originals/a.jpg -> [{ action: 's3:PutObject', resource: 'arn:aws:s3:::media/originals/a.jpg', ... }]
 */
export function s3Authorizations(route: S3Route, request: AwsRequest, partition: string): Authorization[] {
  const secure: ConditionContext = { 'aws:SecureTransport': true };
  const onObject = (action: string): Authorization => ({ action, resource: objectArn(partition, route.bucket, route.key), context: secure });
  const onBucket = (action: string, context: ConditionContext = {}): Authorization => ({
    action,
    resource: bucketArn(partition, route.bucket),
    context: { ...context, ...secure },
  });
  switch (route.operation) {
    case 'Preflight':
    case 'MethodNotAllowed':
    case 'NotImplemented':
      // Nothing is read or written: S3 answers these before asking IAM.
      return [];
    case 'HeadBucket':
      return [onBucket('s3:ListBucket')];
    case 'GetBucketLocation':
      return [onBucket('s3:GetBucketLocation')];
    case 'ListObjectsV2':
      return [onBucket('s3:ListBucket', listContext(request.query))];
    case 'ListObjectVersions':
      return [onBucket('s3:ListBucketVersions', listContext(request.query))];
    case 'ListMultipartUploads':
      return [onBucket('s3:ListBucketMultipartUploads')];
    case 'DeleteObjects': {
      const objects = deletedObjects(request);
      if (objects === undefined) return [{ action: 's3:DeleteObject', resource: objectArn(partition, route.bucket, '*'), context: secure }];
      return objects.map(({ key, versionId }) => ({
        action: versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion',
        resource: objectArn(partition, route.bucket, key),
        context: secure,
      }));
    }
    case 'GetObject':
    case 'HeadObject':
      return [onObject('s3:GetObject')];
    case 'PutObject':
    case 'UploadPart':
    case 'CreateMultipartUpload':
    case 'CompleteMultipartUpload':
      return [onObject('s3:PutObject')];
    case 'CopyObject': {
      const source = route.copySource;
      const read: Authorization[] =
        source === undefined ? [] : [{ action: 's3:GetObject', resource: objectArn(partition, source.bucket, source.key), context: secure }];
      return [onObject('s3:PutObject'), ...read];
    }
    case 'DeleteObject':
      return [onObject('s3:DeleteObject')];
    case 'ListParts':
      return [onObject('s3:ListMultipartUploadParts')];
    case 'AbortMultipartUpload':
      return [onObject('s3:AbortMultipartUpload')];
  }
}
