import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BucketSpec } from '../../specs.js';
import { computeChecksum } from './checksums.js';
import { DEFAULT_ACCOUNT, type Principal } from '../../types.js';
import type { S3ObjectEvent } from './notifications.js';
import { startS3, type S3Simulator } from './s3-service.js';
import { serveForTests, type TestEndpoint } from './s3-test-server.js';

const GALLERY = 'http://gallery.test';
const MIB = 1024 * 1024;

const bucket: BucketSpec = {
  logicalId: 'MediaBucket',
  name: 'media',
  arn: 'arn:aws:s3:::media',
  regionalDomainName: 'media.s3.us-east-1.amazonaws.com',
  cors: [{ allowedOrigins: [GALLERY], allowedMethods: ['GET', 'PUT', 'HEAD'], allowedHeaders: ['*'], exposedHeaders: ['ETag'], maxAgeSeconds: 600 }],
  notifications: [],
};

const role: Principal = {
  type: 'role',
  roleArn: 'arn:aws:iam::123456789012:role/ApiFunctionRole',
  sessionName: 'api',
  accessKeyId: 'ASIATEST',
};

let dataDir: string;
let s3: S3Simulator;
let endpoint: TestEndpoint;
let client: S3Client;
let created: S3ObjectEvent[];
let removed: S3ObjectEvent[];
let mayList: boolean;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cloud-sim-s3-'));
  created = [];
  removed = [];
  mayList = true;
  s3 = await startS3({
    buckets: [bucket],
    dataDir,
    account: DEFAULT_ACCOUNT,
    canList: () => mayList,
    onObjectCreated: (e: S3ObjectEvent) => created.push(e),
    onObjectRemoved: (e: S3ObjectEvent) => removed.push(e),
  });
  endpoint = await serveForTests(s3.handler, role);
  client = new S3Client({
    region: 'us-east-1',
    endpoint: endpoint.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'ASIATEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await endpoint.close();
  await s3.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return { name: error.name, status: error.$metadata.httpStatusCode };
    throw error;
  }
  throw new Error('the call succeeded');
}

function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

