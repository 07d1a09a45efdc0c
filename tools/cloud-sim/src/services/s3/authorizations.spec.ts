import type { Authorization, AwsRequest } from '../../types.js';
import { s3Authorizations } from './authorizations.js';
import { routeRequest } from './route.js';

function request(method: string, url: string, headers: Record<string, string> = {}, body = ''): AwsRequest {
  const parsed = new URL(url, 'http://127.0.0.1');
  return { service: 's3', method, path: parsed.pathname, query: parsed.searchParams, headers, body: Buffer.from(body), principal: { type: 'anonymous' } };
}

function authorizations(req: AwsRequest): Array<[string, string]> {
  return s3Authorizations(routeRequest(req), req, 'aws').map((a: Authorization) => [a.action, a.resource]);
}

const secure = { 'aws:SecureTransport': true };

describe('routeRequest', () => {
  it('decodes keys and ignores presigning parameters', () => {
    const route = routeRequest(request('PUT', '/media/originals/a%20b%2Bc%3F.jpg?X-Amz-Signature=abc&X-Amz-Credential=x&x-id=PutObject'));
    expect(route).toEqual({ operation: 'PutObject', bucket: 'media', key: 'originals/a b+c?.jpg' });
  });

  it('tells the operations apart by method, sub-resource and headers', () => {
    expect(routeRequest(request('PUT', '/m/k?partNumber=2&uploadId=u')).operation).toBe('UploadPart');
    expect(routeRequest(request('PUT', '/m/k', { 'x-amz-copy-source': '/m/a%20b' }))).toMatchObject({ operation: 'CopyObject', copySource: { bucket: 'm', key: 'a b' } });
    expect(routeRequest(request('POST', '/m/k?uploads')).operation).toBe('CreateMultipartUpload');
    expect(routeRequest(request('POST', '/m/k?uploadId=u')).operation).toBe('CompleteMultipartUpload');
    expect(routeRequest(request('DELETE', '/m/k?uploadId=u')).operation).toBe('AbortMultipartUpload');
    expect(routeRequest(request('GET', '/m/k?uploadId=u')).operation).toBe('ListParts');
    expect(routeRequest(request('POST', '/m/?delete=')).operation).toBe('DeleteObjects');
    expect(routeRequest(request('GET', '/m?list-type=2&prefix=a')).operation).toBe('ListObjectsV2');
    expect(routeRequest(request('POST', '/m/k')).operation).toBe('MethodNotAllowed');
  });

  it('takes the bucket from the Host of a virtual-hosted request, and the whole path as the key', () => {
    const host = { host: 'media-bucket.s3.us-east-1.amazonaws.com' };
    expect(routeRequest(request('PUT', '/originals/u/a%20b.jpg?partNumber=1&uploadId=u', host))).toEqual({
      operation: 'UploadPart',
      bucket: 'media-bucket',
      key: 'originals/u/a b.jpg',
      uploadId: 'u',
      partNumber: '1',
    });
    expect(routeRequest(request('GET', '/?list-type=2', { host: 'media-bucket.s3.amazonaws.com:443' }))).toMatchObject({ operation: 'ListObjectsV2', bucket: 'media-bucket', key: '' });
    expect(routeRequest(request('GET', '/m/k', { host: 's3.us-east-1.amazonaws.com' }))).toMatchObject({ bucket: 'm', key: 'k' });
    expect(routeRequest(request('GET', '/m/k', { host: '127.0.0.1:4566' }))).toMatchObject({ bucket: 'm', key: 'k' });
  });
});

describe('s3Authorizations', () => {
  it('names the object for object calls, with the secure-transport context', () => {
    const put = request('PUT', '/media/originals/a%20b.jpg');
    expect(s3Authorizations(routeRequest(put), put, 'aws')).toEqual([{ action: 's3:PutObject', resource: 'arn:aws:s3:::media/originals/a b.jpg', context: secure }]);
    expect(authorizations(request('HEAD', '/media/k'))).toEqual([['s3:GetObject', 'arn:aws:s3:::media/k']]);
    expect(authorizations(request('PUT', '/media/k?partNumber=1&uploadId=u'))).toEqual([['s3:PutObject', 'arn:aws:s3:::media/k']]);
    expect(authorizations(request('DELETE', '/media/k?uploadId=u'))).toEqual([['s3:AbortMultipartUpload', 'arn:aws:s3:::media/k']]);
    expect(authorizations(request('GET', '/media/k?uploadId=u'))).toEqual([['s3:ListMultipartUploadParts', 'arn:aws:s3:::media/k']]);
  });

  it('asks to read the source of a copy', () => {
    expect(authorizations(request('PUT', '/media/b', { 'x-amz-copy-source': 'other/a%2B1' }))).toEqual([
      ['s3:PutObject', 'arn:aws:s3:::media/b'],
      ['s3:GetObject', 'arn:aws:s3:::other/a+1'],
    ]);
  });

  it('names the bucket for listings, with the list condition keys', () => {
    const list = request('GET', '/media?list-type=2&prefix=originals%2F&delimiter=%2F&max-keys=50');
    expect(s3Authorizations(routeRequest(list), list, 'aws')).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::media', context: { 's3:prefix': 'originals/', 's3:delimiter': '/', 's3:max-keys': 50, ...secure } },
    ]);
    expect(authorizations(request('GET', '/media?uploads'))).toEqual([['s3:ListBucketMultipartUploads', 'arn:aws:s3:::media']]);
    expect(authorizations(request('GET', '/media?location'))).toEqual([['s3:GetBucketLocation', 'arn:aws:s3:::media']]);
  });

  it('asks s3:DeleteObject for every key of a batch delete', () => {
    const body = '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key></Object></Delete>';
    expect(authorizations(request('POST', '/media?delete', {}, body))).toEqual([
      ['s3:DeleteObject', 'arn:aws:s3:::media/a&b'],
      ['s3:DeleteObject', 'arn:aws:s3:::media/c'],
    ]);
  });

  it('asks s3:DeleteObjectVersion for every key of a batch delete named with its version, and s3:ListBucketVersions to list versions', () => {
    const body = '<Delete><Quiet>true</Quiet><Object><Key>originals/o/1</Key><VersionId>null</VersionId></Object><Object><Key>renditions/o/1/a.webp</Key></Object></Delete>';
    expect(authorizations(request('POST', '/media?delete', {}, body))).toEqual([
      ['s3:DeleteObjectVersion', 'arn:aws:s3:::media/originals/o/1'],
      ['s3:DeleteObject', 'arn:aws:s3:::media/renditions/o/1/a.webp'],
    ]);
    const list = request('GET', '/media?versions&prefix=renditions%2Fo%2F1%2F&max-keys=1000');
    expect(routeRequest(list).operation).toBe('ListObjectVersions');
    expect(s3Authorizations(routeRequest(list), list, 'aws')).toEqual([
      { action: 's3:ListBucketVersions', resource: 'arn:aws:s3:::media', context: { 's3:prefix': 'renditions/o/1/', 's3:max-keys': 1000, ...secure } },
    ]);
  });

  it('asks nothing for a preflight', () => {
    expect(authorizations(request('OPTIONS', '/media/k'))).toEqual([]);
  });
});
