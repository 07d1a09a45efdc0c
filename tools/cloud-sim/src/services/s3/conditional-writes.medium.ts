import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, S3ServiceException, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CredentialRegistry, startGateway, type Gateway } from '../../gateway/index.js';
import type { BucketSpec } from '../../specs.js';
import { DEFAULT_ACCOUNT } from '../../types.js';
import type { S3ObjectEvent } from './notifications.js';
import { startS3, type S3Simulator } from './s3-service.js';

// Create-only uploads as the product presigns them, through the gateway that verifies SigV4 as S3
// does: a presigned PUT signed with `If-None-Match: *` stores once, is refused (412) when
// replayed, and is refused as badly signed (403) when the signed header is left out.

const bucket: BucketSpec = {
  logicalId: 'MediaBucket',
  name: 'media',
  arn: 'arn:aws:s3:::media',
  regionalDomainName: 'media.s3.us-east-1.amazonaws.com',
  cors: [],
  notifications: [],
};

const KEY = 'originals/alice/01ARZ3NDEKTSV4RRFFQ69G5FAV';

let dataDir: string;
let s3: S3Simulator;
let gateway: Gateway;
let client: S3Client;
let created: S3ObjectEvent[];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cloud-sim-s3-conditional-'));
  created = [];
  s3 = await startS3({ buckets: [bucket], dataDir, account: DEFAULT_ACCOUNT, canList: () => true, onObjectCreated: (e) => created.push(e) });
  const credentials = new CredentialRegistry();
  gateway = await startGateway({
    credentials,
    services: { s3: s3.handler },
    authorize: () => ({ allowed: true, reason: 'allowed' }),
    log: () => undefined,
  });
  client = new S3Client({
    endpoint: gateway.url,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: credentials.issue({ roleArn: 'arn:aws:iam::123456789012:role/ApiFunctionRole', sessionName: 'api' }),
  });
});

afterEach(async () => {
  client.destroy();
  await gateway.close();
  await s3.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A presigned upload URL signed as `@mediaflow/storage/s3` signs it: length and If-None-Match. */
function presignUpload(key: string, length: number): Promise<string> {
  return getSignedUrl(client, new PutObjectCommand({ Bucket: 'media', Key: key, ContentLength: length, IfNoneMatch: '*' }), {
    expiresIn: 300,
    signableHeaders: new Set(['content-length', 'if-none-match']),
  });
}

async function stored(key: string): Promise<string | undefined> {
  return (await s3.readObject('media', key))?.toString();
}

describe('create-only writes', () => {
  it('stores a presigned create-only PUT once and answers its replay 412, keeping the original', async () => {
    const url = await presignUpload(KEY, 5);
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host;if-none-match');

    const first = await fetch(url, { method: 'PUT', headers: { 'if-none-match': '*' }, body: 'photo' });
    expect(first.status).toBe(200);

    const replay = await fetch(url, { method: 'PUT', headers: { 'if-none-match': '*' }, body: '<html' });
    expect(replay.status).toBe(412);
    expect(replay.headers.get('content-type')).toBe('application/xml');
    const error = await replay.text();
    expect(error).toContain('<Code>PreconditionFailed</Code>');
    expect(error).toContain('<Message>At least one of the pre-conditions you specified did not hold</Message>');
    expect(error).toContain('<Condition>If-None-Match</Condition>');
    expect(error).toContain(`<Resource>/media/${KEY}</Resource>`);

    expect(await stored(KEY)).toBe('photo');
    expect(created.map((e) => e.key)).toEqual([KEY]);
  });

  it('refuses a presigned PUT that leaves out a signed header as badly signed, storing nothing', async () => {
    const url = await presignUpload(KEY, 5);
    const unsigned = await fetch(url, { method: 'PUT', body: 'photo' });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const otherValue = await fetch(url, { method: 'PUT', headers: { 'if-none-match': '"abc"' }, body: 'photo' });
    expect(otherValue.status).toBe(403);
    expect(await stored(KEY)).toBeUndefined();
    expect(created).toEqual([]);
  });

  it('completes a multipart upload under If-None-Match: * only while the key is free', async () => {
    const upload = async (): Promise<{ UploadId: string | undefined; ETag: string | undefined }> => {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'media', Key: KEY }));
      const { ETag } = await client.send(new UploadPartCommand({ Bucket: 'media', Key: KEY, UploadId, PartNumber: 1, Body: 'video bytes' }));
      return { UploadId, ETag };
    };
    const complete = ({ UploadId, ETag }: { UploadId: string | undefined; ETag: string | undefined }) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: 'media', Key: KEY, UploadId, IfNoneMatch: '*', MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));

    const first = await upload();
    const second = await upload();
    await complete(first);
    const refused = await complete(second).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(S3ServiceException);
    expect(refused).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    expect(await stored(KEY)).toBe('video bytes');
    expect(created.map((e) => e.eventName)).toEqual(['ObjectCreated:CompleteMultipartUpload']);
  });
});