describe('objects through the SDK', () => {
  it('puts, reads whole and in ranges, heads, lists, copies and deletes', async () => {
    const body = Buffer.from('hello, media');
    const put = await client.send(
      new PutObjectCommand({
        Bucket: 'media',
        Key: 'originals/a b+c.txt',
        Body: body,
        ContentType: 'text/plain',
        CacheControl: 'max-age=60',
        ContentDisposition: 'inline',
        Metadata: { owner: 'u1' },
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);

    const got = await client.send(new GetObjectCommand({ Bucket: 'media', Key: 'originals/a b+c.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello, media');
    expect(got).toMatchObject({ ContentType: 'text/plain', CacheControl: 'max-age=60', ContentDisposition: 'inline', Metadata: { owner: 'u1' } });

    const ranged = await client.send(new GetObjectCommand({ Bucket: 'media', Key: 'originals/a b+c.txt', Range: 'bytes=7-' }));
    expect(ranged.ContentRange).toBe('bytes 7-11/12');
    expect(await ranged.Body?.transformToString()).toBe('media');
    const beyond = failure(client.send(new GetObjectCommand({ Bucket: 'media', Key: 'originals/a b+c.txt', Range: 'bytes=12-' })));
    expect(await beyond).toEqual({ name: 'InvalidRange', status: 416 });

    const head = await client.send(new HeadObjectCommand({ Bucket: 'media', Key: 'originals/a b+c.txt', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({ ContentLength: 12, ETag: put.ETag, ChecksumCRC32: put.ChecksumCRC32 });

    await client.send(new CopyObjectCommand({ Bucket: 'media', Key: 'copies/a.txt', CopySource: 'media/originals/a%20b%2Bc.txt' }));
    const copy = await client.send(new GetObjectCommand({ Bucket: 'media', Key: 'copies/a.txt' }));
    expect(await copy.Body?.transformToString()).toBe('hello, media');
    expect(copy).toMatchObject({ ContentType: 'text/plain', Metadata: { owner: 'u1' }, ETag: put.ETag });

    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'media', Delimiter: '/' }));
    expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['copies/', 'originals/']);
    const under = await client.send(new ListObjectsV2Command({ Bucket: 'media', Prefix: 'originals/' }));
    expect(under.Contents?.map((c) => [c.Key, c.Size])).toEqual([['originals/a b+c.txt', 12]]);

    await client.send(new DeleteObjectCommand({ Bucket: 'media', Key: 'originals/a b+c.txt' }));
    expect(await s3.listKeys('media')).toEqual(['copies/a.txt']);
    expect(created.map((e) => e.eventName)).toEqual(['ObjectCreated:Put', 'ObjectCreated:Copy']);
    expect(removed.map((e) => [e.eventName, e.key])).toEqual([['ObjectRemoved:Delete', 'originals/a b+c.txt']]);
  });

  it('decodes the aws-chunked body of a streamed put and keeps its trailing checksum', async () => {
    const put = await client.send(
      new PutObjectCommand({ Bucket: 'media', Key: 'streamed.bin', Body: Readable.from([Buffer.from('hello'), Buffer.from('world')]), ContentLength: 10 }),
    );
    expect(await s3.readObject('media', 'streamed.bin')).toEqual(Buffer.from('helloworld'));
    expect(put.ETag).toBe(`"${md5(Buffer.from('helloworld'))}"`);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'media', Key: 'streamed.bin', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC32).toBe('+esgrQ==');
  });

  it('keeps the SHA-256 a put declares and refuses a body that does not match it', async () => {
    const body = Buffer.from('rendition');
    const sha256 = createHash('sha256').update(body).digest('base64');
    await client.send(new PutObjectCommand({ Bucket: 'media', Key: 'r.webp', Body: body, ChecksumSHA256: sha256 }));
    const head = await client.send(new HeadObjectCommand({ Bucket: 'media', Key: 'r.webp', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(sha256);

    const wrong = failure(client.send(new PutObjectCommand({ Bucket: 'media', Key: 'bad.webp', Body: Buffer.from('other'), ChecksumSHA256: sha256 })));
    expect(await wrong).toEqual({ name: 'BadDigest', status: 400 });
    expect(await s3.readObject('media', 'bad.webp')).toBeUndefined();
  });

  it('refuses to replace an object when If-None-Match is *', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'media', Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    const again = failure(client.send(new PutObjectCommand({ Bucket: 'media', Key: 'once', Body: 'second', IfNoneMatch: '*' })));
    expect(await again).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect((await s3.readObject('media', 'once'))?.toString()).toBe('first');
    expect(created).toHaveLength(1);
  });

  it('answers 304 to a GET whose If-None-Match holds the current etag', async () => {
    const put = await client.send(new PutObjectCommand({ Bucket: 'media', Key: 'cached', Body: 'x' }));
    const status = await failure(client.send(new GetObjectCommand({ Bucket: 'media', Key: 'cached', IfNoneMatch: put.ETag })));
    expect(status.status).toBe(304);
    const mismatch = failure(client.send(new GetObjectCommand({ Bucket: 'media', Key: 'cached', IfMatch: '"other"' })));
    expect(await mismatch).toEqual({ name: 'PreconditionFailed', status: 412 });
  });

  it('answers a missing key with 404 to a caller that may list the bucket and 403 to one that may not', async () => {
    expect(await failure(client.send(new GetObjectCommand({ Bucket: 'media', Key: 'nothing' })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect((await failure(client.send(new HeadObjectCommand({ Bucket: 'media', Key: 'nothing' })))).status).toBe(404);
    mayList = false;
    expect(await failure(client.send(new GetObjectCommand({ Bucket: 'media', Key: 'nothing' })))).toEqual({ name: 'AccessDenied', status: 403 });
    expect((await failure(client.send(new HeadObjectCommand({ Bucket: 'media', Key: 'nothing' })))).status).toBe(403);
  });

  it('pages a listing and deletes a batch', async () => {
    const keys = ['a/1', 'a/2', 'b', 'c/1', 'd'];
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: 'media', Key: key, Body: key }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: 'media', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(page.Contents ?? []).map((c) => c.Key ?? ''), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''));
      token = page.NextContinuationToken;
    } while (token !== undefined);
    expect(seen.sort()).toEqual(['a/', 'b', 'c/', 'd']);

    const result = await client.send(new DeleteObjectsCommand({ Bucket: 'media', Delete: { Objects: [{ Key: 'a/1' }, { Key: 'b' }, { Key: 'missing' }] } }));
    expect(result.Deleted?.map((d) => d.Key)).toEqual(['a/1', 'b', 'missing']);
    expect(await s3.listKeys('media')).toEqual(['a/2', 'c/1', 'd']);
    expect(removed.map((e) => e.key)).toEqual(['a/1', 'b']);
  });

  it('lists each key as its one version, "null", page by page, and deletes by that version id', async () => {
    const keys = ['originals/o/1', 'renditions/o/1/a.webp', 'renditions/o/1/b.webp', 'renditions/o/1/c.webp', 'renditions/o/2/a.webp'];
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: 'media', Key: key, Body: key }));
    const versions: { key: string; id: string; latest: boolean; size: number }[] = [];
    let marker: { KeyMarker?: string; VersionIdMarker?: string } = {};
    do {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: 'media', Prefix: 'renditions/o/1/', MaxKeys: 2, ...marker }));
      expect(page.DeleteMarkers ?? []).toEqual([]);
      versions.push(...(page.Versions ?? []).map((v) => ({ key: v.Key ?? '', id: v.VersionId ?? '', latest: v.IsLatest === true, size: v.Size ?? 0 })));
      marker = page.IsTruncated === true ? { KeyMarker: page.NextKeyMarker ?? '', VersionIdMarker: page.NextVersionIdMarker ?? '' } : {};
    } while (marker.KeyMarker !== undefined);
    expect(versions).toEqual(['a', 'b', 'c'].map((name) => ({ key: `renditions/o/1/${name}.webp`, id: 'null', latest: true, size: `renditions/o/1/${name}.webp`.length })));

    const result = await client.send(
      new DeleteObjectsCommand({
        Bucket: 'media',
        Delete: { Objects: [{ Key: 'renditions/o/1/a.webp', VersionId: 'null' }, { Key: 'renditions/o/1/b.webp', VersionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' }, { Key: 'originals/o/1', VersionId: 'null' }] },
      }),
    );
    expect(result.Deleted?.map((d) => [d.Key, d.VersionId])).toEqual([
      ['renditions/o/1/a.webp', 'null'],
      ['originals/o/1', 'null'],
    ]);
    // No other version exists here: naming one deletes nothing and says so.
    expect(result.Errors?.map((e) => [e.Key, e.Code])).toEqual([['renditions/o/1/b.webp', 'NoSuchVersion']]);
    expect(await s3.listKeys('media')).toEqual(['renditions/o/1/b.webp', 'renditions/o/1/c.webp', 'renditions/o/2/a.webp']);
    expect(removed.map((e) => e.key)).toEqual(['renditions/o/1/a.webp', 'originals/o/1']);

    expect(await failure(client.send(new ListObjectVersionsCommand({ Bucket: 'media', VersionIdMarker: 'null' })))).toEqual({ name: 'InvalidArgument', status: 400 });
    expect(await failure(client.send(new ListObjectVersionsCommand({ Bucket: 'media', Delimiter: '/' })))).toMatchObject({ status: 501 });
  });

  it('answers bucket-level calls and NoSuchBucket', async () => {
    await client.send(new HeadBucketCommand({ Bucket: 'media' }));
    expect((await client.send(new GetBucketLocationCommand({ Bucket: 'media' }))).LocationConstraint).toBeUndefined();
    expect(await failure(client.send(new GetObjectCommand({ Bucket: 'other', Key: 'k' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
  });
});

describe('multipart uploads', () => {
  const first = Buffer.alloc(5 * MIB, 7);
  const last = Buffer.from('the end');

  it('completes with the multipart etag and fires one event', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'media', Key: 'big.mp4', ContentType: 'video/mp4' }));
    const one = await client.send(new UploadPartCommand({ Bucket: 'media', Key: 'big.mp4', UploadId, PartNumber: 1, Body: first }));
    const two = await client.send(new UploadPartCommand({ Bucket: 'media', Key: 'big.mp4', UploadId, PartNumber: 2, Body: last }));
    const listed = await client.send(new ListPartsCommand({ Bucket: 'media', Key: 'big.mp4', UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, first.length, one.ETag],
      [2, last.length, two.ETag],
    ]);
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: 'media' }));
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['big.mp4', UploadId]]);

    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'media',
        Key: 'big.mp4',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }] },
      }),
    );
    const expected = createHash('md5').update(Buffer.from(md5(first), 'hex')).update(Buffer.from(md5(last), 'hex')).digest('hex');
    expect(done.ETag).toBe(`"${expected}-2"`);
    expect((await s3.readObject('media', 'big.mp4'))?.equals(Buffer.concat([first, last]))).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'media', Key: 'big.mp4' }));
    expect(head).toMatchObject({ ContentType: 'video/mp4', ContentLength: first.length + last.length });
    expect(created.map((e) => [e.eventName, e.key, e.size, e.eTag])).toEqual([['ObjectCreated:CompleteMultipartUpload', 'big.mp4', first.length + last.length, `${expected}-2`]]);
    expect(await failure(client.send(new ListPartsCommand({ Bucket: 'media', Key: 'big.mp4', UploadId })))).toEqual({ name: 'NoSuchUpload', status: 404 });
  });

  it('keeps a composite checksum of the parts\' CRC32s, as the SDK\'s streamed uploads ask', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'media', Key: 'crc', ChecksumAlgorithm: 'CRC32' }));
    const one = await client.send(new UploadPartCommand({ Bucket: 'media', Key: 'crc', UploadId, PartNumber: 1, Body: first, ChecksumAlgorithm: 'CRC32' }));
    const two = await client.send(new UploadPartCommand({ Bucket: 'media', Key: 'crc', UploadId, PartNumber: 2, Body: last, ChecksumAlgorithm: 'CRC32' }));
    const parts = [
      { PartNumber: 1, ETag: one.ETag, ChecksumCRC32: one.ChecksumCRC32 },
      { PartNumber: 2, ETag: two.ETag, ChecksumCRC32: two.ChecksumCRC32 },
    ];
    const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: 'media', Key: 'crc', UploadId, MultipartUpload: { Parts: parts } }));
    const expected = `${computeChecksum('CRC32', Buffer.concat([Buffer.from(one.ChecksumCRC32 ?? '', 'base64'), Buffer.from(two.ChecksumCRC32 ?? '', 'base64')]))}-2`;
    expect(done.ChecksumCRC32).toBe(expected);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'media', Key: 'crc', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({ ChecksumCRC32: expected, ChecksumType: 'COMPOSITE' });
  });

  it('refuses small non-last parts, parts out of order and unknown etags', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'media', Key: 'parts' }));
    const one = await client.send(new UploadPartCommand({ Bucket: 'media', Key: 'parts', UploadId, PartNumber: 1, Body: last }));
    const two = await client.send(new UploadPartCommand({ Bucket: 'media', Key: 'parts', UploadId, PartNumber: 2, Body: last }));
    const complete = (parts: { PartNumber: number; ETag: string | undefined }[]): Promise<unknown> =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: 'media', Key: 'parts', UploadId, MultipartUpload: { Parts: parts } }));
    expect(await failure(complete([{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }]))).toEqual({ name: 'EntityTooSmall', status: 400 });
    expect(await failure(complete([{ PartNumber: 2, ETag: two.ETag }, { PartNumber: 1, ETag: one.ETag }]))).toEqual({ name: 'InvalidPartOrder', status: 400 });
    expect(await failure(complete([{ PartNumber: 1, ETag: '"0123"' }]))).toEqual({ name: 'InvalidPart', status: 400 });
    expect(created).toEqual([]);
  });

  it('forgets an aborted upload', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'media', Key: 'gone' }));
    await client.send(new UploadPartCommand({ Bucket: 'media', Key: 'gone', UploadId, PartNumber: 1, Body: last }));
    await client.send(new AbortMultipartUploadCommand({ Bucket: 'media', Key: 'gone', UploadId }));
    expect(await failure(client.send(new ListPartsCommand({ Bucket: 'media', Key: 'gone', UploadId })))).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await failure(client.send(new AbortMultipartUploadCommand({ Bucket: 'media', Key: 'gone', UploadId })))).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await failure(client.send(new UploadPartCommand({ Bucket: 'media', Key: 'gone', UploadId, PartNumber: 2, Body: last })))).toEqual({
      name: 'NoSuchUpload',
      status: 404,
    });
  });
});

describe('presigned URLs and CORS from the gallery', () => {
  it('accepts a presigned PUT and serves a presigned GET as an attachment', async () => {
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'media', Key: 'originals/p.jpg', ContentType: 'image/jpeg' }), {
      expiresIn: 300,
      signableHeaders: new Set(['content-type']),
    });
    const put = await fetch(putUrl, { method: 'PUT', headers: { 'content-type': 'image/jpeg', origin: GALLERY }, body: 'jpeg bytes' });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe(GALLERY);
    expect(put.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(put.headers.get('etag')).toBe(`"${md5(Buffer.from('jpeg bytes'))}"`);

    const getUrl = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: 'media', Key: 'originals/p.jpg', ResponseContentDisposition: 'attachment; filename="p.jpg"' }),
      { expiresIn: 300 },
    );
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="p.jpg"');
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(await got.text()).toBe('jpeg bytes');
    expect(created.map((e) => e.eventName)).toEqual(['ObjectCreated:Put']);
  });

  it('answers preflights the bucket allows and refuses the others', async () => {
    const preflight = (origin: string, method: string): Promise<Response> =>
      fetch(`${endpoint.url}/media/originals/p.jpg`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight(GALLERY, 'PUT');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(GALLERY);
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(allowed.headers.get('access-control-max-age')).toBe('600');
    expect((await preflight('http://elsewhere.test', 'PUT')).status).toBe(403);
    const wrongMethod = await preflight(GALLERY, 'DELETE');
    expect(wrongMethod.status).toBe(403);
    expect(await wrongMethod.text()).toContain('<Code>AccessForbidden</Code>');
  });
});
